package crawler

import (
	"container/heap"
	"strings"
)

// linkQueue holds the linked URLs found but not yet visited, and decides
// which is visited next, so that --max-pages goes where the pages are:
//
//   - URLs are grouped by directory (the path up to its last '/'), and the
//     next URL comes from the group that has had the fewest visits so far,
//     so one listing of 100,000 links takes its share of the budget, not
//     all of it; within a group, first found, first visited (by depth, as
//     pages are read in about that order);
//   - with --max-depth, depth comes first (every depth-1 URL before any
//     depth-2 URL), so a URL is not first found, too deep, by a long way
//     round; a waiting URL found again nearer the start counts at its new
//     depth (it keeps its place within its group);
//   - when waiting and visited URLs together would pass the budget, the
//     newest URL of the biggest group gives way to a URL of a smaller one.
//
// The start URL, the declared seeds and the sitemap entries do not wait
// here: the run visits them first. A crawl that never reaches the budget
// visits every URL it finds, whatever the order. The queue shares each
// URL's key string with the run's map of waiting pages; a group costs one
// entry per directory.
type linkQueue struct {
	byDepth bool // order by depth first (--max-depth)
	// depth, when set (with --max-depth), gives a waiting key's depth now:
	// a link found again nearer the start is lowered in the run's record
	// of it, not here.
	depth   func(key string) (int, bool)
	groups  map[string]*linkGroup
	next    groupHeap // groups with waiting URLs, the one to serve first on top
	biggest groupHeap // the same groups, the biggest (visited + waiting) on top
	seq     uint64
}

// linkGroup is one directory's waiting URLs.
type linkGroup struct {
	dir     string
	visited int
	keys    []string // waiting, oldest first; a key may be stale (see take)
	depths  []int32  // depth of each key when it was queued (see headDepth)
	head    int      // keys[:head] are gone
	waiting int      // keys that are still waiting
	seq     uint64   // when the group was made: ties go to the older one
	at      [2]int   // index in next and biggest; -1 when not in them
}

func newLinkQueue(byDepth bool, depth func(key string) (int, bool)) *linkQueue {
	q := &linkQueue{byDepth: byDepth, depth: depth, groups: map[string]*linkGroup{}}
	q.next = groupHeap{less: q.serveFirst, slot: 0}
	q.biggest = groupHeap{less: func(a, b *linkGroup) bool { return a.size() > b.size() }, slot: 1}
	return q
}

// linkDir is the group a URL key belongs to: its path up to the last '/'.
func linkDir(key string) string {
	rest := key
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
	}
	path := ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		path = rest[i:]
	}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	return path[:strings.LastIndexByte(path, '/')+1]
}

func (g *linkGroup) size() int { return g.visited + g.waiting }

// headDepth is the depth of g's next key: the run's, which may have been
// lowered since the key was queued, or the one it was queued with.
func (q *linkQueue) headDepth(g *linkGroup) int32 {
	if g.head >= len(g.depths) {
		return 0
	}
	if q.depth != nil {
		if d, ok := q.depth(g.keys[g.head]); ok {
			return queuedDepth(d)
		}
	}
	return g.depths[g.head]
}

func queuedDepth(d int) int32 { return int32(min(d, 1<<30)) }

func (q *linkQueue) serveFirst(a, b *linkGroup) bool {
	da, db := q.headDepth(a), q.headDepth(b)
	if q.byDepth && da != db {
		return da < db
	}
	if a.visited != b.visited {
		return a.visited < b.visited
	}
	if da != db {
		return da < db
	}
	return a.seq < b.seq
}

// group returns the group of dir, made when missing.
func (q *linkQueue) group(dir string) *linkGroup {
	g := q.groups[dir]
	if g == nil {
		q.seq++
		g = &linkGroup{dir: dir, seq: q.seq, at: [2]int{-1, -1}}
		q.groups[dir] = g
	}
	return g
}

// push queues key at the tail of its group.
func (q *linkQueue) push(key string, depth int) {
	g := q.group(linkDir(key))
	g.keys = append(g.keys, key)
	g.depths = append(g.depths, queuedDepth(depth))
	g.waiting++
	q.update(g)
}

// roomFor reports whether a URL of dir deserves a place that the biggest
// group would have to give up: only when that group is bigger by more
// than one, so that two groups never trade places back and forth.
func (q *linkQueue) roomFor(dir string) bool {
	if len(q.biggest.gs) == 0 {
		return false
	}
	big := q.biggest.gs[0]
	size := 0
	if g := q.groups[dir]; g != nil {
		size = g.size()
	}
	return big.dir != dir && big.size() > size+1
}

// take removes and returns the next key to visit, counting the visit to
// its group; live tells a waiting key from one already gone elsewhere (a
// seed that was visited at once).
func (q *linkQueue) take(live func(string) bool) (string, bool) {
	for len(q.next.gs) > 0 {
		g := q.next.gs[0]
		key := g.keys[g.head]
		g.keys[g.head] = ""
		g.head++
		if !live(key) {
			g.shrink()
			q.update(g)
			continue
		}
		g.waiting--
		g.visited++
		g.shrink()
		q.update(g)
		return key, true
	}
	return "", false
}

// evict removes the newest waiting key of the biggest group.
func (q *linkQueue) evict(live func(string) bool) (string, bool) {
	for len(q.biggest.gs) > 0 {
		g := q.biggest.gs[0]
		last := len(g.keys) - 1
		key := g.keys[last]
		g.keys, g.depths = g.keys[:last], g.depths[:last]
		ok := live(key)
		if ok {
			g.waiting--
		}
		g.shrink()
		q.update(g)
		if ok {
			return key, true
		}
	}
	return "", false
}

// lowered puts key's group back in its place after the run lowered the
// depth of key, which may be the group's next.
func (q *linkQueue) lowered(key string) {
	if g := q.groups[linkDir(key)]; g != nil && len(g.keys) > 0 {
		q.update(g)
	}
}

// forget counts a waiting key as gone (it was visited another way); the
// key itself stays in its group until take or evict meets it.
func (q *linkQueue) forget(key string) {
	if g := q.groups[linkDir(key)]; g != nil && g.waiting > 0 {
		g.waiting--
		g.shrink()
		q.update(g)
	}
}

// shrink drops the gone keys at the head once they are half the slice, and
// the group's storage when nothing waits.
func (g *linkGroup) shrink() {
	if g.waiting == 0 || g.head == len(g.keys) {
		g.keys, g.depths, g.head = nil, nil, 0
		return
	}
	if g.head > len(g.keys)/2 {
		n := copy(g.keys, g.keys[g.head:])
		copy(g.depths, g.depths[g.head:])
		clear(g.keys[n:])
		g.keys, g.depths, g.head = g.keys[:n], g.depths[:n], 0
	}
}

// update puts g where it belongs in both heaps after a change, and drops
// a group that holds nothing and was never visited.
func (q *linkQueue) update(g *linkGroup) {
	if len(g.keys) == 0 {
		q.next.remove(g)
		q.biggest.remove(g)
		if g.visited == 0 {
			delete(q.groups, g.dir)
		}
		return
	}
	q.next.set(g)
	q.biggest.set(g)
}

// groupHeap is a heap of groups; each group knows its index in it.
type groupHeap struct {
	gs   []*linkGroup
	less func(a, b *linkGroup) bool
	slot int // which of linkGroup.at holds the index
}

func (h *groupHeap) Len() int           { return len(h.gs) }
func (h *groupHeap) Less(i, j int) bool { return h.less(h.gs[i], h.gs[j]) }
func (h *groupHeap) Swap(i, j int) {
	h.gs[i], h.gs[j] = h.gs[j], h.gs[i]
	h.gs[i].at[h.slot], h.gs[j].at[h.slot] = i, j
}
func (h *groupHeap) Push(x any) {
	g := x.(*linkGroup)
	g.at[h.slot] = len(h.gs)
	h.gs = append(h.gs, g)
}
func (h *groupHeap) Pop() any {
	g := h.gs[len(h.gs)-1]
	h.gs[len(h.gs)-1] = nil
	h.gs = h.gs[:len(h.gs)-1]
	g.at[h.slot] = -1
	return g
}

func (h *groupHeap) set(g *linkGroup) {
	if g.at[h.slot] < 0 {
		heap.Push(h, g)
		return
	}
	heap.Fix(h, g.at[h.slot])
}

func (h *groupHeap) remove(g *linkGroup) {
	if g.at[h.slot] >= 0 {
		heap.Remove(h, g.at[h.slot])
	}
}

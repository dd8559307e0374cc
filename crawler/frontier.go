package crawler

import (
	"fmt"
	"net/url"
	"slices"
)

// page is the crawl's state for one URL.
type page struct {
	depth     int
	via       Found
	referrers []string
	remaining int  // agent fetches not finished yet
	blocked   bool // some agent met a wall
	linksRead bool
	// done: every observation of the page is made, so the pages that
	// link here are no longer collected (they only feed observations).
	done bool
	// The page's URL template and how many discoveries in a row within
	// that template led here (see traps.go).
	pattern *trapPattern
	chain   int32
}

// job is one fetch waiting. It is kept small: the queue holds a job per
// agent for every seed and sitemap entry at the start. The URL is parsed
// again from its key when fetched rather than kept parsed (a *url.URL and
// its strings cost more than the key, which the page map holds anyway).
type job struct {
	key     string
	agent   *Agent // into cfg.Agents; nil for the browser control
	control bool
}

// enqueue adds a URL to the frontier, once. The start URL, seeds and
// sitemap entries are visited at once (a fetch per agent is scheduled);
// linked URLs wait in the link queue, which decides their order and, when
// the budget is short, which of them are visited at all.
func (r *run) enqueue(u *url.URL, depth int, via Found, referrer string) {
	r.enqueueKey(u, "", depth, via, referrer)
}

// enqueueKey is enqueue for a URL whose string the caller already has
// (u.String(), as link extraction made it; "" when it has not).
func (r *run) enqueueKey(u *url.URL, key string, depth int, via Found, referrer string) {
	// Only what links and redirects lead to may be a trap; the start URL,
	// seeds and sitemap entries were asked for.
	linked := via == FoundLink || via == FoundRedirect
	var stripped []string
	if linked && r.traps != nil {
		stripped = stripSessions(u)
	}
	if key == "" || stripped != nil {
		key = u.String()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if stripped != nil {
		r.traps.noteStripped(stripped)
	}
	if p, ok := r.pages[key]; ok {
		p.addReferrer(referrer)
		return
	}
	if p, ok := r.waiting[key]; ok {
		p.addReferrer(referrer)
		if depth < p.depth {
			p.depth = depth
			r.links.lowered(key)
		}
		if !linked {
			// Asked for: visited now rather than in the links' turn.
			delete(r.waiting, key)
			r.links.forget(key)
			p.via = via
			r.visit(key, p)
		}
		return
	}
	if r.cfg.MaxDepth > 0 && depth > r.cfg.MaxDepth {
		return
	}
	full := len(r.pages)+len(r.waiting) >= r.cfg.MaxPages
	if len(r.pages) >= r.cfg.MaxPages || full && linked && !r.links.roomFor(linkDir(key)) ||
		full && !linked && len(r.waiting) == 0 {
		r.budgetSpent()
		return
	}
	p := &page{depth: depth, via: via}
	if r.traps != nil {
		pat, chain, ok := r.traps.check(u, key, linked, r.pages[referrer])
		if !ok {
			return
		}
		p.pattern, p.chain = pat, int32(min(chain, 1<<30))
	}
	if referrer != "" {
		p.referrers = []string{referrer}
	}
	if full {
		// The newest link of the biggest group gives way.
		if gone, ok := r.links.evict(r.isWaiting); ok {
			delete(r.waiting, gone)
		}
		r.budgetSpent()
	}
	if !linked {
		r.visit(key, p)
		return
	}
	r.waiting[key] = p
	r.links.push(key, depth)
	r.cond.Broadcast()
}

// addReferrer records one more page that links here, up to maxReferrers.
func (p *page) addReferrer(referrer string) {
	if referrer == "" || p.done || len(p.referrers) >= maxReferrers || slices.Contains(p.referrers, referrer) {
		return
	}
	if cap(p.referrers) < maxReferrers {
		// One allocation of the final size instead of growing 1, 2, 4, 8.
		p.referrers = append(make([]string, 0, maxReferrers), p.referrers...)
	}
	p.referrers = append(p.referrers, referrer)
}

// retire forgets a page whose observations are all made: the visited set
// then maps its URL to the run's one retired page, which says only that
// the URL was visited. The caller holds r.mu.
func (r *run) retire(key string, p *page) {
	p.done, p.referrers = true, nil
	r.pages[key] = r.retired
}

// waitingDepth is the depth of a waiting link, for the link queue's order.
func (r *run) waitingDepth(key string) (int, bool) {
	p, ok := r.waiting[key]
	if !ok {
		return 0, false
	}
	return p.depth, true
}

func (r *run) isWaiting(key string) bool {
	_, ok := r.waiting[key]
	return ok
}

// budgetSpent notes, once, that --max-pages left URLs unvisited; the
// caller holds r.mu.
func (r *run) budgetSpent() {
	if !r.capped {
		r.capped = true
		r.notes = append(r.notes, fmt.Sprintf("--max-pages %d reached: further URLs were not visited", r.cfg.MaxPages))
	}
}

// visit counts a page as visited and schedules a fetch per agent (robots.txt
// is decided when the fetch comes up); the caller holds r.mu.
func (r *run) visit(key string, p *page) {
	r.pages[key] = p
	if p.pattern != nil {
		// Here, not when queued: a waiting link may be evicted or never reached.
		p.pattern.visited++
	}
	for i := range r.cfg.Agents {
		p.remaining++
		r.queue = append(r.queue, job{key: key, agent: &r.cfg.Agents[i]})
	}
	r.cond.Broadcast()
}

// visitNextLink moves the link queue's next URL to the visited pages; the
// caller holds r.mu. false when no link waits.
func (r *run) visitNextLink() bool {
	key, ok := r.links.take(r.isWaiting)
	if !ok {
		return false
	}
	p := r.waiting[key]
	delete(r.waiting, key)
	r.visit(key, p)
	return true
}

// observation starts an Observation with what the frontier knows; the
// caller holds r.mu.
func (r *run) observation(key string, p *page, agent string) Observation {
	return Observation{
		URL:        key,
		Agent:      agent,
		Depth:      p.depth,
		FoundVia:   p.via,
		LinkedFrom: append([]string(nil), p.referrers...),
		InSitemap:  r.sitemap[key],
	}
}

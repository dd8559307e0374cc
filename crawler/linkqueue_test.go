package crawler

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLinkDir(t *testing.T) {
	for key, want := range map[string]string{
		"http://h/":              "/",
		"http://h/about":         "/",
		"http://h/ok/1":          "/ok/",
		"http://h/ok/":           "/ok/",
		"http://h/a/b/c?x=/y/z":  "/a/b/",
		"https://h:8080/d/e.htm": "/d/",
	} {
		assert.Equal(t, want, linkDir(key), key)
	}
}

// drain takes every key from q in order.
func drain(q *linkQueue, live map[string]bool) []string {
	var out []string
	for {
		k, ok := q.take(func(k string) bool { return live[k] })
		if !ok {
			return out
		}
		delete(live, k)
		out = append(out, k)
	}
}

func TestLinkQueueShare(t *testing.T) {
	q := newLinkQueue(false, nil)
	live := map[string]bool{}
	push := func(key string, depth int) { live[key] = true; q.push(key, depth) }
	// A big listing found first, then two small sections.
	for i := range 5 {
		push(fmt.Sprintf("http://h/ok/%d", i), 2)
	}
	push("http://h/sec/a", 1)
	push("http://h/sec/b", 1)
	push("http://h/doc/x", 3)
	// Each directory in turn, the fewest visited first; ties by depth,
	// then by the order the directories were found in.
	assert.Equal(t, []string{
		"http://h/sec/a", "http://h/ok/0", "http://h/doc/x",
		"http://h/sec/b", "http://h/ok/1", "http://h/ok/2", "http://h/ok/3", "http://h/ok/4",
	}, drain(q, live))
	assert.Empty(t, q.next.gs)
	assert.Empty(t, q.biggest.gs)
}

func TestLinkQueueByDepth(t *testing.T) {
	q := newLinkQueue(true, nil)
	live := map[string]bool{}
	push := func(key string, depth int) { live[key] = true; q.push(key, depth) }
	push("http://h/ok/0", 2)
	push("http://h/ok/1", 2)
	push("http://h/sec/a", 3)
	push("http://h/doc/x", 1)
	assert.Equal(t, []string{"http://h/doc/x", "http://h/ok/0", "http://h/ok/1", "http://h/sec/a"}, drain(q, live))
}

func TestLinkQueueEvictAndForget(t *testing.T) {
	q := newLinkQueue(false, nil)
	live := map[string]bool{}
	push := func(key string) { live[key] = true; q.push(key, 1) }
	isLive := func(k string) bool { return live[k] }
	for i := range 4 {
		push(fmt.Sprintf("http://h/ok/%d", i))
	}
	push("http://h/sec/a")
	assert.True(t, q.roomFor("/sec/"), "4 waiting in /ok/, 1 in /sec/")
	assert.True(t, q.roomFor("/new/"))
	assert.False(t, q.roomFor("/ok/"), "the biggest group never makes room for itself")

	gone, ok := q.evict(isLive)
	require.True(t, ok)
	assert.Equal(t, "http://h/ok/3", gone, "the newest of the biggest group")
	delete(live, gone)

	// A key visited another way is skipped when its turn comes.
	delete(live, "http://h/ok/0")
	q.forget("http://h/ok/0")
	assert.Equal(t, []string{"http://h/ok/1", "http://h/sec/a", "http://h/ok/2"}, drain(q, live))
	assert.False(t, q.roomFor("/x/"), "nothing waits: nothing to give way")
	assert.Len(t, q.groups, 2, "groups that were visited stay, for their share")
}

package crawler

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testRun is a run that fetches nothing: a test drives its frontier by
// hand, under no lock (nothing else runs).
func testRun(t *testing.T, o Options) *run {
	t.Helper()
	cfg, err := o.validate()
	require.NoError(t, err)
	return newRun(cfg)
}

// link enqueues target as found on the page from, at depth.
func (r *run) link(t *testing.T, target string, depth int, from string) {
	t.Helper()
	r.enqueue(mustParse(t, target), depth, FoundLink, from)
}

// visitedOrder takes every waiting link in the queue's order.
func (r *run) visitedOrder() []string {
	var out []string
	for r.visitNextLink() {
		out = append(out, r.queue[len(r.queue)-1].key)
	}
	return out
}

// TestTrapNoteCountsVisits: the trap note counts the pages of the pattern
// that were visited, not the links queued: one still waiting (a crawl
// interrupted) and one evicted for the budget are not visits.
func TestTrapNoteCountsVisits(t *testing.T) {
	r := testRun(t, Options{Start: "http://h/", MaxPages: 103})
	// Each month found from the one before: the 101st in a row is cut.
	from := ""
	for i := range 101 {
		key := fmt.Sprintf("http://h/cal/%d", i)
		r.link(t, key, 1, from)
		r.visitNextLink()
		from = key
	}
	require.Len(t, r.pages, 100)
	r.link(t, "http://h/cal/500", 1, "http://h/")
	r.link(t, "http://h/cal/501", 1, "http://h/")
	r.link(t, "http://h/other/a", 1, "http://h/")
	// The budget is full: /cal/501, the newest of the biggest directory,
	// gives way to /other/b.
	r.link(t, "http://h/other/b", 1, "http://h/")
	assert.NotContains(t, r.waiting, "http://h/cal/501")
	assert.Contains(t, r.waiting, "http://h/cal/500")

	assert.Equal(t, []string{
		"crawler trap cut: /cal/{n}: 100 URLs visited, 1 more skipped (each of them found from another of the same pattern, 100 in a row)",
	}, r.traps.notes())
}

// TestMaxDepthLinkFoundAgainNearer: with --max-depth, a waiting link found
// again nearer the start is visited in the turn of its new depth.
func TestMaxDepthLinkFoundAgainNearer(t *testing.T) {
	r := testRun(t, Options{Start: "http://h/", MaxDepth: 3})
	r.link(t, "http://h/a/x", 3, "http://h/deep/2")
	r.link(t, "http://h/b/y", 2, "http://h/deep/1")
	r.link(t, "http://h/a/x", 1, "http://h/")
	r.link(t, "http://h/c/z", 1, "http://h/")
	assert.Equal(t, []string{"http://h/a/x", "http://h/c/z", "http://h/b/y"}, r.visitedOrder())
	assert.Equal(t, 1, r.pages["http://h/a/x"].depth)
}

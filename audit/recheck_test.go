package audit

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/crawler"
)

// TestRecheck: the earlier report had walls on /blog/ and /docs/, an
// undeclared wall on /internal/ linked from the home page, and a wall on
// another host. The recheck fetched the site's three URLs again: /docs/
// is open now, the others still walled.
func TestRecheck(t *testing.T) {
	earlier := []Finding{
		{Kind: PublicUnauthorized, Severity: SeverityError, URL: site + "/blog/", Failing: true, New: true},
		{Kind: PublicUnauthorized, Severity: SeverityError, URL: site + "/docs/", Failing: true, New: true},
		{Kind: PublicUnauthorized, Severity: SeverityError, URL: site + "/docs/", Failing: true}, // listed twice
		{Kind: UndeclaredBlocked, Severity: SeverityInfo, URL: site + "/internal/", FoundVia: "link", LinkedFrom: []string{site + "/"}},
		{Kind: UndeclaredBlocked, Severity: SeverityInfo, URL: "http://files.example.net/q1.pdf"},
	}
	recheck := func(o crawler.Observation) crawler.Observation {
		o.FoundVia, o.LinkedFrom = crawler.FoundDeclared, nil // seeds: no referrer
		return o
	}
	fo, err := ParseFailOn(nil)
	require.NoError(t, err)
	a, err := NewAuditor(Options{Paths: paths(t, "/blog/**\n/docs/**\n/\n"), FailOn: fo, Recheck: "old.json", Earlier: earlier, Notes: []string{"a note"}})
	require.NoError(t, err)
	for _, o := range []crawler.Observation{
		recheck(obs("/blog/", "googlebot", hop(401))),
		recheck(obs("/docs/", "googlebot", hop(200))),
		recheck(obs("/internal/", "googlebot", hop(403))),
		recheck(obs("/other", "googlebot", hop(401))), // undeclared, linked from nowhere: no finding
	} {
		a.Add(o)
	}
	r := a.Finish(crawler.Result{Start: site + "/", URLs: 4})

	got := map[string]string{}
	for _, f := range r.Findings {
		got[string(f.Kind)+" "+f.URL] = f.Recheck
	}
	assert.Equal(t, map[string]string{
		"public-401 " + site + "/blog/":             RecheckRemains,
		"undeclared-blocked " + site + "/internal/": RecheckRemains,
	}, got)
	ub := only(t, r, UndeclaredBlocked)
	assert.Equal(t, []string{site + "/"}, ub.LinkedFrom, "the earlier referrers count")
	assert.Equal(t, "link", ub.FoundVia)
	assert.True(t, r.Failed, "a failing finding remains")
	assert.Contains(t, r.Notes, "a note")

	require.NotNil(t, r.Recheck)
	assert.Equal(t, "old.json", r.Recheck.Report)
	assert.Equal(t, 4, r.Recheck.URLs)
	require.Len(t, r.Recheck.Fixed, 1)
	fixed := r.Recheck.Fixed[0]
	assert.Equal(t, site+"/docs/", fixed.URL)
	assert.Equal(t, RecheckFixed, fixed.Recheck)
	assert.False(t, fixed.Failing, "a fixed finding never fails")
	require.Len(t, r.Recheck.Unchecked, 1, "another host is not fetched again: neither fixed nor remaining")
	assert.Equal(t, "http://files.example.net/q1.pdf", r.Recheck.Unchecked[0].URL)
}

func TestRecheckAllFixedPasses(t *testing.T) {
	fo, err := ParseFailOn(nil)
	require.NoError(t, err)
	a, err := NewAuditor(Options{Paths: paths(t, "/**\n"), FailOn: fo, Recheck: "old.json",
		Earlier: []Finding{{Kind: PublicForbidden, URL: site + "/careers"}}})
	require.NoError(t, err)
	a.Add(obs("/careers", "googlebot", hop(200)))
	r := a.Finish(crawler.Result{Start: site + "/", URLs: 1})
	assert.False(t, r.Failed)
	assert.Empty(t, r.Findings)
	require.Len(t, r.Recheck.Fixed, 1)

	// Not a recheck: no Recheck at all.
	assert.Nil(t, run(t, paths(t, "/**\n"), []crawler.Observation{obs("/", "googlebot", hop(200))}).Recheck)
}

// TestRecheckFixedNeedsAnAnswer: an earlier wall is fixed only when a
// crawler agent got an HTTP answer at its URL this time; a URL robots.txt
// now keeps the agents out of, or whose fetch failed, is unchecked.
func TestRecheckFixedNeedsAnAnswer(t *testing.T) {
	skipped := func(o crawler.Observation) crawler.Observation {
		o.Hops, o.RobotsDisallowed, o.Skipped = nil, true, "robots"
		return o
	}
	failed := func(o crawler.Observation) crawler.Observation {
		o.Hops, o.Err = nil, "timeout after 10s"
		return o
	}
	tests := []struct {
		name      string
		now       []crawler.Observation
		fixed     bool
		unchecked bool
	}{
		{"robots-blocked now", []crawler.Observation{skipped(obs("/careers", "googlebot")), skipped(obs("/careers", "bingbot"))}, false, true},
		{"fetch error now", []crawler.Observation{failed(obs("/careers", "googlebot"))}, false, true},
		{"only the browser control answered", []crawler.Observation{failed(obs("/careers", "googlebot")), obs("/careers", crawler.BrowserAgentName, hop(200))}, false, true},
		{"answered 200 now", []crawler.Observation{skipped(obs("/careers", "bingbot")), obs("/careers", "googlebot", hop(200))}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fo, err := ParseFailOn(nil)
			require.NoError(t, err)
			a, err := NewAuditor(Options{Paths: paths(t, "/**\n"), FailOn: fo, Recheck: "old.json",
				Earlier: []Finding{{Kind: PublicForbidden, URL: site + "/careers"}}})
			require.NoError(t, err)
			for _, o := range tt.now {
				a.Add(o)
			}
			r := a.Finish(crawler.Result{Start: site + "/", URLs: 1})
			require.NotNil(t, r.Recheck)
			assert.Equal(t, tt.fixed, len(r.Recheck.Fixed) == 1, "fixed: %+v", r.Recheck.Fixed)
			assert.Equal(t, tt.unchecked, len(r.Recheck.Unchecked) == 1, "unchecked: %+v", r.Recheck.Unchecked)
		})
	}
}

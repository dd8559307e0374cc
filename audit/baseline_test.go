package audit

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/crawler"
)

func TestDecideBaseline(t *testing.T) {
	f := func(k Kind, url string) Finding {
		return Finding{Kind: k, Severity: severityOf(k), URL: url, New: true}
	}
	r := &Report{Findings: []Finding{
		f(PublicUnauthorized, "https://example.org/blog/"), // was there: not new
		f(PublicUnauthorized, "https://example.org/docs/"), // new
		f(PublicSoftAuth, "https://example.org/members"),   // new, a warning
	}, Failed: true}
	prior := []Finding{
		f(PublicUnauthorized, "https://example.org/blog/"),
		f(PublicForbidden, "https://example.org/careers"), // fixed
		f(PublicForbidden, "https://example.org/blog/"),   // same URL, other kind: fixed
	}
	fo, err := ParseFailOn(nil)
	require.NoError(t, err)
	decide(r, fo, "old.json", prior)
	assert.Equal(t, "old.json", r.Baseline)
	assert.Equal(t, []bool{false, true, true}, []bool{r.Findings[0].New, r.Findings[1].New, r.Findings[2].New})
	assert.Equal(t, []bool{false, true, false}, []bool{r.Findings[0].Failing, r.Findings[1].Failing, r.Findings[2].Failing}, "only the new error fails; the new warning does not under --fail-on error")
	assert.True(t, r.Failed, "the new public-401 fails")
	require.Len(t, r.Fixed, 2)
	assert.Equal(t, "https://example.org/blog/", r.Fixed[0].URL)
	assert.Equal(t, "https://example.org/careers", r.Fixed[1].URL)

	// Only old errors left: the run passes.
	r = &Report{Findings: []Finding{f(PublicUnauthorized, "https://example.org/blog/"), f(PublicSoftAuth, "https://example.org/m")}}
	decide(r, fo, "old.json", prior)
	assert.False(t, r.Failed)
	for _, f := range r.Findings {
		assert.False(t, f.Failing)
	}
}

// TestFinishDecidesFailing runs whole audits: each finding's Failing
// follows --fail-on and the baseline, and the report fails exactly when
// some finding is failing.
func TestFinishDecidesFailing(t *testing.T) {
	form := `<form><input type="password" name="p"></form>`
	failedFetch := obs("/docs", "googlebot")
	failedFetch.Err = "timeout"
	observations := []crawler.Observation{
		obs("/blog/", "googlebot", hop(401)),               // public-401, error
		with(obs("/members", "googlebot", hop(200)), form), // public-soft-auth, warning
		failedFetch, // fetch-error, info
		obs("/", "googlebot", hop(200)),
	}
	prior401 := []Finding{{Kind: PublicUnauthorized, URL: site + "/blog/"}}
	for _, tc := range []struct {
		name     string
		failOn   []string
		baseline []Finding
		want     map[Kind]bool
	}{
		{"default is error: a warning never fails", nil, nil,
			map[Kind]bool{PublicUnauthorized: true, PublicSoftAuth: false, FetchError: false}},
		{"error", []string{"error"}, nil,
			map[Kind]bool{PublicUnauthorized: true, PublicSoftAuth: false, FetchError: false}},
		{"warning", []string{"warning"}, nil,
			map[Kind]bool{PublicUnauthorized: true, PublicSoftAuth: true, FetchError: false}},
		{"info", []string{"info"}, nil,
			map[Kind]bool{PublicUnauthorized: true, PublicSoftAuth: true, FetchError: true}},
		{"a kind", []string{"fetch-error"}, nil,
			map[Kind]bool{PublicUnauthorized: false, PublicSoftAuth: false, FetchError: true}},
		{"never", []string{"never"}, nil,
			map[Kind]bool{PublicUnauthorized: false, PublicSoftAuth: false, FetchError: false}},
		{"baseline had the error", nil, prior401,
			map[Kind]bool{PublicUnauthorized: false, PublicSoftAuth: false, FetchError: false}},
		{"baseline had the error, warnings fail", []string{"warning"}, prior401,
			map[Kind]bool{PublicUnauthorized: false, PublicSoftAuth: true, FetchError: false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fo, err := ParseFailOn(tc.failOn)
			require.NoError(t, err)
			o := Options{Paths: paths(t, "/\n/blog/**\n/members\n/docs\n"), FailOn: fo, Prior: tc.baseline}
			if tc.baseline != nil {
				o.Baseline = "old.json"
			}
			a, err := NewAuditor(o)
			require.NoError(t, err)
			for _, ob := range observations {
				a.Add(ob)
			}
			r := a.Finish(crawler.Result{Start: site + "/", Agents: []crawler.Agent{{Name: "googlebot"}}})
			got := map[Kind]bool{}
			anyFailing := false
			for _, f := range r.Findings {
				got[f.Kind] = f.Failing
				anyFailing = anyFailing || f.Failing
			}
			assert.Equal(t, tc.want, got)
			assert.Equal(t, anyFailing, r.Failed, "summary failed is any(failing)")
		})
	}
}

func TestFinishMarksInterruptedCrawlIncomplete(t *testing.T) {
	a, err := NewAuditor(Options{})
	require.NoError(t, err)
	a.Add(obs("/", "googlebot", hop(200)))
	assert.True(t, a.Finish(crawler.Result{Start: site + "/", Incomplete: true}).Incomplete)

	a, err = NewAuditor(Options{})
	require.NoError(t, err)
	assert.False(t, a.Finish(crawler.Result{Start: site + "/"}).Incomplete)
}

package audit

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecideBaseline(t *testing.T) {
	f := func(k Kind, url string) Finding {
		return Finding{Kind: k, Severity: SeverityOf(k), URL: url, New: true}
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

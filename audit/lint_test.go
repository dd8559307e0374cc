package audit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/audit/serverconf"
	"authwall/crawler"
)

var lintAgents = []crawler.Agent{
	{Name: "googlebot", UserAgent: "Mozilla/5.0 (compatible; Googlebot/2.1)"},
	{Name: "bingbot", UserAgent: "Mozilla/5.0 (compatible; bingbot/2.0)"},
}

func lint(t *testing.T, conf, decl string, sitemap ...string) *Report {
	t.Helper()
	file := filepath.Join(t.TempDir(), "site.conf")
	require.NoError(t, os.WriteFile(file, []byte(conf), 0o644))
	ev, err := serverconf.Load(file)
	require.NoError(t, err)
	fo, err := ParseFailOn(nil)
	require.NoError(t, err)
	rep, err := Lint(LintOptions{Target: "http://example.org:8080/", Paths: paths(t, decl), Sitemap: sitemap,
		Agents: lintAgents, Configs: []serverconf.Evaluator{ev}, FailOn: fo})
	require.NoError(t, err)
	return rep
}

func TestLint(t *testing.T) {
	rep := lint(t, whiteBoxConf, "/\n/blog/**\n/deny/x.html\n!/members/**\n", "http://example.org:8080/open/feed.xml", "http://other.example/blog/")
	type row struct {
		kind Kind
		path string
		line int
	}
	var got []row
	for _, f := range rep.Findings {
		require.NotNil(t, f.Attribution, f.Path)
		require.NotNil(t, f.Attribution.Location, f.Path)
		assert.Equal(t, "site.conf", filepath.Base(f.Attribution.Location.File))
		assert.Equal(t, []string{"googlebot", "bingbot"}, f.Agents, f.Path)
		assert.True(t, f.Failing, f.Path)
		got = append(got, row{f.Kind, f.Path, f.Attribution.Location.Line})
	}
	assert.ElementsMatch(t, []row{
		// The glob's prefix and a page under it inherit the server's auth_basic.
		{PublicUnauthorized, "/blog/", 4},
		{PublicUnauthorized, "/blog/authwall-lint-sample.html", 4},
		{PublicForbidden, "/deny/x.html", 10},
		// location /members/ turns auth off: the private area is open.
		{PrivateExposed, "/members/", 11},
		{PrivateExposed, "/members/authwall-lint-sample.html", 11},
	}, got)
	assert.True(t, rep.Failed)
	assert.Equal(t, "http://example.org:8080/", rep.Target)
	// /, /blog/ and its page, /deny/x.html, the members' two and the
	// sitemap's URL on this origin; the other host's URL is not the config's.
	assert.Equal(t, 7, rep.URLs)
	for _, f := range rep.Findings {
		if f.Kind == PublicUnauthorized {
			assert.Equal(t, map[string]int{"googlebot": 401, "bingbot": 401}, f.Statuses)
			assert.Equal(t, "/blog/**", f.DeclaredBy)
			assert.Equal(t, "basic", f.Attribution.Mechanism)
			assert.Equal(t, "auth_basic", f.Attribution.Directive)
			assert.Equal(t, "high", f.Attribution.Confidence)
			assert.Contains(t, f.Attribution.Fix, "Add `auth_basic off;` to location /blog/")
		}
	}
}

func TestLintFixedConfig(t *testing.T) {
	fixed := strings.NewReplacer(
		"location /blog/ {\n", "location /blog/ {\n            auth_basic off;\n",
		"location /members/ { auth_basic off; }", "location /members/ { }",
	).Replace(whiteBoxConf)
	rep := lint(t, fixed, "/\n/blog/**\n!/members/**\n")
	assert.Empty(t, rep.Findings)
	assert.False(t, rep.Failed)
}

func TestLintSamplesFromLocations(t *testing.T) {
	conf := "http { server { listen 8080;\n location / {}\n location /docs/ {}\n location /docs/internal/ { deny all; }\n } }\n"
	rep := lint(t, conf, "/docs/**\n")
	require.Len(t, rep.Findings, 1)
	assert.Equal(t, "/docs/internal/", rep.Findings[0].Path, "the config's own location under the pattern is checked")
	assert.Equal(t, 4, rep.Findings[0].Attribution.Location.Line)
}

func TestLintUnsupportedIsNoted(t *testing.T) {
	conf := "http { server { listen 8080;\n location / { auth_request /_auth; }\n } }\n"
	rep := lint(t, conf, "/\n")
	assert.Empty(t, rep.Findings)
	require.Len(t, rep.Notes, 1)
	assert.Contains(t, rep.Notes[0], "`auth_request /_auth` at ")
	assert.Contains(t, rep.Notes[0], "site.conf:2")
}

func TestLintBadTarget(t *testing.T) {
	_, err := Lint(LintOptions{Target: "example.org"})
	assert.ErrorContains(t, err, `lint target "example.org"`)
}

func TestGlobPrefix(t *testing.T) {
	for pattern, want := range map[string]string{
		"/blog/**":       "/blog/",
		"/docs/*.html":   "/docs/",
		"/a/b{c,d}/**":   "/a/",
		"/**":            "/",
		"/exact":         "/exact",
		`/x/\*literal/*`: "/x/",
	} {
		assert.Equal(t, want, globPrefix(pattern), pattern)
	}
}

func TestLintDeclaredByIsTheDecidingLine(t *testing.T) {
	conf := "http { server { listen 8080;\n location / {}\n location /blog/drafts/ {}\n } }\n"
	rep := lint(t, conf, "/blog/**\n!/blog/drafts/**\n")
	require.NotEmpty(t, rep.Findings)
	for _, f := range rep.Findings {
		assert.Equal(t, PrivateExposed, f.Kind, f.Path)
		assert.Equal(t, "!/blog/drafts/**", f.DeclaredBy, f.Path)
	}
}

package audit

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// minimalCatalog is a valid catalog that the error cases below break in
// one place each.
const minimalCatalog = `
ua_rules:
  - {id: ua-rule.generic, source: '*', directive: a User-Agent rule, fix: drop the crawler names}
signatures:
  - id: test.basic
    source: nginx
    mechanism: basic
    directive: auth_basic
    uniqueness: strong
    require:
      - status: [401]
      - scheme: Basic
    signals:
      - header: Server
        match: '^nginx'
    fix: auth_basic off;
`

func TestParseCatalogMinimal(t *testing.T) {
	c, err := parseCatalog([]byte(minimalCatalog))
	require.NoError(t, err)
	assert.Equal(t, []string{"test.basic", "ua-rule.generic"}, c.ids())
}

func TestDefaultCatalog(t *testing.T) {
	c, err := DefaultCatalog()
	require.NoError(t, err)
	sources := map[string]bool{}
	for _, s := range c.sigs {
		sources[s.source] = true
	}
	// The first version covers these at least.
	for _, s := range []string{"nginx", "apache", "caddy", "haproxy", "lighttpd", "iis", "express", "wordpress",
		"django", "rails", "oauth2-proxy", "cloudflare-access", "azure-app-service", "app", "unknown"} {
		assert.True(t, sources[s], "no signature for source %s", s)
	}
}

func TestParseCatalogErrors(t *testing.T) {
	cases := []struct {
		name    string
		old     string // text of minimalCatalog to replace
		new     string
		wantAll []string // substrings of the error
	}{
		{"unknown source", "source: nginx", "source: nginxx", []string{"signature test.basic", "source", `"nginxx"`, "one of nginx, apache, caddy"}},
		{"unknown mechanism", "mechanism: basic", "mechanism: password", []string{"signature test.basic", "mechanism", `"password"`, "one of basic, digest, bearer", `or "from-challenge"`}},
		{"missing fix", "    fix: auth_basic off;\n", "", []string{"signature test.basic", "fix: missing"}},
		{"missing directive", "    directive: auth_basic\n", "", []string{"signature test.basic", "directive: missing"}},
		{"bad regexp", "match: '^nginx'", "match: '^(nginx'", []string{"signature test.basic", "signals[0]", "header Server", "bad regexp", "missing closing )"}},
		{"bad uniqueness", "uniqueness: strong", "uniqueness: certain", []string{"signature test.basic", "uniqueness", `"certain"`}},
		{"bad id", "id: test.basic", "id: Test Basic", []string{"id", `"Test Basic"`}},
		{"no require", "    require:\n      - status: [401]\n      - scheme: Basic\n", "", []string{"signature test.basic", "require: at least one"}},
		{"two matchers in one predicate", "      - scheme: Basic\n", "      - scheme: Basic\n        body: x\n", []string{"signature test.basic", "require[1]", "several matchers"}},
		{"empty predicate", "      - scheme: Basic\n", "      - weight: 2\n", []string{"signature test.basic", "require[1]", "no matcher"}},
		{"match on a body", "      - scheme: Basic\n", "      - body: x\n        match: y\n", []string{"signature test.basic", "require[1]", "match applies to param and header only"}},
		{"absent on a status", "      - status: [401]\n", "      - status: [401]\n        absent: true\n", []string{"signature test.basic", "require[0]", "absent applies"}},
		{"bad status", "status: [401]", "status: [4010]", []string{"signature test.basic", "require[0]", "4010"}},
		{"negative weight", "        match: '^nginx'\n", "        match: '^nginx'\n        weight: -2\n", []string{"signature test.basic", "signals[0]", "negative"}},
		{"unknown field", "    uniqueness: strong\n", "    uniqueness: strong\n    realm_default: x\n", []string{"signature test.basic", "realm_default"}},
		{"misspelt predicate", "      - scheme: Basic\n", "      - schema: Basic\n", []string{"signature test.basic", "schema"}},
		{"duplicate id", "signatures:\n", "signatures:\n  - {id: test.basic, source: nginx, mechanism: basic, directive: d, uniqueness: weak, require: [{status: [401]}], fix: f}\n", []string{"test.basic", "used twice"}},
		{"no ua fallback", "source: '*'", "source: nginx", []string{"ua_rules", `source "*"`}},
		{"ua rule unknown source", "source: '*'", "source: nginks", []string{"ua_rule ua-rule.generic", `"nginks"`, `or "*" for the fallback`}},
		{"ua rule without fix", ", fix: drop the crawler names}", "}", []string{"ua_rule ua-rule.generic", "fix: missing"}},
		{"not YAML", "signatures:\n", "signatures: [\n", []string{"parse catalog"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Contains(t, minimalCatalog, tc.old)
			_, err := parseCatalog([]byte(strings.Replace(minimalCatalog, tc.old, tc.new, 1)))
			require.Error(t, err)
			for _, want := range tc.wantAll {
				assert.Contains(t, err.Error(), want)
			}
		})
	}

	_, err := parseCatalog(nil)
	assert.Error(t, err)
	_, err = parseCatalog([]byte("layers: []\n"))
	assert.ErrorContains(t, err, "no signatures")
	_, err = parseCatalog([]byte(minimalCatalog + "layers:\n  - {name: x, header: Server, match: '['}\n"))
	assert.ErrorContains(t, err, `layer 1 ("x")`)
}

// A new source is data only: a catalog entry makes Attribute recognise it.
func TestParseCatalogNewSourceIsData(t *testing.T) {
	extra := strings.Replace(minimalCatalog, "signatures:\n", `signatures:
  - id: test.vercel
    source: vercel
    mechanism: unknown
    directive: Deployment Protection
    uniqueness: strong
    require:
      - status: [401]
      - header: Server
        match: '^Vercel$'
    fix: Limit Deployment Protection to preview deployments.
`, 1)
	c, err := parseCatalog([]byte(extra))
	require.NoError(t, err)
	best, _ := c.Attribute(Answer{Status: 401, Header: map[string][]string{"Server": {"Vercel"}}}, nil)
	assert.Equal(t, "test.vercel", best.Signature)
	assert.Equal(t, "vercel", best.Source)
	assert.Equal(t, []string{"status 401", "Server: Vercel"}, best.Evidence)
}

// An application's "log in first" page is data too: a replaces_content
// signature makes a 2xx page that meets it a soft wall, whatever its text.
func TestParseCatalogReplacesContentIsData(t *testing.T) {
	page := &Answer{Status: 200, Header: map[string][]string{"Content-Type": {"text/html"}},
		Body: []byte(`<html><body><div class="acme-gate">` + words(500) + `</div></body></html>`)}
	c, err := parseCatalog([]byte(minimalCatalog))
	require.NoError(t, err)
	_, ok, _ := c.softWall(page, true)
	assert.False(t, ok, "500 words of text and no form is content")

	extra := strings.Replace(minimalCatalog, "signatures:\n", `signatures:
  - id: test.gate
    source: app
    mechanism: session
    directive: Acme members-only gate
    uniqueness: unique
    replaces_content: true
    require:
      - status: [200]
      - body: 'class="acme-gate"'
    fix: Open the page to visitors.
`, 1)
	c, err = parseCatalog([]byte(extra))
	require.NoError(t, err)
	marker, ok, _ := c.softWall(page, true)
	assert.True(t, ok)
	assert.Equal(t, "test.gate", marker)
	best, _ := c.Attribute(*page, nil)
	assert.Equal(t, "test.gate", best.Signature)
}

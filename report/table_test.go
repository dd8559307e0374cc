package report

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/audit"
)

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "/blog/", "/blog/"},
		{"html and quotes stay", `<script>"x"</script>`, `<script>"x"</script>`},
		{"formula stays", `=cmd|' /C calc'!A0`, `=cmd|' /C calc'!A0`},
		{"non-ASCII stays", "/café/日本", "/café/日本"},
		{"ESC", "\x1b[2J", `\x1b[2J`},
		{"OSC with BEL", "\x1b]0;pwned\x07", `\x1b]0;pwned\x07`},
		{"newline, CR, tab", "a\nb\rc\td", `a\nb\rc\td`},
		{"NUL and DEL", "\x00\x7f", `\x00\x7f`},
		{"C1 CSI", "\u009b31m", `\u009b31m`},
		{"bidi override", "abc\u202edef", `abc\u202edef`},
		{"zero width", "a\u200bb", `a\u200bb`},
		{"line separator", "a\u2028b", `a\u2028b`},
		{"invalid UTF-8", "a\xff\xfeb", `a\xff\xfeb`},
		{"truncated UTF-8", "caf\xc3", `caf\xc3`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, clean(tc.in))
		})
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven char", 10, "eleven ch…"},
		{"日本語日本語", 5, "日本…"},
		{"日本語日本語", 6, "日本…"},
	}
	for _, tc := range tests {
		got := truncate(tc.in, tc.max)
		assert.Equal(t, tc.want, got, "%q max %d", tc.in, tc.max)
		assert.LessOrEqual(t, twwidth.Width(got), tc.max)
	}
}

func TestRelativeURL(t *testing.T) {
	origin := originOf("https://example.org/start")
	require.Equal(t, "https://example.org", origin)
	tests := []struct {
		name, url, path, want string
	}{
		{"same origin", "https://example.org/blog/", "", "/blog/"},
		{"origin only", "https://example.org", "", "/"},
		{"query on root", "https://example.org?a=1", "", "/?a=1"},
		{"host case", "https://EXAMPLE.org/a", "", "/a"},
		{"other host", "https://cdn.example.org/a", "", "https://cdn.example.org/a"},
		{"host suffix trick", "https://example.org.evil.test/a", "", "https://example.org.evil.test/a"},
		{"userinfo trick", "https://example.org@evil.test/a", "", "https://example.org@evil.test/a"},
		{"other port", "https://example.org:8443/a", "", "https://example.org:8443/a"},
		{"other scheme", "http://example.org/a", "", "http://example.org/a"},
		{"no URL", "", "/from-path", "/from-path"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, relativeURL(origin, tc.url, tc.path))
		})
	}
	assert.Equal(t, "https://example.org/a", relativeURL(originOf("not a url"), "https://example.org/a", ""))
}

// TestStatusCell: a status 0 reads as what NotFetched says, whatever the
// kind; the kind is never a guess for it.
func TestStatusCell(t *testing.T) {
	st := map[string]int{"googlebot": 0, "bingbot": 401}
	tests := []struct {
		kind  audit.Kind
		why   string
		agent string
		want  string
	}{
		{audit.PublicUnauthorized, "", "bingbot", "401"},
		{audit.PublicUnauthorized, "", "browser", "-"},
		{audit.PublicUnauthorized, "", "googlebot", "no answer"},
		{audit.RobotsBlocksPublic, "", "googlebot", "no answer"},
		{audit.FetchError, "", "googlebot", "no answer"},
		{audit.PublicUnauthorized, "robots", "googlebot", "disallow"},
		{audit.FetchError, "robots", "googlebot", "disallow"},
		{audit.RobotsBlocksPublic, "timeout after 15s", "googlebot", "error"},
	}
	for _, tc := range tests {
		f := audit.Finding{Kind: tc.kind, Statuses: st}
		if tc.why != "" {
			f.NotFetched = map[string]string{"googlebot": tc.why}
		}
		assert.Equal(t, tc.want, statusCell(f, tc.agent), "%s %q %s", tc.kind, tc.why, tc.agent)
	}
}

func TestSourceCell(t *testing.T) {
	assert.Equal(t, "-", sourceCell(nil))
	assert.Equal(t, "-", sourceCell(&audit.Attribution{}))
	assert.Equal(t, "nginx auth_basic", sourceCell(&audit.Attribution{Source: "nginx", Mechanism: "basic", Directive: "auth_basic"}))
	assert.Equal(t, "unknown session", sourceCell(&audit.Attribution{Source: "unknown", Mechanism: "session"}))
	assert.Equal(t, "apache Require valid-user (.htaccess:3)", sourceCell(&audit.Attribution{Source: "apache", Directive: "Require valid-user", Location: &audit.Location{File: ".htaccess", Line: 3}}))
}

func writeTable(t *testing.T, tbl *Table, r *audit.Report) string {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, tbl.Write(&out, r))
	return out.String()
}

func TestTableNoFindings(t *testing.T) {
	r := &audit.Report{
		Target: "https://example.org/", URLs: 3, Requests: 6, Duration: 450 * time.Millisecond,
		Pages: []audit.Page{{URL: "https://example.org/", Declared: "public"}, {URL: "https://example.org/a", Declared: "public"}, {URL: "https://example.org/x", Declared: "private"}},
	}
	assert.Equal(t, "No findings: all 2 declared public URLs answered as declared.\n3 URLs, 6 requests, in 450ms — PASS\n", writeTable(t, &Table{}, r))

	r.Pages = r.Pages[:1]
	r.URLs, r.Requests = 1, 1
	assert.Equal(t, "No findings: the 1 declared public URL answered as declared.\n1 URL, 1 request, in 450ms — PASS\n", writeTable(t, &Table{}, r))

	assert.Equal(t, "No findings on 0 crawled URLs.\n0 URLs, 0 requests, in 0s — PASS\n", writeTable(t, &Table{}, &audit.Report{}))
}

func TestTableSummary(t *testing.T) {
	r := &audit.Report{
		Target: "https://example.org/", URLs: 10, Requests: 25, Duration: 2*time.Minute + 5400*time.Millisecond, Failed: true,
		Findings: []audit.Finding{
			{Kind: audit.PublicUnauthorized, Severity: audit.SeverityError, URL: "https://example.org/a"},
			{Kind: audit.PublicUnauthorized, Severity: audit.SeverityError, URL: "https://example.org/b"},
			{Kind: audit.PrivateInSitemap, Severity: audit.SeverityWarning, URL: "https://example.org/c"},
		},
		Incomplete: true, Notes: []string{"stopped at --max-pages 10", "robots.txt timed out for bingbot"},
	}
	out := writeTable(t, &Table{}, r)
	assert.Contains(t, out, "\n3 findings (2 errors, 1 warning, 0 info) on 10 URLs, 25 requests, in 2m5s — FAIL\npublic-401: 2, private-in-sitemap: 1\n")
	assert.True(t, strings.HasSuffix(out, "incomplete: the crawl ended early, findings may be missing:\n  - stopped at --max-pages 10\n  - robots.txt timed out for bingbot\n"), out)
	assert.NotContains(t, out, "BROWSER", "no browser column without browser statuses")

	r.Incomplete, r.Notes = true, nil
	assert.Contains(t, writeTable(t, &Table{}, r), "incomplete: the crawl ended early, findings may be missing:\n  - no reason was recorded\n")
	r.Incomplete, r.Notes = false, []string{"sitemap.xml was 404"}
	assert.True(t, strings.HasSuffix(writeTable(t, &Table{}, r), "\nnotes:\n  - sitemap.xml was 404\n"))
	r.Failed, r.Notes = false, nil
	assert.Contains(t, writeTable(t, &Table{}, r), "— PASS\n")
}

func TestTableColor(t *testing.T) {
	r := sampleReport()
	plain := writeTable(t, &Table{}, r)
	assert.NotContains(t, plain, "\x1b", "no colour by default")

	colored := writeTable(t, &Table{Color: true}, r)
	assert.Contains(t, colored, ansiRed+"public-401"+ansiReset)
	assert.Contains(t, colored, ansiYellow+"robots-blocks-public"+ansiReset)
	assert.Contains(t, colored, ansiCyan+"fetch-error"+ansiReset)
	assert.Contains(t, colored, ansiBoldRed+"FAIL"+ansiReset)
	r.Failed = false
	assert.Contains(t, writeTable(t, &Table{Color: true}, r), ansiGreen+"PASS"+ansiReset)
}

func TestTableColumns(t *testing.T) {
	out := writeTable(t, &Table{}, sampleReport())
	header := strings.SplitN(out, "\n", 2)[0]
	assert.Equal(t, []string{"FAIL", "KIND", "URL", "GOOGLEBOT", "BINGBOT", "BROWSER", "SOURCE/DIRECTIVE", "REALM", "CONFIDENCE"}, strings.Fields(header))
	assert.Contains(t, out, `"Restricted"`)
	assert.Contains(t, out, "https://files.example.net/reports/q1.pdf", "other hosts stay whole")
	assert.Contains(t, out, "nginx auth_basic (conf/site.conf:12)")
	for _, line := range strings.Split(out, "\n") {
		assert.Equal(t, strings.TrimRight(line, " "), line, "no trailing blanks")
		assert.LessOrEqual(t, twwidth.Width(line), 200, "row too wide: %q", line)
	}

	// An agent with a status but not in the report's agent list still gets
	// a column.
	r := &audit.Report{Findings: []audit.Finding{{Kind: audit.PublicUnauthorized, Severity: audit.SeverityError, URL: "/x", Statuses: map[string]int{"yandexbot": 401}}}}
	out = writeTable(t, &Table{}, r)
	assert.Contains(t, out, "YANDEXBOT")
	assert.NotContains(t, out, "REALM", "no realm, no column")
}

// ExampleTable shows the table for a small report.
func ExampleTable() {
	r := &audit.Report{
		Target: "https://example.org/",
		Agents: []audit.AgentInfo{{Name: "googlebot"}, {Name: "bingbot"}},
		URLs:   12, Requests: 30, Duration: 1500 * time.Millisecond, Failed: true,
		Findings: []audit.Finding{{
			Kind: audit.PublicUnauthorized, Severity: audit.SeverityError,
			URL:      "https://example.org/blog/",
			Statuses: map[string]int{"googlebot": 401, "bingbot": 401, "browser": 401},
			Agents:   []string{"googlebot", "bingbot"}, Failing: true,
			Attribution: &audit.Attribution{Source: "nginx", Mechanism: "basic", Directive: "auth_basic", Confidence: "high",
				Location: &audit.Location{File: "site.conf", Line: 12}},
		}},
	}
	if err := (&Table{}).Write(os.Stdout, r); err != nil {
		panic(err)
	}
	// Output:
	// FAIL  KIND        URL     GOOGLEBOT  BINGBOT  BROWSER  SOURCE/DIRECTIVE                 CONFIDENCE
	// fail  public-401  /blog/  401*       401*     401      nginx auth_basic (site.conf:12)  high
	//
	// * marks the status of each agent the finding concerns
	// 1 finding (1 error, 0 warnings, 0 info) on 12 URLs, 30 requests, in 1.5s — FAIL
	// public-401: 1
}

func TestTableBaseline(t *testing.T) {
	r := sampleReport()
	r.Baseline = "old.json"
	r.Findings[0].New = false
	for i := 1; i < len(r.Findings); i++ {
		r.Findings[i].New = true
	}
	r.Fixed = []audit.Finding{{Kind: audit.PublicForbidden, Severity: audit.SeverityError, URL: "https://example.org/careers", Path: "/careers"}}
	decide(t, r, "error")
	out := writeTable(t, &Table{}, r)
	header := strings.Fields(strings.SplitN(out, "\n", 2)[0])
	assert.Equal(t, []string{"FAIL", "NEW", "KIND"}, header[:3])
	assert.Contains(t, out, "against baseline old.json: "+fmt.Sprint(len(r.Findings)-1)+" new, 1 fixed")
	assert.Contains(t, out, "fixed: public-403 /careers")

	r.Baseline = ""
	assert.NotContains(t, writeTable(t, &Table{}, r), "NEW", "no baseline, no column")
}

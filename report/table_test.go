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

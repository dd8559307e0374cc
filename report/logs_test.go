package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/audit"
)

// logsReport is a report of authwall logs: a verified wall with spoofed
// requests beside it, and a finding whose log has no times.
func logsReport() *audit.Report {
	t0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	return &audit.Report{
		Tool: "authwall", Version: "test", Target: "access.log access.log.1.gz", StartedAt: t0,
		Agents: []audit.AgentInfo{{Name: "googlebot", RobotsToken: "Googlebot"}, {Name: "bingbot", RobotsToken: "bingbot"}},
		URLs:   2, Requests: 19, Failed: true,
		Notes: []string{"spoofed googlebot: 3 requests from 2 addresses outside the published ranges (401×3); not the search engine, so no finding"},
		Findings: []audit.Finding{
			{Kind: audit.CrawlerBlockedInLogs, Severity: audit.SeverityError, URL: "/blog/", Path: "/blog/", DeclaredBy: "/blog/**", FoundVia: "logs",
				Statuses: map[string]int{"googlebot": 401, "bingbot": 200}, Agents: []string{"googlebot"}, New: true, Failing: true,
				Message: "real crawlers were walled: googlebot walled on 12 of 14 requests (401×12), verified",
				Logs: map[string]audit.LogHits{
					"googlebot": {Verified: 14, Spoofed: 3, Statuses: map[int]int{401: 15, 200: 2}, FirstSeen: t0, LastSeen: t0.Add(time.Hour)},
					"bingbot":   {Verified: 2, Statuses: map[int]int{200: 2}, FirstSeen: t0, LastSeen: t0},
				}},
			{Kind: audit.CrawlerBlockedInLogs, Severity: audit.SeverityWarning, URL: "/docs/", Path: "/docs/", FoundVia: "logs",
				Statuses: map[string]int{"bingbot": 403}, Agents: []string{"bingbot"}, New: true,
				Logs: map[string]audit.LogHits{"bingbot": {Unverified: 1, Statuses: map[int]int{403: 1}}}},
		},
	}
}

func TestLogsInReports(t *testing.T) {
	r := logsReport()
	render := func(w Writer) string {
		var out bytes.Buffer
		require.NoError(t, w.Write(&out, r))
		return out.String()
	}

	// JSON: the logs field, read back as written.
	js := render(&JSON{})
	assert.Contains(t, js, `"logs":{"bingbot":{"verified_hits":2,"spoofed_hits":0,"unverified_hits":0,"statuses":{"200":2},"first_seen":"2026-12-03T10:00:00Z","last_seen":"2026-12-03T10:00:00Z"},"googlebot":{"verified_hits":14,"spoofed_hits":3,"unverified_hits":0,"statuses":{"200":2,"401":15},"first_seen":"2026-12-03T10:00:00Z","last_seen":"2026-12-03T11:00:00Z"}}`)
	assert.Contains(t, js, `"first_seen":"","last_seen":""`, "a log without times")
	jr, err := readJSON(bytes.NewReader([]byte(js)))
	require.NoError(t, err)
	back := jr.auditFindings()
	require.Len(t, back, 2)
	assert.Equal(t, r.Findings[0].Logs, back[0].Logs)
	assert.Equal(t, audit.LogHits{Unverified: 1, Statuses: map[int]int{403: 1}}, back[1].Logs["bingbot"])
	// A finding whose logs map is empty (not nil) has no logs field
	// either: "logs":{} would read as a finding of logs without hits.
	r.Findings[1].Logs = map[string]audit.LogHits{}
	assert.Equal(t, 1, strings.Count(render(&JSON{}), `"logs":`), "only the finding with hits has logs")
	r.Findings[1].Logs = logsReport().Findings[1].Logs

	// The table and the CSV: hits and statuses per agent.
	const blogHits = "googlebot: 17 hits (14 verified, 3 spoofed) 401×15 200×2; bingbot: 2 hits (2 verified) 200×2"
	table := render(&Table{})
	assert.Contains(t, table, "LOG HITS")
	assert.Contains(t, table, blogHits)
	assert.NotContains(t, table, "SOURCE/DIRECTIVE", "nothing is attributed in a report of logs")
	assert.Contains(t, table, "spoofed googlebot: 3 requests")
	rows := readCSV(t, []byte(render(&CSV{})))
	assert.Equal(t, "log_hits", rows[0][len(rows[0])-1])
	assert.Equal(t, blogHits, rows[1][len(rows[1])-1])
	assert.Equal(t, "bingbot: 1 hit (1 unverified) 403×1", rows[2][len(rows[2])-1])

	// HTML: a table per finding; SARIF: the JSON's logs in the properties.
	html := render(&HTML{})
	assert.Contains(t, html, "<dt>access logs</dt>")
	assert.Contains(t, html, "<tr><td>googlebot</td><td>14</td><td>3</td><td>0</td><td class=\"mono\">401×15 200×2</td><td>2026-12-03T10:00:00Z</td><td>2026-12-03T11:00:00Z</td></tr>")
	assert.Contains(t, render(&SARIF{}), `"verified_hits": 14`)

	// A crawl's report has no logs column.
	r.Findings[0].Logs, r.Findings[1].Logs = nil, nil
	assert.NotContains(t, render(&Table{}), "LOG HITS")
	assert.NotContains(t, render(&JSON{}), `"logs":`)
}

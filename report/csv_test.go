package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/audit"
)

// readCSV parses out as RFC 4180 with encoding/csv, which also checks that
// every row has as many fields as the header.
func readCSV(t *testing.T, out []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, rows, "a header row at least")
	return rows
}

// assertSpreadsheetSafe fails on a cell a spreadsheet would run as a
// formula, checked apart from the writer's own rule.
func assertSpreadsheetSafe(t *testing.T, rows [][]string) {
	t.Helper()
	for i, row := range rows {
		for j, c := range row {
			assert.True(t, utf8.ValidString(c), "row %d cell %d is not UTF-8: %q", i, j, c)
			trimmed := strings.TrimLeft(c, " ")
			if trimmed != "" {
				assert.NotContains(t, []byte("=+-@\t\r\n"), trimmed[0], "row %d cell %d would run as a formula: %q", i, j, c)
			}
		}
	}
}

func assertCRLF(t *testing.T, out []byte) {
	t.Helper()
	assert.True(t, bytes.HasSuffix(out, []byte("\r\n")), "rows end in CRLF")
	assert.False(t, bytes.HasPrefix(out, []byte("\xef\xbb\xbf")), "no byte-order mark")
}

func checkCSV(t *testing.T, r *audit.Report, out []byte) {
	rows := readCSV(t, out)
	assert.Len(t, rows, len(r.Findings)+1, "a header and one row per finding")
	assert.Equal(t, []string{"kind", "severity", "new", "url", "path", "declared_by"}, rows[0][:6])
	n := len(rows[0])
	assert.Equal(t, []string{"fix", "found_via", "linked_from", "message", "agents", "failing", "log_hits"}, rows[0][n-7:])
	for _, row := range rows[1:] {
		assert.Contains(t, []string{"true", "false"}, row[2], "new")
		assert.Contains(t, []string{"true", "false"}, row[n-2], "failing")
	}
	assertSpreadsheetSafe(t, rows)
	assertCRLF(t, out)
}

func checkCSVPages(t *testing.T, r *audit.Report, out []byte) {
	rows := readCSV(t, out)
	assert.Len(t, rows, len(r.Pages)+1, "a header and one row per page")
	assert.Equal(t, []string{"url", "depth", "declared"}, rows[0][:3])
	assert.Equal(t, []string{"status_browser", "final_url", "error"}, rows[0][len(rows[0])-3:])
	assertSpreadsheetSafe(t, rows)
	assertCRLF(t, out)
}

func TestCSVColumns(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, (&CSV{}).Write(&out, sampleReport()))
	rows := readCSV(t, out.Bytes())
	assert.Equal(t, []string{
		"kind", "severity", "new", "url", "path", "declared_by",
		"status_googlebot", "status_bingbot", "status_browser",
		"source", "mechanism", "directive", "realm", "confidence", "config_file", "config_line",
		"fix", "found_via", "linked_from", "message", "agents", "failing", "log_hits",
	}, rows[0])
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	first := rows[1]
	assert.Equal(t, "public-401", first[col["kind"]])
	assert.Equal(t, "401", first[col["status_browser"]])
	assert.Equal(t, "conf/site.conf", first[col["config_file"]])
	assert.Equal(t, "12", first[col["config_line"]])
	assert.Equal(t, "Restricted", first[col["realm"]])

	byKind := map[string][]string{}
	for _, row := range rows[1:] {
		byKind[row[col["kind"]]] = row
	}
	assert.Equal(t, "https://example.org/ https://example.org/docs/", byKind["public-403"][col["linked_from"]], "linking URLs joined by a space")
	assert.Equal(t, "", byKind["public-403"][col["config_line"]], "no location, no line")
	assert.Equal(t, "disallow", byKind["robots-blocks-public"][col["status_googlebot"]])
	assert.Equal(t, "", byKind["robots-blocks-public"][col["status_browser"]], "no control fetch")
	assert.Equal(t, "error", byKind["fetch-error"][col["status_bingbot"]])
	assert.Equal(t, "googlebot bingbot", first[col["agents"]], "agents joined by a space")
	assert.Equal(t, "true", first[col["failing"]])
	assert.Equal(t, "googlebot", byKind["robots-blocks-public"][col["agents"]])
	assert.Equal(t, "false", byKind["robots-blocks-public"][col["failing"]])
}

func TestCSVPagesColumns(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, (&CSVPages{}).Write(&out, sampleReport()))
	rows := readCSV(t, out.Bytes())
	assert.Equal(t, [][]string{
		{"url", "depth", "declared", "status_googlebot", "status_bingbot", "status_browser", "final_url", "error"},
		{"https://example.org/", "0", "public", "200", "200", "", "https://example.org/", ""},
		{"https://example.org/blog/", "1", "public", "401", "401", "", "https://example.org/blog/", ""},
		{"https://example.org/pricing", "0", "public", "302", "302", "", "https://login.example.org/sso?next=%2Fpricing", ""},
		{"https://example.org/slow", "1", "public", "0", "0", "", "", "timeout"},
	}, rows)
}

// TestCSVRoundTrip writes values that need RFC 4180 quoting but are not
// formulas, and reads back exactly what went in.
func TestCSVRoundTrip(t *testing.T) {
	values := []string{
		`He said "hi", then left`,
		"line one\nline two",
		"a,b,c",
		" leading space",
		"trailing space ",
		`""`,
		"café 日本 \u202e",
		"",
		"1+1=2",
		"https://example.org/a?b=1&c=2",
	}
	r := &audit.Report{Agents: []audit.AgentInfo{{Name: "googlebot"}}}
	for _, v := range values {
		r.Findings = append(r.Findings, audit.Finding{
			Kind: audit.PublicUnauthorized, Severity: audit.SeverityError,
			URL: "https://example.org/" + v, Message: v, Statuses: map[string]int{"googlebot": 401},
			Attribution: &audit.Attribution{Realm: v, Fix: v},
		})
	}
	var out bytes.Buffer
	require.NoError(t, (&CSV{}).Write(&out, r))
	rows := readCSV(t, out.Bytes())
	require.Len(t, rows, len(values)+1)
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	got := map[string]bool{}
	for _, row := range rows[1:] {
		assert.Equal(t, row[col["message"]], row[col["realm"]])
		assert.Equal(t, row[col["message"]], row[col["fix"]])
		assert.Equal(t, "https://example.org/"+row[col["message"]], row[col["url"]])
		got[row[col["message"]]] = true
	}
	for _, v := range values {
		assert.True(t, got[v], "value %q read back", v)
	}
}

// TestCSVHostileCells puts each value a spreadsheet would run, and each
// value that is hard to quote, in every text column of a finding.
func TestCSVHostileCells(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"DDE command", `=cmd|' /C calc'!A0`, `'=cmd|' /C calc'!A0`},
		{"plus", "+1", "'+1"},
		{"minus", "-2", "'-2"},
		{"at", "@SUM(1)", "'@SUM(1)"},
		{"tab", "\t=1", "'\t=1"},
		{"CR", "\r=1", "'\n=1"},
		{"LF", "\n@x", "'\n@x"},
		{"spaces then formula", "  =1", "'  =1"},
		{"hyperlink", `=HYPERLINK("http://evil.test","x")`, `'=HYPERLINK("http://evil.test","x")`},
		{"quotes", `say "x"`, `say "x"`},
		{"newline inside", "a\nb", "a\nb"},
		{"CRLF inside", "c\r\nd", "c\nd"},
		{"invalid UTF-8", "bad\xff\xfeutf8", "bad\uFFFDutf8"},
		{"invalid UTF-8 then formula", "\xff=1", "\uFFFD=1"},
		{"equals inside", "a=b", "a=b"},
		{"spaces only", "   ", "   "},
	}
	r := &audit.Report{Agents: []audit.AgentInfo{{Name: "googlebot"}}}
	for _, tc := range tests {
		r.Findings = append(r.Findings, audit.Finding{
			Kind: audit.Kind(tc.in), Severity: audit.SeverityError, URL: tc.in, Path: tc.in,
			DeclaredBy: tc.in, FoundVia: tc.in, LinkedFrom: []string{tc.in}, Message: tc.in,
			Statuses: map[string]int{"googlebot": 401},
			Attribution: &audit.Attribution{
				Source: tc.in, Mechanism: tc.in, Directive: tc.in, Realm: tc.in, Confidence: tc.in, Fix: tc.in,
				Location: &audit.Location{File: tc.in, Line: 3},
			},
		})
	}
	var out bytes.Buffer
	require.NoError(t, (&CSV{}).Write(&out, r))
	rows := readCSV(t, out.Bytes())
	require.Len(t, rows, len(tests)+1, "a value with line breaks must not add rows")
	assertSpreadsheetSafe(t, rows)

	want := map[string]string{}
	for _, tc := range tests {
		want[tc.want] = tc.name
	}
	text := []string{"kind", "url", "path", "declared_by", "source", "mechanism", "directive", "realm", "confidence", "config_file", "fix", "found_via", "linked_from", "message"}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	for _, row := range rows[1:] {
		msg := row[col["message"]]
		_, ok := want[msg]
		require.True(t, ok, "unexpected message cell %q", msg)
		delete(want, msg)
		for _, c := range text {
			assert.Equal(t, msg, row[col[c]], "column %s", c)
		}
	}
	assert.Empty(t, want, "every case has its row")
}

func TestCSVNew(t *testing.T) {
	r := sampleReport()
	col := func(rows [][]string, name string) []string {
		i := -1
		for j, h := range rows[0] {
			if h == name {
				i = j
			}
		}
		require.GreaterOrEqual(t, i, 0)
		var out []string
		for _, row := range rows[1:] {
			out = append(out, row[i])
		}
		return out
	}

	var out bytes.Buffer
	require.NoError(t, (&CSV{}).Write(&out, r))
	for _, v := range col(readCSV(t, out.Bytes()), "new") {
		assert.Equal(t, "true", v, "without a baseline every finding is new")
	}

	r.Baseline = "old.json"
	out.Reset()
	require.NoError(t, (&CSV{}).Write(&out, r))
	rows := readCSV(t, out.Bytes())
	newCol, urls := col(rows, "new"), col(rows, "url")
	for i, u := range urls {
		want := "false"
		if u == "https://example.org/blog/" {
			want = "true" // the one finding the sample marks new
		}
		assert.Equal(t, want, newCol[i], u)
	}
}

func TestCSVExtraAgentColumns(t *testing.T) {
	r := &audit.Report{
		Agents: []audit.AgentInfo{{Name: "bingbot"}, {Name: "googlebot"}},
		Findings: []audit.Finding{{
			Kind: audit.PublicForbidden, Severity: audit.SeverityError, URL: "https://x.test/",
			Statuses: map[string]int{"googlebot": 403, "zbot": 403, "abot": 200, "browser": 200},
		}},
	}
	var out bytes.Buffer
	require.NoError(t, (&CSV{}).Write(&out, r))
	rows := readCSV(t, out.Bytes())
	assert.Equal(t, []string{"status_bingbot", "status_googlebot", "status_abot", "status_zbot", "status_browser"}, rows[0][6:11],
		"report agents in report order, then others sorted, then the control")
	assert.Equal(t, []string{"", "403", "200", "403", "200"}, rows[1][6:11])
}

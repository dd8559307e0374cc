package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/audit"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestMain pins the terminal width rules. tablewriter reads them from the
// locale and terminal at start-up (in a CJK locale "…" is two columns wide),
// which is right for a user's terminal but would make golden files depend
// on the machine running the tests.
func TestMain(m *testing.M) {
	twwidth.SetOptions(twwidth.Options{EastAsianWidth: false})
	os.Exit(m.Run())
}

// sampleReport is the fixed report behind the golden files: findings of
// several kinds, two agents plus the browser control, attribution with
// evidence and a config location. Agents, Failing and NotFetched are set
// as the audit sets them with --fail-on error and no baseline: the errors
// fail, and each status 0 says why.
func sampleReport() *audit.Report {
	return &audit.Report{
		Tool:      "authwall",
		Version:   "1.0.0",
		Target:    "https://example.org/",
		StartedAt: time.Date(2025, 3, 1, 10, 0, 0, 123456789, time.UTC),
		Duration:  4217 * time.Millisecond,
		Agents: []audit.AgentInfo{
			{Name: "googlebot", UserAgent: "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.7444.175 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", RobotsToken: "Googlebot"},
			{Name: "bingbot", UserAgent: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/142.0.7444.175 Safari/537.36", RobotsToken: "bingbot"},
		},
		URLs:       57,
		Requests:   121,
		Incomplete: true,
		Notes:      []string{"stopped at --max-pages 57; 12 linked URLs were not visited"},
		Failed:     true,
		// Deliberately out of report order: the writers sort.
		Findings: []audit.Finding{
			{
				Kind: audit.FetchError, Severity: audit.SeverityInfo,
				URL: "https://example.org/slow", Path: "/slow", DeclaredBy: "/**",
				Statuses:   map[string]int{"googlebot": 0, "bingbot": 0},
				NotFetched: map[string]string{"googlebot": "timeout", "bingbot": "timeout"},
				Agents:     []string{"googlebot", "bingbot"},
				FoundVia:   "link", LinkedFrom: []string{"https://example.org/"},
				Message: "timeout after 15s",
			},
			{
				Kind: audit.RobotsBlocksPublic, Severity: audit.SeverityWarning,
				URL:  "https://example.org/products/outdoor/garden/furniture/tables/extendable-teak-table-180cm?colour=natural",
				Path: "/products/outdoor/garden/furniture/tables/extendable-teak-table-180cm", DeclaredBy: "/products/**",
				Statuses:   map[string]int{"googlebot": 0, "bingbot": 200},
				NotFetched: map[string]string{"googlebot": "robots"},
				Agents:     []string{"googlebot"},
				FoundVia:   "sitemap", LinkedFrom: []string{},
				Message: "robots.txt line 7 (Disallow: /products/outdoor/) keeps Googlebot out",
			},
			{
				Kind: audit.PublicForbidden, Severity: audit.SeverityError,
				URL: "https://example.org/docs/guide.html", Path: "/docs/guide.html", DeclaredBy: "/docs/*.html",
				Statuses: map[string]int{"googlebot": 403, "bingbot": 200, "browser": 200},
				Agents:   []string{"googlebot"}, Failing: true,
				FoundVia: "link", LinkedFrom: []string{"https://example.org/", "https://example.org/docs/"},
				Message: "Googlebot gets 403 where a browser gets 200",
				Attribution: &audit.Attribution{
					Signature: "nginx-ua-403", Source: "nginx", Mechanism: "ua-rule",
					Directive: "if ($http_user_agent ~* googlebot) { return 403; }", Confidence: "medium",
					Evidence: []string{"googlebot: 403, browser: 200", "Server: nginx/1.26.3"},
					Fix:      "Remove the User-Agent rule that returns 403 for Googlebot.",
				},
			},
			{
				Kind: audit.PublicUnauthorized, Severity: audit.SeverityError,
				URL: "https://example.org/blog/", Path: "/blog/", DeclaredBy: "/blog/**",
				Statuses: map[string]int{"googlebot": 401, "bingbot": 401, "browser": 401},
				Agents:   []string{"googlebot", "bingbot"}, Failing: true,
				FoundVia: "link", LinkedFrom: []string{"https://example.org/"},
				Message: "HTTP Basic auth (realm \"Restricted\") on a public path",
				Attribution: &audit.Attribution{
					Signature: "nginx-basic", Source: "nginx", Mechanism: "basic", Directive: "auth_basic",
					Realm: "Restricted", Confidence: "high",
					Evidence: []string{`WWW-Authenticate: Basic realm="Restricted"`, "Server: nginx/1.26.3", "401 for googlebot, bingbot and browser"},
					Location: &audit.Location{File: "conf/site.conf", Line: 12, Context: "server > location /blog/"},
					Fix:      "In location /blog/, set: auth_basic off;",
				},
				New: true,
			},
			{
				Kind: audit.PublicLoginRedirect, Severity: audit.SeverityError,
				URL: "https://example.org/pricing", Path: "/pricing", DeclaredBy: "/pricing",
				Statuses: map[string]int{"googlebot": 302, "bingbot": 302, "browser": 302},
				Agents:   []string{"googlebot", "bingbot"}, Failing: true,
				FoundVia: "start", LinkedFrom: []string{},
				Redirects: []audit.Redirect{
					{URL: "https://example.org/pricing", Status: 302, Location: "https://login.example.org/sso?next=%2Fpricing"},
					{URL: "https://login.example.org/sso?next=%2Fpricing", Status: 200},
				},
				Message: "redirects to a single-sign-on page",
				Attribution: &audit.Attribution{
					Signature: "oauth2-proxy-redirect", Source: "oauth2-proxy", Mechanism: "forward-auth",
					Directive: "auth_request /oauth2/auth", Confidence: "medium",
					Evidence: []string{"302 to https://login.example.org/sso", "Set-Cookie: _oauth2_proxy_csrf"},
					Fix:      "Exclude /pricing from auth_request, or add it to --skip-auth-route.",
					Edge:     "cloudflare",
				},
				Alternatives: []audit.Attribution{{
					Source: "app", Mechanism: "login-redirect", Directive: "redirect to /sso", Confidence: "low",
					Evidence: []string{"Location path contains /sso"}, Fix: "Let anonymous visitors see /pricing.",
				}},
			},
			{
				Kind: audit.PublicMissing, Severity: audit.SeverityWarning,
				URL: "https://example.org/about", Path: "/about", DeclaredBy: "/about",
				Statuses: map[string]int{"googlebot": 404, "bingbot": 404},
				Agents:   []string{"googlebot", "bingbot"},
				FoundVia: "declared", LinkedFrom: []string{},
				Message: "googlebot and bingbot got 404: a page declared public by /about is missing for the crawlers",
			},
			{
				Kind: audit.UndeclaredBlocked, Severity: audit.SeverityInfo,
				URL: "https://files.example.net/reports/q1.pdf", Path: "/reports/q1.pdf",
				Statuses: map[string]int{"googlebot": 401, "bingbot": 401},
				Agents:   []string{"googlebot", "bingbot"},
				FoundVia: "link", LinkedFrom: []string{"https://example.org/blog/"},
				Attribution: &audit.Attribution{
					Source: "apache", Mechanism: "basic", Directive: "Require valid-user", Realm: "Reports",
					Confidence: "low", Evidence: []string{`WWW-Authenticate: Basic realm="Reports"`},
					Fix: "Nothing to do if the file is private; otherwise: Require all granted",
				},
			},
		},
		Pages: []audit.Page{
			{URL: "https://example.org/pricing", Depth: 0, Declared: "public", Statuses: map[string]int{"googlebot": 302, "bingbot": 302}, FinalURL: "https://login.example.org/sso?next=%2Fpricing"},
			{URL: "https://example.org/", Depth: 0, Declared: "public", Statuses: map[string]int{"googlebot": 200, "bingbot": 200}, FinalURL: "https://example.org/"},
			{URL: "https://example.org/blog/", Depth: 1, Declared: "public", Statuses: map[string]int{"googlebot": 401, "bingbot": 401}, FinalURL: "https://example.org/blog/"},
			{URL: "https://example.org/slow", Depth: 1, Declared: "public", Statuses: map[string]int{"googlebot": 0, "bingbot": 0}, Error: "timeout"},
		},
	}
}

// largeReport has n generated findings and as many pages, cycling through
// every kind, several agents and attribution with and without location.
func largeReport(n int) *audit.Report {
	r := &audit.Report{
		Tool: "authwall", Version: "1.0.0", Target: "https://big.example/",
		StartedAt: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Duration: 93 * time.Second,
		Agents: []audit.AgentInfo{
			{Name: "googlebot", RobotsToken: "Googlebot", UserAgent: "Googlebot/2.1"},
			{Name: "bingbot", RobotsToken: "bingbot", UserAgent: "bingbot/2.0"},
		},
		URLs: n, Requests: 3 * n, Failed: true,
	}
	for i := range n {
		k := audit.Kinds()[i%len(audit.Kinds())]
		u := fmt.Sprintf("https://big.example/section-%03d/page-%05d.html", i%97, i)
		f := audit.Finding{
			Kind: k.Kind, Severity: k.Severity, URL: u, Path: u[len("https://big.example"):],
			DeclaredBy: "/**", FoundVia: "link", LinkedFrom: []string{"https://big.example/"},
			Statuses: map[string]int{"googlebot": 401, "bingbot": 200 + i%300},
			Agents:   []string{"googlebot"},
			Failing:  k.Severity == audit.SeverityError,
			Message:  fmt.Sprintf("finding %d", i),
			New:      i%2 == 0,
		}
		if s := f.Statuses["bingbot"]; s < 200 || s >= 300 {
			f.Agents = append(f.Agents, "bingbot")
		}
		if i%3 == 0 {
			f.Statuses["browser"] = 200
		}
		if i%5 != 0 {
			f.Attribution = &audit.Attribution{
				Source: "nginx", Mechanism: "basic", Directive: "auth_basic", Realm: fmt.Sprintf("realm %d", i),
				Confidence: "high", Evidence: []string{"one", "two"}, Fix: "auth_basic off;",
			}
			if i%2 == 0 {
				f.Attribution.Location = &audit.Location{File: "site.conf", Line: i, Context: "server"}
			}
		}
		r.Findings = append(r.Findings, f)
		r.Pages = append(r.Pages, audit.Page{URL: u, Depth: i % 7, Declared: "public", Statuses: map[string]int{"googlebot": 401}, FinalURL: u})
	}
	return r
}

// hostile strings as an audited site could serve them.
const (
	hScript  = `<script>alert("x")</script>`
	hANSI    = "\x1b[2J\x1b[31mred\x1b]0;title\x07"
	hFormula = `=cmd|' /C calc'!A0`
	hBad     = "bad\xff\xfeutf8"
	hC1      = "csi\u009b31m bidi\u202eevil"
	hLines   = "line1\nline2\r\n\ttab"
)

// hostileReport puts hostile strings everywhere a writer prints one.
func hostileReport() *audit.Report {
	all := hScript + hANSI + hFormula + hBad + hC1 + hLines
	target := "https://evil.example/"
	return &audit.Report{
		Tool: "authwall", Version: hANSI, Target: target + hANSI,
		StartedAt: time.Date(2025, 3, 1, 0, 0, 0, 0, time.FixedZone("X", 3600)),
		Agents:    []audit.AgentInfo{{Name: "googlebot", UserAgent: hScript, RobotsToken: "Googlebot"}, {Name: "evil" + hANSI, UserAgent: all, RobotsToken: hBad}},
		URLs:      3, Requests: 7, Incomplete: true, Failed: true,
		Notes: []string{all, hFormula},
		Findings: []audit.Finding{
			{
				Kind: audit.PublicUnauthorized, Severity: audit.SeverityError,
				URL: target + hScript + hANSI, Path: "/" + hBad, DeclaredBy: hFormula,
				Statuses: map[string]int{"googlebot": 401, "evil" + hANSI: 401, "browser": 401},
				Agents:   []string{"googlebot", "evil" + hANSI}, Failing: true,
				FoundVia: hLines, LinkedFrom: []string{all}, Message: all,
				Redirects: []audit.Redirect{{URL: all, Status: 302, Location: hANSI}},
				Attribution: &audit.Attribution{
					Signature: hBad, Source: hANSI + "nginx", Mechanism: hC1, Directive: hFormula, Realm: all,
					Confidence: hLines, Evidence: []string{hScript, hANSI, hFormula, hBad, hC1, hLines},
					Location: &audit.Location{File: hANSI, Line: 1, Context: all}, Fix: all, Edge: hScript,
				},
				Alternatives: []audit.Attribution{{Source: hANSI, Evidence: []string{all}}},
			},
			{
				Kind: audit.Kind(hANSI), Severity: audit.Severity(hScript),
				URL: hFormula, Statuses: map[string]int{hBad: 0}, Agents: []string{hBad},
			},
			{
				Kind: audit.UndeclaredBlocked, Severity: audit.SeverityInfo,
				URL: "https://evil.example.attacker.test/" + hC1, Statuses: map[string]int{"googlebot": 403},
				Agents: []string{"googlebot"},
			},
		},
		Pages: []audit.Page{{URL: all, Declared: hBad, Statuses: map[string]int{hANSI: 200}, FinalURL: hScript, Error: hLines}},
	}
}

// decide sets Failing and Failed as the audit does: a finding fails when
// --fail-on (failOn) matches it and, with a baseline, it is new; the
// report fails when some finding does.
func decide(t *testing.T, r *audit.Report, failOn string) *audit.Report {
	t.Helper()
	fo, err := audit.ParseFailOn([]string{failOn})
	require.NoError(t, err)
	r.Failed = false
	for i := range r.Findings {
		f := &r.Findings[i]
		f.Failing = (r.Baseline == "" || f.New) && fo.Fails(*f)
		r.Failed = r.Failed || f.Failing
	}
	return r
}

// reversed returns a copy of r with findings and pages in reverse order, to
// show output does not depend on input order.
func reversed(r *audit.Report) *audit.Report {
	c := *r
	c.Findings = slices.Clone(r.Findings)
	slices.Reverse(c.Findings)
	c.Pages = slices.Clone(r.Pages)
	slices.Reverse(c.Pages)
	return &c
}

// formatChecks holds what each format must guarantee beyond the common
// checks. Every format New accepts must have an entry.
func formatChecks() map[string]func(t *testing.T, r *audit.Report, out []byte) {
	return map[string]func(t *testing.T, r *audit.Report, out []byte){
		"json": func(t *testing.T, r *audit.Report, out []byte) {
			checkJSONRoundTrip(t, &JSON{}, r, out)
			got, err := readJSON(bytes.NewReader(out))
			require.NoError(t, err)
			some := false
			for _, f := range got.Findings {
				assert.NotNil(t, f.Agents, "agents is a list, [] when empty")
				some = some || f.Failing
			}
			assert.Equal(t, some, got.Summary.Failed, "summary.failed is any(failing)")
		},
		"html": checkHTML,
		"table": func(t *testing.T, r *audit.Report, out []byte) {
			assertTerminalSafe(t, out)
			if n := len(r.Findings); n > 0 {
				// One line per finding plus the header: a newline in a value
				// must not break a row.
				lines := strings.Split(string(out), "\n")
				blank := slices.Index(lines, "")
				assert.Equal(t, n+1, blank, "table rows before the blank line")
			}
		},
		"sarif":     checkSARIF,
		"csv":       checkCSV,
		"csv-pages": checkCSVPages,
		"junit":     checkJUnit,
		"github":    checkGitHub,
		"markdown":  checkMarkdown,
	}
}

// checkJSONRoundTrip checks that readJSON returns what j wrote for r, and
// that encoding that whole with encoding/json gives the same bytes.
func checkJSONRoundTrip(t *testing.T, j *JSON, r *audit.Report, out []byte) {
	t.Helper()
	got, err := readJSON(bytes.NewReader(out))
	require.NoError(t, err)
	assert.Equal(t, newJSONReport(r), got, "readJSON must return what was written")
	// The writer streams its pages; encoding/json given the whole report
	// must write the same bytes.
	var again bytes.Buffer
	enc := json.NewEncoder(&again)
	enc.SetEscapeHTML(false)
	if j != nil && j.Indent {
		enc.SetIndent("", "  ")
	}
	require.NoError(t, enc.Encode(got))
	assert.Equal(t, string(again.Bytes()), string(out), "re-encoding what readJSON read must give the same bytes")
}

// assertTerminalSafe fails when out holds anything but printable UTF-8 and
// newlines.
func assertTerminalSafe(t *testing.T, out []byte) {
	t.Helper()
	assert.True(t, utf8.Valid(out), "output is valid UTF-8")
	for i, r := range string(out) {
		if r == '\n' {
			continue
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == '\u202e' {
			t.Errorf("raw control character %U at byte %d: %q", r, i, snippet(out, i))
			return
		}
	}
}

func snippet(b []byte, i int) string {
	return string(b[max(0, i-20):min(len(b), i+20)])
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestWriterConformance runs every writer New knows through the same cases,
// as slogtest does for slog handlers.
func TestWriterConformance(t *testing.T) {
	cases := []struct {
		name   string
		report *audit.Report
	}{
		{"empty", &audit.Report{}},
		{"sample", sampleReport()},
		{"large", largeReport(2000)},
		{"hostile", hostileReport()},
	}
	for _, format := range Formats() {
		check, ok := formatChecks()[format]
		require.True(t, ok, "format %q has no entry in formatChecks", format)
		w, err := New(format, Options{})
		require.NoError(t, err)
		for _, tc := range cases {
			t.Run(format+"/"+tc.name, func(t *testing.T) {
				var first, second, shuffled bytes.Buffer
				require.NoError(t, w.Write(&first, tc.report))
				require.NoError(t, w.Write(&second, tc.report))
				require.NoError(t, w.Write(&shuffled, reversed(tc.report)))
				assert.NotEmpty(t, first.Bytes())
				assert.True(t, bytes.Equal(first.Bytes(), second.Bytes()), "two writes of one report differ")
				assert.True(t, bytes.Equal(first.Bytes(), shuffled.Bytes()), "output depends on input order")
				check(t, tc.report, first.Bytes())
			})
		}
		t.Run(format+"/errors", func(t *testing.T) {
			err := w.Write(failingWriter{}, sampleReport())
			require.Error(t, err)
			assert.ErrorContains(t, err, "disk full")
			assert.Error(t, w.Write(&bytes.Buffer{}, nil), "nil report")
		})
	}
}

// TestWriterOptions runs the non-default options through the hostile and
// large cases: colour must add only its own escapes, indenting must still
// round-trip.
func TestWriterOptions(t *testing.T) {
	for _, r := range []*audit.Report{hostileReport(), largeReport(50)} {
		var out bytes.Buffer
		require.NoError(t, (&Table{Color: true}).Write(&out, r))
		plain := out.String()
		for _, code := range []string{ansiReset, ansiRed, ansiBoldRed, ansiGreen, ansiYellow, ansiCyan} {
			plain = strings.ReplaceAll(plain, code, "")
		}
		assertTerminalSafe(t, []byte(plain))

		out.Reset()
		j := &JSON{Indent: true}
		require.NoError(t, j.Write(&out, r))
		checkJSONRoundTrip(t, j, r, out.Bytes())
	}
}

func TestNilOptionsMeanDefaults(t *testing.T) {
	for _, tc := range []struct {
		nilWriter, zero Writer
	}{
		{(*Table)(nil), &Table{}},
		{(*JSON)(nil), &JSON{}},
		{(*HTML)(nil), &HTML{}},
		{(*SARIF)(nil), &SARIF{}},
		{(*CSV)(nil), &CSV{}},
		{(*CSVPages)(nil), &CSVPages{}},
		{(*JUnit)(nil), &JUnit{}},
		{(*GitHub)(nil), &GitHub{}},
		{(*Markdown)(nil), &Markdown{}},
	} {
		var a, b bytes.Buffer
		require.NoError(t, tc.nilWriter.Write(&a, sampleReport()))
		require.NoError(t, tc.zero.Write(&b, sampleReport()))
		assert.Equal(t, b.String(), a.String())
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		format  string
		want    Writer
		wantErr string
	}{
		{format: "table", want: &Table{}},
		{format: "json", want: &JSON{}},
		{format: " JSON ", want: &JSON{}},
		{format: "csv", want: &CSV{}},
		{format: "CSV-Pages", want: &CSVPages{}},
		{format: "html", want: &HTML{}},
		{format: "junit", want: &JUnit{}},
		{format: "sarif", want: &SARIF{}},
		{format: "github", want: &GitHub{}},
		{format: "markdown", want: &Markdown{}},
		{format: "xml", wantErr: `unknown report format "xml" (known: table, json, csv, csv-pages, html, junit, sarif, github, markdown)`},
		{format: "", wantErr: `unknown report format ""`},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			w, err := New(tc.format, Options{})
			if tc.wantErr != "" {
				assert.ErrorContains(t, err, tc.wantErr)
				assert.Nil(t, w)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, w)
		})
	}
}

func TestFormatsAreAccepted(t *testing.T) {
	assert.Equal(t, []string{"table", "json", "csv", "csv-pages", "html", "junit", "sarif", "github", "markdown"}, Formats())
	for _, f := range Formats() {
		_, err := New(f, Options{})
		assert.NoError(t, err, f)
	}
	f := Formats()
	f[0] = "changed"
	assert.Equal(t, "table", Formats()[0], "Formats returns a fresh slice")
}

// TestGolden pins the output of every format for the sample report.
// Regenerate with: go test ./report -update
func TestGolden(t *testing.T) {
	tests := []struct {
		file   string
		writer Writer
	}{
		{"report.golden.txt", &Table{}},
		{"report.golden.json", &JSON{Indent: true}},
		{"report.golden.html", &HTML{}},
		{"report.golden.sarif", &SARIF{}},
		{"report.golden.csv", &CSV{}},
		{"report.golden.pages.csv", &CSVPages{}},
		{"report.golden.junit.xml", &JUnit{}},
		{"report.golden.github.txt", &GitHub{}},
		{"report.golden.md", &Markdown{}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			var out bytes.Buffer
			require.NoError(t, tc.writer.Write(&out, sampleReport()))
			assertGolden(t, tc.file, out.Bytes())
		})
	}
}

// assertGolden compares out with testdata/file, which -update rewrites.
func assertGolden(t *testing.T, file string, out []byte) {
	t.Helper()
	path := filepath.Join("testdata", file)
	if *update {
		require.NoError(t, os.WriteFile(path, out, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run: go test ./report -update")
	assert.Equal(t, string(want), string(out), "output differs from %s; if the change is intended, run: go test ./report -update", path)
}

// ExampleNew shows how the CLI picks a writer and what it says about a
// format it does not know.
func ExampleNew() {
	fmt.Println(Formats())
	if _, err := New("xml", Options{}); err != nil {
		fmt.Println(err)
	}
	w, err := New("table", Options{})
	if err != nil {
		panic(err)
	}
	if err := w.Write(os.Stdout, &audit.Report{URLs: 4, Requests: 9, Duration: 1200 * time.Millisecond}); err != nil {
		panic(err)
	}
	// Output:
	// [table json csv csv-pages html junit sarif github markdown]
	// unknown report format "xml" (known: table, json, csv, csv-pages, html, junit, sarif, github, markdown)
	// No findings on 4 crawled URLs.
	// 4 URLs, 9 requests, in 1.2s — PASS
}

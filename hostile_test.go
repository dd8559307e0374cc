package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/internal/hostile"
)

// hostileReport is the part of the JSON report the hostile cases check.
type hostileReport struct {
	Summary struct {
		URLs       int
		Requests   int
		Findings   map[string]int
		Failed     bool
		Incomplete bool
	}
	Notes    []string
	Findings []struct {
		Kind, Severity, URL, Path, Message string
		Statuses                           map[string]int
		Attribution                        *struct{ Realm string }
		Redirects                          []struct{ URL string }
	}
	Pages []struct {
		URL      string
		Statuses map[string]int
		FinalURL string `json:"final_url"`
		Error    string
	}
}

func (r hostileReport) page(t *testing.T, suffix string) (found bool, statuses map[string]int, errMsg string) {
	t.Helper()
	for _, p := range r.Pages {
		if u, err := url.Parse(p.URL); err == nil && u.RequestURI() == suffix {
			return true, p.Statuses, p.Error
		}
	}
	return false, nil, ""
}

func (r hostileReport) finding(kind, suffix string) string {
	for _, f := range r.Findings {
		if u, err := url.Parse(f.URL); err == nil && f.Kind == kind && u.RequestURI() == suffix {
			return f.Message
		}
	}
	return ""
}

func (r hostileReport) hasNote(sub string) bool {
	for _, n := range r.Notes {
		if strings.Contains(n, sub) {
			return true
		}
	}
	return false
}

func (r hostileReport) pagesMatching(sub string) int {
	n := 0
	for _, p := range r.Pages {
		if strings.Contains(p.URL, sub) {
			n++
		}
	}
	return n
}

// reportFiles names the file of every report format.
var reportFiles = map[string]string{
	"json": "report.json", "csv": "report.csv", "csv-pages": "pages.csv", "html": "report.html",
	"junit": "report.junit.xml", "sarif": "report.sarif", "github": "report.github.txt", "table": "report.txt",
	"markdown": "report.md",
}

type hostileCase struct {
	name  string
	start func(s *hostile.Server) string
	flags []string // more audit flags
	code  int
	check func(t *testing.T, r hostileReport)
	slow  time.Duration // the audit must end within this; default 20s
	// hops is the longest redirect chain a URL may follow (each hop is a
	// request); default 1.
	hops int
}

func hostileCases() []hostileCase {
	at := func(path string) func(s *hostile.Server) string {
		return func(s *hostile.Server) string { return s.URL + path }
	}
	raw := func(path string) func(s *hostile.Server) string {
		return func(s *hostile.Server) string { return s.Raw + "/?link=" + path }
	}
	capped := func(t *testing.T, r hostileReport) {
		assert.True(t, r.hasNote("--max-pages 200 reached"), "notes: %q", r.Notes)
		assert.Equal(t, 200, r.Summary.URLs)
	}
	// trapCut: the trap guard ends the trap long before the page budget,
	// with a note naming the pattern.
	trapCut := func(note string, maxURLs int) func(t *testing.T, r hostileReport) {
		return func(t *testing.T, r hostileReport) {
			assert.True(t, r.hasNote("crawler trap cut: "+note), "notes: %q", r.Notes)
			assert.LessOrEqual(t, r.Summary.URLs, maxURLs)
		}
	}
	fetchErr := func(path, msg string) func(t *testing.T, r hostileReport) {
		return func(t *testing.T, r hostileReport) {
			assert.Contains(t, r.finding("fetch-error", path), msg, "findings: %+v", r.Findings)
		}
	}
	ok := func(paths ...string) func(t *testing.T, r hostileReport) {
		return func(t *testing.T, r hostileReport) {
			for _, p := range paths {
				found, st, e := r.page(t, p)
				if assert.True(t, found, "page %s not crawled; pages: %+v", p, r.Pages) {
					assert.Equal(t, "", e, p)
					assert.Equal(t, 200, st["googlebot"], p)
				}
			}
		}
	}
	status := func(path string, code int, kind string) func(t *testing.T, r hostileReport) {
		return func(t *testing.T, r hostileReport) {
			_, st, e := r.page(t, path)
			assert.Equal(t, code, st["googlebot"])
			assert.Equal(t, "", e)
			if kind != "" {
				assert.NotEmpty(t, r.finding(kind, path), "findings: %+v", r.Findings)
			} else {
				assert.Empty(t, r.Findings)
			}
		}
	}
	return []hostileCase{
		// traps: the trap guard or --max-pages ends them
		{name: "trap/calendar", start: at("/cal/2026/01"), check: capped},
		{name: "trap/growing-path", start: at("/a/"), check: trapCut("growing path", 5)},
		{name: "trap/query-explosion", start: at("/list?sort=x&page=0&sid=1"), check: capped},
		{name: "trap/jsessionid", start: at("/s/item"), check: trapCut("session ids (jsessionid)", 2)},

		// redirects
		{name: "redirect/loop", start: at("/loop/a"), check: fetchErr("/loop/a", "redirect loop")},
		{name: "redirect/15-hops", start: at("/chain/0"), hops: 11, check: fetchErr("/chain/0", "more than 10 redirects")},
		{name: "redirect/30-hops", start: at("/long-chain/0"), hops: 11, check: func(t *testing.T, r hostileReport) {
			// One problem, one finding: the hops are not crawled as pages of their own.
			require.Len(t, r.Findings, 1, "findings: %+v", r.Findings)
			f := r.Findings[0]
			assert.Equal(t, "fetch-error", f.Kind)
			assert.True(t, strings.HasSuffix(f.URL, "/long-chain/0"), f.URL)
			assert.Contains(t, f.Message, "more than 10 redirects")
			assert.Len(t, f.Redirects, 11, "the chain up to where it was cut")
			assert.Equal(t, 1, r.Summary.URLs)
		}},
		{name: "redirect/off-site", start: at("/offsite"), check: func(t *testing.T, r hostileReport) {
			assert.Equal(t, 1, r.Summary.URLs, "other.invalid is recorded, not crawled")
			_, st, e := r.page(t, "/offsite")
			assert.Equal(t, 302, st["googlebot"])
			assert.Equal(t, "", e)
		}},
		{name: "redirect/other-schemes", start: at("/?link=/to-ftp&link=/to-js"), check: func(t *testing.T, r hostileReport) {
			for _, p := range []string{"/to-ftp", "/to-js"} {
				_, st, e := r.page(t, p)
				assert.Equal(t, 302, st["googlebot"], p)
				assert.Equal(t, "", e, p)
			}
			assert.Equal(t, 3, r.Summary.URLs)
		}},

		// bodies
		{name: "body/4GiB", start: at("/huge"), check: func(t *testing.T, r hostileReport) {
			assert.True(t, r.hasNote("responses cut at --max-body: 2"), "notes: %q", r.Notes)
		}},
		{name: "body/gzip-bomb", start: at("/gzip-bomb"), check: func(t *testing.T, r hostileReport) {
			assert.True(t, r.hasNote("responses cut at --max-body"), "notes: %q", r.Notes)
		}},
		{name: "body/deflate", start: at("/deflate-bomb"), check: ok("/deflate-bomb")},
		{name: "body/br-unasked", start: at("/br"), check: ok("/br")},

		// HTML
		{name: "html/malformed", start: at("/malformed"), check: ok("/malformed", "/ok/m1")},
		{name: "html/deep-nesting", start: at("/deep"), check: ok("/deep", "/ok/deep")},
		{name: "html/100k-links", start: at("/many-links"), check: capped},
		{name: "html/shift-jis-header", start: at("/sjis"), check: ok("/sjis", "/ok/sjis")},
		{name: "html/windows-1251-meta", start: at("/cp1251"), check: ok("/cp1251", "/ok/cp1251")},
		{name: "html/base-other-host", start: at("/base"), check: func(t *testing.T, r hostileReport) {
			assert.Equal(t, 1, r.Summary.URLs, "links resolved against another host's base are not crawled")
		}},
		{name: "html/schemes-and-idn", start: at("/schemes"), check: func(t *testing.T, r hostileReport) {
			ok("/ok/upper")(t, r)
			assert.Equal(t, 2, r.Summary.URLs, "pages: %+v", r.Pages)
		}},
		{name: "html/percent-encoding", start: at("/pct"), check: func(t *testing.T, r hostileReport) {
			assert.Equal(t, 1, r.pagesMatching("/caf"), "one path, one URL: %+v", r.Pages)
			ok("/caf%C3%A9")(t, r)
		}},
		{name: "html/dot-segments", start: at("/dots"), check: ok("/ok/dots", "/ok/dots2")},
		{name: "html/10KB-url", start: at("/long-url"), check: func(t *testing.T, r hostileReport) {
			assert.Equal(t, 1, r.Summary.URLs, "a URL over 4096 bytes is not crawled")
			assert.True(t, r.hasNote(`URLs longer than 4096 bytes were not crawled: 1 ("/ok/xxxx`), "notes: %q", r.Notes)
			assert.True(t, r.hasNote(`..." (10244 bytes))`), "clipped, with its length: %q", r.Notes)
		}},

		// statuses
		{name: "status/429-retry-after-1", start: at("/retry/429"), check: func(t *testing.T, r hostileReport) {
			ok("/retry/429")(t, r)
			assert.Empty(t, r.Findings)
		}},
		{name: "status/503-retry-after-1", start: at("/retry/503"), check: func(t *testing.T, r hostileReport) {
			ok("/retry/503")(t, r)
			assert.Empty(t, r.Findings)
		}},
		{name: "status/503-retry-after-3600", start: at("/retry-long"), check: func(t *testing.T, r hostileReport) {
			assert.Contains(t, r.finding("public-5xx", "/retry-long"), "got 503")
		}},
		{name: "status/401-malformed-challenge", start: at("/auth/malformed"), code: 1, check: func(t *testing.T, r hostileReport) {
			assert.Contains(t, r.finding("public-401", "/auth/malformed"), "got 401")
		}},
		{name: "status/401-50-challenges", start: at("/auth/many"), code: 1, check: func(t *testing.T, r hostileReport) {
			assert.Contains(t, r.finding("public-401", "/auth/many"), "got 401")
		}},

		// robots.txt
		{name: "robots/3MB-with-BOM", start: func(s *hostile.Server) string { return s.BigRobots + "/?link=/ok/x" },
			check: func(t *testing.T, r hostileReport) {
				assert.Contains(t, r.finding("robots-blocks-public", "/ok/x"), "line 2: Disallow: /ok/")
				ok("/?link=/ok/x")(t, r) // the Disallow: / after 500 KiB is not read
			}},
		{name: "robots/503", start: func(s *hostile.Server) string { return s.Robots503 + "/" }, code: 1,
			check: func(t *testing.T, r hostileReport) {
				assert.Contains(t, r.finding("robots-unavailable", "/robots.txt"), "status 503")
				ok("/")(t, r)
			}},

		// payloads
		{name: "payload", start: at("/payload"), code: 1, check: func(t *testing.T, r hostileReport) {
			// The href is not escaped, so `"><img ...` ends the link at /payload/
			// and lands in the realm of /payload/ instead.
			assert.Equal(t, 3, r.Summary.Findings["public-401"], "findings: %+v", r.Findings)
			for _, f := range r.Findings {
				if f.Kind == "public-401" {
					assert.Contains(t, []string{hostile.PayloadScript, hostile.PayloadFormula, hostile.PayloadImg}, f.Attribution.Realm)
				}
			}
			// Go's HTTP client refuses a header line with control bytes: the
			// ANSI realm never reaches a report raw, only as a quoted error.
			assert.Contains(t, r.finding("fetch-error", "/payload/ansi"), "malformed MIME header line")
		}},

		// raw TCP
		{name: "raw/never-answers", start: raw("/hang"), check: fetchErr("/hang", "timeout after 2s")},
		{name: "raw/drips-body", start: raw("/drip"), check: fetchErr("/drip", "timeout after 2s")},
		{name: "raw/drips-headers", start: raw("/drip-head"), check: fetchErr("/drip-head", "timeout after 2s")},
		{name: "raw/short-content-length", start: raw("/short"), check: fetchErr("/short", "EOF")},
		{name: "raw/long-content-length", start: raw("/long"), check: ok("/long")},
		{name: "raw/reset-mid-body", start: raw("/reset"), check: fetchErr("/reset", "reset")},
		{name: "raw/http10-close-delimited", start: raw("/http10"), check: ok("/http10")},
		{name: "raw/bad-chunked", start: raw("/bad-chunk"), check: fetchErr("/bad-chunk", "chunk")},
		{name: "raw/status-299", start: raw("/status/299"), check: status("/status/299", 299, "")},
		{name: "raw/status-599", start: raw("/status/599"), check: status("/status/599", 599, "public-5xx")},
		{name: "raw/status-007", start: raw("/status/007"), check: status("/status/007", 7, "")},
		{name: "raw/103-early-hints", start: raw("/early-hints"), check: ok("/early-hints")},
		{name: "raw/1xx-flood", start: raw("/1xx-flood"), check: ok("/1xx-flood")},
	}
}

// TestHostileSites runs the whole audit against each hostile behaviour and
// checks that it ends, stays bounded, says what happened, and writes every
// report format safely.
func TestHostileSites(t *testing.T) {
	srv := hostile.Start(t)
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			paths := filepath.Join(dir, "public.txt")
			require.NoError(t, os.WriteFile(paths, []byte("/**\n"), 0o644))
			args := []string{"audit", "-q", "--no-progress", "-p", paths, "--timeout", "2s", "--max-pages", "200",
				"--max-body", "1MB", "--concurrency", "4"}
			for _, format := range reportFormats() {
				args = append(args, "--report", format+"="+filepath.Join(dir, reportFiles[format]))
			}
			args = append(append(args, tc.flags...), tc.start(srv))

			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			var out, errOut bytes.Buffer
			began := time.Now()
			code := run(ctx, args, &out, &errOut)
			took := time.Since(began)
			require.NoError(t, ctx.Err(), "the audit must end by itself")
			limit := tc.slow
			if limit == 0 {
				limit = 20 * time.Second
			}
			assert.Less(t, took, limit)
			assert.Equal(t, tc.code, code, "stderr: %s", errOut.String())

			files := map[string][]byte{}
			for _, format := range reportFormats() {
				data, err := os.ReadFile(filepath.Join(dir, reportFiles[format]))
				require.NoError(t, err, format)
				assert.NotEmpty(t, data, format)
				files[format] = data
			}
			var rep hostileReport
			require.NoError(t, json.Unmarshal(files["json"], &rep))
			var sarif map[string]any
			require.NoError(t, json.Unmarshal(files["sarif"], &sarif), "SARIF parses")
			// No retry storm: each URL at most three times per agent and control.
			assert.LessOrEqual(t, rep.Summary.Requests, max(rep.Summary.URLs, 1)*3*3*max(tc.hops, 1)+8, "requests for %d URLs", rep.Summary.URLs)
			checkEscaped(t, files)
			if tc.name == "payload" {
				for _, f := range []string{"csv", "table", "github", "junit"} {
					assert.Contains(t, string(files[f]), "=cmd", f)
				}
				assert.Contains(t, string(files["csv"]), "'"+hostile.PayloadFormula, "the formula cell is quoted")
			}
			if tc.check != nil {
				tc.check(t, rep)
			}
			t.Logf("%s: exit %d, %d URLs, %d requests, %s; findings %v; notes %q",
				tc.name, code, rep.Summary.URLs, rep.Summary.Requests, took.Round(time.Millisecond), rep.Summary.Findings, rep.Notes)
		})
	}
}

func reportFormats() []string {
	return []string{"json", "csv", "csv-pages", "html", "junit", "sarif", "github", "table", "markdown"}
}

// checkEscaped checks that no report lets a payload through raw.
func checkEscaped(t *testing.T, files map[string][]byte) {
	t.Helper()
	for _, f := range []string{"table", "csv", "csv-pages", "github", "html", "junit", "markdown"} {
		assert.NotContains(t, string(files[f]), "\x1b", "%s report carries an ESC byte", f)
	}
	html := string(files["html"])
	assert.NotContains(t, html, hostile.PayloadScript)
	assert.NotContains(t, html, "<img src=x")
	assert.Equal(t, 1, strings.Count(strings.ToLower(html), "<script"), "only the report's own script")
	for _, f := range []string{"csv", "csv-pages"} {
		for _, line := range strings.Split(string(files[f]), "\n") {
			for _, cell := range strings.Split(line, ",") {
				assert.False(t, strings.HasPrefix(strings.Trim(cell, `"`), "="), "%s cell %q starts a formula", f, cell)
			}
		}
	}
}

// TestHostileTenRedirects pins Google's limit: a chain of exactly 10
// redirects is followed (Googlebot follows up to 10 hops).
func TestHostileTenRedirects(t *testing.T) {
	srv := hostile.Start(t)
	code, rep := hostileAudit(t, srv.URL+"/chain/5")
	assert.Equal(t, 0, code)
	found, st, e := rep.page(t, "/chain/5")
	require.True(t, found)
	assert.Equal(t, 302, st["googlebot"])
	assert.Equal(t, "", e, "10 redirects are within the limit")
}

// TestHostileGzipContentType checks that a body gzip-compressed without
// Content-Encoding (Content-Type: application/gzip) is not inflated past
// --max-body.
func TestHostileGzipContentType(t *testing.T) {
	srv := hostile.Start(t)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	hostileAudit(t, srv.URL+"/gzip-type", "--max-body", "64KB")
	runtime.ReadMemStats(&after)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(32<<20), "bytes allocated for 2 fetches capped at 64 KB")
}

// hostileAudit runs one audit with tight limits and returns its exit code
// and JSON report.
func hostileAudit(t *testing.T, start string, extra ...string) (int, hostileReport) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "report.json")
	args := append([]string{"audit", "-q", "--no-progress", "--timeout", "2s", "--max-pages", "200", "--max-body", "1MB",
		"--report", "json=" + file}, extra...)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	code := run(ctx, append(args, start), &out, &errOut)
	require.NoError(t, ctx.Err())
	data, err := os.ReadFile(file)
	require.NoError(t, err, errOut.String())
	var rep hostileReport
	require.NoError(t, json.Unmarshal(data, &rep))
	return code, rep
}

// TestHostileBudgetReachesEverySection: a page of 100,000 links next to
// ordinary sections does not spend --max-pages on itself. Every ordinary
// page is fetched within the budget, the rest goes to the big listing,
// and a note says how many of its links were not followed.
func TestHostileBudgetReachesEverySection(t *testing.T) {
	srv := hostile.Start(t)
	dir := t.TempDir()
	paths := filepath.Join(dir, "public.txt")
	require.NoError(t, os.WriteFile(paths, []byte("/**\n"), 0o644))
	code, rep := hostileAudit(t, srv.URL+"/sections", "-p", paths, "--max-pages", "3000", "--max-body", "15MB")
	assert.Equal(t, 0, code)
	assert.Equal(t, 3000, rep.Summary.URLs)
	assert.True(t, rep.hasNote("--max-pages 3000 reached"), "notes: %q", rep.Notes)
	assert.True(t, rep.hasNote("links past the first 5000 of a page were not followed: 95000 on "+srv.URL+"/many-links"), "notes: %q", rep.Notes)
	for _, p := range hostile.SectionPages() {
		found, st, e := rep.page(t, p)
		if assert.True(t, found, "ordinary page %s not fetched", p) {
			assert.Equal(t, 200, st["googlebot"], p)
			assert.Empty(t, e, p)
		}
	}
	assert.Equal(t, 3000-len(hostile.SectionPages())-1, rep.pagesMatching("/ok/"), "the big listing gets the rest")
}

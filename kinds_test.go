package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type jsonFinding struct {
	Kind, Severity, URL, Path, Message string
	DeclaredBy                         string `json:"declared_by"`
	Statuses                           map[string]int
	Attribution                        *struct {
		Source, Mechanism, Directive, Realm, Signature, Confidence, Fix string
		Evidence                                                        []string
		Location                                                        *struct {
			File, Context string
			Line          int
		}
	}
}

type jsonReport struct {
	Summary struct {
		Failed     bool
		Incomplete bool
	}
	Findings []jsonFinding
}

// auditSite runs `authwall audit` on handler with the given paths file and
// returns the JSON report.
func auditSite(t *testing.T, handler http.HandlerFunc, paths string, extra ...string) (int, jsonReport, string) {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	pathsFile := filepath.Join(dir, "public.txt")
	require.NoError(t, os.WriteFile(pathsFile, []byte(paths), 0o644))
	file := filepath.Join(dir, "report.json")
	args := append([]string{"audit", "-q", "-p", pathsFile, "--report", "json=" + file, "--timeout", "3s"}, extra...)
	code, _, errOut := cli(t, append(args, srv.URL+"/")...)
	data, err := os.ReadFile(file)
	require.NoError(t, err, errOut)
	var rep jsonReport
	require.NoError(t, json.Unmarshal(data, &rep))
	return code, rep, srv.URL
}

func findKind(rep jsonReport, kind string) []jsonFinding {
	var out []jsonFinding
	for _, f := range rep.Findings {
		if f.Kind == kind {
			out = append(out, f)
		}
	}
	return out
}

func home(links ...string) string {
	var b strings.Builder
	b.WriteString("<!doctype html><html><body><h1>Home</h1>")
	for _, l := range links {
		fmt.Fprintf(&b, `<a href="%s">%s</a> `, l, l)
	}
	return b.String() + "</body></html>"
}

// TestEachFindingKind builds a site for every finding kind and checks the
// whole pipeline reports it with the right URL and statuses.
func TestEachFindingKind(t *testing.T) {
	bot := func(r *http.Request) bool { return strings.Contains(strings.ToLower(r.UserAgent()), "bot") }
	for _, tc := range []struct {
		kind     string
		paths    string
		handler  func(w http.ResponseWriter, r *http.Request) bool // false: not handled, serve home
		path     string
		statuses map[string]int
		code     int
		check    func(t *testing.T, f jsonFinding)
	}{
		{kind: "public-401", paths: "/\n/blog/**\n", path: "/blog/",
			handler: func(w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path != "/blog/" {
					return false
				}
				w.Header().Set("WWW-Authenticate", `Basic realm="Staging"`)
				w.WriteHeader(401)
				return true
			},
			statuses: map[string]int{"googlebot": 401, "bingbot": 401, "browser": 401}, code: 1,
			check: func(t *testing.T, f jsonFinding) { assert.Equal(t, "Staging", f.Attribution.Realm) }},
		{kind: "public-403", paths: "/\n/careers\n", path: "/careers",
			handler: func(w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path != "/careers" {
					return false
				}
				if bot(r) {
					w.WriteHeader(403)
					return true
				}
				fmt.Fprint(w, "<html><body>Jobs</body></html>")
				return true
			},
			statuses: map[string]int{"googlebot": 403, "bingbot": 403, "browser": 200}, code: 1,
			check: func(t *testing.T, f jsonFinding) { assert.Equal(t, "ua-rule", f.Attribution.Mechanism) }},
		{kind: "public-login-redirect", paths: "/\n/pricing\n", path: "/pricing",
			handler: func(w http.ResponseWriter, r *http.Request) bool {
				switch r.URL.Path {
				case "/pricing":
					http.Redirect(w, r, "/users/sign_in", http.StatusFound)
				case "/users/sign_in":
					fmt.Fprint(w, `<form><input type="password" name="p"></form>`)
				default:
					return false
				}
				return true
			},
			statuses: map[string]int{"googlebot": 302, "bingbot": 302, "browser": 302}, code: 1,
			check: func(t *testing.T, f jsonFinding) { assert.Equal(t, "login-redirect", f.Attribution.Mechanism) }},
		{kind: "public-soft-auth", paths: "/\n/members\n", path: "/members",
			handler: func(w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path != "/members" {
					return false
				}
				w.Header().Set("Content-Type", "text/html")
				fmt.Fprint(w, `<html><body><form action="/wp-login.php?action=postpass" class="post-password-form" method="post"><input name="post_password" type="password"></form></body></html>`)
				return true
			},
			statuses: map[string]int{"googlebot": 200, "bingbot": 200}, code: 0},
		{kind: "public-5xx", paths: "/\n/status\n", path: "/status",
			handler: func(w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path != "/status" {
					return false
				}
				w.WriteHeader(502)
				return true
			},
			statuses: map[string]int{"googlebot": 502, "bingbot": 502, "browser": 502}, code: 0},
		{kind: "public-missing", paths: "/\n/about\n/docs/**\n", path: "/about",
			handler: func(w http.ResponseWriter, r *http.Request) bool {
				switch r.URL.Path {
				case "/":
					fmt.Fprint(w, home("/docs/gone"))
				case "/about", "/docs/gone":
					http.NotFound(w, r) // /docs/gone: a dead link under a wildcard, not a missing declared page
				default:
					return false
				}
				return true
			},
			statuses: map[string]int{"googlebot": 404, "bingbot": 404}, code: 0,
			check: func(t *testing.T, f jsonFinding) {
				assert.Equal(t, "warning", f.Severity)
				assert.Equal(t, "/about", f.DeclaredBy)
			}},
		{kind: "private-exposed", paths: "/\n!/account/**\n", path: "/account/settings",
			handler: func(w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path == "/" {
					fmt.Fprint(w, home("/account/settings"))
					return true
				}
				return false
			},
			statuses: map[string]int{"googlebot": 200, "bingbot": 200}, code: 1},
		{kind: "private-in-sitemap", paths: "/\n!/admin/**\n", path: "/admin/",
			handler: func(w http.ResponseWriter, r *http.Request) bool {
				switch r.URL.Path {
				case "/sitemap.xml":
					fmt.Fprintf(w, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://%s/admin/</loc></url></urlset>`, r.Host)
				case "/admin/":
					w.WriteHeader(401)
				default:
					return false
				}
				return true
			},
			statuses: map[string]int{"googlebot": 401, "bingbot": 401, "browser": 401}, code: 0},
		{kind: "robots-unavailable", paths: "/\n", path: "/robots.txt",
			handler: func(w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path != "/robots.txt" {
					return false
				}
				w.WriteHeader(503)
				return true
			},
			statuses: map[string]int{"googlebot": 503, "bingbot": 503}, code: 1,
			check: func(t *testing.T, f jsonFinding) {
				assert.Equal(t, "error", f.Severity)
				assert.Contains(t, f.Message, "stop crawling the whole site")
			}},
		{kind: "robots-blocks-public", paths: "/\n/docs/**\n", path: "/docs/install",
			handler: func(w http.ResponseWriter, r *http.Request) bool {
				if r.URL.Path == "/robots.txt" {
					fmt.Fprint(w, "User-agent: bingbot\nDisallow: /docs/\n")
					return true
				}
				if r.URL.Path == "/" {
					fmt.Fprint(w, home("/docs/install"))
					return true
				}
				return false
			},
			statuses: map[string]int{"googlebot": 200, "bingbot": 0}, code: 0,
			check: func(t *testing.T, f jsonFinding) { assert.Contains(t, f.Message, "line 2: Disallow: /docs/") }},
		{kind: "undeclared-blocked", paths: "/\n", path: "/internal/",
			handler: func(w http.ResponseWriter, r *http.Request) bool {
				switch r.URL.Path {
				case "/":
					fmt.Fprint(w, home("/internal/"))
				case "/internal/":
					w.WriteHeader(403)
				default:
					return false
				}
				return true
			},
			statuses: map[string]int{"googlebot": 403, "bingbot": 403, "browser": 403}, code: 0},
		{kind: "fetch-error", paths: "/\n", path: "/loop",
			handler: func(w http.ResponseWriter, r *http.Request) bool {
				switch r.URL.Path {
				case "/":
					fmt.Fprint(w, home("/loop"))
				case "/loop":
					http.Redirect(w, r, "/loop/", http.StatusMovedPermanently)
				case "/loop/":
					http.Redirect(w, r, "/loop", http.StatusMovedPermanently)
				default:
					return false
				}
				return true
			},
			statuses: map[string]int{"googlebot": 301, "bingbot": 301}, code: 0,
			check: func(t *testing.T, f jsonFinding) { assert.Contains(t, f.Message, "redirect loop") }},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			code, rep, base := auditSite(t, func(w http.ResponseWriter, r *http.Request) {
				if tc.handler(w, r) {
					return
				}
				switch r.URL.Path {
				case "/":
					fmt.Fprint(w, home("/blog/", "/careers", "/pricing", "/members"))
				case "/robots.txt", "/sitemap.xml":
					http.NotFound(w, r)
				default:
					fmt.Fprint(w, "<html><body>content</body></html>")
				}
			}, tc.paths)
			var found []jsonFinding
			for _, f := range findKind(rep, tc.kind) {
				if f.URL == base+tc.path {
					found = append(found, f)
				}
			}
			require.Len(t, found, 1, "%+v", rep.Findings)
			f := found[0]
			assert.Equal(t, tc.statuses, f.Statuses)
			assert.Equal(t, tc.code, code)
			if tc.check != nil {
				tc.check(t, f)
			}
		})
	}
}

// TestInterruptWritesReports cancels a crawl of an endless site: the
// reports still come out, marked incomplete, and the exit code is 3.
func TestInterruptWritesReports(t *testing.T) {
	var served atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		var n int
		fmt.Sscanf(r.URL.Path, "/p/%d", &n)
		time.Sleep(5 * time.Millisecond)
		fmt.Fprint(w, home(fmt.Sprintf("/p/%d", n+1), fmt.Sprintf("/p/%d", n+2)))
	}))
	defer srv.Close()
	file := filepath.Join(t.TempDir(), "report.json")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(500*time.Millisecond, cancel)
	var out, errOut strings.Builder
	start := time.Now()
	code := run(ctx, []string{"audit", "--no-progress", "--report", "json=" + file, srv.URL + "/p/0"}, &out, &errOut)
	assert.Less(t, time.Since(start), 20*time.Second, "stops promptly")
	assert.Equal(t, 3, code, errOut.String())
	assert.Contains(t, errOut.String(), "interrupted")
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	var rep jsonReport
	require.NoError(t, json.Unmarshal(data, &rep))
	assert.True(t, rep.Summary.Incomplete)
	assert.Positive(t, served.Load())
}

// TestBaselineExitCodes: with a baseline only new findings fail.
func TestBaselineExitCodes(t *testing.T) {
	walled := map[string]bool{"/blog/": true}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if walled[r.URL.Path] {
			w.WriteHeader(401)
			return
		}
		fmt.Fprint(w, home("/blog/", "/docs/"))
	}))
	defer srv.Close()
	dir := t.TempDir()
	paths := filepath.Join(dir, "public.txt")
	require.NoError(t, os.WriteFile(paths, []byte("/\n/blog/**\n/docs/**\n"), 0o644))
	first := filepath.Join(dir, "first.json")
	code, _, _ := cli(t, "audit", "-q", "-p", paths, "--report", "json="+first, srv.URL+"/")
	require.Equal(t, 1, code)

	// Same walls again: nothing new, the run passes.
	second := filepath.Join(dir, "second.json")
	code, out, errOut := cli(t, "audit", "--no-progress", "-p", paths, "--baseline", first, "--report", "json="+second, srv.URL+"/")
	assert.Equal(t, 0, code, out+errOut)
	var rep struct{ Findings []struct{ New bool } }
	data, err := os.ReadFile(second)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &rep))
	require.Len(t, rep.Findings, 1)
	assert.False(t, rep.Findings[0].New)

	// A new wall fails; the old one is still not new.
	walled["/docs/"] = true
	code, _, _ = cli(t, "audit", "-q", "-p", paths, "--baseline", first, srv.URL+"/")
	assert.Equal(t, 1, code)

	// A bad baseline is a usage error naming the file.
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte("not json"), 0o644))
	code, _, errOut = cli(t, "audit", "-q", "-p", paths, "--baseline", bad, srv.URL+"/")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, bad)
}

// TestPublicMissingOnlyForNamedPages: public-missing is for the pages the
// owner named (a literal line, a sitemap entry); a dead link under a
// wildcard pattern is not one.
func TestPublicMissingOnlyForNamedPages(t *testing.T) {
	code, rep, base := auditSite(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			fmt.Fprint(w, home("/docs/dead-link", "/docs/"))
		case "/docs/":
			fmt.Fprint(w, "<html><body>docs</body></html>")
		case "/sitemap.xml":
			fmt.Fprintf(w, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://%s/docs/listed</loc></url></urlset>`, r.Host)
		case "/gone":
			w.WriteHeader(http.StatusGone)
		default:
			http.NotFound(w, r)
		}
	}, "/\n/about\n/gone\n/docs/**\n")
	assert.Equal(t, 0, code, "a warning does not fail the run by default")
	var urls []string
	for _, f := range findKind(rep, "public-missing") {
		urls = append(urls, strings.TrimPrefix(f.URL, base))
	}
	assert.ElementsMatch(t, []string{"/about", "/gone", "/docs/listed"}, urls)
}

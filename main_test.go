package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/demo"
	"authwall/internal/realserver"
)

var update = flag.Bool("update", false, "rewrite golden files")

// cli runs the command in-process, as main does.
func cli(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	code = run(ctx, args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

func testSite(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			fmt.Fprint(w, `<html><body><a href="/blog/">Blog</a> <a href="/about">About</a></body></html>`)
		case "/about":
			fmt.Fprint(w, `<html><body>About</body></html>`)
		case "/blog/":
			w.Header().Set("WWW-Authenticate", `Basic realm="Staging"`)
			w.WriteHeader(401)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestExitCodes(t *testing.T) {
	srv := testSite(t)
	okPaths := writeFile(t, "public.txt", "/\n/about\n")
	wallPaths := writeFile(t, "public.txt", "/\n/blog/**\n")
	badPaths := writeFile(t, "bad.txt", "/\nblog/**\n")

	code, out, _ := cli(t, "audit", "--no-progress", "-p", okPaths, srv.URL+"/")
	assert.Equal(t, 0, code, out)

	code, out, _ = cli(t, "audit", "--no-progress", "-p", wallPaths, srv.URL+"/")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "public-401")

	code, _, _ = cli(t, "audit", "--no-progress", "-p", wallPaths, "--fail-on", "never", srv.URL+"/")
	assert.Equal(t, 0, code, "--fail-on never")

	code, _, errOut := cli(t, "audit", "-p", badPaths, srv.URL+"/")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, badPaths+":2")

	for _, args := range [][]string{
		{"audit"},
		{"audit", "--concurrency", "0", srv.URL},
		{"audit", "--bogus", srv.URL},
		{"audit", "--report", "json", srv.URL},
		{"audit", "--report", "pdf=x.pdf", srv.URL},
		{"audit", "--agents", "yandexbot", srv.URL},
		{"audit", "--fail-on", "public-999", srv.URL},
		{"audit", "--server-config", "nginx.conf", srv.URL},
		{"audit", "--baseline", "old.json", srv.URL},
		{"audit", "example.org"},
		{"audit", "-c", "missing.yaml", srv.URL},
		{"frobnicate"},
	} {
		code, _, errOut := cli(t, args...)
		assert.Equal(t, 2, code, "%v: %s", args, errOut)
		assert.NotContains(t, errOut, "goroutine", "no stack traces")
		assert.NotEmpty(t, strings.TrimSpace(errOut), "%v says what is wrong", args)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := "http://" + l.Addr().String() + "/"
	l.Close()
	report := filepath.Join(t.TempDir(), "r.json")
	code, _, errOut = cli(t, "audit", "--no-progress", "--report", "json="+report, dead)
	assert.Equal(t, 3, code, errOut)
	assert.Contains(t, errOut, "unreachable")
	assert.FileExists(t, report, "reports are written even when the site is unreachable")
}

func TestConfigFileAndFlagPrecedence(t *testing.T) {
	srv := testSite(t)
	cfg := writeFile(t, "authwall.yaml", fmt.Sprintf("url: %s/\npublic: [/, /blog/**]\nfail_on: [never]\nformat: json\n", srv.URL))
	code, out, errOut := cli(t, "audit", "-c", cfg)
	assert.Equal(t, 0, code, errOut)
	var rep map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rep), "format: json from the config")

	code, out, _ = cli(t, "audit", "-c", cfg, "--fail-on", "error", "-f", "table")
	assert.Equal(t, 1, code, "a flag wins over the config")
	assert.Contains(t, out, "public-401")

	// A paths file named in the config is found beside the config.
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "public.txt"), []byte("/\n/blog/**\n"), 0o644))
	cfg2 := filepath.Join(dir, "authwall.yaml")
	require.NoError(t, os.WriteFile(cfg2, []byte("paths: [public.txt]\n"), 0o644))
	code, out, errOut = cli(t, "audit", "-c", cfg2, "--no-progress", srv.URL+"/")
	assert.Equal(t, 1, code, errOut)
	assert.Contains(t, out, "public-401")

	bad := writeFile(t, "authwall.yaml", "paths: [nowhere.txt]\n")
	code, _, errOut = cli(t, "audit", "-c", bad, srv.URL+"/")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "nowhere.txt")
}

func TestJSONReportFields(t *testing.T) {
	srv := testSite(t)
	paths := writeFile(t, "public.txt", "/\n/blog/**\n")
	file := filepath.Join(t.TempDir(), "out", "report.json")
	code, _, errOut := cli(t, "audit", "-q", "-p", paths, "--report", "json="+file, srv.URL+"/")
	require.Equal(t, 1, code, errOut)
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	var rep map[string]any
	require.NoError(t, json.Unmarshal(data, &rep))
	for _, k := range []string{"schema", "tool", "target", "started_at", "duration_ms", "agents", "summary", "findings", "pages"} {
		assert.Contains(t, rep, k)
	}
	assert.EqualValues(t, 1, rep["schema"])
	summary := rep["summary"].(map[string]any)
	assert.Equal(t, true, summary["failed"])
	assert.EqualValues(t, 1, summary["findings"].(map[string]any)["public-401"])
	findings := rep["findings"].([]any)
	require.Len(t, findings, 1)
	f := findings[0].(map[string]any)
	for _, k := range []string{"kind", "severity", "url", "path", "declared_by", "statuses", "found_via", "linked_from", "attribution"} {
		assert.Contains(t, f, k)
	}
	assert.Equal(t, "/blog/**", f["declared_by"])
	assert.EqualValues(t, 401, f["statuses"].(map[string]any)["googlebot"])
	attr := f["attribution"].(map[string]any)
	for _, k := range []string{"source", "mechanism", "directive", "realm", "confidence", "evidence", "fix"} {
		assert.Contains(t, attr, k)
	}
	assert.Equal(t, "Staging", attr["realm"])
}

func TestHelp(t *testing.T) {
	code, out, _ := cli(t, "audit", "--help")
	assert.Equal(t, 0, code)
	for _, want := range []string{"What to crawl", "Limits and politeness", "Output and exit code", "--public", "--fail-on", "--max-body", "Examples:", "Exit codes"} {
		assert.Contains(t, out, want)
	}
	golden := filepath.Join("testdata", "help-audit.golden")
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(out), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), out, "help changed: run go test -run TestHelp -update")

	code, out, _ = cli(t, "version")
	assert.Equal(t, 0, code)
	assert.Equal(t, "authwall "+version+"\n", out)
}

// TestHelpPlaceholders: each flag's value placeholder in --help is the
// word the documentation writes (LIST, FORMAT, N...), never the Go type
// pflag falls back to (strings, string, int).
func TestHelpPlaceholders(t *testing.T) {
	goTypes := regexp.MustCompile(`(?m)^\s+(-\w, )?--[\w-]+ (string|strings|stringArray|int|float|duration|size)\s`)
	for _, tc := range []struct {
		command string
		want    []string
	}{
		{"audit", []string{"-p, --public FILE", "-c, --config FILE", "--agents LIST", "--concurrency N", "--rate R",
			"--max-pages N", "--max-depth N", "--timeout D", "--max-body SIZE", "--include GLOB", "--exclude GLOB",
			"--server-config PATH", "--report FORMAT=FILE", "-f, --format FORMAT", "--fail-on LIST", "--baseline FILE"}},
		{"lint", []string{"--server-config PATH", "-p, --public FILE", "--sitemap FILE", "--agents LIST", "-f, --format FORMAT", "--fail-on LIST"}},
		{"explain", []string{"--server-config PATH", "--agent NAME", "-f, --format FORMAT"}},
		{"logs", []string{"-p, --public FILE", "--log-format F", "--max-paths N", "-f, --format FORMAT", "--fail-on LIST"}},
		{"robots", []string{"--agents LIST", "-f, --format FORMAT"}},
	} {
		t.Run(tc.command, func(t *testing.T) {
			code, out, _ := cli(t, tc.command, "--help")
			require.Equal(t, 0, code)
			for _, w := range tc.want {
				assert.Regexp(t, `(?m)^\s+`+regexp.QuoteMeta(w)+`\s`, out)
			}
			assert.Empty(t, goTypes.FindAllString(out, -1), "placeholders that are Go types")
		})
	}
}

// TestNginxInheritedAuth is the classic: auth_basic at server level that
// the public /blog/ location inherits, on Debian's real nginx.
func TestNginxInheritedAuth(t *testing.T) {
	srv := realserver.Nginx(t, "testdata/nginx/inherited-auth.conf", "testdata/nginx/site")
	ra := auditReal(t, srv.URL, "testdata/nginx/public.txt", "--server-config", filepath.Join(srv.Prefix, "inherited-auth.conf"))
	assert.Equal(t, 1, ra.code)
	all := map[string]int{"googlebot": 401, "bingbot": 401, "browser": 401} // the control shows a wall for everyone
	// Both walls point at the server-level auth_basic (line 25) that
	// location /blog/ (line 33) inherits.
	assertRealFindings(t, srv.URL, ra.findings, []realFinding{
		{Kind: "public-401", Path: "/blog/", Source: "nginx", Mechanism: "basic", Directive: "auth_basic", Realm: "Staging Area", Statuses: all, ConfigFile: "inherited-auth.conf", ConfigLine: 25},
		{Kind: "public-401", Path: "/blog/first-post.html", Source: "nginx", Mechanism: "basic", Directive: "auth_basic", Realm: "Staging Area", Statuses: all, ConfigFile: "inherited-auth.conf", ConfigLine: 25},
	})
	for _, f := range ra.findings {
		assert.Equal(t, "high", f.Attribution.Confidence, f.Path)
		assert.Contains(t, f.Attribution.Fix, "Add `auth_basic off;` to location /blog/ (", f.Path)
		assert.Contains(t, f.Attribution.Fix, "inherited-auth.conf:33)", f.Path)
	}
}

// TestRobotsReferenceThroughCLI runs the reference parser's published
// checks through `authwall robots --file`.
func TestRobotsReferenceThroughCLI(t *testing.T) {
	data, err := os.ReadFile("crawler/robots/testdata/reference.json")
	require.NoError(t, err)
	var cases []struct {
		Name, Robotstxt, Token, URL string
		Allowed                     bool
	}
	require.NoError(t, json.Unmarshal(data, &cases))
	require.Greater(t, len(cases), 100)
	dir := t.TempDir()
	ran := 0
	for i, c := range cases {
		if c.URL == "" || c.Token == "" {
			continue // the reference's empty-input API checks have no command-line form; the package test runs them
		}
		ran++
		file := filepath.Join(dir, fmt.Sprintf("robots-%d.txt", i))
		require.NoError(t, os.WriteFile(file, []byte(c.Robotstxt), 0o644))
		code, out, errOut := cli(t, "robots", "--file", file, "--token", c.Token, "--format", "json", c.URL)
		require.Equal(t, 0, code, "%s: %s", c.Name, errOut)
		var line struct {
			Allowed bool
			Line    int
			Rule    string
		}
		require.NoError(t, json.Unmarshal([]byte(out), &line), out)
		assert.Equal(t, c.Allowed, line.Allowed, "%s: %q for %s", c.Name, c.URL, c.Token)
		if !line.Allowed && line.Line > 0 {
			assert.NotEmpty(t, line.Rule)
		}
	}
	assert.Greater(t, ran, 100)
}

func TestRobotsCommandFetches(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nAllow: /\n\nUser-agent: bingbot\nDisallow: /docs/install\n")
	}))
	defer srv.Close()
	code, out, _ := cli(t, "robots", srv.URL+"/docs/install")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "allowed    googlebot")
	assert.Contains(t, out, "disallowed bingbot")
	assert.Contains(t, out, "line 5: Disallow: /docs/install")
}

func TestDemo(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := cli(t, "demo", "--out", dir)
	require.Equal(t, 1, code, "%s\n%s", out, errOut)
	assert.Contains(t, out, "public-401")
	for _, f := range []string{"report.json", "report.csv", "report.html", "report.junit.xml", "report.sarif", "report.md"} {
		assert.FileExists(t, filepath.Join(dir, f))
	}
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	require.NoError(t, err)
	var rep struct {
		Findings []struct {
			Kind, Path  string
			Attribution *struct{ Source, Mechanism string }
		}
	}
	require.NoError(t, json.Unmarshal(data, &rep))
	have := map[string]bool{}
	for _, f := range rep.Findings {
		have[f.Kind+" "+f.Path] = true
	}
	for _, e := range demo.Expected() {
		assert.True(t, have[e.Kind+" "+e.Path], "demo should report %s on %s; got %v", e.Kind, e.Path, have)
	}
}

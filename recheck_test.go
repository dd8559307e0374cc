package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/audit"
)

// wallSite walls /blog/ and /docs/ until told otherwise, and counts the
// requests per path.
type wallSite struct {
	*httptest.Server
	blogOpen, docsOpen atomic.Bool
	mu                 sync.Mutex
	hits               map[string]int
}

func newWallSite(t *testing.T) *wallSite {
	s := &wallSite{hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		open := map[string]bool{"/blog/": s.blogOpen.Load(), "/docs/": s.docsOpen.Load()}
		switch r.URL.Path {
		case "/":
			fmt.Fprint(w, `<html><body><a href="/blog/">Blog</a> <a href="/docs/">Docs</a> <a href="/about">About</a></body></html>`)
		case "/about":
			fmt.Fprint(w, `<html><body>About</body></html>`)
		case "/blog/", "/docs/":
			if !open[r.URL.Path] {
				w.Header().Set("WWW-Authenticate", `Basic realm="Staging"`)
				w.WriteHeader(401)
				return
			}
			fmt.Fprint(w, `<html><body>content</body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *wallSite) takeHits() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hits
	s.hits = map[string]int{}
	return h
}

type recheckJSON struct {
	Summary struct{ Failed bool }
	Notes   []string
	Recheck *struct {
		Report       string
		URLs         int
		Remains, New int
		Fixed        []struct{ Kind, Path, Recheck string }
	}
	Findings []struct{ Kind, Path, Recheck string }
}

func readRecheckJSON(t *testing.T, file string) recheckJSON {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	var r recheckJSON
	require.NoError(t, json.Unmarshal(data, &r))
	return r
}

// TestRecheck: an audit finds walls on /blog/ and /docs/; /docs/ is
// fixed; the recheck fetches only those two URLs again and says /docs/ is
// fixed and /blog/ remains (exit 1); once /blog/ is fixed too it passes.
func TestRecheck(t *testing.T) {
	site := newWallSite(t)
	dir := t.TempDir()
	paths := writeFile(t, "public.txt", "/\n/blog/**\n/docs/**\n/about\n")
	old := filepath.Join(dir, "old.json")
	code, out, errOut := cli(t, "audit", "--no-progress", "-p", paths, "--report", "json="+old, site.URL)
	require.Equal(t, 1, code, "%s\n%s", out, errOut)
	site.takeHits()

	site.docsOpen.Store(true)
	now := filepath.Join(dir, "now.json")
	code, out, errOut = cli(t, "audit", "--no-progress", "-p", paths, "--recheck", old, "--report", "json="+now)
	require.Equal(t, 1, code, "/blog/ still fails: %s\n%s", out, errOut)
	assert.Contains(t, out, "recheck of "+old+": 2 URLs fetched again: 1 fixed, 1 remaining, 0 new\n")
	assert.Contains(t, out, "  fixed: public-401 /docs/\n")
	assert.Contains(t, out, "  remains: public-401 /blog/\n")

	hits := site.takeHits()
	assert.Zero(t, hits["/"], "no crawl: the start page is not fetched")
	assert.Zero(t, hits["/about"], "a URL without findings is not fetched")
	assert.Equal(t, 3, hits["/blog/"], "googlebot, bingbot and the browser control")
	assert.Equal(t, 2, hits["/docs/"], "both agents; no control for an open page")

	r := readRecheckJSON(t, now)
	assert.True(t, r.Summary.Failed)
	require.NotNil(t, r.Recheck)
	assert.Equal(t, old, r.Recheck.Report)
	assert.Equal(t, 2, r.Recheck.URLs)
	assert.Equal(t, 1, r.Recheck.Remains)
	require.Len(t, r.Recheck.Fixed, 1)
	assert.Equal(t, "/docs/", r.Recheck.Fixed[0].Path)
	require.Len(t, r.Findings, 1)
	assert.Equal(t, "remains", r.Findings[0].Recheck)

	// No paths given: the patterns the findings were declared by stand in,
	// so the wall is not mistaken for a fix.
	code, out, _ = cli(t, "audit", "--no-progress", "--recheck", old)
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "1 fixed, 1 remaining")
	assert.Contains(t, out, "the recheck declares the 2 patterns the findings of "+old+" were declared by")

	site.blogOpen.Store(true)
	code, out, errOut = cli(t, "audit", "--no-progress", "-p", paths, "--recheck", old)
	assert.Equal(t, 0, code, "%s\n%s", out, errOut)
	assert.Contains(t, out, "2 fixed, 0 remaining, 0 new")
}

// TestRecheckNewFinding: a URL fetched again with a finding the earlier
// report did not have reports it as new.
func TestRecheckNewFinding(t *testing.T) {
	site := newWallSite(t)
	site.docsOpen.Store(true)
	dir := t.TempDir()
	paths := writeFile(t, "public.txt", "/blog/**\n/docs/**\n")
	old := filepath.Join(dir, "old.json")
	code, _, _ := cli(t, "audit", "-q", "--no-progress", "-p", paths, "--report", "json="+old, site.URL)
	require.Equal(t, 1, code)

	// Declared private now: the open /blog/ page is exposed, a new finding
	// on a URL fetched again.
	site.blogOpen.Store(true)
	private := writeFile(t, "private.txt", "!/blog/**\n")
	code, out, _ := cli(t, "audit", "--no-progress", "-p", private, "--recheck", old)
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "1 fixed, 0 remaining, 1 new")
	assert.Contains(t, out, "  new: private-exposed /blog/\n")
}

func TestRecheckBadReport(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.json")
	code, _, errOut := cli(t, "audit", "--recheck", missing)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--recheck: open "+missing)

	bad := writeFile(t, "bad.json", `{"schema": 1, "tool": {}}`)
	code, _, errOut = cli(t, "audit", "--recheck", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--recheck: "+bad+": read JSON report: missing field")

	notJSON := writeFile(t, "report.html", "<html>")
	code, _, errOut = cli(t, "audit", "--recheck", notJSON, "https://example.org/")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, notJSON+": read JSON report: not JSON")
}

// TestEarlierPathsBadDeclaredBy: a declared_by the recheck cannot read as
// a pattern is an error that names the report once, the field, the
// problem and the pattern.
func TestEarlierPathsBadDeclaredBy(t *testing.T) {
	for _, tc := range []struct{ declaredBy, want string }{
		{"/a b", "old.json declared_by: space in a pattern, write it as %20: /a b"},
		{"!/a b", "old.json declared_by: space in a pattern, write it as %20: /a b"},
		{"!!/x", "old.json declared_by: '!' belongs in paths files; list the pattern under private: instead: !/x"},
	} {
		_, _, err := earlierPaths("old.json", []audit.Finding{{DeclaredBy: "/ok/**"}, {DeclaredBy: tc.declaredBy}})
		require.Error(t, err, tc.declaredBy)
		assert.Equal(t, tc.want, err.Error(), tc.declaredBy)
	}
}

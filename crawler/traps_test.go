package crawler

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func trapNotes(res Result) []string {
	var out []string
	for _, n := range res.Notes {
		if strings.HasPrefix(n, "crawler trap cut: ") {
			out = append(out, n)
		}
	}
	return out
}

func TestTrapCalendar(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var y, m int
		if _, err := fmt.Sscanf(r.URL.Path, "/cal/%d/%d", &y, &m); err != nil {
			writeHTML(w, pageHTML("/cal/2026/11", "/about"))
			return
		}
		next, prev := y*12+m, y*12+m-2 // months counted from year 0, January = 0
		writeHTML(w, pageHTML("/", fmt.Sprintf("/cal/%d/%d", next/12, next%12+1), fmt.Sprintf("/cal/%d/%d", prev/12, prev%12+1)))
	}))
	defer srv.Close()

	got, res, err := crawl(t, Options{Start: srv.URL + "/", NoSitemaps: true, Seeds: []string{"/cal/1900/1"}})
	require.NoError(t, err)
	// Four runs (two starts, both directions) of 200 months each: a tenth
	// of the default budget of 10,000.
	assert.LessOrEqual(t, res.URLs, 1000)
	assert.Contains(t, got, "/about")
	assert.Contains(t, got, "/cal/1900/1", "a seed is never cut")
	notes := trapNotes(res)
	require.Len(t, notes, 1, "%q", res.Notes)
	assert.Regexp(t, `^crawler trap cut: /cal/\{n\}/\{n\}: \d+ URLs visited, \d+ more skipped`, notes[0])
	assert.NotContains(t, strings.Join(res.Notes, "\n"), "--max-pages")
}

func TestTrapGrowingPath(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Relative links resolve against an ever longer path.
		writeHTML(w, pageHTML("a/", "x/y/", "page"))
	}))
	defer srv.Close()

	got, res, err := crawl(t, Options{Start: srv.URL + "/", NoSitemaps: true, MaxPages: 5000, Seeds: []string{"/a/a/a/a/a/"}})
	require.NoError(t, err)
	assert.Less(t, res.URLs, 1000)
	assert.Contains(t, got, "/a/a/a/")
	assert.Contains(t, got, "/a/a/a/a/a/", "a seed is never cut")
	assert.NotContains(t, got, "/a/a/a/a/")
	notes := strings.Join(trapNotes(res), "\n")
	assert.Contains(t, notes, `crawler trap cut: growing path /…/a/a/a/a/… (segment "a" repeated more than 3 times in a row)`)
	assert.Contains(t, notes, `crawler trap cut: growing path (segment "x" more than 4 times)`)
	for p := range got {
		assert.LessOrEqual(t, strings.Count(p, "/x/"), 4, p)
	}
}

func TestTrapDeepPath(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := strings.Count(r.URL.Path, "/")
		writeHTML(w, pageHTML(fmt.Sprintf("s%d/", n)))
	}))
	defer srv.Close()

	got, res, err := crawl(t, Options{Start: srv.URL + "/", NoSitemaps: true, Agents: mustAgents(t, "googlebot")})
	require.NoError(t, err)
	assert.Len(t, got, 32)
	assert.Contains(t, trapNotes(res), "crawler trap cut: paths deeper than 32 segments: 1 URLs skipped")
}

func TestTrapQueryExplosion(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/list" {
			writeHTML(w, pageHTML("/list?page=1&sort=new"))
			return
		}
		var n int
		fmt.Sscanf(r.URL.Query().Get("page"), "%d", &n)
		var links []string
		for _, s := range []string{"new", "old", "price"} {
			links = append(links, fmt.Sprintf("/list?page=%d&sort=%s", n+1, s), fmt.Sprintf("/list?sort=%s&page=%d", s, n+1))
		}
		writeHTML(w, pageHTML(links...))
	}))
	defer srv.Close()

	_, res, err := crawl(t, Options{Start: srv.URL + "/", NoSitemaps: true})
	require.NoError(t, err)
	// 200 pages deep, six URLs a page: an eighth of the default budget.
	assert.LessOrEqual(t, res.URLs, 1300)
	notes := trapNotes(res)
	require.Len(t, notes, 1, "%q", res.Notes)
	assert.Regexp(t, `^crawler trap cut: /list \(query page, sort\): \d+ URLs visited, \d+ more skipped`, notes[0])
}

func TestTrapSessionIDs(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Every answer links every page under a fresh session.
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		sid := hex.EncodeToString(b)
		var links []string
		for k := range 10 {
			links = append(links, fmt.Sprintf("/p/%d?sid=%s", k, sid), fmt.Sprintf("/q/%d;jsessionid=%s", k, strings.ToUpper(sid)),
				fmt.Sprintf("/r/%d?PHPSESSID=%s&lang=en", k, sid))
		}
		links = append(links, "/story?sid=42") // a short sid is an id, kept
		writeHTML(w, pageHTML(links...))
	}))
	defer srv.Close()

	got, res, err := crawl(t, Options{Start: srv.URL + "/", NoSitemaps: true})
	require.NoError(t, err)
	assert.Equal(t, 32, res.URLs, "%v", keys(got))
	assert.Contains(t, got, "/p/3")
	assert.Contains(t, got, "/q/3")
	assert.Contains(t, got, "/r/3?lang=en")
	assert.Contains(t, got, "/story?sid=42")
	notes := trapNotes(res)
	require.Len(t, notes, 1, "%q", res.Notes)
	assert.Regexp(t, `^crawler trap cut: session ids \(jsessionid, phpsessid, sid\) stripped from \d+ links$`, notes[0])
}

// A blog of 500 posts, ten per index page, each post linking its
// neighbours: many URLs of one template, none of them a trap.
func TestTrapNotOnBigSite(t *testing.T) {
	const posts, perPage = 500, 10
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		if _, err := fmt.Sscanf(r.URL.Path, "/p/%d", &n); err == nil && n >= 1 && n <= posts {
			writeHTML(w, pageHTML("/", fmt.Sprintf("/p/%d", max(1, n-1)), fmt.Sprintf("/p/%d", min(posts, n+1)), fmt.Sprintf("/tag/t%d", n%7)))
			return
		}
		if r.URL.Path == "/" || strings.HasPrefix(r.URL.Path, "/tag/") {
			page := 1
			if v := r.URL.Query().Get("page"); v != "" {
				fmt.Sscanf(v, "%d", &page)
			}
			var links []string
			for i := (page-1)*perPage + 1; i <= page*perPage && i <= posts; i++ {
				links = append(links, fmt.Sprintf("/p/%d", i))
			}
			if page*perPage < posts {
				links = append(links, "?"+url.Values{"page": {fmt.Sprint(page + 1)}}.Encode())
			}
			writeHTML(w, pageHTML(links...))
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()

	got, res, err := crawl(t, Options{Start: srv.URL + "/", NoSitemaps: true, Agents: mustAgents(t, "googlebot")})
	require.NoError(t, err)
	for i := 1; i <= posts; i++ {
		require.Contains(t, got, fmt.Sprintf("/p/%d", i))
	}
	assert.Contains(t, got, "/?page=50")
	assert.Empty(t, trapNotes(res))
}

func TestPathTemplate(t *testing.T) {
	for in, want := range map[string]string{
		"/cal/2024/01":             "/cal/{n}/{n}",
		"/blog/2024-01-05-my-post": "/blog/{n}-{n}-{n}-my-post",
		"/u/5f2b1c9a":              "/u/{hex}",
		"/o/123e4567-e89b-12d3-a456-426614174000/x": "/o/{hex}/x",
		"/t/AbC123xyz789QWE0":                       "/t/{id}",
		"/a-long-slug-with-words-only":              "/a-long-slug-with-words-only",
		"/":                                         "/",
		"/page2/":                                   "/page{n}/",
	} {
		assert.Equal(t, want, pathTemplate(in), in)
	}
	assert.Equal(t, "a, b, c", queryKeys("c=1&a=2&b&a=3"))
}

func TestStripSessions(t *testing.T) {
	for in, want := range map[string]string{
		"http://h/x;jsessionid=0AB12CD;v=1?a=1":                         "http://h/x;v=1?a=1",
		"http://h/x;JSESSIONID=0AB12CD":                                 "http://h/x",
		"http://h/p?sid=0123456789abcdef0123&b=2":                       "http://h/p?b=2",
		"http://h/p?sid=7":                                              "http://h/p?sid=7",
		"http://h/p?ASPSESSIONIDQQGGQGGQ=ABCDEFGHIJKLMNOP&session_id=x": "http://h/p",
		"http://h/inside/sidebar?considered=1":                          "http://h/inside/sidebar?considered=1",
	} {
		u, err := url.Parse(in)
		require.NoError(t, err)
		stripSessions(u)
		assert.Equal(t, want, u.String(), in)
	}
}

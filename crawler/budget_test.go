package crawler

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// graphSite is a generated site of n pages in several directories, some
// linked with a query, whose links are known in advance, so a test can
// work out which URLs a crawl must visit.
type graphSite struct{ n int }

var graphPage = regexp.MustCompile(`p(\d+)$`)

func (s graphSite) path(i int) string {
	return []string{"/", "/a/", "/a/b/", "/c/", "/list/"}[i%5] + fmt.Sprintf("p%d", i)
}

// links are the paths page i links to; page 0 also links to a listing of
// every tenth page.
func (s graphSite) links(i int) []string {
	out := []string{s.path((i*7 + 1) % s.n), s.path((i*13 + 5) % s.n), s.path((i*3 + 2) % s.n)}
	if i%11 == 0 {
		out = append(out, s.path((i+4)%s.n)+"?v=1")
	}
	if i == 0 {
		for j := 0; j < s.n; j += 10 {
			out = append(out, s.path(j))
		}
	}
	return out
}

func (s graphSite) handler(w http.ResponseWriter, r *http.Request) {
	i, ok := s.index(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	writeHTML(w, pageHTML(s.links(i)...))
}

// index is the number of the page at path; ok is false for no page.
func (s graphSite) index(path string) (int, bool) {
	m := graphPage.FindStringSubmatch(path)
	if m == nil {
		return 0, false
	}
	var i int
	_, err := fmt.Sscan(m[1], &i)
	return i, err == nil && i < s.n && s.path(i) == path
}

// reachable is what a breadth-first crawl from page 0 visits, with
// maxDepth as the crawler reads it (0: no limit).
func (s graphSite) reachable(maxDepth int) []string {
	seen := map[string]bool{s.path(0): true}
	out := []string{s.path(0)}
	level := []string{s.path(0)}
	for depth := 1; len(level) > 0 && (maxDepth == 0 || depth <= maxDepth); depth++ {
		var next []string
		for _, p := range level {
			i, _ := s.index(strings.SplitN(p, "?", 2)[0])
			for _, l := range s.links(i) {
				if !seen[l] {
					seen[l] = true
					out = append(out, l)
					next = append(next, l)
				}
			}
		}
		level = next
	}
	return out
}

// TestBudgetNotReachedVisitsEveryURL: the order the link queue chooses
// changes nothing when the budget is not reached: a crawl visits the URLs
// a breadth-first crawl visits, with and without --max-depth.
func TestBudgetNotReachedVisitsEveryURL(t *testing.T) {
	site := graphSite{n: 600}
	srv := httptest.NewServer(http.HandlerFunc(site.handler))
	defer srv.Close()
	for _, maxDepth := range []int{0, 2, 4} {
		t.Run(fmt.Sprintf("max-depth %d", maxDepth), func(t *testing.T) {
			want := site.reachable(maxDepth)
			got, res, err := crawl(t, Options{Start: srv.URL + site.path(0), NoSitemaps: true, MaxDepth: maxDepth, Concurrency: 4})
			require.NoError(t, err)
			assert.ElementsMatch(t, want, keys(got))
			assert.Equal(t, len(want), res.URLs)
			assert.NotContains(t, strings.Join(res.Notes, "\n"), "--max-pages")
		})
	}
}

// TestBudgetSharedByDirectory: a listing of 10,000 links next to small
// sections; with a budget of 300 every page of the sections is visited,
// the listing gets the rest, and a note counts the links past the cap.
func TestBudgetSharedByDirectory(t *testing.T) {
	var ordinary []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case p == "/":
			links := []string{"/big"}
			for k := range 5 {
				links = append(links, fmt.Sprintf("/s%d/", k))
			}
			writeHTML(w, pageHTML(links...))
		case p == "/big":
			var b strings.Builder
			b.WriteString("<html><body>")
			for i := range 10000 {
				fmt.Fprintf(&b, `<a href="/big/%d">%d</a>`, i, i)
			}
			writeHTML(w, b.String())
		case strings.HasSuffix(p, "/") && strings.HasPrefix(p, "/s"):
			var links []string
			for i := range 10 {
				links = append(links, fmt.Sprintf("%sp%d", p, i))
			}
			writeHTML(w, pageHTML(links...))
		default:
			writeHTML(w, pageHTML())
		}
	}))
	defer srv.Close()
	ordinary = []string{"/", "/big"}
	for k := range 5 {
		ordinary = append(ordinary, fmt.Sprintf("/s%d/", k))
		for i := range 10 {
			ordinary = append(ordinary, fmt.Sprintf("/s%d/p%d", k, i))
		}
	}

	got, res, err := crawl(t, Options{Start: srv.URL + "/", NoSitemaps: true, MaxPages: 300, Concurrency: 4})
	require.NoError(t, err)
	assert.Len(t, got, 300)
	for _, p := range ordinary {
		assert.Contains(t, got, p)
	}
	notes := strings.Join(res.Notes, "\n")
	assert.Contains(t, notes, "--max-pages 300 reached")
	assert.Contains(t, notes, "links past the first 5000 of a page were not followed: 5000 on "+srv.URL+"/big")

	// A smaller cap follows fewer links from the listing.
	got, res, err = crawl(t, Options{Start: srv.URL + "/", NoSitemaps: true, MaxLinksPerPage: 100, Concurrency: 4})
	require.NoError(t, err)
	assert.Len(t, got, len(ordinary)+100)
	assert.Contains(t, strings.Join(res.Notes, "\n"), "links past the first 100 of a page were not followed: 9900 on "+srv.URL+"/big")
}

// TestBudgetSeedsAndSitemapFirst: the pages the owner named (declared
// seeds, sitemap entries) are visited before any link, so a small budget
// still covers them.
func TestBudgetSeedsAndSitemapFirst(t *testing.T) {
	var base string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			http.NotFound(w, r)
		case "/sitemap.xml":
			fmt.Fprintf(w, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>%s/listed</loc></url></urlset>`, base)
		case "/":
			var links []string
			for i := range 50 {
				links = append(links, fmt.Sprintf("/l/%d", i))
			}
			writeHTML(w, pageHTML(append(links, "/declared")...))
		default:
			writeHTML(w, pageHTML())
		}
	}))
	defer srv.Close()
	base = srv.URL
	got, res, err := crawl(t, Options{Start: srv.URL + "/", Seeds: []string{"/declared", "/unlinked"}, MaxPages: 6, Concurrency: 2})
	require.NoError(t, err)
	assert.Len(t, got, 6)
	for _, p := range []string{"/", "/declared", "/unlinked", "/listed"} {
		assert.Contains(t, got, p)
	}
	assert.Equal(t, FoundDeclared, got["/declared"]["googlebot"].FoundVia, "a seed also linked stays a seed")
	assert.Contains(t, strings.Join(res.Notes, "\n"), "--max-pages 6 reached")
}

func TestDroppedLinksNotes(t *testing.T) {
	var d droppedLinks
	assert.Empty(t, d.notes(5000))
	for i := range 10 {
		d.capped(fmt.Sprintf("http://h/p%d", i), 100+i)
	}
	page := mustParse(t, "http://h/a/")
	long := newLongURL(nil, "http://h/x/"+strings.Repeat("y", 5000)+"\x1b[31m")
	d.tooLong(long)
	d.tooLong(newLongURL(page, "../x/"+strings.Repeat("y", 5000)+"\x1b[31m")) // the same URL
	d.tooLong(newLongURL(page, "/z\x00"))
	d.tooLong(newLongURL(page, "/never-shown"))
	d.tooLong(long)
	notes := d.notes(5000)
	require.Len(t, notes, 2)
	assert.Equal(t, "links past the first 5000 of a page were not followed: 100 on http://h/p0, 101 on http://h/p1, 102 on http://h/p2 and 7 more pages (1045 links in all)", notes[0])
	assert.Equal(t, `URLs longer than 4096 bytes were not crawled: 3 ("http://h/x/`+strings.Repeat("y", 69)+`..." (5016 bytes), "/z\x00" (3 bytes))`, notes[1])
	assert.NotContains(t, notes[1], "\x1b", "a site's bytes are escaped")
}

// TestLongURLsRememberedBounded: past maxLongRemembered URLs are still
// counted, but no more are remembered.
func TestLongURLsRememberedBounded(t *testing.T) {
	var d droppedLinks
	for i := range maxLongRemembered + 10 {
		d.tooLong(longURL{key: uint64(i)})
	}
	d.tooLong(longURL{key: 0})
	assert.Equal(t, maxLongRemembered+10, d.long)
	assert.Len(t, d.longSeen, maxLongRemembered)
}

// TestLongURLCountedOnce: an over-long URL is counted once in the note,
// however many agents meet it in a redirect and however many pages link
// to it, relative or not.
func TestLongURLCountedOnce(t *testing.T) {
	long := "/long/" + strings.Repeat("x", 5000)
	other := "/other/" + strings.Repeat("y", 5000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			writeHTML(w, pageHTML("/r", "/b/", long, other))
		case "/b/":
			writeHTML(w, pageHTML(".."+long, other, other))
		case "/r":
			http.Redirect(w, r, long, http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	got, res, err := crawl(t, Options{Start: srv.URL + "/", NoSitemaps: true, Agents: mustAgents(t, "googlebot", "bingbot")})
	require.NoError(t, err)
	require.Len(t, got["/r"], 3, "two agents and the browser control met the redirect")
	assert.Contains(t, strings.Join(res.Notes, "\n"), "URLs longer than 4096 bytes were not crawled: 2 (")
}

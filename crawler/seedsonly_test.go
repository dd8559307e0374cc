package crawler

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSeedsOnly: only the seeds are fetched, as every agent and with the
// control for a blocked one; links, redirect targets, the start URL and
// sitemap URLs are not, but a seed a sitemap lists knows it, and robots.txt
// is obeyed.
func TestSeedsOnly(t *testing.T) {
	var base string
	var mu sync.Mutex
	hits := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		mu.Unlock()
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: bingbot\nDisallow: /walled\n")
		case "/sitemap.xml":
			fmt.Fprintf(w, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>%s/walled</loc></url><url><loc>%s/listed</loc></url></urlset>`, base, base)
		case "/walled":
			w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
			w.WriteHeader(401)
		case "/moved":
			http.Redirect(w, r, "/target", http.StatusFound)
		default:
			writeHTML(w, pageHTML("/", "/linked"))
		}
	}))
	defer srv.Close()
	base = srv.URL

	got, res, err := crawl(t, Options{Start: srv.URL + "/", SeedsOnly: true, Seeds: []string{srv.URL + "/walled", "/open", "/moved"}})
	require.NoError(t, err)
	var paths []string
	for p := range got {
		paths = append(paths, p)
	}
	assert.ElementsMatch(t, []string{"/walled", "/open", "/moved"}, paths)
	assert.Equal(t, 401, got["/walled"]["googlebot"].Status())
	assert.True(t, got["/walled"]["googlebot"].InSitemap, "sitemaps are read")
	assert.Equal(t, "robots", got["/walled"]["bingbot"].Skipped, "robots.txt is obeyed")
	assert.Equal(t, 401, got["/walled"][BrowserAgentName].Status(), "the control refetches a blocked seed")
	assert.Len(t, got["/moved"]["googlebot"].Hops, 2, "a seed's own redirect chain is followed")
	assert.Equal(t, 3, res.URLs)
	mu.Lock()
	defer mu.Unlock()
	for _, p := range []string{"/", "/linked", "/listed"} {
		assert.Zero(t, hits[p], "%s must not be fetched", p)
	}
	assert.Equal(t, 2, hits["/target"], "only as the hop of /moved's chain, once per agent")
	assert.NotContains(t, strings.Join(res.Notes, "\n"), "max-pages")
}

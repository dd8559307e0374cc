package bench

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSitePaths(t *testing.T) {
	s := Site{N: 1000}
	for _, i := range []int{0, 1, 10, 99, 100, 999} {
		p := s.Path(i)
		got, ok := s.Page(p)
		assert.True(t, ok, p)
		assert.Equal(t, i, got, p)
	}
	for _, p := range []string{"/docs/d0/page-1000.html", "/docs/d0/page-10.html", "/members/d0/page-1.html", "/nope", "/docs/d0/page-x.html"} {
		_, ok := s.Page(p)
		assert.False(t, ok, p)
	}
	assert.Equal(t, "/members/d0/page-10.html", s.Path(10))
}

func TestSitePagesLookReal(t *testing.T) {
	s := Site{N: 20000}
	hrefs := regexp.MustCompile(`<a href="`)
	total, members := 0, 0
	for i := 0; i < 200; i++ {
		var b bytes.Buffer
		require.NoError(t, s.Write(&b, i))
		assert.InDelta(t, 18<<10, b.Len(), 3<<10, "page %d size", i)
		assert.InDelta(t, 36, len(hrefs.FindAll(b.Bytes(), -1)), 3, "page %d links", i)
		assert.NotContains(t, b.String(), "password")
		assert.NotContains(t, b.String(), "isAccessibleForFree")
		total++
		if s.Members(i) {
			members++
		}
	}
	assert.Equal(t, total/membersEvery, members)
}

// TestSiteReachable walks the links from the home page through public
// pages only, as a crawler does, and must reach every page.
func TestSiteReachable(t *testing.T) {
	s := Site{N: 3000}
	seen := map[int]bool{0: true}
	todo := []int{0}
	for len(todo) > 0 {
		i := todo[0]
		todo = todo[1:]
		if s.Members(i) {
			continue
		}
		for _, n := range s.Links(i) {
			if !seen[n] {
				seen[n] = true
				todo = append(todo, n)
			}
		}
	}
	assert.Len(t, seen, s.N)
}

func TestSiteServed(t *testing.T) {
	s := Site{N: 50}
	dir := t.TempDir()
	require.NoError(t, s.WriteFiles(dir))
	_, err := os.Stat(filepath.Join(dir, "docs", "d0", "page-1.html"))
	require.NoError(t, err)
	for name, h := range map[string]http.Handler{"files": FileHandler(dir), "generated": s.Handler()} {
		srv := httptest.NewServer(h)
		for path, want := range map[string]int{"/": 200, s.Path(1): 200, s.Path(10): 401, "/docs/d0/page-77.html": 404} {
			resp, err := http.Get(srv.URL + path)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, want, resp.StatusCode, "%s %s", name, path)
		}
		srv.Close()
	}
}

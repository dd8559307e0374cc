package crawler

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadBody(t *testing.T) {
	body := []byte(strings.Repeat("x", 100))
	for _, tc := range []struct {
		name          string
		r             io.Reader
		contentLength int64
		limit         int64
		want          int
		err           error
	}{
		{"announced length", bytes.NewReader(body), 100, 1000, 100, nil},
		{"announced, empty", bytes.NewReader(nil), 0, 1000, 0, nil},
		{"shorter than announced", bytes.NewReader(body[:40]), 100, 1000, 40, io.ErrUnexpectedEOF},
		{"nothing of an announced body", bytes.NewReader(nil), 100, 1000, 0, io.ErrUnexpectedEOF},
		{"unknown length", bytes.NewReader(body), -1, 1000, 100, nil},
		{"unknown length, over the limit", bytes.NewReader(body), -1, 30, 30, nil},
		{"announced at the limit", bytes.NewReader(body), 100, 100, 100, nil},
		{"announced past the limit", bytes.NewReader(body), 100, 31, 31, nil},
		{"read error", iotest.TimeoutReader(bytes.NewReader(body)), -1, 1000, 100, iotest.ErrTimeout},
		{"announced over a megabyte, sent short", bytes.NewReader(body), exactBodyMax + 1, 2 * exactBodyMax, 100, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readBody(iotest.HalfReader(tc.r), tc.contentLength, tc.limit)
			assert.ErrorIs(t, err, tc.err)
			if tc.err == nil {
				assert.NoError(t, err)
			}
			assert.Len(t, got, tc.want)
		})
	}
}

// Every body the transport reads is claimed by the fetcher: the stash
// ends empty, the answers carry the bodies, cut where they should be, and
// the private header never reaches a recorded answer.
func TestBodyStashClaimed(t *testing.T) {
	page := strings.Repeat("<p>page</p>", 200)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/page":
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Length", strconv.Itoa(len(page)))
			_, _ = io.WriteString(w, page)
		case "/chunked":
			w.Header().Set("Content-Type", "text/html")
			_, _ = io.WriteString(w, page[:100])
			w.(http.Flusher).Flush()
			_, _ = io.WriteString(w, page[100:])
		case "/big":
			w.Header().Set("Content-Type", "text/html")
			_, _ = io.WriteString(w, strings.Repeat("y", 5000))
		case "/image":
			w.Header().Set("Content-Type", "image/png")
			_, _ = io.WriteString(w, page)
		case "/moved":
			http.Redirect(w, r, "/page", http.StatusMovedPermanently)
		case "/latin1":
			w.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
			_, _ = io.WriteString(w, "caf\xe9")
		case "/bad-location":
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Location", "http://[::1/%zz")
			w.WriteHeader(http.StatusMovedPermanently)
			_, _ = io.WriteString(w, page)
		case "/short":
			w.Header().Set("Content-Length", "1000")
			_, _ = io.WriteString(w, "only this")
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	cfg, err := Options{Start: srv.URL + "/", Agents: mustAgents(t, "googlebot"), MaxBody: 4096, Timeout: 10 * time.Second}.validate()
	require.NoError(t, err)
	f := newFetcher(context.Background(), cfg)
	defer f.transport.close()
	agent := cfg.Agents[0]

	for path, want := range map[string]struct {
		status    int
		body      string
		truncated bool
		err       bool
	}{
		"/page":    {200, page[:min(len(page), 4096)], len(page) > 4096, false},
		"/chunked": {200, page[:min(len(page), 4096)], len(page) > 4096, false},
		"/big":     {200, strings.Repeat("y", 4096), true, false},
		"/image":   {200, "", false, false},
		"/moved":   {301, "", false, false},
		"/missing": {404, "404 page not found\n", false, false},
		"/short":   {200, "", false, true},
		// colly converts a body in another charset to UTF-8: left to it.
		"/latin1": {200, "café", false, false},
		// net/http drops a redirect whose Location does not parse before
		// colly sees it: the stashed body goes when net/http closes it.
		"/bad-location": {0, "", false, true},
	} {
		a := f.get(srv.URL+path, agent)
		assert.Equal(t, want.status, a.status, path)
		if want.err {
			assert.Error(t, a.err, path)
		} else {
			assert.NoError(t, a.err, path)
			if path != "/moved" {
				assert.Equal(t, want.body, string(a.body), path)
			}
		}
		assert.Equal(t, want.truncated, a.truncated, path)
		assert.NotContains(t, a.header, stashHeader, path)
	}
	// /page, /chunked, /big, /missing, /moved's and /bad-location's body
	// went through the stash; not the image (not read), the Latin-1 page
	// (colly's to convert) nor the short body (its error is colly's).
	assert.EqualValues(t, 6, f.transport.stash.next, "bodies stashed")
	assert.Empty(t, f.transport.stash.bodies, "every stashed body is claimed")
}

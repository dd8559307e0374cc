package crawler

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInertMarkupNotRequested: links inside a comment, <script>,
// <textarea>, an unclosed <title> or a <template> are not links on the
// page, and the crawl never requests them.
func TestInertMarkupNotRequested(t *testing.T) {
	var mu sync.Mutex
	requested := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requested[r.URL.Path] = true
		mu.Unlock()
		switch r.URL.Path {
		case "/":
			writeHTML(w, `<html><body><a href="/real">real</a>
<!-- <a href="/in-comment">c</a> -->
<script>document.write('<a href="/in-script">s</a>')</script>
<textarea><a href="/in-textarea">t</a></textarea>
<template><a href="/in-template">tpl</a><template><a href="/in-nested-template"></a></template></template>
<a href="/title">unclosed title</a></body></html>`)
		case "/title":
			writeHTML(w, `<html><head><title>never closed <a href="/in-title">x</a></head><body></body></html>`)
		default:
			writeHTML(w, pageHTML())
		}
	}))
	defer srv.Close()
	got, _, err := crawl(t, Options{Start: srv.URL + "/", NoSitemaps: true})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"/", "/real", "/title"}, keys(got))
	mu.Lock()
	defer mu.Unlock()
	for _, p := range []string{"/in-comment", "/in-script", "/in-textarea", "/in-template", "/in-nested-template", "/in-title"} {
		assert.False(t, requested[p], "%s was requested", p)
	}
}

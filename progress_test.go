package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/crawler"
)

func TestProgressLine(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(100 * time.Millisecond)
		if r.URL.Path == "/wall" {
			w.WriteHeader(401)
			return
		}
		fmt.Fprint(w, `<html><a href="/wall">w</a><a href="/a">a</a></html>`)
	}))
	defer srv.Close()
	for _, on := range []bool{true, false} {
		c, err := crawler.New(crawler.Options{Start: srv.URL + "/", NoSitemaps: true, NoControl: true})
		require.NoError(t, err)
		var buf bytes.Buffer
		p := newProgress(&buf, on)
		p.start(c)
		_, err = c.Run(context.Background(), nil, func(o crawler.Observation) { p.observe(o, o.Status() == 401) })
		require.NoError(t, err)
		p.done()
		if !on {
			assert.Empty(t, buf.String(), "nothing on stderr when progress is off")
			continue
		}
		assert.Contains(t, buf.String(), "crawling: ")
		assert.Contains(t, buf.String(), "requests/s")
		assert.Contains(t, buf.String(), "walls so far")
		assert.Equal(t, int64(2), p.walls.Load(), "googlebot and bingbot met the wall")
		assert.True(t, bytes.HasSuffix(buf.Bytes(), []byte("\r\x1b[K")), "the line is cleared at the end")
	}
}

package main

import (
	"fmt"
	"io"
	"time"

	"authwall/crawler"
)

// progress draws one status line on a terminal's stderr: URLs and
// observations so far, and the rate. It is inert when disabled.
type progress struct {
	w       io.Writer
	on      bool
	start   time.Time
	last    time.Time
	urls    map[string]bool
	fetches int
	walls   int
}

func newProgress(w io.Writer, on bool) *progress {
	return &progress{w: w, on: on, start: time.Now(), urls: map[string]bool{}}
}

func (p *progress) observe(o crawler.Observation) {
	if !p.on {
		return
	}
	p.urls[o.URL] = true
	p.fetches++
	if s := o.Status(); s == 401 || s == 403 {
		p.walls++
	}
	if now := time.Now(); now.Sub(p.last) > 200*time.Millisecond {
		p.last = now
		rate := float64(p.fetches) / now.Sub(p.start).Seconds()
		fmt.Fprintf(p.w, "\r\x1b[Kcrawling: %d URLs, %d fetches, %d answers 401/403, %.0f fetches/s", len(p.urls), p.fetches, p.walls, rate)
	}
}

func (p *progress) done() {
	if p.on && p.fetches > 0 {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

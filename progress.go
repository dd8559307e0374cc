package main

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"authwall/crawler"
)

// progress draws one status line on a terminal's stderr: URLs done and
// queued, requests per second and walls met so far. It is inert when off.
type progress struct {
	w     io.Writer
	on    bool
	walls atomic.Int64
	stop  chan struct{}
	wg    sync.WaitGroup
}

func newProgress(w io.Writer, on bool) *progress {
	return &progress{w: w, on: on, stop: make(chan struct{})}
}

// start redraws the crawl's line from stats on every tick until done. The
// caller owns the clock: a ticker in the CLI, a channel the test drives.
// began is when the crawl started, for the request rate.
func (p *progress) start(began time.Time, tick <-chan time.Time, stats func() crawler.Progress) {
	p.startLine(tick, func(now time.Time) string {
		s := stats()
		return fmt.Sprintf("crawling: %d URLs, %d fetches queued, %.0f requests/s, %d walls so far",
			s.URLs, s.Queued+s.Active, perSecond(s.Requests, now.Sub(began)), p.walls.Load())
	})
}

// startLine redraws the line that line returns on every tick until done.
func (p *progress) startLine(tick <-chan time.Time, line func(now time.Time) string) {
	if !p.on {
		return
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			select {
			case <-p.stop:
				fmt.Fprint(p.w, "\r\x1b[K")
				return
			case now := <-tick:
				fmt.Fprintf(p.w, "\r\x1b[K%s", line(now))
			}
		}
	}()
}

// perSecond is a rate over elapsed, 0 before any time passed.
func perSecond(n int, elapsed time.Duration) float64 {
	if s := elapsed.Seconds(); s > 0 {
		return float64(n) / s
	}
	return 0
}

// observe counts the walls; called from the crawl's emit callback.
func (p *progress) observe(o crawler.Observation, wall bool) {
	if p.on && wall && o.Agent != crawler.BrowserAgentName {
		p.walls.Add(1)
	}
}

// wall counts a wall met elsewhere than in a crawl (an access log).
func (p *progress) wall() {
	if p.on {
		p.walls.Add(1)
	}
}

// done clears the line; after it returns nothing more is written.
func (p *progress) done() {
	if p.on {
		close(p.stop)
		p.wg.Wait()
	}
}

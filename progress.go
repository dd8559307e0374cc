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

// start redraws the line from stats on every tick until done. The caller
// owns the clock: a ticker in the CLI, a channel the test drives. began is
// when the crawl started, for the request rate.
func (p *progress) start(began time.Time, tick <-chan time.Time, stats func() crawler.Progress) {
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
				s := stats()
				rate := 0.0
				if elapsed := now.Sub(began).Seconds(); elapsed > 0 {
					rate = float64(s.Requests) / elapsed
				}
				fmt.Fprintf(p.w, "\r\x1b[Kcrawling: %d URLs, %d fetches queued, %.0f requests/s, %d walls so far",
					s.URLs, s.Queued+s.Active, rate, p.walls.Load())
			}
		}
	}()
}

// observe counts the walls; called from the crawl's emit callback.
func (p *progress) observe(o crawler.Observation, wall bool) {
	if p.on && wall && o.Agent != crawler.BrowserAgentName {
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

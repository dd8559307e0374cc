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

// start redraws the line four times a second until done.
func (p *progress) start(c *crawler.Crawler) {
	if !p.on {
		return
	}
	began := time.Now()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-p.stop:
				fmt.Fprint(p.w, "\r\x1b[K")
				return
			case <-tick.C:
				s := c.Progress()
				rate := float64(s.Requests) / time.Since(began).Seconds()
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

func (p *progress) done() {
	if p.on {
		close(p.stop)
		p.wg.Wait()
	}
}

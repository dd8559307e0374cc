package main

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"authwall/crawler"
)

// TestProgressLine drives the progress line's clock itself: each tick sent
// is one redraw, so nothing depends on how fast the machine is.
func TestProgressLine(t *testing.T) {
	began := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	stats := crawler.Progress{URLs: 3, Queued: 1, Active: 1, Requests: 6}
	wall := crawler.Observation{Agent: "googlebot"}
	for _, on := range []bool{true, false} {
		var buf bytes.Buffer
		tick := make(chan time.Time)
		p := newProgress(&buf, on)
		p.start(began, tick, func() crawler.Progress { return stats })
		p.observe(wall, true)
		p.observe(crawler.Observation{Agent: "bingbot"}, true)
		p.observe(crawler.Observation{Agent: crawler.BrowserAgentName}, true) // the control is no crawler
		p.observe(crawler.Observation{Agent: "bingbot"}, false)
		if !on {
			p.done()
			assert.Empty(t, buf.String(), "nothing on stderr when progress is off")
			continue
		}
		tick <- began.Add(2 * time.Second) // received: the line is drawn before done stops the loop
		p.done()
		assert.Equal(t, "\r\x1b[Kcrawling: 3 URLs, 2 fetches queued, 3 requests/s, 2 walls so far\r\x1b[K", buf.String(),
			"one line per tick, cleared at the end")
	}
}

// The logs command draws its own line through startLine and counts its
// walls with wall.
func TestProgressOwnLine(t *testing.T) {
	var buf bytes.Buffer
	tick := make(chan time.Time)
	p := newProgress(&buf, true)
	p.wall()
	p.wall()
	p.startLine(tick, func(time.Time) string { return fmt.Sprintf("reading logs: %d walls so far", p.walls.Load()) })
	tick <- time.Now()
	p.done()
	assert.Equal(t, "\r\x1b[Kreading logs: 2 walls so far\r\x1b[K", buf.String())
	assert.Equal(t, "12.3 MB", humanBytes(12_345_678))
	assert.Equal(t, "512 B", humanBytes(512))
	assert.Equal(t, 1000.0, perSecond(2000, 2*time.Second))
}

package crawler

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// politeTransport is the crawler's RoundTripper: a keep-alive transport
// behind a request-rate ceiling and a shared pause that a 429/503 with
// Retry-After sets, so every worker backs off together instead of retrying
// in a storm. Concurrency itself is bounded by the worker pool.
type politeTransport struct {
	base     http.RoundTripper
	limiter  *rate.Limiter // nil: no ceiling
	requests atomic.Int64

	// stash, when set, takes each body the audit reads (not media) up to
	// bodyLimit bytes, for the fetcher to claim (bodystash.go).
	stash     *bodyStash
	bodyLimit int64

	mu         sync.Mutex
	pauseUntil time.Time
	undecoded  map[string]int // Content-Encoding -> bodies not decoded
}

func newPoliteTransport(concurrency int, perSecond float64, timeout time.Duration) *politeTransport {
	base := &http.Transport{
		Proxy:                 nil, // an audit of one's own site goes direct
		DialContext:           (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          concurrency * 2,
		MaxIdleConnsPerHost:   concurrency, // Go's default of 2 would reopen connections all the time
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		// Reads of a body come in small steps (colly's io.ReadAll starts at
		// 512 bytes): with Go's default 4 KB buffer a page of 18 KB costs
		// five read calls into the kernel, with 32 KB about one.
		ReadBufferSize: 32 << 10,
	}
	t := &politeTransport{base: base}
	if perSecond > 0 {
		burst := 1
		t.limiter = rate.NewLimiter(rate.Limit(perSecond), burst)
	}
	return t
}

func (t *politeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.wait(req.Context()); err != nil {
		return nil, err
	}
	t.requests.Add(1)
	resp, err := t.base.RoundTrip(req)
	if err == nil {
		if ce := decodeBody(resp); ce != "" {
			t.mu.Lock()
			if t.undecoded == nil {
				t.undecoded = map[string]int{}
			}
			t.undecoded[ce]++
			t.mu.Unlock()
		}
		if t.stash != nil && resp.Body != http.NoBody && takes(resp.Header.Get("Content-Type")) {
			t.stash.take(req.Context(), resp, t.bodyLimit)
		}
	}
	return resp, err
}

func (t *politeTransport) wait(ctx context.Context) error {
	t.mu.Lock()
	until := t.pauseUntil
	t.mu.Unlock()
	if d := time.Until(until); d > 0 {
		timer := time.NewTimer(d)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		}
	}
	if t.limiter != nil {
		return t.limiter.Wait(ctx)
	}
	return nil
}

// undecodedNotes says, one line per coding in sorted order, how many
// bodies came in a Content-Encoding the crawler cannot decode.
func (t *politeTransport) undecodedNotes() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for ce, n := range t.undecoded {
		out = append(out, fmt.Sprintf("%d responses came with Content-Encoding %q, which the crawler did not ask for and cannot decode: their status and headers were recorded, their bodies not read", n, ce))
	}
	sort.Strings(out)
	return out
}

// pause makes every request wait until d from now.
func (t *politeTransport) pause(d time.Duration) {
	t.mu.Lock()
	if until := time.Now().Add(d); until.After(t.pauseUntil) {
		t.pauseUntil = until
	}
	t.mu.Unlock()
}

func (t *politeTransport) close() {
	if tr, ok := t.base.(*http.Transport); ok {
		tr.CloseIdleConnections()
	}
}

// retryAfter reads a Retry-After value: delay-seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// getPolitely sends one request and honours Retry-After on 429 and 503
// within bounds, pausing every worker, not just this one.
func (r *run) getPolitely(ctx context.Context, u string, agent Agent) answer {
	for attempt := 0; ; attempt++ {
		a := r.f.get(u, agent)
		if a.err != nil || (a.status != 429 && a.status != 503) || attempt >= r.cfg.MaxRetries || ctx.Err() != nil {
			return a
		}
		d, ok := retryAfter(a.header, time.Now())
		if !ok || d > r.cfg.MaxRetryWait {
			return a
		}
		if d < 100*time.Millisecond {
			d = 100 * time.Millisecond // a zero Retry-After must not become a tight loop
		}
		r.f.transport.pause(d)
	}
}

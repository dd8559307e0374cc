package crawler

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
)

// generatedSite serves n pages; each links to ten others, so the whole
// site is reachable from /p/0 and every page is linked many times.
func generatedSite(n int) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var i int
		if _, err := fmt.Sscanf(r.URL.Path, "/p/%d", &i); err != nil || i >= n {
			http.NotFound(w, r)
			return
		}
		var b strings.Builder
		fmt.Fprintf(&b, "<!doctype html><html><head><title>Page %d</title></head><body><nav><a href=\"/p/0\">Home</a></nav><main>", i)
		for k := 1; k <= 10; k++ {
			fmt.Fprintf(&b, `<p>Paragraph %d of page %d with some text to parse.</p><a href="/p/%d">next %d</a>`, k, i, (i*10+k)%n, k)
		}
		b.WriteString("</main></body></html>")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(b.String()))
	}))
}

// BenchmarkCrawl crawls a generated 2,000-page site as googlebot and
// bingbot and reports pages (URLs) and fetches per second.
func BenchmarkCrawl(b *testing.B) {
	const pages = 2000
	srv := generatedSite(pages)
	defer srv.Close()
	b.ReportAllocs()
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		c, err := New(Options{Start: srv.URL + "/p/0", NoSitemaps: true, NoControl: true})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		n := 0
		res, err := c.Run(context.Background(), nil, func(Observation) { n++ })
		elapsed += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if res.URLs != pages || n != 2*pages {
			b.Fatalf("crawled %d URLs, %d observations; want %d, %d", res.URLs, n, pages, 2*pages)
		}
	}
	b.ReportMetric(float64(pages*b.N)/elapsed.Seconds(), "pages/s")
	b.ReportMetric(float64(2*pages*b.N)/elapsed.Seconds(), "fetches/s")
}

// BenchmarkCrawl50k crawls a generated 50,000-page site to its end with
// MaxPages 50,000 and reports the peak heap (sampled every 50 ms; the test
// server shares the process and is counted too) and the heap per URL.
func BenchmarkCrawl50k(b *testing.B) {
	const pages = 50000
	srv := generatedSite(pages)
	defer srv.Close()
	agents, err := ParseAgents([]string{"googlebot", "bingbot"})
	if err != nil {
		b.Fatal(err)
	}
	var elapsed time.Duration
	var peak uint64
	for i := 0; i < b.N; i++ {
		c, err := New(Options{Start: srv.URL + "/p/0", NoSitemaps: true, NoControl: true, MaxPages: pages, Agents: agents})
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		done := make(chan struct{})
		sampled := make(chan uint64)
		go func() {
			var m runtime.MemStats
			var max uint64
			tick := time.NewTicker(50 * time.Millisecond)
			defer tick.Stop()
			for {
				runtime.ReadMemStats(&m)
				if m.HeapInuse > max {
					max = m.HeapInuse
				}
				select {
				case <-done:
					sampled <- max
					return
				case <-tick.C:
				}
			}
		}()
		start := time.Now()
		n := 0
		res, err := c.Run(context.Background(), nil, func(Observation) { n++ })
		elapsed += time.Since(start)
		close(done)
		peak = max(peak, <-sampled)
		if err != nil {
			b.Fatal(err)
		}
		if res.URLs != pages || n != len(agents)*pages {
			b.Fatalf("crawled %d URLs, %d observations; want %d, %d", res.URLs, n, pages, len(agents)*pages)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(peak)/pages, "peak-heap-B/URL")
	b.ReportMetric(float64(pages*b.N)/elapsed.Seconds(), "pages/s")
	b.ReportMetric(float64(len(agents)*pages*b.N)/elapsed.Seconds(), "fetches/s")
}

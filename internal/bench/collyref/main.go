// Command collyref is the benchmark's reference crawler: a plain colly v2
// crawl as colly's documentation writes one (Async, a parallelism limit,
// OnHTML("a[href]") and Visit), one agent, nothing else. The benchmark
// times it next to a full authwall audit of the same site. It is not part
// of the authwall command.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"sync"

	"github.com/gocolly/colly/v2"
)

func main() {
	concurrency := flag.Int("concurrency", 16, "requests in flight")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: collyref [-concurrency N] URL")
		os.Exit(2)
	}
	start, err := url.Parse(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	c := colly.NewCollector(colly.Async(true), colly.AllowedDomains(start.Hostname()))
	if err := c.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: *concurrency}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	// Distinct pages answered, and every response (colly may fetch a page
	// twice under Async).
	var mu sync.Mutex
	pages := map[string]struct{}{}
	requests := 0
	count := func(r *colly.Response) {
		mu.Lock()
		pages[r.Request.URL.String()] = struct{}{}
		requests++
		mu.Unlock()
	}
	c.OnResponse(count)
	c.OnError(func(r *colly.Response, _ error) {
		if r != nil && r.Request != nil {
			count(r)
		}
	})
	c.OnHTML("a[href]", func(e *colly.HTMLElement) {
		_ = e.Request.Visit(e.Attr("href"))
	})
	if err := c.Visit(start.String()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	c.Wait()
	_ = json.NewEncoder(os.Stdout).Encode(map[string]int{"pages": len(pages), "requests": requests})
}

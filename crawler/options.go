package crawler

import (
	"fmt"
	"log/slog"
	"net/url"
	"time"
)

// Options configure a crawl. The zero value of every field means its
// default, so a caller sets only what the user asked for.
type Options struct {
	Start  string  // start URL; its scheme and host are the crawl's scope
	Agents []Agent // default: googlebot, bingbot

	NoControl    bool // don't refetch blocked URLs with a browser User-Agent
	IgnoreRobots bool // fetch URLs robots.txt disallows (verdicts are still recorded)
	NoSitemaps   bool // don't seed from robots.txt Sitemap lines and /sitemap.xml
	// NoTrapGuard turns off the crawler-trap guard (traps.go): linked URLs
	// of endless calendars, growing paths and query explosions are then
	// fetched until --max-pages, and session ids in links are kept.
	NoTrapGuard bool

	Concurrency int           // requests in flight; default 16
	Rate        float64       // requests per second ceiling; 0 = none
	MaxPages    int           // distinct URLs visited; default 10000
	MaxDepth    int           // link depth from the start URL; 0 = none
	Timeout     time.Duration // per request; default 15s
	MaxBody     int64         // bytes read per response; default 15 MB
	KeepBody    int           // bytes of each body kept in an Observation; default 128 KiB
	// MaxLinksPerPage caps the links followed from one page (default
	// 5000): a listing of 100,000 links adds its first ones to the crawl,
	// and a note counts the rest.
	MaxLinksPerPage int

	// MaxRetryWait bounds how long a Retry-After on 429/503 is honoured
	// (default 30s); longer waits are recorded, not waited for.
	MaxRetryWait time.Duration
	MaxRetries   int // retries after 429/503 with Retry-After; default 2

	Include []string // path globs the crawl is limited to
	Exclude []string // path globs the crawl skips

	// Seeds are extra paths or same-site URLs to fetch even when nothing
	// links to them (the declared public literals).
	Seeds []string
	// SeedsOnly fetches the Seeds and nothing else: not the start URL
	// (unless a seed names it), no link, redirect target or sitemap URL.
	// robots.txt is read and obeyed per agent, sitemaps are still read
	// (unless NoSitemaps) so each seed knows whether a sitemap lists it,
	// and a blocked seed gets its control fetch: each seed is observed as
	// a full crawl would observe it. audit --recheck uses it.
	SeedsOnly bool

	Logger *slog.Logger
}

const (
	defaultConcurrency = 16
	defaultMaxPages    = 10000
	defaultTimeout     = 15 * time.Second
	defaultMaxBody     = 15 * 1000 * 1000
	defaultKeepBody    = 128 * 1024
	defaultRetryWait   = 30 * time.Second
	defaultRetries     = 2
	maxRedirects       = 10
	maxRobotsRedirects = 5
	maxSitemaps        = 50
	maxSitemapBytes    = 50 * 1000 * 1000
	maxReferrers       = 5
	defaultMaxLinks    = 5000
)

// config is Options validated and with defaults applied.
type config struct {
	Options
	start *url.URL
	scope *Scope
}

func (o Options) validate() (*config, error) {
	c := &config{Options: o}
	if c.Start == "" {
		return nil, fmt.Errorf("no start URL")
	}
	start, err := normalize(nil, c.Start)
	if err != nil {
		return nil, fmt.Errorf("start URL %q: %w", c.Start, err)
	}
	c.start = start
	if len(c.Agents) == 0 {
		c.Agents, _ = ParseAgents([]string{"googlebot", "bingbot"})
	}
	if c.Concurrency < 0 || c.Rate < 0 || c.MaxPages < 0 || c.MaxDepth < 0 || c.Timeout < 0 || c.MaxBody < 0 || c.MaxLinksPerPage < 0 {
		return nil, fmt.Errorf("limits must not be negative")
	}
	if c.Concurrency == 0 {
		c.Concurrency = defaultConcurrency
	}
	if c.MaxPages == 0 {
		c.MaxPages = defaultMaxPages
	}
	if c.Timeout == 0 {
		c.Timeout = defaultTimeout
	}
	if c.MaxBody == 0 {
		c.MaxBody = defaultMaxBody
	}
	if c.KeepBody == 0 {
		c.KeepBody = defaultKeepBody
	}
	if int64(c.KeepBody) > c.MaxBody {
		c.KeepBody = int(c.MaxBody)
	}
	if c.MaxLinksPerPage == 0 {
		c.MaxLinksPerPage = defaultMaxLinks
	}
	if c.MaxRetryWait == 0 {
		c.MaxRetryWait = defaultRetryWait
	}
	if c.MaxRetries == 0 {
		c.MaxRetries = defaultRetries
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	scope, err := newScope(start, c.Include, c.Exclude)
	if err != nil {
		return nil, err
	}
	c.scope = scope
	return c, nil
}

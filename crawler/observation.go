// Package crawler fetches a site as several agents and reports, for every
// URL and agent, what the server answered. It knows HTTP and robots.txt and
// nothing of findings: deciding what an answer means is the audit's job.
package crawler

import (
	"net/http"
	"time"

	"authwall/crawler/robots"
)

// Found says how a URL entered the crawl.
type Found string

const (
	FoundStart    Found = "start"
	FoundLink     Found = "link"
	FoundSitemap  Found = "sitemap"
	FoundDeclared Found = "declared"
	FoundRedirect Found = "redirect"
)

// Hop is one response in a redirect chain. The last hop of an Observation is
// the response that ended it (a non-redirect, or a redirect we did not follow).
type Hop struct {
	URL      string
	Status   int
	Location string // resolved absolute Location, for 3xx
	Header   http.Header
}

// Observation is what one agent saw at one URL. A status code is data, never
// an error; Err is set only when no usable answer arrived.
type Observation struct {
	URL   string // normalised URL that was requested
	Agent string // Agent.Name, or "browser" for the control fetch

	Hops []Hop // at least one hop when Err is empty and the URL was fetched

	// Body holds the first bytes of the last hop's body (bounded by
	// Options.KeepBody); BodyTruncated is set when the response was larger
	// than Options.MaxBody and was cut there.
	Body          []byte
	BodyTruncated bool
	ContentType   string

	Depth      int
	FoundVia   Found
	LinkedFrom []string // a few pages that linked here, first seen first
	InSitemap  bool     // a sitemap listed this URL

	// Robots verdict for this agent. RobotsDisallowed is set even with
	// robots obeying turned off, so a disallowed public path is still known.
	RobotsDisallowed bool
	RobotsLine       int
	RobotsRule       string
	// Skipped names why the URL was not fetched for this agent ("robots").
	Skipped string

	Err     string // timeout, reset, redirect loop, too many redirects, ...
	Elapsed time.Duration
}

// Status is the status the URL itself answered (first hop), 0 if not fetched.
func (o Observation) Status() int {
	if len(o.Hops) == 0 {
		return 0
	}
	return o.Hops[0].Status
}

// Final is the response that ended the redirect chain.
func (o Observation) Final() Hop {
	if len(o.Hops) == 0 {
		return Hop{URL: o.URL}
	}
	return o.Hops[len(o.Hops)-1]
}

// RobotsState is how robots.txt governs an agent after its fetch: the
// robots package's State, named here so that readers of a RobotsFetch need
// not import that package.
type RobotsState = robots.State

const (
	RobotsRules       = robots.StateRules       // 2xx: obey the file
	RobotsAllowAll    = robots.StateAllowAll    // 4xx except 429, or no file
	RobotsDisallowAll = robots.StateDisallowAll // 429, 5xx, timeout, network error
)

// RobotsFetch records the robots.txt fetch of one host for one agent.
type RobotsFetch struct {
	Agent    string
	URL      string
	Status   int // final status after redirects, 0 on a network error
	Hops     []Hop
	Err      string
	State    RobotsState
	Size     int  // bytes read
	Capped   bool // file was larger than the 500 KiB that is parsed
	Sitemaps []string
}

// Result sums up a crawl once it has ended.
type Result struct {
	Start      string
	StartedAt  time.Time
	Duration   time.Duration
	Agents     []Agent
	Robots     []RobotsFetch
	URLs       int // distinct URLs visited
	Requests   int // HTTP requests sent, robots.txt and sitemaps included
	Incomplete bool
	Notes      []string // things the user should know: caps reached, robots unreachable, interrupts
}

// Verdict is the robots.txt decision for one agent and URL, with the line
// that decided it (0 and "" when no rule matched): the robots package's
// Verdict, named here for the same reason as RobotsState.
type Verdict = robots.Verdict

// HTML reports whether the final response is an HTML document (text/html
// or application/xhtml+xml; without a Content-Type, a body that starts
// like HTML), the only kind of answer a login page can be.
func (o Observation) HTML() bool { return isHTML(o.ContentType, o.Body) }

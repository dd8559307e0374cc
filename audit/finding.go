// Package audit decides what the crawler's observations mean: which declared
// public pages met a wall, which private pages were exposed, and which auth
// source most likely put each wall there. It is pure: no network, no files
// written.
package audit

import "time"

// Kind names a finding kind. The names are part of the contract (DESIGN.md).
type Kind string

const (
	PublicUnauthorized  Kind = "public-401"
	PublicForbidden     Kind = "public-403"
	PublicLoginRedirect Kind = "public-login-redirect"
	PublicSoftAuth      Kind = "public-soft-auth"
	// PublicServerError: a public path answered 5xx. A half-removed auth
	// block (Apache: AuthType without AuthName) answers 500, not 401.
	PublicServerError  Kind = "public-5xx"
	PrivateExposed     Kind = "private-exposed"
	PrivateInSitemap   Kind = "private-in-sitemap"
	RobotsUnavailable  Kind = "robots-unavailable"
	RobotsBlocksPublic Kind = "robots-blocks-public"
	UndeclaredBlocked  Kind = "undeclared-blocked"
	FetchError         Kind = "fetch-error"
	// DeclaredPaywall is informational: a page marked isAccessibleForFree
	// false is a paywall its owner declared, not an auth wall.
	DeclaredPaywall Kind = "declared-paywall"
)

// Severity of a finding.
type Severity string

const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// Rank orders severities, higher is worse.
func (s Severity) Rank() int {
	switch s {
	case SeverityError:
		return 3
	case SeverityWarning:
		return 2
	case SeverityInfo:
		return 1
	}
	return 0
}

// Kinds lists every finding kind with its default severity and a one-line
// description, in report order.
var Kinds = []KindInfo{
	{PublicUnauthorized, SeverityError, "a public path answered 401 to a crawler agent"},
	{PublicForbidden, SeverityError, "a public path answered 403 to a crawler agent"},
	{PublicLoginRedirect, SeverityError, "a public path redirected to a login or single-sign-on page"},
	{PublicSoftAuth, SeverityWarning, "a public path answered 200 with a login form instead of content"},
	{PublicServerError, SeverityWarning, "a public path answered 5xx (search engines retry, then drop pages that keep failing; a broken auth block answers 500)"},
	{PrivateExposed, SeverityError, "a private path answered 2xx to an anonymous crawler"},
	{PrivateInSitemap, SeverityWarning, "a sitemap lists a private path"},
	{RobotsUnavailable, SeverityError, "robots.txt answered 401/403 (warning) or 429/5xx/timed out (error)"},
	{RobotsBlocksPublic, SeverityWarning, "robots.txt disallows a public path for an agent"},
	{UndeclaredBlocked, SeverityInfo, "an undeclared URL linked from a public page answered 401/403"},
	{FetchError, SeverityInfo, "a URL could not be fetched (timeout, reset, too large, redirect loop...)"},
	{DeclaredPaywall, SeverityInfo, "a public page is a paywall marked isAccessibleForFree: false"},
}

// KindInfo describes one finding kind.
type KindInfo struct {
	Kind        Kind
	Severity    Severity
	Description string
}

// Location is where in a server config the directive behind a wall is.
type Location struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Context string `json:"context"`
}

// Attribution says which auth source and setting most likely produced a wall.
type Attribution struct {
	Signature  string    `json:"signature,omitempty"` // catalog id that matched
	Source     string    `json:"source"`
	Mechanism  string    `json:"mechanism"`
	Directive  string    `json:"directive"`
	Realm      string    `json:"realm,omitempty"`
	Confidence string    `json:"confidence"`
	Evidence   []string  `json:"evidence"`
	Location   *Location `json:"location,omitempty"`
	Fix        string    `json:"fix"`
	Edge       string    `json:"edge,omitempty"` // outer layer (CDN/proxy) when it differs from the generator
}

// Finding is one problem at one URL. Statuses has every agent's status
// (and the browser control's, when it was fetched), so a wall one crawler
// alone hits is visible.
type Finding struct {
	Kind         Kind
	Severity     Severity
	URL          string
	Path         string
	DeclaredBy   string // the pattern that declared the path, "sitemap", or ""
	Statuses     map[string]int
	NotFetched   map[string]string // agent -> why its status is 0: "robots" or the fetch error
	FoundVia     string
	LinkedFrom   []string
	Redirects    []Redirect // the redirect chain seen by the first blocked agent
	Message      string     // one line a person reads first
	Attribution  *Attribution
	Alternatives []Attribution
	New          bool
}

// Redirect is one hop of a redirect chain, as reported.
type Redirect struct {
	URL      string `json:"url"`
	Status   int    `json:"status"`
	Location string `json:"location,omitempty"`
}

// Page is one crawled URL with what each agent got.
type Page struct {
	URL      string
	Depth    int
	Declared string // "public", "private" or ""
	Statuses map[string]int
	FinalURL string
	Error    string
}

// Report is the whole audit result handed to the report writers.
type Report struct {
	Tool       string
	Version    string
	Target     string
	StartedAt  time.Time
	Duration   time.Duration
	Agents     []AgentInfo
	URLs       int
	Requests   int
	Incomplete bool
	Notes      []string
	Findings   []Finding
	Pages      []Page
	Failed     bool // some finding matches --fail-on (only new ones count with a baseline)

	// Baseline names the earlier report the findings were compared with
	// ("" = none: every finding is new). Fixed lists the baseline's
	// findings that are gone now.
	Baseline string
	Fixed    []Finding
}

// AgentInfo describes an agent in the report.
type AgentInfo struct {
	Name        string `json:"name"`
	UserAgent   string `json:"user_agent"`
	RobotsToken string `json:"robots_token"`
}

// Counts returns the number of findings per kind.
func (r *Report) Counts() map[Kind]int {
	c := map[Kind]int{}
	for _, f := range r.Findings {
		c[f.Kind]++
	}
	return c
}

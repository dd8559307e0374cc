// Package audit decides what the crawler's observations mean: which declared
// public pages met a wall, which private pages were exposed, and which auth
// source most likely put each wall there. It is pure: no network, no files
// written.
package audit

import "time"

// Kind names a finding kind. The names are part of the JSON report and of
// --fail-on, so they only ever grow.
type Kind string

const (
	PublicUnauthorized  Kind = "public-401"
	PublicForbidden     Kind = "public-403"
	PublicLoginRedirect Kind = "public-login-redirect"
	PublicSoftAuth      Kind = "public-soft-auth"
	// PublicServerError: a public path answered 5xx. A half-removed auth
	// block (Apache: AuthType without AuthName) answers 500, not 401.
	PublicServerError  Kind = "public-5xx"
	PublicMissing      Kind = "public-missing" // a declared literal path or a sitemap URL answered 404/410
	PrivateExposed     Kind = "private-exposed"
	PrivateInSitemap   Kind = "private-in-sitemap"
	RobotsUnavailable  Kind = "robots-unavailable"
	RobotsBlocksPublic Kind = "robots-blocks-public"
	UndeclaredBlocked  Kind = "undeclared-blocked"
	FetchError         Kind = "fetch-error"
	// DeclaredPaywall is informational: a page marked isAccessibleForFree
	// false is a paywall its owner declared, not an auth wall.
	DeclaredPaywall Kind = "declared-paywall"
	// CrawlerBlockedInLogs comes from access logs (authwall logs), not a
	// crawl: real crawler requests to a path were answered 401 or 403.
	CrawlerBlockedInLogs Kind = "crawler-blocked-in-logs"
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

// kinds lists every finding kind in report order, with its default
// severity and the prose every report shows about it. Reports read it
// through Kinds and LookupKind, so no writer keeps its own copy.
var kinds = []KindInfo{
	{
		Kind: PublicUnauthorized, Severity: SeverityError,
		Description: "a public path answered 401 to a crawler agent",
		Meaning:     "A page declared public answered 401 Unauthorized to a search engine crawler. Crawlers never log in: Google and Bing treat the 401 as an error, do not index the page, and drop it from results if it keeps answering so.",
		Fix:         "Remove the authentication requirement from the public path in the server, proxy or application that adds it (the result names the most likely source, directive and config line). If only part of the site is private, narrow the protected location so it no longer covers public paths, then re-run authwall.",
	},
	{
		Kind: PublicForbidden, Severity: SeverityError,
		Description: "a public path answered 403 to a crawler agent",
		Meaning:     "A page declared public answered 403 Forbidden to a search engine crawler. Search engines treat a 403 like a missing page: it is not indexed and drops out of results. A 403 only for crawlers often comes from a User-Agent or IP rule, a WAF or bot protection.",
		Fix:         "Find the rule that denies the crawler (User-Agent match, IP allow-list, WAF or bot-management setting, file permissions) and let anonymous crawlers read the public path. If the rule is there to stop fake crawlers, verify crawlers by reverse DNS instead of matching the User-Agent.",
	},
	{
		Kind: PublicLoginRedirect, Severity: SeverityError,
		Description: "a public path redirected to a login or single-sign-on page",
		Meaning:     "A page declared public redirected a search engine crawler to a login or single-sign-on page. The crawler indexes the login page, or nothing, instead of the content, and the public URL loses its place in results.",
		Fix:         "Exclude the public path from the authentication layer that redirects (auth proxy, SSO gateway, application middleware or CMS setting) so anonymous visitors get the content with a 200.",
	},
	{
		Kind: PublicSoftAuth, Severity: SeverityWarning,
		Description: "a public path answered 200 with a login form instead of content",
		Meaning:     "A page declared public answered 200 but showed a login form, or a page asking the visitor to log in, instead of its content. Search engines index the login form, or treat the page as a soft 404, so the real content never ranks.",
		Fix:         "Serve the public content to anonymous visitors; if the page must require a login, answer 401 or 403 and take it out of the public paths and sitemaps.",
	},
	{
		Kind: PublicServerError, Severity: SeverityWarning,
		Description: "a public path answered 5xx (search engines retry, then drop pages that keep failing; a broken auth block answers 500)",
		Meaning:     "A page declared public answered a 5xx server error to a search engine crawler. Crawlers retry for a while, slow down crawling of the whole site, and drop pages that keep failing. A half-removed auth block (for example Apache AuthType without AuthName) answers 500.",
		Fix:         "Fix the server error for the path: check the error log for the request; if an auth block was partly removed, remove it completely or complete it.",
	},
	{
		Kind: PublicMissing, Severity: SeverityWarning,
		Description: "a declared public literal path or a sitemap URL answered 404/410",
		Meaning:     "A page its owner declared public, by its exact path in the paths file or by listing it in a sitemap, answered 404 Not Found or 410 Gone to a search engine crawler. Search engines drop such pages from results (a 410 at once); a sitemap that lists missing pages also wastes crawl budget.",
		Fix:         "Restore the page, or redirect its URL with a 301 to where the content went; if the page is gone on purpose, take it out of the paths file and the sitemaps.",
	},
	{
		Kind: PrivateExposed, Severity: SeverityError,
		Description: "a private path answered 2xx to an anonymous crawler",
		Meaning:     "A path declared private answered 2xx to an anonymous crawler: content meant to be behind a login is readable by anyone, and search engines may index it.",
		Fix:         "Put the private path behind authentication (or deny it) in the server or application, check that the protection covers every URL form (trailing slash, case, encoded characters, regex locations), and ask search engines to remove URLs already indexed.",
	},
	{
		Kind: PrivateInSitemap, Severity: SeverityWarning,
		Description: "a sitemap lists a private path",
		Meaning:     "A sitemap lists a path declared private. Sitemaps invite crawlers to fetch those URLs; a private URL there either leaks its existence or, if protected, wastes crawl budget on errors.",
		Fix:         "Remove private URLs from the sitemaps, or correct the declaration if the path is meant to be public.",
	},
	{
		Kind: RobotsUnavailable, Severity: SeverityError,
		Description: "robots.txt answered 401/403 (warning) or 429/5xx/timed out (error)",
		Meaning:     "robots.txt could not be read. Google treats a 401 or 403 for robots.txt as if there were no restrictions, but a 429, a 5xx or a timeout as a full disallow: it stops crawling the site until robots.txt answers again.",
		Fix:         "Serve robots.txt to anonymous crawlers with a 200 (or a 404 when there is none): exempt it from authentication, rate limits and bot protection.",
	},
	{
		Kind: RobotsBlocksPublic, Severity: SeverityWarning,
		Description: "robots.txt disallows a public path for an agent",
		Meaning:     "robots.txt disallows a public path for a crawler. The crawler does not fetch the page, so its content is not indexed; the URL may still appear in results without a description.",
		Fix:         "Remove or narrow the Disallow rule for that crawler's group in robots.txt (the result names the line), or take the path out of the public declaration if the block is intended.",
	},
	{
		Kind: UndeclaredBlocked, Severity: SeverityInfo,
		Description: "an undeclared URL linked from a public page answered 401/403",
		Meaning:     "A URL no declaration covers, linked from a public page, answered 401 or 403. Crawlers follow the link and hit a wall; if the URL was meant to be public it will not be indexed. authwall logs reports a wall that crawlers met on an undeclared path in its access logs the same way.",
		Fix:         "Declare the URL public or private. If it is public, remove the authentication; if it is private, consider not linking it from public pages or marking the link nofollow.",
	},
	{
		Kind: FetchError, Severity: SeverityInfo,
		Description: "a URL could not be fetched (timeout, reset, too large, redirect loop...)",
		Meaning:     "A URL could not be fetched at all (timeout, connection reset, body too large, redirect loop). Crawlers that meet the same failure cannot index the page and crawl the site more slowly.",
		Fix:         "Check the server and the network path for the URL: timeouts, size limits, redirect rules. The result's not_fetched property holds the error each agent got.",
	},
	{
		Kind: DeclaredPaywall, Severity: SeverityInfo,
		Description: "a public page is a paywall marked isAccessibleForFree: false",
		Meaning:     "A public page is marked as paywalled with isAccessibleForFree false. That is the structured data search engines ask for on paywalled content, so it is not an auth wall; it is listed for information.",
		Fix:         "Nothing to do if the paywall is intended. Keep the paywalled section marked up as Google's paywalled-content guidelines describe, and serve crawlers the same content as subscribers.",
	},
	{
		Kind: CrawlerBlockedInLogs, Severity: SeverityError,
		Description: "(logs) real crawler requests to a public path were answered 401/403",
		Meaning:     "The server's access logs show search engine crawlers, verified against their published IP ranges, answered 401 or 403 on a path declared public. This is what the real crawler got, so walls that only apply to the search engines' addresses, a region or an hour show here when a crawl from elsewhere cannot see them. Without IP ranges the crawlers are only claimed by their User-Agent and the finding is a warning; on an undeclared path the finding is undeclared-blocked.",
		Fix:         "Find the rule that walls the crawler's requests (an IP or User-Agent rule, bot protection, a rate limit, authentication on the path) and let the verified crawler addresses read the public path; run authwall audit against the same path and authwall explain on the server config to name the line.",
	},
}

// Kinds returns every finding kind in report order. The slice is a copy:
// the table itself cannot be changed from outside.
func Kinds() []KindInfo { return append([]KindInfo(nil), kinds...) }

// LookupKind returns what the table says of kind k; ok is false for a kind
// this version does not know (one read from an older or newer report).
func LookupKind(k Kind) (info KindInfo, ok bool) {
	for _, i := range kinds {
		if i.Kind == k {
			return i, true
		}
	}
	return KindInfo{}, false
}

// severityOf returns the default severity of a kind.
func severityOf(k Kind) Severity {
	if info, ok := LookupKind(k); ok {
		return info.Severity
	}
	return SeverityInfo
}

// KindInfo describes one finding kind.
type KindInfo struct {
	Kind     Kind
	Severity Severity // the default; robots-unavailable is a warning for 401/403
	// Description is one line: what happened.
	Description string
	// Meaning says what the kind means for search engines, in a few sentences.
	Meaning string
	// Fix says how such a finding is fixed in general; a finding's own
	// attribution carries the fix for its source.
	Fix string
}

// Location is where in a server config the directive behind a wall is.
type Location struct {
	File    string
	Line    int
	Context string
}

// Attribution says which auth source and setting most likely produced a wall.
type Attribution struct {
	Signature  string // catalog id that matched
	Source     string
	Mechanism  string
	Directive  string
	Realm      string
	Confidence string
	Evidence   []string
	Location   *Location
	Fix        string
	Edge       string // outer layer (CDN/proxy) when it differs from the generator
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

	// Agents names the crawler agents the finding concerns, in the crawl's
	// agent order, never the browser control: the agents that hit the wall
	// (public-401/403/login-redirect/5xx, undeclared-blocked), got the
	// private page (private-exposed), saw the login form or the paywall,
	// were disallowed by robots.txt (robots-blocks-public), failed to fetch
	// (fetch-error) or failed to read robots.txt (robots-unavailable). A
	// finding about the site (private-in-sitemap) names every crawler
	// agent. Never empty: writers render it and decide nothing.
	Agents []string
	// Logs holds, for a finding made from access logs, what each crawler
	// agent's requests to the path got; nil for a crawl's findings.
	Logs map[string]LogHits
	// New is false when a baseline already had this finding.
	New bool
	// Failing says whether this finding makes the run fail (exit code 1):
	// it matches --fail-on and, with a baseline, is new.
	Failing bool
	// Recheck, in a recheck (audit --recheck), says whether the earlier
	// report had this finding: RecheckRemains, RecheckNew, or RecheckFixed
	// for the earlier findings in Report.Recheck.Fixed; "" otherwise.
	Recheck string
}

// Redirect is one hop of a redirect chain, as reported.
type Redirect struct {
	URL      string
	Status   int
	Location string // "" unless the hop redirected
}

// Page is one crawled URL with what each agent got.
type Page struct {
	URL      string
	Depth    int
	Declared string         // "public", "private" or ""
	Statuses map[string]int // read only: pages that answered alike share one map
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
	Incomplete bool // the crawl was interrupted: Finish copies crawler.Result.Incomplete
	Notes      []string
	Findings   []Finding
	Pages      []Page
	Failed     bool // some finding is Failing

	// Baseline names the earlier report the findings were compared with
	// ("" = none: every finding is new). Fixed lists the baseline's
	// findings that are gone now.
	Baseline string
	Fixed    []Finding

	// Recheck is set when this run fetched again the URLs of an earlier
	// report's findings (audit --recheck); nil otherwise.
	Recheck *Recheck
}

// AgentInfo describes an agent in the report.
type AgentInfo struct {
	Name        string
	UserAgent   string
	RobotsToken string
}

// Counts returns the number of findings per kind.
func (r *Report) Counts() map[Kind]int {
	c := map[Kind]int{}
	for _, f := range r.Findings {
		c[f.Kind]++
	}
	return c
}

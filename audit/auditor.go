package audit

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"maps"
	"net/url"
	"slices"
	"strings"

	"authwall/audit/serverconf"
	"authwall/crawler"
)

// Options configure an audit.
type Options struct {
	Paths   *Paths   // declared paths; nil: nothing declared, sitemap URLs count as public
	Catalog *Catalog // attribution signatures; nil: DefaultCatalog
	FailOn  FailOn
	// Baseline names an earlier report ("" = none); Prior holds its
	// findings. With a baseline only new findings can fail the run.
	Baseline string
	Prior    []Finding
	Tool     string
	Version  string
	// ServerConfigs are the site's own server configs (--server-config):
	// each wall is then attributed to the file and line that decide it.
	ServerConfigs []serverconf.Evaluator
	// Recheck names an earlier report whose findings' URLs this run
	// fetched again ("" = not a recheck); Earlier holds its findings. Each
	// finding is then marked remains or new, and the report lists the
	// earlier findings that are fixed (recheck.go).
	Recheck string
	Earlier []Finding
	// Notes are added to the report's notes: what the caller assumed.
	Notes []string
}

// Auditor turns a stream of observations into findings. It keeps a small
// record per URL and agent, and the response bodies of walls only, so
// memory grows with the walls found, not with the pages crawled. The kind
// rules (rules.go, siterules.go) read those records when Finish runs.
type Auditor struct {
	opts    Options
	catalog *Catalog
	noMore  *agentMore   // shared by every record with nothing more to say
	seed    maphash.Seed // for pageRecord.plainBody
	pages   map[string]*pageRecord
	cut     int // responses cut at --max-body
}

// keepWallBody bounds the bytes of a wall's body kept for attribution.
const keepWallBody = 32 * 1024

type pageRecord struct {
	url        string
	linkedFrom []string
	agents     []agentRecord // in arrival order
	foundVia   crawler.Found
	// plainBody is the hash of a 2xx HTML body an agent got here that is
	// neither a paywall nor a soft-wall page by its body alone (0: none):
	// the next agent given the same bytes, as most are, skips those
	// readings (an 18 KB page costs tens of microseconds each).
	plainBody uint64
	depth     int32
	inSitemap bool
}

// agentRecord is what one agent saw at one URL, reduced to what the
// classification and the report need. The fields most answers leave empty
// are apart (agentMore), so that a plain 200 costs 40 bytes and a pointer
// to the auditor's one empty agentMore: a million-page crawl keeps two
// million of these.
type agentRecord struct {
	agent  string
	status int // first hop; 0 when there was no answer
	final  int
	*agentMore
}

// agentMore holds what a redirect, a wall, an error, robots.txt or a soft
// wall adds to an agent's record. Records never change it after Add.
type agentMore struct {
	// redirects are the hops when there was more to say than "the URL
	// answered status" (a redirect, followed or not); nil otherwise, and
	// chain rebuilds the one hop.
	redirects []Redirect
	finalURL  string // the last hop's URL when it is not the page's own
	agentFacts
}

// agentFacts is the comparable part of agentMore.
type agentFacts struct {
	err       string
	skipped   string
	robots    *crawler.Verdict
	wall      *Answer // the response that made a wall, kept for attribution
	wallKind  Kind
	login     string // login pattern the chain hit
	softAuth  string // soft-wall marker on a 2xx page (then wall holds the page)
	paywall   bool
	truncated bool
}

func (m *agentMore) empty() bool {
	return m.redirects == nil && m.finalURL == "" && m.agentFacts == (agentFacts{})
}

// chain is the record's hops: what redirects holds, or the one hop of a
// URL that answered itself.
func (r *agentRecord) chain(pageURL string) []Redirect {
	return hops(r.redirects, pageURL, r.status)
}

func hops(redirects []Redirect, pageURL string, status int) []Redirect {
	if redirects != nil || status == 0 {
		return redirects
	}
	return []Redirect{{URL: pageURL, Status: status}}
}

// finalURLOf is the URL that gave the last answer; "" when there was none.
func (r *agentRecord) finalURLOf(pageURL string) string {
	if r.finalURL != "" || r.status == 0 {
		return r.finalURL
	}
	return pageURL
}

// NewAuditor builds an auditor.
func NewAuditor(o Options) (*Auditor, error) {
	cat := o.Catalog
	if cat == nil {
		var err error
		if cat, err = DefaultCatalog(); err != nil {
			return nil, fmt.Errorf("load attribution catalog: %w", err)
		}
	}
	if o.Paths == nil {
		o.Paths = &Paths{}
	}
	if o.Tool == "" {
		o.Tool = "authwall"
	}
	return &Auditor{opts: o, catalog: cat, pages: map[string]*pageRecord{}, noMore: &agentMore{}, seed: maphash.MakeSeed()}, nil
}

// Blocked is the crawler's rule for which answers get a browser control
// fetch: the walls the audit reports.
func (a *Auditor) Blocked(o *crawler.Observation) bool {
	kind, _, _ := wallOf(o)
	return kind != ""
}

// Add records one observation. Not safe for concurrent use: the crawler
// calls its emit function serially.
func (a *Auditor) Add(o crawler.Observation) {
	p := a.pages[o.URL]
	if p == nil {
		// Room for two agents: the common crawl, one allocation.
		p = &pageRecord{url: o.URL, depth: int32(min(o.Depth, 1<<30)), foundVia: o.FoundVia, agents: make([]agentRecord, 0, 2)}
		a.pages[o.URL] = p
	}
	p.inSitemap = p.inSitemap || o.InSitemap
	for _, l := range o.LinkedFrom {
		if len(p.linkedFrom) < 5 && !slices.Contains(p.linkedFrom, l) {
			if p.linkedFrom == nil {
				p.linkedFrom = make([]string, 0, 5) // the final size at once, not 1, 2, 4, 8
			}
			p.linkedFrom = append(p.linkedFrom, l)
		}
	}
	r := agentRecord{agent: o.Agent, status: o.Status()}
	m := agentMore{agentFacts: agentFacts{err: o.Err, skipped: o.Skipped, truncated: o.BodyTruncated}}
	if o.BodyTruncated {
		a.cut++
	}
	if o.RobotsDisallowed {
		m.robots = &crawler.Verdict{Allowed: false, Line: o.RobotsLine, Rule: o.RobotsRule}
	}
	if len(o.Hops) > 0 {
		f := o.Final()
		r.final = f.Status
		if f.URL != p.url {
			m.finalURL = f.URL
		}
	}
	if h := o.Hops; len(h) > 1 || len(h) == 1 && (h[0].URL != p.url || h[0].Location != "") {
		m.redirects = make([]Redirect, 0, len(h))
		for _, h := range h {
			u := h.URL
			if u == p.url {
				u = p.url // the page's string, not a copy per agent
			}
			m.redirects = append(m.redirects, Redirect{URL: u, Status: h.Status, Location: h.Location})
		}
	}
	chain := func() []Redirect { return hops(m.redirects, p.url, r.status) }
	if kind, i, pattern := wallOf(&o); kind != "" {
		h := o.Hops[i]
		ans := &Answer{URL: h.URL, Status: h.Status, Header: a.catalog.keptHeader(h.Header), Location: h.Location, Chain: chain()[:i+1]}
		if i == len(o.Hops)-1 {
			ans.Body = bytes.Clone(o.Body[:min(len(o.Body), keepWallBody)])
		}
		m.wall, m.wallKind, m.login = ans, kind, pattern
	} else if r.final >= 200 && r.final < 300 && o.Err == "" {
		// A byte scan spares most pages the paywall's tokenizer pass (prefilter.go).
		// Only an HTML document can stand in for a page: a feed or an API
		// answer that quotes a login form is still the feed.
		html := o.HTML() && o.Agent != crawler.BrowserAgentName
		sum := uint64(0)
		if html && len(o.Body) > 0 {
			sum = maphash.Bytes(a.seed, o.Body) | 1 // never 0, which means none
		}
		plain := sum != 0 && sum == p.plainBody
		if !plain && mayDeclarePaywall(o.Body) && paywall(o.Body) {
			m.paywall = true
		} else if html {
			// The whole kept body: a theme's inline styles can push the form
			// past keepWallBody.
			f := o.Final()
			ans := &Answer{URL: f.URL, Status: f.Status, Header: f.Header, Body: o.Body, Chain: chain()}
			marker, ok, read := a.catalog.softWall(ans, !plain)
			if ok {
				ans.Body, ans.Header = bytes.Clone(o.Body), a.catalog.keptHeader(ans.Header)
				m.softAuth, m.wall = marker, ans
			}
			if read && sum != 0 {
				p.plainBody = sum
			}
		}
		if o.Agent == crawler.BrowserAgentName {
			// The control's answer is compared with the walls at the end.
			m.wall = &Answer{URL: o.URL, Status: r.final, Header: a.catalog.keptHeader(o.Final().Header)}
		}
	}
	if o.Agent == crawler.BrowserAgentName && m.wall == nil && len(o.Hops) > 0 {
		f := o.Final()
		m.wall = &Answer{URL: f.URL, Status: f.Status, Header: a.catalog.keptHeader(f.Header)}
	}
	r.agentMore = a.noMore
	if !m.empty() {
		more := m
		r.agentMore = &more
	}
	p.agents = append(p.agents, r)
}

// Finish classifies everything recorded and builds the report. It decides
// every verdict the writers show: each finding's agents, New and Failing,
// and the report's Failed and Incomplete.
func (a *Auditor) Finish(res crawler.Result) *Report {
	rep := &Report{
		Tool: a.opts.Tool, Version: a.opts.Version, Target: res.Start,
		StartedAt: res.StartedAt, Duration: res.Duration,
		URLs: res.URLs, Requests: res.Requests,
		Incomplete: res.Incomplete, Notes: append(append([]string(nil), res.Notes...), a.opts.Notes...),
	}
	if a.cut > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("responses cut at --max-body: %d (their first bytes were read; Googlebot reads the first 15 MB of a page)", a.cut))
	}
	for _, ag := range res.Agents {
		rep.Agents = append(rep.Agents, AgentInfo{Name: ag.Name, UserAgent: ag.UserAgent, RobotsToken: ag.RobotsToken})
	}
	order := newAgentOrder(res.Agents)
	rep.Findings = append(rep.Findings, a.robotsFindings(res.Robots, order)...)

	a.restoreEarlier()
	keys := slices.Sorted(maps.Keys(a.pages))
	// One login page with other redirect_to/returnto values is one page of
	// the report, with at most one finding of each kind.
	logins := a.loginPages()
	listedLogins := map[string]bool{}   // login page keys
	reportedLogins := map[string]bool{} // login page key + " " + kind
	rep.Pages = make([]Page, 0, len(keys))
	statusMaps := map[string]map[string]int{} // most pages answer alike: one map for all of them
	for _, key := range keys {
		pf := a.facts(a.pages[key], order)
		login, isLogin := logins[key]
		pf.loginPage = isLogin
		findings := a.classify(pf)
		if isLogin {
			findings = slices.DeleteFunc(findings, func(f Finding) bool {
				k := login + " " + string(f.Kind)
				dup := reportedLogins[k]
				reportedLogins[k] = true
				return dup
			})
		}
		rep.Findings = append(rep.Findings, findings...)
		if isLogin {
			if listedLogins[login] {
				continue
			}
			listedLogins[login] = true
		}
		pg := reportPage(pf.page, pf.declared)
		pg.Statuses = sharedStatuses(statusMaps, pg.Statuses)
		rep.Pages = append(rep.Pages, pg)
	}
	a.attributeFromConfigs(rep.Findings, res.Agents)
	SortFindings(rep.Findings)
	decide(rep, a.opts.FailOn, a.opts.Baseline, a.opts.Prior)
	a.applyRecheck(rep)
	return rep
}

// loginPages maps each crawled URL that is one of the site's login pages
// to its loginPageKey: a login URL by its address (loginURL), or a page
// the site's own redirects sent a crawler agent to: the target of a login
// redirect, or a soft wall reached through a redirect that carries the
// way back (/pricing → /enter?back=/pricing).
func (a *Auditor) loginPages() map[string]string {
	targets := map[string]bool{}
	for _, p := range a.pages {
		for _, r := range p.agents {
			if r.login != "" && r.wall != nil {
				targets[loginPageKey(r.wall.Location)] = true
			}
			if r.softAuth != "" && slices.ContainsFunc(r.redirects, func(h Redirect) bool { return returnsTo(h.Location, h.URL) }) {
				targets[loginPageKey(r.finalURLOf(p.url))] = true
			}
		}
	}
	out := map[string]string{}
	for u := range a.pages {
		key := loginPageKey(u)
		if loginURL(u) || targets[key] {
			out[u] = key
		}
	}
	return out
}

// declaration says how a URL is declared and by what.
func (a *Auditor) declaration(p *pageRecord) (Declared, string, string) {
	u, err := url.Parse(p.url)
	path := "/"
	if err == nil && u.EscapedPath() != "" {
		path = u.EscapedPath()
	}
	d, rule := a.opts.Paths.Match(path)
	switch {
	case rule != nil:
		return d, rule.String(), path
	case p.inSitemap:
		return Public, "sitemap", path
	}
	return Undeclared, "", path
}

// declaredLiteral reports whether the URL is declared public by a pattern
// without wildcards (the paths the crawler seeds), naming exactly this
// page: its path, with no query.
func (a *Auditor) declaredLiteral(p *pageRecord) bool {
	u, err := url.Parse(p.url)
	if err != nil || u.RawQuery != "" {
		return false
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	_, rule := a.opts.Paths.Match(path)
	if rule == nil || rule.Private {
		return false
	}
	_, literal := literalPattern(rule.Pattern)
	return literal
}

// linkedFromPublic reports whether a page that links here is public. When
// nothing is declared at all, any linking page counts, so an audit without
// a paths file still lists the walls it met.
func (a *Auditor) linkedFromPublic(p *pageRecord) bool {
	if len(p.linkedFrom) == 0 {
		return false
	}
	if a.opts.Paths.Len() == 0 {
		return true
	}
	for _, l := range p.linkedFrom {
		if ref := a.pages[l]; ref != nil {
			if d, _, _ := a.declaration(ref); d == Public {
				return true
			}
			continue
		}
		if u, err := url.Parse(l); err == nil {
			if d, _ := a.opts.Paths.Match(u.EscapedPath()); d == Public {
				return true
			}
		}
	}
	return false
}

// reportPage is a page as the report lists it.
func reportPage(p *pageRecord, decl Declared) Page {
	pg := Page{URL: p.url, Depth: int(p.depth), Declared: string(decl), Statuses: statuses(p)}
	for _, r := range p.agents {
		if pg.FinalURL == "" {
			pg.FinalURL = r.finalURLOf(p.url)
		}
		if pg.Error == "" && r.err != "" {
			pg.Error = r.err
		}
	}
	return pg
}

// sharedStatuses returns the map in seen with m's content, or m after
// adding it there: a report of a million pages holds a few maps, not a
// million.
func sharedStatuses(seen map[string]map[string]int, m map[string]int) map[string]int {
	var key strings.Builder
	for _, agent := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(&key, "%s\x00%d\x00", agent, m[agent])
	}
	if s, ok := seen[key.String()]; ok {
		return s
	}
	seen[key.String()] = m
	return m
}

// statuses maps every agent to the status its URL answered; 0 means not
// fetched (robots.txt kept the agent out, or the fetch failed).
func statuses(p *pageRecord) map[string]int {
	m := map[string]int{}
	for _, r := range p.agents {
		m[r.agent] = r.status
	}
	return m
}

// notFetched says why an agent has status 0; nil when every agent got an answer.
func notFetched(p *pageRecord) map[string]string {
	var m map[string]string
	for _, r := range p.agents {
		if r.status != 0 {
			continue
		}
		why := r.skipped
		if why == "" {
			why = r.err
		}
		if why == "" {
			continue
		}
		if m == nil {
			m = map[string]string{}
		}
		m[r.agent] = why
	}
	return m
}

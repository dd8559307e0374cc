package audit

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

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
}

// Auditor turns a stream of observations into findings. It keeps a small
// record per URL and agent, and the response bodies of walls only, so
// memory grows with the walls found, not with the pages crawled.
type Auditor struct {
	opts    Options
	catalog *Catalog
	pages   map[string]*pageRecord
	order   []string
	cut     int // responses cut at --max-body
}

// keepWallBody bounds the bytes of a wall's body kept for attribution.
const keepWallBody = 32 * 1024

type pageRecord struct {
	url        string
	depth      int
	foundVia   crawler.Found
	linkedFrom []string
	inSitemap  bool
	agents     []*agentRecord // in arrival order
}

// agentRecord is what one agent saw at one URL, reduced to what the
// classification and the report need.
type agentRecord struct {
	agent     string
	status    int // first hop
	final     int
	finalURL  string
	err       string
	skipped   string
	robots    *crawler.Verdict
	wall      *Answer // the response that made a wall, kept for attribution
	wallKind  Kind
	login     string // login pattern the chain hit
	softAuth  string // login-form marker on a 2xx page
	paywall   bool
	truncated bool
	redirects []Redirect
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
	return &Auditor{opts: o, catalog: cat, pages: map[string]*pageRecord{}}, nil
}

// Blocked is the crawler's rule for which answers get a browser control
// fetch: the walls the audit reports.
func (a *Auditor) Blocked(o *crawler.Observation) bool {
	kind, _, _ := wallOf(o)
	return kind != ""
}

// wallOf finds the wall in an observation: a hop redirecting to a login
// page, or a final 401/403.
func wallOf(o *crawler.Observation) (Kind, int, string) {
	for i, h := range o.Hops {
		if h.Location == "" {
			continue
		}
		if pattern, ok := LoginRedirect(h.Location); ok {
			return PublicLoginRedirect, i, pattern
		}
	}
	if len(o.Hops) == 0 {
		return "", 0, ""
	}
	switch last := len(o.Hops) - 1; o.Hops[last].Status {
	case http.StatusUnauthorized, http.StatusProxyAuthRequired:
		return PublicUnauthorized, last, ""
	case http.StatusForbidden:
		return PublicForbidden, last, ""
	}
	if o.Hops[len(o.Hops)-1].Status >= 500 && o.Err == "" {
		return PublicServerError, len(o.Hops) - 1, ""
	}
	return "", 0, ""
}

// Add records one observation. Not safe for concurrent use: the crawler
// calls its emit function serially.
func (a *Auditor) Add(o crawler.Observation) {
	p := a.pages[o.URL]
	if p == nil {
		p = &pageRecord{url: o.URL, depth: o.Depth, foundVia: o.FoundVia}
		a.pages[o.URL] = p
		a.order = append(a.order, o.URL)
	}
	p.inSitemap = p.inSitemap || o.InSitemap
	for _, l := range o.LinkedFrom {
		if len(p.linkedFrom) < 5 && !slices.Contains(p.linkedFrom, l) {
			p.linkedFrom = append(p.linkedFrom, l)
		}
	}
	r := &agentRecord{agent: o.Agent, status: o.Status(), err: o.Err, skipped: o.Skipped, truncated: o.BodyTruncated}
	if o.BodyTruncated {
		a.cut++
	}
	if o.RobotsDisallowed {
		r.robots = &crawler.Verdict{Allowed: false, Line: o.RobotsLine, Rule: o.RobotsRule}
	}
	if len(o.Hops) > 0 {
		f := o.Final()
		r.final, r.finalURL = f.Status, f.URL
	}
	for _, h := range o.Hops {
		r.redirects = append(r.redirects, Redirect{URL: h.URL, Status: h.Status, Location: h.Location})
	}
	if kind, i, pattern := wallOf(&o); kind != "" {
		h := o.Hops[i]
		ans := &Answer{URL: h.URL, Status: h.Status, Header: h.Header, Location: h.Location, Chain: r.redirects[:i+1]}
		if i == len(o.Hops)-1 {
			ans.Body = bytes.Clone(o.Body[:min(len(o.Body), keepWallBody)])
		}
		r.wall, r.wallKind, r.login = ans, kind, pattern
	} else if r.final >= 200 && r.final < 300 && o.Err == "" {
		if Paywall(o.Body) {
			r.paywall = true
		} else if marker, ok := LoginForm(o.Body); ok {
			r.softAuth = marker
		}
		if o.Agent == crawler.BrowserAgentName {
			// The control's answer is compared with the walls at the end.
			r.wall = &Answer{URL: o.URL, Status: r.final, Header: o.Final().Header}
		}
	}
	if o.Agent == crawler.BrowserAgentName && r.wall == nil && len(o.Hops) > 0 {
		f := o.Final()
		r.wall = &Answer{URL: f.URL, Status: f.Status, Header: f.Header}
	}
	p.agents = append(p.agents, r)
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

// Finish classifies everything recorded and builds the report.
func (a *Auditor) Finish(res crawler.Result) *Report {
	rep := &Report{
		Tool: a.opts.Tool, Version: a.opts.Version, Target: res.Start,
		StartedAt: res.StartedAt, Duration: res.Duration,
		URLs: res.URLs, Requests: res.Requests,
		Incomplete: res.Incomplete, Notes: append([]string(nil), res.Notes...),
	}
	if a.cut > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("responses cut at --max-body: %d (their first bytes were read; Googlebot reads the first 15 MB of a page)", a.cut))
	}
	for _, ag := range res.Agents {
		rep.Agents = append(rep.Agents, AgentInfo{Name: ag.Name, UserAgent: ag.UserAgent, RobotsToken: ag.RobotsToken})
	}
	order := newAgentOrder(res.Agents)
	rep.Findings = append(rep.Findings, a.robotsFindings(res.Robots, order)...)

	sort.Strings(a.order)
	for _, key := range a.order {
		p := a.pages[key]
		decl, by, path := a.declaration(p)
		rep.Pages = append(rep.Pages, a.page(p, decl))
		for _, f := range a.classify(p, decl, by, path, order) {
			rep.Findings = append(rep.Findings, f)
		}
	}
	SortFindings(rep.Findings)
	decide(rep, a.opts.FailOn, a.opts.Baseline, a.opts.Prior)
	return rep
}

func (a *Auditor) page(p *pageRecord, decl Declared) Page {
	pg := Page{URL: p.url, Depth: p.depth, Declared: string(decl), Statuses: statuses(p)}
	for _, r := range p.agents {
		if pg.FinalURL == "" && r.finalURL != "" {
			pg.FinalURL = r.finalURL
		}
		if pg.Error == "" && r.err != "" {
			pg.Error = r.err
		}
	}
	return pg
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

// bots returns the crawler agents' records (never the browser control's)
// in report agent order.
func (p *pageRecord) bots(order agentOrder) []*agentRecord {
	var out []*agentRecord
	for _, r := range p.agents {
		if r.agent != crawler.BrowserAgentName {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return order.less(out[i].agent, out[j].agent) })
	return out
}

func (p *pageRecord) control() *agentRecord {
	for _, r := range p.agents {
		if r.agent == crawler.BrowserAgentName {
			return r
		}
	}
	return nil
}

func (a *Auditor) classify(p *pageRecord, decl Declared, by, path string, order agentOrder) []Finding {
	bots := p.bots(order)
	// base starts a finding of kind k about the named agents; a finding
	// that names none concerns every crawler agent.
	base := func(k Kind, agents ...string) Finding {
		if len(agents) == 0 {
			agents = order.all(bots)
		}
		return Finding{
			Kind: k, Severity: SeverityOf(k), URL: p.url, Path: path, DeclaredBy: by,
			Statuses: statuses(p), NotFetched: notFetched(p), FoundVia: string(p.foundVia), LinkedFrom: p.linkedFrom,
			Agents: agents,
		}
	}
	var out []Finding

	var errs, failed []string
	for _, r := range bots {
		if r.err != "" {
			errs = append(errs, r.agent+": "+r.err)
			failed = append(failed, r.agent)
		}
	}
	if len(errs) > 0 {
		f := base(FetchError, failed...)
		f.Message = strings.Join(errs, "; ")
		f.Redirects = firstRedirects(bots)
		out = append(out, f)
	}

	switch decl {
	case Public:
		for _, k := range []Kind{PublicUnauthorized, PublicForbidden, PublicLoginRedirect, PublicServerError} {
			if f, ok := a.wallFinding(p, bots, k, base); ok {
				out = append(out, f)
			}
		}
		var soft, paywalled []string
		marker := ""
		for _, r := range bots {
			if r.softAuth != "" {
				soft = append(soft, r.agent)
				marker = r.softAuth
			}
			if r.paywall {
				paywalled = append(paywalled, r.agent)
			}
		}
		if len(soft) > 0 {
			f := base(PublicSoftAuth, soft...)
			f.Message = fmt.Sprintf("%s got a 200 page that is a login form (%s) instead of content", joinAgents(soft), marker)
			f.Attribution = &Attribution{Source: "app", Mechanism: "session", Directive: "login form served in place of content", Confidence: "low",
				Evidence: []string{"login form marker: " + marker},
				Fix:      "Serve the public content to anonymous visitors, or declare the path private if it is meant to need a login."}
			out = append(out, f)
		}
		if len(paywalled) > 0 {
			f := base(DeclaredPaywall, paywalled...)
			f.Message = "the page's JSON-LD marks it isAccessibleForFree: false: a declared paywall, not an auth wall"
			out = append(out, f)
		}
		var blocked []string
		rules := map[string]bool{}
		var ruleList []string
		for _, r := range bots {
			if r.robots != nil && !r.robots.Allowed {
				blocked = append(blocked, r.agent)
				rule := r.robots.Rule
				if r.robots.Line > 0 {
					rule = fmt.Sprintf("line %d: %s", r.robots.Line, r.robots.Rule)
				}
				if !rules[rule] {
					rules[rule] = true
					ruleList = append(ruleList, rule)
				}
			}
		}
		if len(blocked) > 0 {
			f := base(RobotsBlocksPublic, blocked...)
			f.Message = fmt.Sprintf("robots.txt disallows this public path for %s (%s)", joinAgents(blocked), strings.Join(ruleList, "; "))
			out = append(out, f)
		}
	case Private:
		var exposed []string
		for _, r := range bots {
			if r.status >= 200 && r.status < 300 && r.softAuth == "" {
				exposed = append(exposed, r.agent)
			}
		}
		if len(exposed) > 0 {
			f := base(PrivateExposed, exposed...)
			f.Message = fmt.Sprintf("private path answered %d to %s without credentials", firstStatus(bots, exposed[0]), joinAgents(exposed))
			out = append(out, f)
		}
		if p.inSitemap {
			// A sitemap invites every crawler.
			f := base(PrivateInSitemap)
			f.Message = "a sitemap lists this private path, asking search engines to index it"
			out = append(out, f)
		}
	default:
		if a.linkedFromPublic(p) {
			for _, k := range []Kind{PublicUnauthorized, PublicForbidden} {
				if f, ok := a.wallFinding(p, bots, k, base); ok {
					f.Kind, f.Severity = UndeclaredBlocked, SeverityOf(UndeclaredBlocked)
					f.Message = "undeclared URL linked from a public page: " + f.Message
					out = append(out, f)
					break
				}
			}
		}
	}
	return out
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

// wallFinding builds the finding of kind k when some bot met that wall.
func (a *Auditor) wallFinding(p *pageRecord, bots []*agentRecord, k Kind, base func(Kind, ...string) Finding) (Finding, bool) {
	var hit []*agentRecord
	var names []string
	for _, r := range bots {
		if r.wallKind == k && r.wall != nil {
			hit = append(hit, r)
			names = append(names, r.agent)
		}
	}
	if len(hit) == 0 {
		return Finding{}, false
	}
	f := base(k, names...)
	first := hit[0]
	f.Redirects = first.redirects
	var control *Answer
	ctl := p.control()
	if ctl != nil && ctl.wall != nil {
		control = ctl.wall
	}
	best, alts := a.catalog.Attribute(*first.wall, control)
	f.Attribution = &best
	f.Alternatives = alts

	switch k {
	case PublicLoginRedirect:
		f.Message = fmt.Sprintf("%s redirected to a login page (%s, matched %s)", joinAgents(names), first.wall.Location, first.login)
	case PublicServerError:
		f.Message = fmt.Sprintf("%s got %d: search engines retry a server error, then drop pages that keep failing", joinAgents(names), first.wall.Status)
	default:
		f.Message = fmt.Sprintf("%s got %d", joinAgents(names), first.wall.Status)
		if ch := first.wall.Header.Values("WWW-Authenticate"); len(ch) > 0 {
			f.Message += fmt.Sprintf(" (WWW-Authenticate: %s)", strings.Join(ch, ", "))
		}
	}
	if ctl != nil {
		switch {
		case ctl.err != "":
			f.Message += "; the browser control failed: " + ctl.err
		case ctl.wallKind != "" || ctl.status == first.wall.Status:
			f.Message += fmt.Sprintf("; a browser got %d too: a wall for everyone", ctl.status)
		default:
			f.Message += fmt.Sprintf("; a browser got %d: the wall is for bots only", ctl.status)
		}
	}
	return f, true
}

func firstRedirects(bots []*agentRecord) []Redirect {
	for _, r := range bots {
		if len(r.redirects) > 1 {
			return r.redirects
		}
	}
	return nil
}

func firstStatus(bots []*agentRecord, agent string) int {
	for _, r := range bots {
		if r.agent == agent {
			return r.status
		}
	}
	return 0
}

func joinAgents(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// robotsFindings reports robots.txt fetches that did not give rules: one
// finding for the robots.txt URL, with every agent's status, about the
// agents whose robots.txt failed.
func (a *Auditor) robotsFindings(fetches []crawler.RobotsFetch, order agentOrder) []Finding {
	fetches = slices.Clone(fetches)
	sort.SliceStable(fetches, func(i, j int) bool { return order.less(fetches[i].Agent, fetches[j].Agent) })
	var f *Finding
	var reasons []string
	for _, rf := range fetches {
		unavailable := rf.State == crawler.RobotsDisallowAll || rf.Status == 401 || rf.Status == 403
		if !unavailable {
			continue
		}
		if f == nil {
			u, _ := url.Parse(rf.URL)
			path := "/robots.txt"
			if u != nil {
				path = u.EscapedPath()
			}
			f = &Finding{Kind: RobotsUnavailable, Severity: SeverityWarning, URL: rf.URL, Path: path, Statuses: map[string]int{}, FoundVia: "robots"}
		}
		f.Statuses[rf.Agent] = rf.Status
		if rf.Agent != crawler.BrowserAgentName {
			f.Agents = append(f.Agents, rf.Agent)
		}
		if rf.State == crawler.RobotsDisallowAll {
			f.Severity = SeverityError
			reason := rf.Err
			if reason == "" {
				reason = fmt.Sprintf("status %d", rf.Status)
			}
			reasons = append(reasons, fmt.Sprintf("%s: %s, so the search engine would stop crawling the whole site (Google: for 12 hours, then it uses its last good copy for up to 30 days)", rf.Agent, reason))
		} else {
			reasons = append(reasons, fmt.Sprintf("%s: %d, so Google ignores the file and crawls everything; the rules in it have no effect", rf.Agent, rf.Status))
			if f.Attribution == nil && len(rf.Hops) > 0 {
				h := rf.Hops[len(rf.Hops)-1]
				best, alts := a.catalog.Attribute(Answer{URL: h.URL, Status: h.Status, Header: h.Header}, nil)
				f.Attribution, f.Alternatives = &best, alts
			}
		}
		for _, h := range rf.Hops {
			if h.Location != "" {
				f.Redirects = append(f.Redirects, Redirect{URL: h.URL, Status: h.Status, Location: h.Location})
			}
		}
	}
	if f == nil {
		return nil
	}
	if len(f.Agents) == 0 {
		f.Agents = order.all(nil)
	}
	f.Message = "robots.txt unavailable: " + strings.Join(reasons, "; ")
	if f.Severity == SeverityError {
		f.Message += ". The pages were fetched anyway, so the walls behind it are reported too."
	}
	return []Finding{*f}
}

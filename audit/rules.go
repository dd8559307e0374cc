package audit

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"

	"authwall/crawler"
)

// pageRule decides one finding kind for one page: check returns the
// finding, with the message and evidence that show why, when the page has
// that problem. A new page-level kind is a new row in pageRules.
type pageRule struct {
	kind  Kind
	check func(a *Auditor, pf *pageFacts) (Finding, bool)
}

// pageRules are the rules run on every crawled page. The whole-site rule
// (robots-unavailable) is in siterules.go.
var pageRules = []pageRule{
	{FetchError, fetchErrorRule},
	{PublicUnauthorized, publicWallRule(PublicUnauthorized)},
	{PublicForbidden, publicWallRule(PublicForbidden)},
	{PublicLoginRedirect, publicWallRule(PublicLoginRedirect)},
	{PublicServerError, publicWallRule(PublicServerError)},
	{PublicMissing, publicMissingRule},
	{PublicSoftAuth, softAuthRule},
	{DeclaredPaywall, paywallRule},
	{RobotsBlocksPublic, robotsBlocksPublicRule},
	{PrivateExposed, privateExposedRule},
	{PrivateInSitemap, privateInSitemapRule},
	{UndeclaredBlocked, undeclaredBlockedRule},
}

// classify runs every page rule on one page.
func (a *Auditor) classify(pf *pageFacts) []Finding {
	var out []Finding
	for _, r := range pageRules {
		if f, ok := r.check(a, pf); ok {
			out = append(out, f)
		}
	}
	return out
}

// pageFacts is what the rules read about one page.
type pageFacts struct {
	page     *pageRecord
	declared Declared
	by       string // the pattern that declared the path, "sitemap", or ""
	path     string
	literal  bool           // declared public by a pattern without wildcards
	bots     []*agentRecord // the crawler agents' records, in the crawl's agent order
	control  *agentRecord   // the browser control's record, nil when not fetched
	all      []string       // every crawler agent, for a finding about them all
	// loginPage: the URL is one of the site's login pages (loginPages).
	loginPage bool
}

func (a *Auditor) facts(p *pageRecord, order agentOrder) *pageFacts {
	pf := &pageFacts{page: p}
	pf.declared, pf.by, pf.path = a.declaration(p)
	pf.literal = a.declaredLiteral(p)
	for i := range p.agents {
		r := &p.agents[i]
		switch {
		case r.agent != crawler.BrowserAgentName:
			pf.bots = append(pf.bots, r)
		case pf.control == nil:
			pf.control = r
		}
	}
	sort.SliceStable(pf.bots, func(i, j int) bool { return order.less(pf.bots[i].agent, pf.bots[j].agent) })
	pf.all = order.all(pf.bots)
	return pf
}

// botsThat returns the crawler agents' records for which ok holds, in
// the crawl's agent order.
func (pf *pageFacts) botsThat(ok func(r *agentRecord) bool) []*agentRecord {
	var out []*agentRecord
	for _, r := range pf.bots {
		if ok(r) {
			out = append(out, r)
		}
	}
	return out
}

// finding starts a finding of kind k about the given agents; with none
// given it is about every crawler agent, so Agents is never empty.
func (pf *pageFacts) finding(k Kind, concerned []*agentRecord) Finding {
	agents := agentNames(concerned)
	if len(agents) == 0 {
		agents = append([]string(nil), pf.all...)
	}
	p := pf.page
	return Finding{
		Kind: k, Severity: severityOf(k), URL: p.url, Path: pf.path, DeclaredBy: pf.by,
		Statuses: statuses(p), NotFetched: notFetched(p), FoundVia: string(p.foundVia), LinkedFrom: p.linkedFrom,
		Agents: agents,
	}
}

// wallOf finds the wall in an observation: a hop redirecting to a login
// page, or a final 401/403 (407), or a final 5xx. Add records it, and the
// wall rules read it back.
func wallOf(o *crawler.Observation) (Kind, int, string) {
	for i, h := range o.Hops {
		if h.Location == "" {
			continue
		}
		if pattern, ok := loginRedirect(h.Location); ok {
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

// fetchErrorRule: some crawler agent could not fetch the URL at all.
func fetchErrorRule(_ *Auditor, pf *pageFacts) (Finding, bool) {
	failed := pf.botsThat(func(r *agentRecord) bool { return r.err != "" })
	if len(failed) == 0 {
		return Finding{}, false
	}
	errs := make([]string, len(failed))
	for i, r := range failed {
		errs[i] = r.agent + ": " + r.err
	}
	f := pf.finding(FetchError, failed)
	f.Message = strings.Join(errs, "; ")
	f.Redirects = firstRedirects(pf.bots)
	return f, true
}

// publicWallRule: a public page answered some crawler agent with wall k
// (401, 403, a login redirect or a 5xx).
func publicWallRule(k Kind) func(*Auditor, *pageFacts) (Finding, bool) {
	return func(a *Auditor, pf *pageFacts) (Finding, bool) {
		if pf.declared != Public {
			return Finding{}, false
		}
		return a.wallFinding(pf, k, k)
	}
}

// publicMissingRule: a page the owner named as public, by its literal
// path or in a sitemap, answered 404 or 410. A URL matched only by a
// wildcard pattern is not named: a link to a dead page there is a broken
// link, a different problem.
func publicMissingRule(_ *Auditor, pf *pageFacts) (Finding, bool) {
	if pf.declared != Public || !pf.literal && !pf.page.inSitemap {
		return Finding{}, false
	}
	gone := pf.botsThat(func(r *agentRecord) bool {
		return r.err == "" && (r.final == http.StatusNotFound || r.final == http.StatusGone)
	})
	if len(gone) == 0 {
		return Finding{}, false
	}
	f := pf.finding(PublicMissing, gone)
	named := "listed in a sitemap"
	if pf.literal {
		named = "declared public by " + pf.by
	}
	f.Message = fmt.Sprintf("%s got %d: a page %s is missing for the crawlers", joinAgents(f.Agents), gone[0].final, named)
	if len(gone[0].redirects) > 1 {
		f.Redirects = gone[0].redirects
	}
	return f, true
}

// softAuthRule: a public page answered 2xx with a page that stands in
// for its content (a login form, a "log in to view" page). The site's own
// login pages are not walls: their form is their content.
func softAuthRule(a *Auditor, pf *pageFacts) (Finding, bool) {
	if pf.declared != Public || pf.loginPage {
		return Finding{}, false
	}
	soft := pf.botsThat(func(r *agentRecord) bool { return r.softAuth != "" && r.wall != nil })
	if len(soft) == 0 {
		return Finding{}, false
	}
	first := soft[0]
	f := pf.finding(PublicSoftAuth, soft)
	f.Message = fmt.Sprintf("%s got a %d page that asks to log in (%s) instead of the content", joinAgents(f.Agents), first.wall.Status, first.softAuth)
	best, alts := a.catalog.Attribute(*first.wall, nil)
	f.Attribution, f.Alternatives = &best, alts
	f.Redirects = firstRedirects(soft)
	return f, true
}

// paywallRule: a public page's structured data declares a paywall.
func paywallRule(_ *Auditor, pf *pageFacts) (Finding, bool) {
	if pf.declared != Public {
		return Finding{}, false
	}
	paywalled := pf.botsThat(func(r *agentRecord) bool { return r.paywall })
	if len(paywalled) == 0 {
		return Finding{}, false
	}
	f := pf.finding(DeclaredPaywall, paywalled)
	f.Message = "the page's JSON-LD marks it isAccessibleForFree: false: a declared paywall, not an auth wall"
	return f, true
}

// robotsBlocksPublicRule: robots.txt kept some crawler agent off a public
// page; the message quotes the deciding lines.
func robotsBlocksPublicRule(_ *Auditor, pf *pageFacts) (Finding, bool) {
	if pf.declared != Public {
		return Finding{}, false
	}
	blocked := pf.botsThat(func(r *agentRecord) bool { return r.robots != nil && !r.robots.Allowed })
	if len(blocked) == 0 {
		return Finding{}, false
	}
	var rules []string
	for _, r := range blocked {
		rule := r.robots.Rule
		if r.robots.Line > 0 {
			rule = fmt.Sprintf("line %d: %s", r.robots.Line, r.robots.Rule)
		}
		if !slices.Contains(rules, rule) {
			rules = append(rules, rule)
		}
	}
	f := pf.finding(RobotsBlocksPublic, blocked)
	f.Message = fmt.Sprintf("robots.txt disallows this public path for %s (%s)", joinAgents(f.Agents), strings.Join(rules, "; "))
	return f, true
}

// privateExposedRule: a private page answered 2xx, not a soft wall, to an
// anonymous crawler agent. A login page answering 200 is the door of the
// wall, not an exposure.
func privateExposedRule(_ *Auditor, pf *pageFacts) (Finding, bool) {
	if pf.declared != Private || pf.loginPage {
		return Finding{}, false
	}
	exposed := pf.botsThat(func(r *agentRecord) bool { return r.status >= 200 && r.status < 300 && r.softAuth == "" })
	if len(exposed) == 0 {
		return Finding{}, false
	}
	f := pf.finding(PrivateExposed, exposed)
	f.Message = fmt.Sprintf("private path answered %d to %s without credentials", exposed[0].status, joinAgents(f.Agents))
	return f, true
}

// privateInSitemapRule: a sitemap lists a private page. A sitemap invites
// every crawler, so the finding is about every crawler agent.
func privateInSitemapRule(_ *Auditor, pf *pageFacts) (Finding, bool) {
	if pf.declared != Private || !pf.page.inSitemap {
		return Finding{}, false
	}
	f := pf.finding(PrivateInSitemap, nil)
	f.Message = "a sitemap lists this private path, asking search engines to index it"
	return f, true
}

// undeclaredBlockedRule: an undeclared URL that a public page links to
// answered 401 (or else 403).
func undeclaredBlockedRule(a *Auditor, pf *pageFacts) (Finding, bool) {
	if pf.declared != Undeclared || !a.linkedFromPublic(pf.page) {
		return Finding{}, false
	}
	for _, k := range []Kind{PublicUnauthorized, PublicForbidden} {
		if f, ok := a.wallFinding(pf, k, UndeclaredBlocked); ok {
			f.Message = "undeclared URL linked from a public page: " + f.Message
			return f, true
		}
	}
	return Finding{}, false
}

// wallFinding builds a finding of kind as when some crawler agent met a
// wall of kind wall: attributed from the first such agent's answer and
// the browser control's, with a message that says who met it and whether
// a browser did too.
func (a *Auditor) wallFinding(pf *pageFacts, wall, as Kind) (Finding, bool) {
	hit := pf.botsThat(func(r *agentRecord) bool { return r.wallKind == wall && r.wall != nil })
	if len(hit) == 0 {
		return Finding{}, false
	}
	f := pf.finding(as, hit)
	first := hit[0]
	f.Redirects = first.chain(pf.page.url)
	var control *Answer
	ctl := pf.control
	if ctl != nil && ctl.wall != nil {
		control = ctl.wall
	}
	best, alts := a.catalog.Attribute(*first.wall, control)
	f.Attribution = &best
	f.Alternatives = alts

	who := joinAgents(f.Agents)
	switch wall {
	case PublicLoginRedirect:
		f.Message = fmt.Sprintf("%s redirected to a login page (%s, matched %s)", who, first.wall.Location, first.login)
	case PublicServerError:
		f.Message = fmt.Sprintf("%s got %d: search engines retry a server error, then drop pages that keep failing", who, first.wall.Status)
	default:
		f.Message = fmt.Sprintf("%s got %d", who, first.wall.Status)
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

func agentNames(rs []*agentRecord) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.agent)
	}
	return out
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

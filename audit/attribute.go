package audit

import (
	"errors"
	"fmt"
	"net/http"
	"net/textproto"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Answer is the response that made the wall: the 401/403 itself, or the
// 3xx that pointed to a login page (then Location is set), with the
// redirect chain that led there.
type Answer struct {
	URL      string
	Status   int
	Header   http.Header
	Body     []byte     // first bytes of the body (may be empty, e.g. for a 3xx)
	Location string     // absolute, for 3xx
	Chain    []Redirect // every hop from the requested URL, first first
}

// predKind is what a predicate looks at.
type predKind int

const (
	predStatus predKind = iota
	predScheme
	predParam
	predHeader
	predCookie
	predBody
	predBodyRegexp
	predEmptyBody
	predLocation
	predLoginRedirect
	predAny
)

// defaultWeight is what a predicate adds to a score unless the catalog
// says otherwise: text the generator wrote (body, Location, cookies) tells
// more than a header a proxy may have set, and absence tells least.
func (k predKind) defaultWeight(absent bool) int {
	if absent {
		return 1
	}
	switch k {
	case predStatus, predEmptyBody:
		return 1
	case predScheme, predParam, predHeader, predLoginRedirect:
		return 2
	default:
		return 3
	}
}

// predicate is one compiled matcher of a signature.
type predicate struct {
	kind     predKind
	statuses []int
	scheme   string // predScheme, or the scheme a predParam is limited to; "*" any
	name     string // param name (lower case) or canonical header name
	text     string // body substring
	re       *regexp.Regexp
	absent   bool
	any      []predicate
	weight   int
	note     string
}

func compilePredicate(ps predicateSpec) (predicate, error) {
	var kinds []string
	p := predicate{note: ps.Note, absent: ps.Absent}
	if len(ps.Status) > 0 {
		kinds, p.kind = append(kinds, "status"), predStatus
	}
	if ps.Scheme != "" && ps.Param == "" {
		kinds, p.kind = append(kinds, "scheme"), predScheme
	}
	if ps.Param != "" {
		kinds, p.kind = append(kinds, "param"), predParam
	}
	if ps.Header != "" {
		kinds, p.kind = append(kinds, "header"), predHeader
	}
	if ps.Cookie != "" {
		kinds, p.kind = append(kinds, "cookie"), predCookie
	}
	if ps.Body != "" {
		kinds, p.kind = append(kinds, "body"), predBody
	}
	if ps.BodyRegexp != "" {
		kinds, p.kind = append(kinds, "body_regexp"), predBodyRegexp
	}
	if ps.EmptyBody {
		kinds, p.kind = append(kinds, "empty_body"), predEmptyBody
	}
	if ps.Location != "" {
		kinds, p.kind = append(kinds, "location"), predLocation
	}
	if ps.LoginRedirect {
		kinds, p.kind = append(kinds, "login_redirect"), predLoginRedirect
	}
	if len(ps.Any) > 0 {
		kinds, p.kind = append(kinds, "any"), predAny
	}
	switch len(kinds) {
	case 0:
		return p, errors.New("no matcher (one of status, scheme, param, header, cookie, body, body_regexp, empty_body, location, login_redirect, any)")
	case 1:
	default:
		return p, fmt.Errorf("several matchers in one predicate (%s): write one predicate each", strings.Join(kinds, ", "))
	}
	kind := kinds[0]
	if ps.Match != "" && p.kind != predParam && p.kind != predHeader {
		return p, fmt.Errorf("%s: match applies to param and header only", kind)
	}
	if ps.Absent {
		switch p.kind {
		case predScheme, predParam, predHeader, predCookie, predBody:
		default:
			return p, fmt.Errorf("%s: absent applies to scheme, param, header, cookie and body only", kind)
		}
	}
	if ps.Weight != nil && *ps.Weight < 0 {
		return p, fmt.Errorf("%s: weight: %d is negative", kind, *ps.Weight)
	}
	var err error
	switch p.kind {
	case predStatus:
		for _, st := range ps.Status {
			if st < 100 || st > 599 {
				return p, fmt.Errorf("status: %d is not an HTTP status", st)
			}
		}
		p.statuses = ps.Status
	case predScheme:
		p.scheme = ps.Scheme
	case predParam:
		p.name, p.scheme = strings.ToLower(ps.Param), ps.Scheme
		if p.scheme == "" {
			p.scheme = "*"
		}
		if ps.Match != "" {
			if p.re, err = compileRegexp(ps.Match); err != nil {
				return p, fmt.Errorf("param %s: match: %w", ps.Param, err)
			}
		}
	case predHeader:
		p.name = textproto.CanonicalMIMEHeaderKey(ps.Header)
		if ps.Match != "" {
			if p.re, err = compileRegexp(ps.Match); err != nil {
				return p, fmt.Errorf("header %s: match: %w", ps.Header, err)
			}
		}
	case predCookie:
		if p.re, err = compileRegexp(ps.Cookie); err != nil {
			return p, fmt.Errorf("cookie: %w", err)
		}
	case predBody:
		p.text = ps.Body
	case predBodyRegexp:
		if p.re, err = compileRegexp(ps.BodyRegexp); err != nil {
			return p, fmt.Errorf("body_regexp: %w", err)
		}
	case predLocation:
		if p.re, err = compileRegexp(ps.Location); err != nil {
			return p, fmt.Errorf("location: %w", err)
		}
	case predAny:
		for i, cs := range ps.Any {
			c, err := compilePredicate(cs)
			if err != nil {
				return p, fmt.Errorf("any[%d]: %w", i, err)
			}
			p.any = append(p.any, c)
		}
	}
	p.weight = p.kind.defaultWeight(p.absent)
	if ps.Weight != nil {
		p.weight = *ps.Weight
	}
	return p, nil
}

// wallView is an Answer prepared once for all signatures.
type wallView struct {
	a          *Answer
	challenges []Challenge
	rawOf      []string // rawOf[i]: the header value challenges[i] came from
	raw        []string // every WWW-Authenticate value, as sent
	problems   []string
	body       string
	cookies    []string // Set-Cookie names
	location   string
	login      string // login pattern the Location matched, if any
}

func newWallView(a *Answer) *wallView {
	v := &wallView{a: a, body: string(a.Body), location: a.Location}
	if a.Header != nil {
		v.raw = a.Header.Values("WWW-Authenticate")
		if v.location == "" {
			v.location = a.Header.Get("Location")
		}
		for _, sc := range a.Header.Values("Set-Cookie") {
			name, _, _ := strings.Cut(sc, "=")
			if name = strings.TrimSpace(name); name != "" {
				v.cookies = append(v.cookies, name)
			}
		}
	}
	for _, raw := range v.raw {
		cs, probs := ParseWWWAuthenticate([]string{raw})
		for range cs {
			v.rawOf = append(v.rawOf, raw)
		}
		v.challenges = append(v.challenges, cs...)
		v.problems = append(v.problems, probs...)
	}
	if len(v.raw) > 1 {
		// Parse again together so that problems say which header.
		_, v.problems = ParseWWWAuthenticate(v.raw)
	}
	if a.Status >= 300 && a.Status < 400 && v.location != "" {
		v.login, _ = LoginRedirect(v.location)
	}
	return v
}

// realm is the realm of the first challenge carrying one.
func (v *wallView) realm() (string, bool) {
	for _, c := range v.challenges {
		if r, ok := c.Params["realm"]; ok {
			return r, true
		}
	}
	return "", false
}

// headerLabel spells a canonical header name as the RFCs do where Go's
// canonical form differs, so evidence lines about one header read alike.
func headerLabel(canonical string) string {
	if canonical == "Www-Authenticate" {
		return "WWW-Authenticate"
	}
	return canonical
}

// maxEvidenceValue bounds a header value quoted in evidence: enough to
// check it, not enough to flood a report.
const maxEvidenceValue = 300

// clip shortens a value quoted in evidence and keeps it on one line: the
// values come from the audited site.
func clipEvidence(s string) string {
	s = strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
	if len(s) <= maxEvidenceValue {
		return s
	}
	return strings.ToValidUTF8(s[:maxEvidenceValue], "") + "…"
}

// eval reports whether p holds on v, with the evidence lines that show it.
func (p *predicate) eval(v *wallView) (bool, []string) {
	ok, lines := p.test(v)
	if ok && p.note != "" && len(lines) > 0 {
		lines[0] += " (" + p.note + ")"
	}
	return ok, lines
}

func (p *predicate) test(v *wallView) (bool, []string) {
	switch p.kind {
	case predStatus:
		if slices.Contains(p.statuses, v.a.Status) {
			return true, []string{fmt.Sprintf("status %d", v.a.Status)}
		}
		return false, nil
	case predScheme:
		for i, c := range v.challenges {
			if p.scheme == "*" || schemeIs(c, p.scheme) {
				if p.absent {
					return false, nil
				}
				return true, []string{"WWW-Authenticate: " + clipEvidence(v.rawOf[i])}
			}
		}
		if !p.absent {
			return false, nil
		}
		if p.scheme == "*" {
			return true, []string{"no WWW-Authenticate header"}
		}
		return true, []string{fmt.Sprintf("no %s challenge", p.scheme)}
	case predParam:
		for _, c := range v.challenges {
			if p.scheme != "*" && !schemeIs(c, p.scheme) {
				continue
			}
			val, has := c.Params[p.name]
			if has && (p.re == nil || p.re.MatchString(val)) {
				if p.absent {
					return false, nil
				}
				return true, []string{fmt.Sprintf("%s challenge parameter %s=%q", c.Scheme, p.name, clipEvidence(val))}
			}
		}
		if !p.absent {
			return false, nil
		}
		where := "challenge"
		if p.scheme != "*" {
			where = p.scheme + " challenge"
		}
		return true, []string{fmt.Sprintf("no %s parameter in the %s", p.name, where)}
	case predHeader:
		var vals []string
		if v.a.Header != nil {
			vals = v.a.Header.Values(p.name)
		}
		for _, val := range vals {
			if p.re == nil || p.re.MatchString(val) {
				if p.absent {
					return false, nil
				}
				return true, []string{headerLabel(p.name) + ": " + clipEvidence(val)}
			}
		}
		if !p.absent {
			return false, nil
		}
		if p.re != nil && len(vals) > 0 {
			return true, []string{fmt.Sprintf("%s: %s (not %s)", headerLabel(p.name), clipEvidence(vals[0]), p.re)}
		}
		return true, []string{"no " + headerLabel(p.name) + " header"}
	case predCookie:
		for _, name := range v.cookies {
			if p.re.MatchString(name) {
				if p.absent {
					return false, nil
				}
				return true, []string{"Set-Cookie: " + clipEvidence(name) + "=…"}
			}
		}
		if p.absent {
			return true, []string{"no cookie named like " + p.re.String()}
		}
		return false, nil
	case predBody:
		if strings.Contains(v.body, p.text) != p.absent {
			if p.absent {
				return true, []string{fmt.Sprintf("body lacks %q", p.text)}
			}
			return true, []string{fmt.Sprintf("body contains %q", p.text)}
		}
		return false, nil
	case predBodyRegexp:
		if loc := p.re.FindStringIndex(v.body); loc != nil {
			return true, []string{fmt.Sprintf("body contains %q", clipEvidence(v.body[loc[0]:loc[1]]))}
		}
		return false, nil
	case predEmptyBody:
		if len(v.body) == 0 {
			return true, []string{"empty body"}
		}
		return false, nil
	case predLocation:
		if v.location != "" && p.re.MatchString(v.location) {
			return true, []string{"Location: " + clipEvidence(v.location)}
		}
		return false, nil
	case predLoginRedirect:
		if v.login != "" {
			return true, []string{fmt.Sprintf("Location: %s (a login page, pattern %s)", clipEvidence(v.location), v.login)}
		}
		return false, nil
	case predAny:
		for i := range p.any {
			if ok, lines := p.any[i].eval(v); ok {
				return true, lines
			}
		}
		return false, nil
	}
	return false, nil
}

// weightOn is the weight a matched predicate adds; for "any" it is the
// weight of the alternative that matched.
func (p *predicate) weightOn(v *wallView) int {
	if p.kind != predAny {
		return p.weight
	}
	for i := range p.any {
		if ok, _ := p.any[i].test(v); ok {
			return p.any[i].weight
		}
	}
	return 0
}

// sigMatch is a signature whose required predicates all hold.
type sigMatch struct {
	sig      *signature
	score    int
	evidence []string
}

// defaultRealmWeight is what a realm equal to the source's default adds:
// as much as a body marker, since few people keep another product's
// default.
const defaultRealmWeight = 3

func (s *signature) match(v *wallView) (sigMatch, bool) {
	c := sigMatch{sig: s}
	for i := range s.require {
		ok, lines := s.require[i].eval(v)
		if !ok {
			return sigMatch{}, false
		}
		c.score += s.require[i].weightOn(v)
		c.evidence = appendNew(c.evidence, lines...)
	}
	for i := range s.signals {
		if ok, lines := s.signals[i].eval(v); ok {
			c.score += s.signals[i].weightOn(v)
			c.evidence = appendNew(c.evidence, lines...)
		}
	}
	if s.defaultRealm != "" {
		if r, ok := v.realm(); ok && r == s.defaultRealm {
			c.score += defaultRealmWeight
			c.evidence = appendNew(c.evidence, fmt.Sprintf("realm %q is the default of %s %s", r, s.source, s.directive))
		}
	}
	return c, true
}

// appendNew appends the lines not already in list.
func appendNew(list []string, lines ...string) []string {
	for _, l := range lines {
		if !slices.Contains(list, l) {
			list = append(list, l)
		}
	}
	return list
}

// maxAlternatives bounds the runner-up attributions returned.
const maxAlternatives = 3

// Attribute says which source, mechanism and directive most likely
// produced the wall, with confidence, evidence (exact header values and
// body markers matched), realm and fix. control is the same URL fetched
// with a desktop-browser User-Agent, nil if not fetched: when it got a 2xx
// while the bot answer is a wall, the mechanism is "ua-rule" (the source
// stays when a signature identified the server). Runner-up matches go to
// alternatives, at most three. The source is never empty: without any
// match it is "unknown".
func (c *Catalog) Attribute(wall Answer, control *Answer) (best Attribution, alternatives []Attribution) {
	v := newWallView(&wall)
	var cands []sigMatch
	for _, s := range c.sigs {
		if cand, ok := s.match(v); ok {
			cands = append(cands, cand)
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.score != b.score {
			return a.score > b.score
		}
		if len(a.sig.require) != len(b.sig.require) {
			return len(a.sig.require) > len(b.sig.require)
		}
		return a.sig.id < b.sig.id
	})
	var atts []Attribution
	for i, cand := range cands {
		att := c.attribution(cand, v)
		if i == 0 && len(cands) > 1 && cands[1].score == cand.score && cands[1].sig.source != cand.sig.source {
			// Another source explains the answer as well: say so.
			att.Confidence = lowerConfidence(att.Confidence)
			att.Evidence = append(att.Evidence, fmt.Sprintf("%s (%s) matches as well", cands[1].sig.id, cands[1].sig.source))
		}
		if !slices.ContainsFunc(atts, func(o Attribution) bool {
			return o.Source == att.Source && o.Mechanism == att.Mechanism && o.Directive == att.Directive
		}) {
			atts = append(atts, att)
		}
	}
	if len(atts) == 0 {
		atts = append(atts, c.unmatched(v))
	}
	best, alternatives = atts[0], atts[1:]
	if uaWall(&wall, control) {
		best, alternatives = c.uaAttribution(best, v, control), atts
	}
	if len(alternatives) > maxAlternatives {
		alternatives = alternatives[:maxAlternatives]
	}
	if len(alternatives) == 0 {
		alternatives = nil
	}
	return best, alternatives
}

// attribution turns a sigMatch into the reported form.
func (c *Catalog) attribution(cand sigMatch, v *wallView) Attribution {
	s := cand.sig
	att := Attribution{
		Signature:  s.id,
		Source:     s.source,
		Mechanism:  s.mechanism,
		Directive:  s.directive,
		Confidence: confidenceOf(s.uniqueness),
		Evidence:   slices.Clone(cand.evidence),
		Fix:        s.fix,
	}
	if att.Mechanism == mechanismFromChallenge {
		att.Mechanism = v.schemeMechanism()
	}
	c.finish(&att, v)
	return att
}

// unmatched is the answer when no signature matched at all (a status no
// signature covers): everything is unknown, and the raw facts are evidence.
func (c *Catalog) unmatched(v *wallView) Attribution {
	att := Attribution{
		Source:     "unknown",
		Mechanism:  v.schemeMechanism(),
		Directive:  "unknown",
		Confidence: "low",
		Evidence:   []string{fmt.Sprintf("status %d", v.a.Status), "no catalog signature matched"},
		Fix:        "Find the layer that answers this URL (CDN, proxy, web server, application) and exempt the public path from its access control.",
	}
	c.finish(&att, v)
	return att
}

// finish adds what every attribution carries: realm, the raw challenges,
// parse problems, the redirect chain and the edge layer.
func (c *Catalog) finish(att *Attribution, v *wallView) {
	att.Realm, _ = v.realm()
	for _, raw := range v.raw {
		line := "WWW-Authenticate: " + clipEvidence(raw)
		if !slices.ContainsFunc(att.Evidence, func(l string) bool { return strings.HasPrefix(l, line) }) {
			att.Evidence = append(att.Evidence, line)
		}
	}
	for _, p := range v.problems {
		att.Evidence = appendNew(att.Evidence, clipEvidence(p))
	}
	if len(v.a.Chain) > 1 {
		hops := make([]string, 0, len(v.a.Chain))
		for _, h := range v.a.Chain {
			hops = append(hops, fmt.Sprintf("%s (%d)", clipEvidence(h.URL), h.Status))
		}
		att.Evidence = appendNew(att.Evidence, "reached through "+strings.Join(hops, " → "))
	}
	c.markEdge(att, v)
}

// markEdge names the outermost layer when a header names one and it is
// not the layer that generated the wall (Cloudflare or nginx relaying an
// Apache 401, say).
func (c *Catalog) markEdge(att *Attribution, v *wallView) {
	if v.a.Header == nil {
		return
	}
	for _, l := range c.layers {
		for _, val := range v.a.Header.Values(l.header) {
			if !l.re.MatchString(val) {
				continue
			}
			line := fmt.Sprintf("%s: %s", l.header, clipEvidence(val))
			switch {
			case slices.Contains(l.sources, att.Source):
				// The generator is this layer itself.
			case att.Source == "unknown":
				att.Evidence = appendNew(att.Evidence, fmt.Sprintf("outermost layer %s (%s); the generator behind it is not identified", l.name, line))
			default:
				att.Edge = l.name
				att.Evidence = appendNew(att.Evidence, fmt.Sprintf("edge %s, generator %s (%s)", l.name, att.Source, line))
			}
			return
		}
	}
}

// schemeMechanism is the mechanism the first challenge's scheme names.
func (v *wallView) schemeMechanism() string {
	if len(v.challenges) == 0 {
		return "unknown"
	}
	switch m := strings.ToLower(v.challenges[0].Scheme); m {
	case "basic", "digest", "bearer", "negotiate", "ntlm":
		return m
	}
	return "unknown"
}

func lowerConfidence(c string) string {
	if c == "high" {
		return "medium"
	}
	return "low"
}

// uaWall reports whether the browser control passed where the bot met the
// wall: then the wall keys on the User-Agent.
func uaWall(wall, control *Answer) bool {
	if control == nil || control.Status < 200 || control.Status > 299 {
		return false
	}
	return wall.Status < 200 || wall.Status > 299
}

// uaAttribution reports a wall that only the crawler agents met. The source
// stays when a signature identified the server; the wall's own match is
// kept in the evidence and goes first among the alternatives.
func (c *Catalog) uaAttribution(wallAtt Attribution, v *wallView, control *Answer) Attribution {
	rule := c.uaRuleFor(wallAtt.Source)
	att := Attribution{
		Signature:  rule.id,
		Source:     wallAtt.Source,
		Mechanism:  "ua-rule",
		Directive:  rule.directive,
		Realm:      wallAtt.Realm,
		Confidence: "medium",
		Edge:       wallAtt.Edge,
	}
	att.Evidence = []string{
		fmt.Sprintf("the browser control (desktop-browser User-Agent) got %d at the same URL while the crawler agent got %d: the wall depends on the User-Agent", control.Status, v.a.Status),
		"this may be a fake-crawler filter that lets the real, reverse-DNS-verified Googlebot through: authwall sends Googlebot's User-Agent from an address that is not Google's",
		"to confirm, look in the access logs for verified crawler visits to this URL (reverse DNS of the client address ends in googlebot.com or google.com and resolves back to it) and their status, or run Search Console URL Inspection (live test) on it",
	}
	if wallAtt.Signature != "" {
		att.Evidence = append(att.Evidence, fmt.Sprintf("the wall itself matches %s (%s, %s)", wallAtt.Signature, wallAtt.Source, wallAtt.Directive))
	}
	att.Evidence = appendNew(att.Evidence, wallAtt.Evidence...)
	att.Fix = "If this is a fake-crawler filter that lets verified Googlebot through, nothing needs fixing: confirm it with access logs of verified crawler visits or Search Console URL Inspection. If verified crawlers get the wall too: " + rule.fix
	return att
}

func (c *Catalog) uaRuleFor(source string) *uaRule {
	var fallback *uaRule
	for _, u := range c.uaRules {
		if u.source == source {
			return u
		}
		if u.source == "*" {
			fallback = u
		}
	}
	return fallback
}

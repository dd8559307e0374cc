package audit

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Attribution scores every catalog signature against a wall (its
// predicates come from predicate.go) and ranks the matches: the best one
// is the attribution, the runners-up its alternatives.

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
		line := "WWW-Authenticate: " + oneShortLine(raw)
		if !slices.ContainsFunc(att.Evidence, func(l string) bool { return strings.HasPrefix(l, line) }) {
			att.Evidence = append(att.Evidence, line)
		}
	}
	for _, p := range v.problems {
		att.Evidence = appendNew(att.Evidence, oneShortLine(p))
	}
	if len(v.a.Chain) > 1 {
		hops := make([]string, 0, len(v.a.Chain))
		for _, h := range v.a.Chain {
			hops = append(hops, fmt.Sprintf("%s (%d)", oneShortLine(h.URL), h.Status))
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
			line := fmt.Sprintf("%s: %s", l.header, oneShortLine(val))
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

package audit

import (
	"bytes"
	"errors"
	"fmt"
	"net/textproto"
	"regexp"
	"slices"
	"strings"
)

// The predicate language of the catalog: each require or signals entry of
// a signature compiles to a predicate, which tests one fact of a wall
// (status, challenge, header, cookie, body, Location) and says in
// evidence lines what it saw. Scoring the signatures is attribute.go's job.

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
	predSoftWall
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
	case predScheme, predParam, predHeader, predLoginRedirect, predSoftWall:
		return 2
	default:
		return 3
	}
}

// predicate is one compiled matcher of a signature.
type predicate struct {
	kind      predKind
	statuses  []int
	scheme    string // predScheme, or the scheme a predParam is limited to; "*" any
	name      string // param name (lower case) or canonical header name
	text      string // body substring
	textBytes []byte // text, for bytes.Contains on the body
	re        *regexp.Regexp
	absent    bool
	any       []predicate
	weight    int
	note      string
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
	if ps.SoftWall {
		kinds, p.kind = append(kinds, "soft_wall"), predSoftWall
	}
	if len(ps.Any) > 0 {
		kinds, p.kind = append(kinds, "any"), predAny
	}
	switch len(kinds) {
	case 0:
		return p, errors.New("no matcher (one of status, scheme, param, header, cookie, body, body_regexp, empty_body, location, login_redirect, soft_wall, any)")
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
		p.text, p.textBytes = ps.Body, []byte(ps.Body)
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

// oneShortLine is a value as evidence quotes it: line breaks become
// spaces and anything past maxEvidenceValue bytes is cut (with "…"), as
// the values come from the audited site and an evidence line is one line.
func oneShortLine(s string) string {
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
				return true, []string{"WWW-Authenticate: " + oneShortLine(v.rawOf[i])}
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
				return true, []string{fmt.Sprintf("%s challenge parameter %s=%q", c.Scheme, p.name, oneShortLine(val))}
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
				return true, []string{headerLabel(p.name) + ": " + oneShortLine(val)}
			}
		}
		if !p.absent {
			return false, nil
		}
		if p.re != nil && len(vals) > 0 {
			return true, []string{fmt.Sprintf("%s: %s (not %s)", headerLabel(p.name), oneShortLine(vals[0]), p.re)}
		}
		return true, []string{"no " + headerLabel(p.name) + " header"}
	case predCookie:
		for _, name := range v.cookies {
			if p.re.MatchString(name) {
				if p.absent {
					return false, nil
				}
				return true, []string{"Set-Cookie: " + oneShortLine(name) + "=…"}
			}
		}
		if p.absent {
			return true, []string{"no cookie named like " + p.re.String()}
		}
		return false, nil
	case predBody:
		if bytes.Contains(v.a.Body, p.textBytes) != p.absent {
			if p.absent {
				return true, []string{fmt.Sprintf("body lacks %q", p.text)}
			}
			return true, []string{fmt.Sprintf("body contains %q", p.text)}
		}
		return false, nil
	case predBodyRegexp:
		if loc := p.re.FindIndex(v.a.Body); loc != nil {
			return true, []string{fmt.Sprintf("body contains %q", oneShortLine(string(v.a.Body[loc[0]:loc[1]])))}
		}
		return false, nil
	case predEmptyBody:
		if len(v.a.Body) == 0 {
			return true, []string{"empty body"}
		}
		return false, nil
	case predLocation:
		if v.location != "" && p.re.MatchString(v.location) {
			return true, []string{"Location: " + oneShortLine(v.location)}
		}
		return false, nil
	case predLoginRedirect:
		if v.login != "" {
			return true, []string{fmt.Sprintf("Location: %s (a login page, pattern %s)", oneShortLine(v.location), v.login)}
		}
		return false, nil
	case predSoftWall:
		if v.soft != "" {
			return true, []string{fmt.Sprintf("status %d with a page that stands in for the content: %s", v.a.Status, v.soft)}
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

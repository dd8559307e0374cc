package audit

import (
	"fmt"
	"strings"
)

// challenge is one auth challenge from WWW-Authenticate (RFC 9110 §11.6.1).
type challenge struct {
	Scheme  string            // as sent; compare case-insensitively
	Token68 string            // for schemes that carry a token68 instead of params
	Params  map[string]string // lower-cased names, unquoted values (quoted-pair unescaped)
}

// parseWWWAuthenticate parses every WWW-Authenticate field value: a
// response may carry several headers, and one header may hold several
// comma-separated challenges whose parameters are tokens or quoted strings,
// or a token68. It never fails: what it cannot parse is skipped up to the
// next comma and reported in problems, because a malformed challenge is
// itself evidence of who sent it.
func parseWWWAuthenticate(values []string) (challenges []challenge, problems []string) {
	for i, v := range values {
		p := &wwwAuthParser{s: v}
		if len(values) > 1 {
			p.where = fmt.Sprintf(" in header %d of %d", i+1, len(values))
		}
		p.parse()
		challenges = append(challenges, p.challenges...)
		problems = append(problems, p.problems...)
	}
	return challenges, problems
}

// wwwAuthParser reads one field value. The grammar is ambiguous at commas
// (they separate both challenges and parameters), so after each comma it
// looks ahead: "token =" continues the current challenge, anything else
// starts a new one.
type wwwAuthParser struct {
	s          string
	i          int
	where      string
	challenges []challenge
	problems   []string
}

func (p *wwwAuthParser) problem(at int, format string, args ...any) {
	p.problems = append(p.problems, fmt.Sprintf("malformed WWW-Authenticate: "+format+" at byte %d%s", append(args, at, p.where)...))
}

func (p *wwwAuthParser) parse() {
	for {
		p.skipListSeparators()
		if p.i >= len(p.s) {
			return
		}
		start := p.i
		if p.paramAhead() {
			if n := len(p.challenges); n > 0 && p.challenges[n-1].Token68 == "" {
				// "Basic, realm=x": lenient, the parameter belongs to the
				// challenge before it.
				if !p.param(&p.challenges[n-1]) {
					p.skipElement()
				}
				continue
			}
			p.problem(start, "parameter without an auth scheme")
			p.skipElement()
			continue
		}
		scheme := p.token()
		if scheme == "" {
			p.problem(p.i, "unexpected %q where an auth scheme was expected", p.s[p.i])
			p.skipElement()
			continue
		}
		p.challenges = append(p.challenges, challenge{Scheme: scheme})
		c := &p.challenges[len(p.challenges)-1]
		if p.i < len(p.s) && p.s[p.i] != ' ' && p.s[p.i] != '\t' && p.s[p.i] != ',' {
			p.problem(p.i, "unexpected %q after auth scheme %q", p.s[p.i], scheme)
			p.skipElement()
			continue
		}
		p.skipSpace()
		if p.i >= len(p.s) || p.s[p.i] == ',' {
			continue // bare scheme
		}
		if t68, ok := p.token68Ahead(); ok {
			c.Token68 = t68
			p.skipSpace()
			if p.i < len(p.s) && p.s[p.i] != ',' {
				p.problem(p.i, "unexpected %q after token68", p.s[p.i])
				p.skipElement()
			}
			continue
		}
		if !p.param(c) {
			p.skipElement()
			continue
		}
		// Further parameters of the same challenge follow after commas;
		// the loop's look-ahead decides.
	}
}

// param reads `name BWS "=" BWS (token / quoted-string)` into c and the
// optional whitespace after it. It reports false after recording a problem.
func (p *wwwAuthParser) param(c *challenge) bool {
	at := p.i
	name := p.token()
	if name == "" {
		p.problem(p.i, "expected a parameter name, found %q", p.s[p.i])
		return false
	}
	p.skipSpace()
	if p.i >= len(p.s) {
		p.problem(p.i, "expected '=' after %q", name)
		return false
	}
	if p.s[p.i] != '=' {
		p.problem(p.i, "unexpected %q after %q", p.s[p.i], name)
		return false
	}
	p.i++
	p.skipSpace()
	var value string
	switch {
	case p.i >= len(p.s) || p.s[p.i] == ',':
		p.problem(p.i, "parameter %q has no value", name)
		return false
	case p.s[p.i] == '"':
		var ok bool
		value, ok = p.quoted()
		if !ok {
			// Keep what was there: an unterminated realm is still a realm.
			p.setParam(c, name, value, at)
			return false
		}
	default:
		value = p.token()
		if value == "" {
			p.problem(p.i, "unexpected %q in the value of parameter %q", p.s[p.i], name)
			return false
		}
	}
	p.setParam(c, name, value, at)
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] != ',' {
		p.problem(p.i, "unexpected %q after parameter %q", p.s[p.i], name)
		return false
	}
	return true
}

func (p *wwwAuthParser) setParam(c *challenge, name, value string, at int) {
	name = strings.ToLower(name)
	if c.Params == nil {
		c.Params = map[string]string{}
	}
	if _, dup := c.Params[name]; dup {
		// RFC 9110: each parameter name occurs once per challenge; the
		// first one is kept, as most clients do.
		p.problem(at, "duplicate parameter %q", name)
		return
	}
	c.Params[name] = value
}

// quoted reads a quoted-string starting at the opening quote. Without a
// closing quote it returns what it read up to the end of the value.
func (p *wwwAuthParser) quoted() (string, bool) {
	open := p.i
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		ch := p.s[p.i]
		switch {
		case ch == '"':
			p.i++
			return b.String(), true
		case ch == '\\' && p.i+1 < len(p.s):
			b.WriteByte(p.s[p.i+1])
			p.i += 2
		default:
			b.WriteByte(ch)
			p.i++
		}
	}
	p.problem(open, "unterminated quoted string")
	return b.String(), false
}

// paramAhead reports whether an auth-param (token BWS "=" BWS value)
// starts at the cursor, without moving it. "abc==" and "abc=" followed by a
// comma or the end are token68, not parameters.
func (p *wwwAuthParser) paramAhead() bool {
	j := p.i
	for j < len(p.s) && isTChar(p.s[j]) {
		j++
	}
	if j == p.i {
		return false
	}
	for j < len(p.s) && (p.s[j] == ' ' || p.s[j] == '\t') {
		j++
	}
	if j >= len(p.s) || p.s[j] != '=' {
		return false
	}
	j++
	for j < len(p.s) && (p.s[j] == ' ' || p.s[j] == '\t') {
		j++
	}
	return j < len(p.s) && p.s[j] != ',' && p.s[j] != '='
}

// token68Ahead reads a token68 (RFC 9110 §11.2) if one stands alone at the
// cursor, that is, is followed by optional whitespace and a comma or the
// end; otherwise it leaves the cursor where it was.
func (p *wwwAuthParser) token68Ahead() (string, bool) {
	if p.paramAhead() {
		return "", false
	}
	j := p.i
	for j < len(p.s) && isToken68Char(p.s[j]) {
		j++
	}
	if j == p.i {
		return "", false
	}
	for j < len(p.s) && p.s[j] == '=' {
		j++
	}
	k := j
	for k < len(p.s) && (p.s[k] == ' ' || p.s[k] == '\t') {
		k++
	}
	if k < len(p.s) && p.s[k] != ',' {
		return "", false
	}
	t := p.s[p.i:j]
	p.i = j
	return t, true
}

func (p *wwwAuthParser) token() string {
	start := p.i
	for p.i < len(p.s) && isTChar(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

func (p *wwwAuthParser) skipSpace() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

// skipListSeparators skips whitespace and the empty list elements that
// RFC 9110 §5.6.1 tells recipients to ignore.
func (p *wwwAuthParser) skipListSeparators() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == ',') {
		p.i++
	}
}

// skipElement moves past the rest of a list element that could not be
// parsed: up to the next comma outside a quoted string.
func (p *wwwAuthParser) skipElement() {
	inQuote := false
	for p.i < len(p.s) {
		switch ch := p.s[p.i]; {
		case inQuote && ch == '\\':
			p.i++
		case ch == '"':
			inQuote = !inQuote
		case !inQuote && ch == ',':
			return
		}
		p.i++
	}
}

// isTChar reports whether c may appear in an RFC 9110 token.
func isTChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// isToken68Char reports whether c may appear in a token68 before its
// trailing '=' padding.
func isToken68Char(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~+/", c) >= 0
}

// schemeIs compares auth schemes as RFC 9110 says: case-insensitively.
func schemeIs(c challenge, scheme string) bool {
	return strings.EqualFold(c.Scheme, scheme)
}

package serverconf

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// apacheExpr evaluates the part of httpd's ap_expr language that bot walls
// use in <If>: comparisons of request variables with strings and regexes,
// joined by &&, || and !, with parentheses. Anything else is an error, and
// the caller reports the section as not evaluated.
type apacheExpr struct {
	toks []string
	i    int
	req  Request
	uri  string
	byUA bool
}

func evalApacheExpr(expr string, req Request, uri string) (holds, byUA bool, err error) {
	toks, err := apacheExprTokens(expr)
	if err != nil {
		return false, false, err
	}
	p := &apacheExpr{toks: toks, req: req, uri: uri}
	v, err := p.or()
	if err != nil {
		return false, false, err
	}
	if p.i != len(p.toks) {
		return false, false, fmt.Errorf("unexpected %q", p.toks[p.i])
	}
	return v, p.byUA, nil
}

func apacheExprTokens(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case isApacheSpace(c):
			i++
		case c == '(' || c == ')' || c == ',':
			out = append(out, string(c))
			i++
		case c == '\'' || c == '"':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return nil, fmt.Errorf("unterminated string")
			}
			out = append(out, s[i:i+2+j])
			i += 2 + j
		case c == '/' || (c == 'm' && i+1 < len(s) && s[i+1] == '#'):
			delim, start := byte('/'), i+1
			if c == 'm' {
				delim, start = '#', i+2
			}
			j := strings.IndexByte(s[start:], delim)
			if j < 0 {
				return nil, fmt.Errorf("unterminated regex")
			}
			end := start + j + 1
			for end < len(s) && s[end] == 'i' {
				end++
			}
			out = append(out, "/"+s[start:start+j]+"/"+s[start+j+1:end])
			i = end
		case c == '%' && i+1 < len(s) && s[i+1] == '{':
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				return nil, fmt.Errorf("unterminated variable")
			}
			out = append(out, s[i:i+j+1])
			i += j + 1
		default:
			j := i
			for j < len(s) && !isApacheSpace(s[j]) && !strings.ContainsRune("()',\"", rune(s[j])) {
				j++
			}
			if j == i {
				return nil, fmt.Errorf("unexpected %q", c)
			}
			out = append(out, s[i:j])
			i = j
		}
	}
	return out, nil
}

func (p *apacheExpr) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *apacheExpr) or() (bool, error) { return p.chain(p.and, true, "||", "-or") }

func (p *apacheExpr) and() (bool, error) { return p.chain(p.not, false, "&&", "-and") }

// chain reads operands joined by one of ops, left to right; every operand
// is read even when the answer is known, so that syntax errors show.
func (p *apacheExpr) chain(next func() (bool, error), isOr bool, ops ...string) (bool, error) {
	v, err := next()
	for err == nil && slices.Contains(ops, p.peek()) {
		p.i++
		var r bool
		r, err = next()
		if isOr {
			v = v || r
		} else {
			v = v && r
		}
	}
	return v, err
}

func (p *apacheExpr) not() (bool, error) {
	switch p.peek() {
	case "!":
		p.i++
		v, err := p.not()
		return !v, err
	case "(":
		p.i++
		v, err := p.or()
		if err != nil {
			return false, err
		}
		if p.peek() != ")" {
			return false, fmt.Errorf("missing )")
		}
		p.i++
		return v, nil
	case "true":
		p.i++
		return true, nil
	case "false":
		p.i++
		return false, nil
	}
	left, err := p.word()
	if err != nil {
		return false, err
	}
	op := p.peek()
	p.i++
	if strings.HasPrefix(p.peek(), "/") && (op == "=~" || op == "!~") {
		tok := p.toks[p.i]
		p.i++
		k := strings.LastIndexByte(tok, '/')
		pat := tok[1:k]
		if strings.Contains(tok[k+1:], "i") {
			pat = "(?i)" + pat
		}
		re, err := regexp.Compile(pat)
		if err != nil {
			return false, err
		}
		return re.MatchString(left) == (op == "=~"), nil
	}
	right, err := p.word()
	if err != nil {
		return false, err
	}
	switch op {
	case "==", "=", "-eq":
		return left == right, nil
	case "!=", "-ne":
		return left != right, nil
	case "-strmatch":
		ok, _ := pathMatchAny(right, left, false)
		return ok, nil
	case "-strcmatch":
		ok, _ := pathMatchAny(right, left, true)
		return ok, nil
	}
	return false, fmt.Errorf("operator %q is not evaluated", op)
}

func pathMatchAny(pattern, s string, nocase bool) (bool, error) {
	if nocase {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	re := regexp.QuoteMeta(pattern)
	re = strings.ReplaceAll(re, `\*`, ".*")
	re = strings.ReplaceAll(re, `\?`, ".")
	return regexp.MatchString("^"+re+"$", s)
}

// word is a string literal or a request variable.
func (p *apacheExpr) word() (string, error) {
	t := p.peek()
	p.i++
	switch {
	case t == "":
		return "", fmt.Errorf("missing operand")
	case t[0] == '\'' || t[0] == '"':
		return t[1 : len(t)-1], nil
	case strings.HasPrefix(t, "%{"):
		name := strings.ToUpper(t[2 : len(t)-1])
		return p.variable(name)
	case strings.EqualFold(t, "req") || strings.EqualFold(t, "http"):
		if p.peek() != "(" || p.i+2 >= len(p.toks) || p.toks[p.i+2] != ")" {
			return "", fmt.Errorf("req() takes one header name")
		}
		h := strings.Trim(p.toks[p.i+1], `'"`)
		p.i += 3
		return p.variable("HTTP_" + strings.ToUpper(strings.ReplaceAll(h, "-", "_")))
	}
	return "", fmt.Errorf("%q is not evaluated", t)
}

func (p *apacheExpr) variable(name string) (string, error) {
	switch name {
	case "HTTP_USER_AGENT":
		p.byUA = true
		return p.req.UserAgent, nil
	case "REQUEST_URI":
		return p.uri, nil
	case "HTTP_HOST", "SERVER_NAME":
		return p.req.Host, nil
	case "REQUEST_METHOD":
		if p.req.Method == "" {
			return "GET", nil
		}
		return strings.ToUpper(p.req.Method), nil
	}
	return "", fmt.Errorf("%%{%s} is not evaluated", name)
}

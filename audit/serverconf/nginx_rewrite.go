package serverconf

import (
	"fmt"
	"strconv"
	"strings"
)

// ngxRewriteResult is where a block's rewrite directives (return, if,
// rewrite, break) leave the request.
type ngxRewriteResult struct {
	uri  string
	stop *ngxStop // a return or an external rewrite answered
	brk  bool     // break, or rewrite ... break: no new location search
}

// rewritePhase runs one block's rewrite-module directives in order, as
// nginx runs them before the access phase: so a return in a location
// answers before that location's auth_basic or deny is ever consulted.
// Rewrite directives are not inherited; each level runs only its own.
func (n *Nginx) rewritePhase(r *ngxRequest, dirs []*Node, ctx []string, uri string) ngxRewriteResult {
	res := ngxRewriteResult{uri: uri}
	n.rewriteBlock(r, dirs, ctx, &res, false)
	return res
}

// rewriteBlock reports whether processing stopped.
func (n *Nginx) rewriteBlock(r *ngxRequest, dirs []*Node, ctx []string, res *ngxRewriteResult, uaRule bool) bool {
	context := strings.Join(ctx, " > ")
	for _, d := range dirs {
		switch d.Name {
		case "return":
			res.stop = ngxReturnStop(d, context, uaRule)
			return true
		case "break":
			res.brk = true
			return true
		case "set":
			if len(d.Args) == 2 && strings.HasPrefix(d.Args[0], "$") {
				v, known := expandNginxVars(d.Args[1], r, res.uri)
				r.set(d.Args[0][1:], v, known)
			}
		case "rewrite":
			if n.rewrite(r, d, context, res) {
				return true
			}
		case "if":
			cond, known, ua, why := r.condition(d.Args, res.uri)
			if !known {
				if ngxBlockAnswers(d) {
					r.note(fmt.Sprintf("%s at %s depends on %s; taken as false", ngxDirectiveText(d), d.Pos(), why))
					r.verdict.Certainty = Uncertain
					r.dependOn(&ngxStop{by: d, context: context})
				}
				continue
			}
			if cond {
				inner := append(append([]string(nil), ctx...), ngxDirectiveText(d))
				if n.rewriteBlock(r, d.Children, inner, res, uaRule || ua) {
					return true
				}
			}
		}
	}
	return false
}

// ngxBlockAnswers says an if block holds a directive that can end the request.
func ngxBlockAnswers(d *Node) bool {
	found := false
	walkNodes(d.Children, func(c *Node) {
		if c.Name == "return" || c.Name == "rewrite" {
			found = true
		}
	})
	return found
}

func ngxReturnStop(d *Node, context string, uaRule bool) *ngxStop {
	st := &ngxStop{status: 302, outcome: OutcomeReturn, mech: "return", by: d, context: context}
	if uaRule {
		st.mech = "ua-rule"
	}
	if len(d.Args) == 0 {
		st.status = 500
		return st
	}
	code, err := strconv.Atoi(d.Args[0])
	if err != nil {
		// return URL: a 302 to it.
		st.hasBody, st.location = true, d.Args[0]
		return st
	}
	st.status = code
	if len(d.Args) > 1 {
		st.hasBody = true
		if code >= 301 && code <= 308 {
			st.location = d.Args[1]
		}
	}
	return st
}

// rewrite runs one rewrite directive; it reports whether processing stops.
func (n *Nginx) rewrite(r *ngxRequest, d *Node, context string, res *ngxRewriteResult) bool {
	if len(d.Args) < 2 {
		return false
	}
	re, err := compilePCRE(d.Args[0], false)
	if err != nil {
		r.note(fmt.Sprintf("%s at %s: the regex does not compile here (%v); skipped", ngxDirectiveText(d), d.Pos(), err))
		r.verdict.Certainty = Uncertain
		return false
	}
	caps := re.captures(res.uri)
	if caps == nil {
		return false
	}
	repl := d.Args[1]
	for i := len(caps) - 1; i >= 1; i-- {
		repl = strings.ReplaceAll(repl, "$"+strconv.Itoa(i), caps[i])
	}
	repl, known := expandNginxVars(repl, r, res.uri)
	if !known {
		r.note(fmt.Sprintf("%s at %s uses a variable the request does not tell", ngxDirectiveText(d), d.Pos()))
		r.verdict.Certainty = Uncertain
	}
	flag := ""
	if len(d.Args) > 2 {
		flag = d.Args[2]
	}
	external := strings.HasPrefix(repl, "http://") || strings.HasPrefix(repl, "https://")
	if external || flag == "redirect" || flag == "permanent" {
		status := 302
		if flag == "permanent" {
			status = 301
		}
		res.stop = &ngxStop{status: status, outcome: OutcomeReturn, mech: "rewrite", by: d, context: context, hasBody: true, location: repl}
		return true
	}
	if i := strings.IndexByte(repl, '?'); i >= 0 {
		repl = repl[:i]
	}
	res.uri = repl
	switch flag {
	case "last":
		return true
	case "break":
		res.brk = true
		return true
	}
	return false
}

// expandNginxVars replaces $name and ${name} with the request's values.
func expandNginxVars(s string, r *ngxRequest, uri string) (string, bool) {
	known := true
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		j := i + 1
		braced := s[j] == '{'
		if braced {
			j++
		}
		k := j
		for k < len(s) && (s[k] == '_' || s[k] >= 'a' && s[k] <= 'z' || s[k] >= 'A' && s[k] <= 'Z' || s[k] >= '0' && s[k] <= '9') {
			k++
		}
		if k == j {
			b.WriteByte(s[i])
			continue
		}
		v, ok := r.variable(s[j:k], uri)
		known = known && ok
		b.WriteString(v)
		if braced && k < len(s) && s[k] == '}' {
			k++
		}
		i = k - 1
	}
	return b.String(), known
}

// condition evaluates an if's condition (parentheses already stripped).
// ua says the condition reads the User-Agent; why names what is unknown.
func (r *ngxRequest) condition(args []string, uri string) (result, known, ua bool, why string) {
	if len(args) == 0 {
		return false, false, false, "an empty condition"
	}
	if strings.HasPrefix(args[0], "-") || strings.HasPrefix(args[0], "!-") {
		return false, false, false, "the file system (" + strings.Join(args, " ") + ")"
	}
	ua = r.readsUserAgent(args[0])
	value, ok := expandNginxVars(args[0], r, uri)
	if !ok {
		return false, false, ua, args[0] + ", which the request does not tell"
	}
	if len(args) == 1 {
		return value != "" && value != "0", true, ua, ""
	}
	if len(args) != 3 {
		return false, false, ua, "a condition this reader does not model"
	}
	op, operand := args[1], args[2]
	switch op {
	case "=", "!=":
		rhs, ok := expandNginxVars(operand, r, uri)
		if !ok {
			return false, false, ua, operand + ", which the request does not tell"
		}
		return (value == rhs) == (op == "="), true, ua, ""
	case "~", "~*", "!~", "!~*":
		re, err := compilePCRE(operand, strings.HasSuffix(op, "*"))
		if err != nil {
			return false, false, ua, fmt.Sprintf("a regex that does not compile here (%v)", err)
		}
		m, ok := re.match(value)
		if !ok {
			return false, false, ua, "a regex that could not be run to the end"
		}
		return m != strings.HasPrefix(op, "!"), true, ua, ""
	}
	return false, false, ua, "operator " + op
}

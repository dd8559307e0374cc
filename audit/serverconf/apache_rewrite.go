package serverconf

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// apacheRewrite is mod_rewrite's config for a server or a directory.
type apacheRewrite struct {
	engine    bool
	engineSet bool
	engineRef apacheRef
	inherit   bool
	dir       string // "" at server level; the directory per-dir rules are relative to
	rules     []*rewriteRule
	pending   []rewriteCond // RewriteCond lines waiting for their rule
	hasRules  bool          // the section had RewriteRule lines (they replace inherited ones)
}

type rewriteCond struct {
	node    *Node
	test    string
	pattern string
	negate  bool
	nocase  bool
	or      bool
}

type rewriteRule struct {
	node    *Node
	context string
	conds   []rewriteCond
	pattern string
	negate  bool
	subst   string
	flags   []string
}

func (rw *apacheRewrite) add(n *Node, context string) {
	switch strings.ToLower(n.Name) {
	case "rewriteengine":
		rw.engineSet = true
		rw.engineRef = apacheRef{n, context}
		rw.engine = len(n.Args) > 0 && strings.EqualFold(n.Args[0], "on")
	case "rewriteoptions":
		for _, a := range n.Args {
			if strings.HasPrefix(strings.ToLower(a), "inherit") {
				rw.inherit = true
			}
		}
	case "rewritecond":
		if len(n.Args) < 2 {
			return
		}
		c := rewriteCond{node: n, test: n.Args[0], pattern: n.Args[1]}
		if strings.HasPrefix(c.pattern, "!") {
			c.negate, c.pattern = true, c.pattern[1:]
		}
		if len(n.Args) > 2 {
			for _, f := range rewriteFlags(n.Args[2]) {
				switch strings.ToLower(f) {
				case "nc", "nocase":
					c.nocase = true
				case "or", "ornext":
					c.or = true
				}
			}
		}
		rw.pending = append(rw.pending, c)
	case "rewriterule":
		if len(n.Args) < 2 {
			return
		}
		r := &rewriteRule{node: n, context: context, conds: rw.pending, pattern: n.Args[0], subst: n.Args[1]}
		rw.pending = nil
		if strings.HasPrefix(r.pattern, "!") {
			r.negate, r.pattern = true, r.pattern[1:]
		}
		if len(n.Args) > 2 {
			r.flags = rewriteFlags(n.Args[2])
		}
		rw.rules = append(rw.rules, r)
		rw.hasRules = true
	}
}

// mergeOnto is mod_rewrite's directory merge: the newer section's rules
// replace the inherited ones, unless RewriteOptions Inherit appends them.
func (rw *apacheRewrite) mergeOnto(base *apacheRewrite) *apacheRewrite {
	out := *rw
	if base != nil {
		if !rw.engineSet {
			out.engine, out.engineSet, out.engineRef = base.engine, base.engineSet, base.engineRef
		}
		if rw.inherit {
			out.rules = append(append([]*rewriteRule(nil), rw.rules...), base.rules...)
		}
	}
	return &out
}

func rewriteFlags(s string) []string {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	return strings.Split(s, ",")
}

// rewriteVerdict is what a rule set does to a request.
type rewriteVerdict struct {
	status    int // 0: the request goes on
	rule      *rewriteRule
	byUA      bool
	uncertain string
}

// run applies the rules to subject (the URL-path at server level, the
// path relative to the directory per directory).
func (rw *apacheRewrite) run(subject string, req Request, uri string) rewriteVerdict {
	if rw == nil || !rw.engine {
		return rewriteVerdict{}
	}
	for _, r := range rw.rules {
		re, err := compileRewrite(r.pattern, hasFlag(r.flags, "nc", "nocase"))
		if err != nil {
			return rewriteVerdict{uncertain: fmt.Sprintf("%s:%d: pattern %q is not understood (%v)", r.node.File, r.node.Line, r.pattern, err)}
		}
		if re.MatchString(subject) == r.negate {
			continue
		}
		ok, byUA, unc := r.condsHold(req, uri)
		if unc != "" {
			return rewriteVerdict{uncertain: unc, rule: r}
		}
		if !ok {
			continue
		}
		if st := r.status(); st != 0 {
			return rewriteVerdict{status: st, rule: r, byUA: byUA}
		}
		if r.subst != "-" {
			return rewriteVerdict{uncertain: fmt.Sprintf("%s:%d: the rewrite to %s is not followed", r.node.File, r.node.Line, r.subst), rule: r}
		}
		if hasFlag(r.flags, "l", "last", "end") {
			break
		}
	}
	return rewriteVerdict{}
}

// status is the answer a rule gives by its flags: F 403, G 410, R 3xx.
func (r *rewriteRule) status() int {
	for _, f := range r.flags {
		l := strings.ToLower(strings.TrimSpace(f))
		switch {
		case l == "f" || l == "forbidden":
			return 403
		case l == "g" || l == "gone":
			return 410
		case l == "r" || l == "redirect":
			return 302
		case strings.HasPrefix(l, "r=") || strings.HasPrefix(l, "redirect="):
			v := l[strings.IndexByte(l, '=')+1:]
			switch v {
			case "permanent":
				return 301
			case "temp":
				return 302
			case "seeother":
				return 303
			}
			if n, err := strconv.Atoi(v); err == nil {
				return n
			}
			return 302
		}
	}
	return 0
}

// condsHold evaluates the rule's RewriteCond lines: AND, with [OR]
// joining a line to the next.
func (r *rewriteRule) condsHold(req Request, uri string) (ok, byUA bool, uncertain string) {
	result, group := true, false
	for i, c := range r.conds {
		var value string
		switch strings.ToUpper(c.test) {
		case "%{HTTP_USER_AGENT}":
			value = req.UserAgent
			byUA = true
		case "%{REQUEST_URI}":
			value = uri
		case "%{REQUEST_METHOD}":
			value = strings.ToUpper(req.Method)
			if value == "" {
				value = "GET"
			}
		case "%{HTTP_HOST}", "%{SERVER_NAME}":
			value = req.Host
		default:
			return false, byUA, fmt.Sprintf("%s:%d: RewriteCond on %s depends on the request", c.node.File, c.node.Line, c.test)
		}
		re, err := compileRewrite(c.pattern, c.nocase)
		if err != nil {
			return false, byUA, fmt.Sprintf("%s:%d: pattern %q is not understood (%v)", c.node.File, c.node.Line, c.pattern, err)
		}
		group = group || re.MatchString(value) != c.negate
		if !c.or || i == len(r.conds)-1 {
			result = result && group
			group = false
		}
	}
	return result, byUA, ""
}

func compileRewrite(pattern string, nocase bool) (*regexp.Regexp, error) {
	if nocase {
		pattern = "(?i)" + pattern
	}
	return regexp.Compile(pattern)
}

func hasFlag(flags []string, names ...string) bool {
	for _, f := range flags {
		for _, n := range names {
			if strings.EqualFold(strings.TrimSpace(f), n) {
				return true
			}
		}
	}
	return false
}

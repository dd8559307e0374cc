package serverconf

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// HAProxy decides requests the way HAProxy does for one config read by
// ReadHAProxy: the frontend bound to the port answers its monitor-uri,
// runs its http-request rules (those of the named defaults it inherits
// first), then its statistics page and redirect rules, picks a backend
// (the first use_backend whose condition holds, else default_backend),
// and the backend runs its own rules the same way.
//
// Conditions are ACLs evaluated on the request as a crawler sends it:
// the raw, undecoded target, a Host header with the port unless it is 80
// or 443, its User-Agent, no Authorization and no Cookie. What the request
// cannot tell (the client's address, other headers, unmodelled fetches) is
// taken as not matching; the verdict then depends on the client (an
// address) or is uncertain (anything else), with the rule and the reason
// in its notes.
//
// Mechanisms: "basic" for auth, "ua-rule" or "ip-rule" when a User-Agent
// or address ACL made the rule fire, "return", "redirect", "stats" and
// "monitor-uri" for fixed answers, and "unknown" for a deny on anything
// else (a path rule is neither), as the attribution catalog names
// HAProxy's deny.
type HAProxy struct {
	proxies []*hapProxy
	byName  map[string]*hapProxy // backends and listens, by name
}

var _ Evaluator = (*HAProxy)(nil)

// Server names the server.
func (*HAProxy) Server() string { return "haproxy" }

// hapProxy is a frontend, backend or listen section.
type hapProxy struct {
	node  *Node
	kind  string // frontend, backend, listen
	name  string
	label string // "frontend www"
	http  bool   // mode http; in tcp mode no http-request rule runs
	binds []hapBind
	// rules are the http-request rules in the order they run: the named
	// defaults' first, then the proxy's own.
	rules     []*hapRule
	redirects []*hapRule // standalone redirect rules, after http-request
	switches  []*hapRule // use_backend, in order
	defBack   *Node      // default_backend
	stats     *hapStats  // nil: no statistics page
	monitor   *Node      // monitor-uri: answered 200 before any rule
}

// hapStats is the statistics page a section serves (stats enable, uri,
// auth, realm), with what a defaults section set first.
type hapStats struct {
	enabled *Node  // the first stats line that turned the page on
	uri     string // the prefix of the request target it answers
	auth    *Node  // stats auth: a password is asked
	realm   string
	rules   *Node // a stats http-request rule: not modelled
}

// with adds one stats line. Any stats line turns the page on, as in
// haproxy, at /haproxy?stats unless "stats uri" says otherwise.
func (st *hapStats) with(c *Node) *hapStats {
	out := &hapStats{uri: "/haproxy?stats", realm: "HAProxy Statistics", enabled: c}
	if st != nil {
		copied := *st
		out = &copied
	}
	if len(c.Args) == 0 {
		return out
	}
	switch c.Args[0] {
	case "uri":
		if len(c.Args) > 1 {
			out.uri = c.Args[1]
		}
	case "auth":
		out.auth = c
	case "realm":
		if len(c.Args) > 1 {
			out.realm = c.Args[1]
		}
	case "http-request":
		out.rules = c
	}
	return out
}

type hapBind struct {
	addr     string // "" for any address
	from, to int    // port range
	ssl      bool   // the bind terminates TLS (ssl_fc is true there)
}

// hapRule is one rule: an http-request action, a redirect or a
// use_backend, with its condition.
type hapRule struct {
	node    *Node
	context string   // the section it is written in, e.g. "defaults base"
	action  string   // deny, auth, return... ("redirect" for redirect rules, the backend for use_backend)
	args    []string // the action's arguments, before the condition
	cond    *hapCond // nil: always
}

// hapCond is "if"/"unless" and OR'ed groups of AND'ed terms.
type hapCond struct {
	unless bool
	groups [][]hapTerm
}

type hapTerm struct {
	neg   bool
	named *hapNamedACL // nil for an anonymous ACL
	anon  *hapACL
}

// hapNamedACL is every line declaring one ACL name in a section, OR'ed in
// order; lines after a rule that uses the name still count.
type hapNamedACL struct {
	name  string
	lines []*hapACL
}

// NewHAProxy builds the evaluator from ReadHAProxy's nodes. Errors are the
// ones haproxy itself refuses to start with: an ACL used before any line
// declares it, rules in an anonymous defaults section, a malformed rule.
func NewHAProxy(nodes []*Node) (*HAProxy, error) {
	h := &HAProxy{byName: map[string]*hapProxy{}}
	defaults := map[string]*Node{}
	var lastDefaults *Node
	inherits := hapInheritance{}
	for _, n := range nodes {
		switch n.Name {
		case "defaults":
			if len(n.Args) > 0 {
				defaults[n.Args[0]] = n
			} else if c := hapFirstChild(n, "http-request"); c != nil {
				return nil, &ParseError{File: c.File, Line: c.Line, Problem: "http-request is not allowed in an anonymous defaults section"}
			}
			lastDefaults = n
		case "frontend", "backend", "listen":
			if len(n.Args) == 0 {
				return nil, &ParseError{File: n.File, Line: n.Line, Problem: n.Name + " needs a name"}
			}
			def := lastDefaults
			for i := 1; i+1 < len(n.Args); i++ {
				if n.Args[i] == "from" {
					d, ok := defaults[n.Args[i+1]]
					if !ok {
						return nil, &ParseError{File: n.File, Line: n.Line, Problem: fmt.Sprintf("defaults section %q not found", n.Args[i+1])}
					}
					def = d
				}
			}
			if err := inherits.check(n, def); err != nil {
				return nil, err
			}
			p, err := newHAProxyProxy(n, def)
			if err != nil {
				return nil, err
			}
			h.proxies = append(h.proxies, p)
			if p.kind != "frontend" {
				h.byName[p.name] = p
			}
		}
	}
	if len(h.proxies) == 0 {
		return nil, fmt.Errorf("haproxy config: no frontend, backend or listen section")
	}
	for _, p := range h.proxies {
		for _, sw := range p.switches {
			if err := h.checkBackend(sw.node, sw.action); err != nil {
				return nil, err
			}
		}
		if p.defBack != nil {
			if len(p.defBack.Args) == 0 {
				return nil, &ParseError{File: p.defBack.File, Line: p.defBack.Line, Problem: "default_backend needs a name"}
			}
			if err := h.checkBackend(p.defBack, p.defBack.Args[0]); err != nil {
				return nil, err
			}
		}
	}
	return h, nil
}

// hapInheritance remembers which kinds of sections inherit each defaults
// section, for haproxy's rule that a defaults section with http-request
// rules serves frontends or backends, never both, and never a listen.
type hapInheritance map[*Node]string

func (in hapInheritance) check(n, def *Node) error {
	if def == nil || hapFirstChild(def, "http-request") == nil {
		return nil
	}
	side := "frontend"
	switch n.Name {
	case "listen":
		return &ParseError{File: n.File, Line: n.Line, Problem: "a listen section cannot inherit from a defaults section defining http-request rules"}
	case "backend":
		side = "backend"
	}
	if prev, ok := in[def]; ok && prev != side {
		return &ParseError{File: n.File, Line: n.Line, Problem: fmt.Sprintf("frontends and backends cannot inherit from the same defaults section if it defines http-request rules (defaults at %s)", def.Pos())}
	}
	in[def] = side
	return nil
}

// checkBackend refuses a backend name that no section has, as haproxy
// does at start; a name built from a sample expression is left alone.
func (h *HAProxy) checkBackend(n *Node, name string) error {
	if strings.Contains(name, "%[") || h.byName[name] != nil {
		return nil
	}
	return &ParseError{File: n.File, Line: n.Line, Problem: fmt.Sprintf("unable to find the backend %q", name)}
}

func hapFirstChild(n *Node, name string) *Node {
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func newHAProxyProxy(n *Node, def *Node) (*hapProxy, error) {
	p := &hapProxy{node: n, kind: n.Name, name: n.Args[0], label: n.Name + " " + n.Args[0]}
	mode := "tcp"
	acls := map[string]*hapNamedACL{}
	if def != nil {
		ctx := "defaults"
		if len(def.Args) > 0 {
			ctx += " " + def.Args[0]
		}
		ctx += ", run by " + p.label
		for _, c := range def.Children {
			p.setting(c, &mode)
			switch c.Name {
			case "http-request":
				r, err := newHAProxyRule(c, ctx, c.Args, acls)
				if err != nil {
					return nil, err
				}
				p.rules = append(p.rules, r)
			}
		}
	}
	if n.Name == "listen" && len(n.Args) > 1 && n.Args[1] != "from" {
		// The old "listen NAME ADDR:PORT" form.
		binds, err := parseHAProxyBind(n, n.Args[1])
		if err != nil {
			return nil, err
		}
		p.binds = append(p.binds, binds...)
	}
	addRule := func(list *[]*hapRule, c *Node, words []string) error {
		r, err := newHAProxyRule(c, p.label, words, acls)
		if err == nil {
			*list = append(*list, r)
		}
		return err
	}
	for _, c := range n.Children {
		var err error
		p.setting(c, &mode)
		switch c.Name {
		case "bind":
			if len(c.Args) == 0 {
				return nil, &ParseError{File: c.File, Line: c.Line, Problem: "bind needs an address"}
			}
			var binds []hapBind
			binds, err = parseHAProxyBind(c, c.Args[0])
			for i := range binds {
				binds[i].ssl = slices.Contains(c.Args[1:], "ssl")
			}
			p.binds = append(p.binds, binds...)
		case "acl":
			if len(c.Args) < 2 {
				return nil, &ParseError{File: c.File, Line: c.Line, Problem: "acl needs a name and a criterion"}
			}
			var a *hapACL
			a, err = parseHAProxyACL(c, c.Args[1:])
			if a != nil {
				named := acls[c.Args[0]]
				if named == nil {
					named = &hapNamedACL{name: c.Args[0]}
					acls[c.Args[0]] = named
				}
				named.lines = append(named.lines, a)
			}
		case "http-request":
			err = addRule(&p.rules, c, c.Args)
		case "redirect":
			err = addRule(&p.redirects, c, append([]string{"redirect"}, c.Args...))
		case "use_backend":
			err = addRule(&p.switches, c, c.Args)
		case "default_backend":
			p.defBack = c
		}
		if err != nil {
			return nil, err
		}
	}
	p.http = mode == "http"
	return p, nil
}

// setting applies the lines a proxy takes from its defaults section as
// well as from its own: mode, stats and monitor-uri.
func (p *hapProxy) setting(c *Node, mode *string) {
	switch c.Name {
	case "mode":
		if len(c.Args) > 0 {
			*mode = c.Args[0]
		}
	case "stats":
		p.stats = p.stats.with(c)
	case "monitor-uri":
		p.monitor = c
	}
}

// parseHAProxyBind reads a bind address list: "[addr]:port[-port][,...]";
// unix sockets, abstract namespaces and inherited fds are skipped.
func parseHAProxyBind(c *Node, arg string) ([]hapBind, error) {
	var out []hapBind
	for _, a := range strings.Split(arg, ",") {
		if i := strings.Index(a, "@"); i >= 0 {
			switch a[:i] {
			case "ipv4", "ipv6", "tcp", "tcp4", "tcp6":
				a = a[i+1:]
			default:
				continue
			}
		}
		if strings.HasPrefix(a, "/") {
			continue
		}
		j := strings.LastIndex(a, ":")
		if j < 0 {
			return nil, &ParseError{File: c.File, Line: c.Line, Problem: fmt.Sprintf("bind %s: missing port", a)}
		}
		host, ports := strings.Trim(a[:j], "[]"), a[j+1:]
		from, to, ok := strings.Cut(ports, "-")
		lo, err1 := strconv.Atoi(from)
		hi := lo
		var err2 error
		if ok {
			hi, err2 = strconv.Atoi(to)
		}
		if err1 != nil || err2 != nil || lo < 1 || hi < lo || hi > 65535 {
			return nil, &ParseError{File: c.File, Line: c.Line, Problem: fmt.Sprintf("bind %s: bad port", a)}
		}
		if host == "*" || host == "0.0.0.0" || host == "::" {
			host = ""
		}
		out = append(out, hapBind{addr: strings.ToLower(host), from: lo, to: hi})
	}
	return out, nil
}

// newHAProxyRule splits "ACTION ARGS... [if|unless COND]" and resolves the
// condition's ACL names against the ones declared so far in the section
// (haproxy refuses a name no earlier line declares, but a later line with
// the same name still adds to it).
func newHAProxyRule(c *Node, context string, words []string, acls map[string]*hapNamedACL) (*hapRule, error) {
	if len(words) == 0 {
		return nil, &ParseError{File: c.File, Line: c.Line, Problem: c.Name + " needs an action"}
	}
	r := &hapRule{node: c, context: context, action: words[0]}
	rest := words[1:]
	for i, w := range rest {
		if w == "if" || w == "unless" {
			cond, err := parseHAProxyCond(c, w == "unless", rest[i+1:], acls)
			if err != nil {
				return nil, err
			}
			r.cond = cond
			rest = rest[:i]
			break
		}
	}
	r.args = rest
	return r, nil
}

// parseHAProxyCond reads a condition: terms AND'ed, "or"/"||" between
// groups, "!" negating a term, "{ ... }" an anonymous ACL.
func parseHAProxyCond(c *Node, unless bool, words []string, acls map[string]*hapNamedACL) (*hapCond, error) {
	bad := func(format string, a ...any) error {
		return &ParseError{File: c.File, Line: c.Line, Problem: fmt.Sprintf(format, a...)}
	}
	cond := &hapCond{unless: unless}
	var group []hapTerm
	for i := 0; i < len(words); i++ {
		w := words[i]
		if w == "or" || w == "||" {
			if len(group) == 0 {
				return nil, bad("%q with no term before it", w)
			}
			cond.groups = append(cond.groups, group)
			group = nil
			continue
		}
		t := hapTerm{}
		for strings.HasPrefix(w, "!") {
			t.neg = !t.neg
			w = w[1:]
			if w == "" {
				if i+1 >= len(words) {
					return nil, bad("'!' with nothing after it")
				}
				i++
				w = words[i]
			}
		}
		if w == "{" {
			j := i + 1
			for j < len(words) && words[j] != "}" {
				j++
			}
			if j >= len(words) {
				return nil, bad("missing closing '}' in condition")
			}
			if j == i+1 {
				return nil, bad("empty anonymous ACL")
			}
			a, err := parseHAProxyACL(c, words[i+1:j])
			if err != nil {
				return nil, err
			}
			t.anon = a
			i = j
		} else {
			if named, ok := acls[w]; ok {
				t.named = named
			} else if a, ok := haproxyPredefinedACL(w); ok {
				t.anon = a
			} else {
				return nil, bad("no such ACL: %q", w)
			}
		}
		group = append(group, t)
	}
	if len(group) == 0 {
		return nil, bad("empty condition")
	}
	cond.groups = append(cond.groups, group)
	return cond, nil
}

package serverconf

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Lighttpd decides requests the way lighttpd 1.4 does for one config read
// by ReadLighttpd: the global settings, then every condition block that
// matches, in the order the blocks first appear (a block's setting
// replaces the earlier value whole), then the URI handlers of mod_auth
// (auth.require: the first key in array order that is a prefix of the
// path), mod_access (url.access-deny / url.access-allow: suffixes) and
// mod_redirect (url.redirect) in server.modules order.
type Lighttpd struct {
	scopes  []*lighttpdCtx // in lighttpd's context order; [0] is global
	modules []string       // server.modules as lighttpd loads them
	notes   []string       // config-wide doubts, added to every verdict
	// ignored are settings of modules server.modules does not load; a
	// verdict that would have used one says so.
	ignored map[string]*Node
	// mainFile is the config file itself, where the global context lives.
	mainFile string
}

var _ Evaluator = (*Lighttpd)(nil)

// Server names the server.
func (*Lighttpd) Server() string { return "lighttpd" }

// lighttpdCtx is one config context: global, or a condition block (all the
// blocks written with the same condition at the same place are one).
type lighttpdCtx struct {
	node   *Node // nil for global
	id     int   // its index in Lighttpd.scopes
	parent *lighttpdCtx
	prev   *lighttpdCtx // the branch before an else
	field  string       // "url", "host", "useragent", a header name...
	op     string       // == != =~ !~ =^ =$; "" for a bare else
	text   string       // the condition as lighttpd keys it
	// written is the condition as the config writes it.
	written string
	value   string
	re      *pcreRegex
	label   string
	// settings holds the last assignment of each key in this context.
	settings map[string]*Node
}

// lighttpdUnmodelled are settings of modules that answer before content
// in ways this evaluator does not model.
var lighttpdUnmodelled = map[string]string{
	"url.rewrite":                     "mod_rewrite",
	"url.rewrite-once":                "mod_rewrite",
	"url.rewrite-repeat":              "mod_rewrite",
	"url.rewrite-if-not-file":         "mod_rewrite",
	"magnet.attract-raw-url-to":       "mod_magnet",
	"magnet.attract-physical-path-to": "mod_magnet",
	"secdownload.secret":              "mod_secdownload",
	"extforward.forwarder":            "mod_extforward",
}

// lighttpdWallModules are the modelled settings and the module that must
// be loaded for lighttpd to read them (it warns "unknown config-key" and
// ignores them otherwise).
var lighttpdWallModules = map[string]string{
	"auth.require":     "mod_auth",
	"url.access-deny":  "mod_access",
	"url.access-allow": "mod_access",
	"url.redirect":     "mod_redirect",
}

// NewLighttpd builds the evaluator from ReadLighttpd's nodes.
func NewLighttpd(nodes []*Node) (*Lighttpd, error) {
	l := &Lighttpd{}
	if len(nodes) > 0 {
		l.mainFile = nodes[0].File
		if len(nodes[0].IncludedFrom) > 0 {
			l.mainFile = nodes[0].IncludedFrom[0].File
		}
	}
	global := &lighttpdCtx{label: "global", settings: map[string]*Node{}}
	l.scopes = []*lighttpdCtx{global}
	byKey := map[string]*lighttpdCtx{}
	if err := l.collect(nodes, global, byKey); err != nil {
		return nil, err
	}
	if mods := global.settings["server.modules"]; mods != nil {
		for _, c := range mods.Children {
			if len(c.Args) == 1 {
				l.modules = append(l.modules, c.Args[0])
			}
		}
	}
	// lighttpd prepends mod_auth when only an authn backend module is listed.
	if !slices.Contains(l.modules, "mod_auth") && slices.ContainsFunc(l.modules, func(m string) bool { return strings.HasPrefix(m, "mod_auth") }) {
		l.modules = append([]string{"mod_auth"}, l.modules...)
	}
	for _, s := range l.scopes {
		for key, n := range s.settings {
			// Without mod_auth the key is unknown to lighttpd and ignored.
			if key == "auth.require" && slices.Contains(l.modules, "mod_auth") {
				if err := lighttpdCheckAuthRequire(n); err != nil {
					return nil, err
				}
			}
			if mod, ok := lighttpdWallModules[key]; ok && !slices.Contains(l.modules, mod) && l.ignored[key] == nil {
				if l.ignored == nil {
					l.ignored = map[string]*Node{}
				}
				l.ignored[key] = n
			}
			if mod, ok := lighttpdUnmodelled[key]; ok && slices.Contains(l.modules, mod) {
				l.notes = append(l.notes, fmt.Sprintf("%s at %s (%s) is not modelled and may answer first", key, n.Pos(), mod))
			}
		}
	}
	slices.Sort(l.notes)
	walkNodes(nodes, func(n *Node) {
		if n.Name == "include_shell" {
			l.notes = append(l.notes, fmt.Sprintf("include_shell %q at %s could not be run: what it adds is unknown", n.Args[0], n.Pos()))
		}
	})
	return l, nil
}

// collect walks one block's statements into contexts, keyed as lighttpd
// keys them (see lighttpdParser.conditions): a condition written again
// under the same parent, even as an else branch, is the first one's
// context and keeps its place in the order and its else chain.
func (l *Lighttpd) collect(nodes []*Node, ctx *lighttpdCtx, byKey map[string]*lighttpdCtx) error {
	var last *lighttpdCtx
	for _, n := range nodes {
		switch {
		case n.Name == "global":
			if err := l.collect(n.Children, l.scopes[0], byKey); err != nil {
				return err
			}
			last = nil
		case strings.HasPrefix(n.Name, "$") || n.Name == "else":
			c, err := l.context(n, ctx, last, byKey)
			if err != nil {
				return err
			}
			if err := l.collect(n.Children, c, byKey); err != nil {
				return err
			}
			last = c
			if c.op == "" {
				last = nil // nothing chains after a bare else
			}
		case n.Name == "include_shell":
		default:
			ctx.settings[strings.ToLower(n.Name)] = n
			last = nil
		}
	}
	return nil
}

// context finds or makes the context of one condition node under ctx;
// last is the branch an else continues.
func (l *Lighttpd) context(n *Node, ctx, last *lighttpdCtx, byKey map[string]*lighttpdCtx) (*lighttpdCtx, error) {
	head, args := n.Name, n.Args
	isElse := n.Name == "else"
	if isElse {
		if last == nil {
			return nil, &ParseError{File: n.File, Line: n.Line, Problem: "else without a condition before it"}
		}
		head = ""
		if len(args) > 0 {
			head, args = args[0], args[1:]
		}
	}
	c := &lighttpdCtx{node: n, parent: ctx, settings: map[string]*Node{}}
	if head != "" {
		if len(args) != 2 {
			return nil, &ParseError{File: n.File, Line: n.Line, Problem: "a condition needs an operator and a value"}
		}
		c.field = lighttpdCondField(head)
		c.op, c.value = args[0], args[1]
		if c.op == "=~" || c.op == "!~" {
			re, err := compilePCRE(c.value, false)
			if err != nil {
				return nil, &ParseError{File: n.File, Line: n.Line, Problem: fmt.Sprintf("condition regex %q: %v", c.value, err)}
			}
			c.re = re
		}
		c.text = lighttpdCondText(head, c.op, c.value)
		c.written = head + " " + c.op + " " + lighttpdQuote(c.value)
		c.label = c.written
		if isElse {
			c.label = "else " + c.written
		}
	} else {
		c.text = lighttpdNegate(last.text)
		c.label = "else"
	}
	if ctx.node != nil {
		c.label = ctx.label + " > " + c.label
	}
	key := strconv.Itoa(ctx.id) + " " + c.text // already lower case
	if old := byKey[key]; old != nil {
		if isElse {
			return nil, &ParseError{File: n.File, Line: n.Line, Problem: fmt.Sprintf("unreachable else condition: the block %s already exists", c.text)}
		}
		return old, nil
	}
	if isElse {
		c.prev = last
	}
	c.id = len(l.scopes)
	byKey[key] = c
	l.scopes = append(l.scopes, c)
	return c, nil
}

// lighttpdCondField turns `$HTTP["url"]` into "url", `$SERVER["socket"]`
// into "socket" and `$REQUEST_HEADER["X-Y"]` into "header:x-y".
func lighttpdCondField(head string) string {
	open := strings.Index(head, `["`)
	if open < 0 {
		return head
	}
	field := strings.TrimSuffix(head[open+2:], `"]`)
	switch head[:open] {
	case "$REQUEST_HEADER":
		field = "header:" + strings.ToLower(field)
	case "$HTTP":
		switch field {
		case "useragent", "user-agent":
			field = "header:user-agent"
		case "remote-ip":
			field = "remoteip"
		case "query-string":
			field = "querystring"
		case "referer":
			field = "header:referer"
		case "cookie":
			field = "header:cookie"
		case "language":
			field = "header:accept-language"
		}
	}
	return field
}

// lighttpdCheckAuthRequire refuses what mod_auth refuses at start: an
// element that is not an array of string options, an unknown option, a
// missing or unknown method, no realm, or a missing require.
func lighttpdCheckAuthRequire(n *Node) error {
	if !n.Block {
		return &ParseError{File: n.File, Line: n.Line, Problem: "auth.require must be an array"}
	}
	known := []string{"method", "realm", "require", "algorithm", "nonce_secret", "nonce-secret", "userhash"}
	for _, e := range n.Children {
		if !e.Block {
			return &ParseError{File: e.File, Line: e.Line, Problem: fmt.Sprintf("auth.require %q must map to an array of options", e.Name)}
		}
		problem := ""
		hasRealm := false
		for _, o := range e.Children {
			switch {
			case !slices.Contains(known, o.Name):
				problem = fmt.Sprintf("unknown option %q", o.Name)
			case o.Block:
				problem = fmt.Sprintf("option %q must be a string", o.Name)
			case o.Name == "realm":
				hasRealm = true
			}
		}
		switch m := lighttpdOption(e, "method"); {
		case problem != "":
		case m == "":
			problem = "no method"
		case m != "basic" && m != "digest" && m != "extern":
			problem = fmt.Sprintf("method %q is not basic, digest or extern", m)
		case !hasRealm:
			problem = "no realm"
		case lighttpdOption(e, "require") == "":
			problem = "no require"
		}
		if problem != "" {
			return &ParseError{File: e.File, Line: e.Line, Problem: fmt.Sprintf("auth.require %q: %s (lighttpd refuses to start)", e.Name, problem)}
		}
	}
	return nil
}

// lighttpdOption is a scalar option of an array element ("" when unset).
func lighttpdOption(n *Node, key string) string {
	for _, c := range n.Children {
		if c.Name == key && len(c.Args) == 1 {
			return c.Args[0]
		}
	}
	return ""
}

// lighttpdText renders a setting as written (resolved), for DecidedBy.
func lighttpdText(n *Node) string {
	if len(n.Args) == 0 && !n.Block {
		return n.Name
	}
	op := ""
	if len(n.Args) > 0 {
		op = n.Args[0]
	}
	return n.Name + " " + op + " " + lighttpdNodeValue(n, 1)
}

func lighttpdNodeValue(n *Node, skip int) string {
	if !n.Block {
		if len(n.Args) > skip {
			if _, err := strconv.ParseInt(n.Args[skip], 10, 64); err == nil {
				return n.Args[skip]
			}
			return lighttpdQuote(n.Args[skip])
		}
		return `""`
	}
	var parts []string
	for _, c := range n.Children {
		s := lighttpdNodeValue(c, 0)
		if c.Name != "" {
			s = lighttpdQuote(c.Name) + " => " + s
		}
		parts = append(parts, s)
	}
	return "( " + strings.Join(parts, ", ") + " )"
}

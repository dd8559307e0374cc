package serverconf

import (
	"fmt"
	"net/http"
	"path"
	"regexp"
	"sort"
	"strings"
)

// caddyMatchSet is one matcher set: its matcher types AND, the values of
// one type OR. A named matcher's lines of the same type add values.
type caddyMatchSet struct {
	node     *Node
	hasPath  bool
	paths    []string // lower case, as Caddy provisions them
	rawPaths []string // as written (Caddy sorts routes by their length)
	pathRE   *regexp.Regexp
	// headers: field → accepted values; an empty list means "present",
	// nil means "absent" (header !Field).
	headers  map[string][]string
	headerRE map[string]*regexp.Regexp
	methods  []string
	hosts    []string
	remoteIP []*Node // address rules: the crawler's address is not known
	nots     []*caddyMatchSet
	// unknown are matcher lines whose answer the config cannot show (file,
	// expression, query...): taken as not matching, with a note.
	unknown []*Node
}

// sortPathLen is the length Caddy sorts a route by: that of its path when
// the matcher has exactly one, else 0.
func (m *caddyMatchSet) sortPathLen() int {
	if m == nil || len(m.paths) != 1 {
		return 0
	}
	if len(m.rawPaths) == 1 {
		return len(m.rawPaths[0])
	}
	return len(m.paths[0])
}

// key says what the matcher set matches, so two sets that Caddy would
// write as the same JSON compare equal; "" for no matcher.
func (m *caddyMatchSet) key() string {
	if m == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "path%q", m.rawPaths)
	if m.pathRE != nil {
		fmt.Fprintf(&b, "re%q", m.pathRE.String())
	}
	var fields []string
	for f := range m.headers {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		fmt.Fprintf(&b, "h%q%q%v", f, m.headers[f], m.headers[f] == nil)
	}
	fields = fields[:0]
	for f := range m.headerRE {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		fmt.Fprintf(&b, "hre%q%q", f, m.headerRE[f].String())
	}
	fmt.Fprintf(&b, "m%q h%q", m.methods, m.hosts)
	for _, n := range append(append([]*Node(nil), m.remoteIP...), m.unknown...) {
		fmt.Fprintf(&b, "n%q", directiveText(n))
	}
	for _, n := range m.nots {
		fmt.Fprintf(&b, "not(%s)", n.key())
	}
	return b.String()
}

// caddyParseMatcherDef reads `@name type args` or `@name { type args... }`
// into a matcher set (prev is an earlier definition of the same name,
// which Caddy extends).
func caddyParseMatcherDef(d *Node, prev *caddyMatchSet) (*caddyMatchSet, error) {
	m := prev
	if m == nil {
		m = &caddyMatchSet{node: d}
	}
	if d.Block {
		for _, line := range d.Children {
			if err := m.add(line.Name, line.Args, line); err != nil {
				return nil, err
			}
		}
		return m, nil
	}
	if len(d.Args) == 0 {
		return nil, &ParseError{File: d.File, Line: d.Line, Problem: fmt.Sprintf("matcher %s has no matcher type", d.Name)}
	}
	if err := m.add(d.Args[0], d.Args[1:], d); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *caddyMatchSet) add(kind string, args []string, at *Node) error {
	bad := func(format string, a ...any) error {
		return &ParseError{File: at.File, Line: at.Line, Problem: fmt.Sprintf(format, a...)}
	}
	switch kind {
	case "path":
		if len(args) == 0 {
			return bad("path matcher needs a path")
		}
		m.hasPath = true
		for _, a := range args {
			m.paths = append(m.paths, strings.ToLower(a))
			m.rawPaths = append(m.rawPaths, a)
		}
	case "path_regexp":
		if len(args) == 0 || len(args) > 2 {
			return bad("path_regexp needs [name] pattern")
		}
		re, err := regexp.Compile(args[len(args)-1])
		if err != nil {
			return bad("path_regexp %s: %v", args[len(args)-1], err)
		}
		m.pathRE = re
	case "header":
		if len(args) == 0 {
			return bad("header matcher needs a field")
		}
		if m.headers == nil {
			m.headers = map[string][]string{}
		}
		field := args[0]
		if strings.HasPrefix(field, "!") {
			m.headers[http.CanonicalHeaderKey(field[1:])] = nil
			return nil
		}
		key := http.CanonicalHeaderKey(field)
		vals := m.headers[key]
		if vals == nil {
			vals = []string{}
		}
		m.headers[key] = append(vals, args[1:]...)
	case "header_regexp":
		if len(args) < 2 || len(args) > 3 {
			return bad("header_regexp needs [name] field pattern")
		}
		re, err := regexp.Compile(args[len(args)-1])
		if err != nil {
			return bad("header_regexp %s: %v", args[len(args)-1], err)
		}
		if m.headerRE == nil {
			m.headerRE = map[string]*regexp.Regexp{}
		}
		m.headerRE[http.CanonicalHeaderKey(args[len(args)-2])] = re
	case "method":
		for _, a := range args {
			m.methods = append(m.methods, strings.ToUpper(a))
		}
	case "host":
		for _, a := range args {
			m.hosts = append(m.hosts, strings.ToLower(a))
		}
	case "remote_ip", "client_ip":
		m.remoteIP = append(m.remoteIP, at)
	case "not":
		inner := &caddyMatchSet{node: at}
		if at.Block && at.Name == "not" {
			for _, line := range at.Children {
				if err := inner.add(line.Name, line.Args, line); err != nil {
					return err
				}
			}
		} else {
			if len(args) == 0 {
				return bad("not needs a matcher")
			}
			if err := inner.add(args[0], args[1:], at); err != nil {
				return err
			}
		}
		m.nots = append(m.nots, inner)
	default:
		m.unknown = append(m.unknown, at)
	}
	return nil
}

// caddyMatchResult tells what a match used beyond the path.
type caddyMatchResult struct {
	matched bool
	ua      *Node // a User-Agent condition took part
	remote  *Node // an address rule took part
	notes   []string
}

// match evaluates the set against the request state.
func (m *caddyMatchSet) match(st *caddyState) caddyMatchResult {
	res := caddyMatchResult{matched: true}
	if m == nil {
		return res
	}
	fail := func() caddyMatchResult { res.matched = false; return res }
	if m.hasPath && !caddyMatchPath(m.paths, st.path) {
		return fail()
	}
	if m.pathRE != nil && !m.pathRE.MatchString(caddyCleanPath(st.path, true)) {
		return fail()
	}
	if len(m.methods) > 0 && !caddyContains(m.methods, st.method) {
		return fail()
	}
	if len(m.hosts) > 0 && !caddyMatchHost(m.hosts, st.host) {
		return fail()
	}
	for field, vals := range m.headers {
		if field == "User-Agent" {
			res.ua = m.node
		}
		if !caddyMatchHeader(st, field, vals, &res) {
			return fail()
		}
	}
	for field, re := range m.headerRE {
		if field == "User-Agent" {
			res.ua = m.node
		}
		v, ok := st.header(field, &res)
		if !ok || !re.MatchString(v) {
			return fail()
		}
	}
	if len(m.remoteIP) > 0 {
		res.remote = m.remoteIP[0]
		res.notes = append(res.notes, fmt.Sprintf("%s at %s: the crawler's address is taken as outside the list", directiveText(m.remoteIP[0]), m.remoteIP[0].Pos()))
		return fail()
	}
	for _, u := range m.unknown {
		res.notes = append(res.notes, fmt.Sprintf("matcher %s at %s cannot be decided from the config; taken as not matching", directiveText(u), u.Pos()))
		return fail()
	}
	for _, n := range m.nots {
		inner := n.match(st)
		res.notes = append(res.notes, inner.notes...)
		if inner.ua != nil {
			res.ua = m.node
		}
		if inner.remote != nil {
			res.remote = inner.remote
		}
		if inner.matched {
			return fail()
		}
	}
	return res
}

// caddyMatchHeader: a nil list wants the field absent, an empty one
// present, else one of the values (*x, x*, *x* and exact; case matters).
func caddyMatchHeader(st *caddyState, field string, vals []string, res *caddyMatchResult) bool {
	v, ok := st.header(field, res)
	if vals == nil {
		return !ok
	}
	if !ok {
		return false
	}
	if len(vals) == 0 {
		return true
	}
	for _, want := range vals {
		switch {
		case want == "*":
			return true
		case len(want) > 1 && strings.HasPrefix(want, "*") && strings.HasSuffix(want, "*"):
			if strings.Contains(v, want[1:len(want)-1]) {
				return true
			}
		case strings.HasPrefix(want, "*"):
			if strings.HasSuffix(v, want[1:]) {
				return true
			}
		case strings.HasSuffix(want, "*"):
			if strings.HasPrefix(v, want[:len(want)-1]) {
				return true
			}
		case v == want:
			return true
		}
	}
	return false
}

// caddyMatchPath is Caddy's path matcher: case-insensitive, trailing dots
// and spaces ignored, the path cleaned (slashes merged unless the pattern
// has "//"); "*" alone matches all, *x* is a substring, *x a suffix, x* a
// prefix, anything else a glob where * stays within one segment.
func caddyMatchPath(patterns []string, reqPath string) bool {
	p := strings.TrimRight(strings.ToLower(reqPath), ". ")
	for _, pat := range patterns {
		if pat == "*" {
			return true
		}
		clean := caddyCleanPath(p, !strings.Contains(pat, "//"))
		stars := strings.Count(pat, "*")
		switch {
		case stars == 2 && len(pat) > 1 && strings.HasPrefix(pat, "*") && strings.HasSuffix(pat, "*"):
			if strings.Contains(clean, pat[1:len(pat)-1]) {
				return true
			}
			continue
		case stars == 1 && strings.HasPrefix(pat, "*"):
			if strings.HasSuffix(clean, pat[1:]) {
				return true
			}
			continue
		case stars == 1 && strings.HasSuffix(pat, "*"):
			if strings.HasPrefix(clean, pat[:len(pat)-1]) {
				return true
			}
			continue
		}
		if ok, _ := path.Match(pat, clean); ok {
			return true
		}
	}
	return false
}

// caddyCleanPath is path.Clean keeping a trailing slash; without merge,
// empty segments ("//") are kept.
func caddyCleanPath(p string, merge bool) string {
	if !merge {
		const tmp = "\xff"
		var b strings.Builder
		for i := 0; i < len(p); i++ {
			if p[i] == '/' && i > 0 && p[i-1] == '/' {
				b.WriteString(tmp)
			}
			b.WriteByte(p[i])
		}
		return strings.ReplaceAll(caddyCleanPath(b.String(), true), tmp, "")
	}
	cleaned := path.Clean(p)
	if cleaned != "/" && strings.HasSuffix(p, "/") {
		cleaned += "/"
	}
	return cleaned
}

// caddyMatchHost: case-insensitive, "*" standing for one label.
func caddyMatchHost(hosts []string, host string) bool {
	host = strings.ToLower(host)
	for _, h := range hosts {
		if h == host {
			return true
		}
		if !strings.Contains(h, "*") {
			continue
		}
		hp, rp := strings.Split(h, "."), strings.Split(host, ".")
		if len(hp) != len(rp) {
			continue
		}
		ok := true
		for i := range hp {
			if hp[i] != "*" && hp[i] != rp[i] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func caddyContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

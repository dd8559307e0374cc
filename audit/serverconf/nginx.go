package serverconf

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/dlclark/regexp2/v2"
)

// Nginx decides requests the way nginx does for one config read by
// ReadNginx: server selection, location selection, the rewrite phase
// (return, if, rewrite), the access phase (allow/deny, auth_basic,
// auth_request under satisfy) with nginx's inheritance, the directives that
// hand the decision to Lua or a module (unsupported), limit_except, and
// the internal redirects of index, try_files and error_page.
type Nginx struct {
	http    *Node // nil when the config is a bare list of server blocks
	servers []*ngxServer
	maps    map[string]*Node // map blocks by the variable they define
}

var _ Evaluator = (*Nginx)(nil)

// Server names the server.
func (*Nginx) Server() string { return "nginx" }

type ngxServer struct {
	node    *Node
	label   string
	names   []ngxName
	listens []ngxListen
	locs    []*ngxLoc
	named   map[string]*ngxLoc
}

type ngxListen struct {
	addr       string // "" for any address
	port       int
	defaultSrv bool
}

type ngxName struct {
	exact    string // lower case
	leading  string // "*.example.org" kept as ".example.org"
	trailing string // "www.*" kept as "www."
	re       *pcreRegex
}

// ngxLoc is one location block.
type ngxLoc struct {
	node     *Node
	mod      string // "", "=", "^~", "~", "~*", "@"
	name     string
	re       *pcreRegex
	label    string
	parent   *ngxLoc
	children []*ngxLoc
}

// pcreRegex is a PCRE pattern run by Go's regexp when it compiles there, or
// by a backtracking engine for PCRE-only syntax (lookaround, backrefs).
type pcreRegex struct {
	std  *regexp.Regexp
	pcre *regexp2.Regexp
}

// nginxRegexTimeout bounds one backtracking match; a pattern that needs longer
// is reported as not matching, with a note.
const nginxRegexTimeout = 100 * time.Millisecond

func compilePCRE(pattern string, caseless bool) (*pcreRegex, error) {
	p := pattern
	if caseless {
		p = "(?i)" + p
	}
	if re, err := regexp.Compile(p); err == nil {
		return &pcreRegex{std: re}, nil
	}
	var opts []regexp2.CompileOption
	if caseless {
		opts = append(opts, regexp2.IgnoreCase)
	}
	re, err := regexp2.Compile(pattern, opts...)
	if err != nil {
		return nil, err
	}
	re.MatchTimeout = nginxRegexTimeout
	return &pcreRegex{pcre: re}, nil
}

// match reports whether s matches; ok is false when the match could not be
// run to the end.
func (r *pcreRegex) match(s string) (matched, ok bool) {
	if r.std != nil {
		return r.std.MatchString(s), true
	}
	m, err := r.pcre.MatchString(s)
	return m, err == nil
}

// captures returns $0..$n of the first match, or nil.
func (r *pcreRegex) captures(s string) []string {
	if r.std != nil {
		return r.std.FindStringSubmatch(s)
	}
	m, err := r.pcre.FindStringMatch(s)
	if err != nil || m == nil {
		return nil
	}
	var out []string
	for _, g := range m.Groups() {
		out = append(out, g.String())
	}
	return out
}

// LoadNginx reads the config at path and builds its evaluator.
func LoadNginx(path string) (*Nginx, error) {
	nodes, err := ReadNginx(path)
	if err != nil {
		return nil, err
	}
	n, err := NewNginx(nodes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return n, nil
}

// NewNginx builds the evaluator from ReadNginx's nodes. Server blocks are
// taken from inside http, or from the top level for a config fragment such
// as a sites-enabled file.
func NewNginx(nodes []*Node) (*Nginx, error) {
	n := &Nginx{maps: map[string]*Node{}}
	var serverNodes []*Node
	for _, top := range nodes {
		switch top.Name {
		case "http":
			n.http = top
			for _, c := range top.Children {
				switch {
				case c.Name == "server":
					serverNodes = append(serverNodes, c)
				case c.Name == "map" && len(c.Args) == 2 && strings.HasPrefix(c.Args[1], "$"):
					n.maps[strings.Trim(c.Args[1][1:], "{}")] = c
				}
			}
		case "server":
			serverNodes = append(serverNodes, top)
		}
	}
	if len(serverNodes) == 0 {
		return nil, fmt.Errorf("nginx config: no server block")
	}
	for _, sn := range serverNodes {
		s, err := n.newServer(sn)
		if err != nil {
			return nil, err
		}
		n.servers = append(n.servers, s)
	}
	return n, nil
}

func (n *Nginx) newServer(sn *Node) (*ngxServer, error) {
	s := &ngxServer{node: sn, named: map[string]*ngxLoc{}}
	for _, c := range sn.Children {
		switch c.Name {
		case "listen":
			l, err := parseNginxListen(c)
			if err != nil {
				return nil, err
			}
			if l != nil {
				s.listens = append(s.listens, *l)
			}
		case "server_name":
			for _, a := range c.Args {
				name, err := parseNginxServerName(a)
				if err != nil {
					return nil, &ParseError{File: c.File, Line: c.Line, Problem: fmt.Sprintf("server_name %s: %v", a, err)}
				}
				s.names = append(s.names, name)
			}
		}
	}
	if len(s.listens) == 0 {
		// nginx's default when a server has no listen (run as root).
		s.listens = []ngxListen{{port: 80}}
	}
	s.label = "server"
	for _, c := range sn.Children {
		if c.Name == "server_name" && len(c.Args) > 0 {
			s.label = "server " + c.Args[0]
			break
		}
	}
	locs, err := n.newLocations(s, sn, nil)
	if err != nil {
		return nil, err
	}
	s.locs = locs
	return s, nil
}

func (n *Nginx) newLocations(s *ngxServer, block *Node, parent *ngxLoc) ([]*ngxLoc, error) {
	var out []*ngxLoc
	for _, c := range block.Children {
		if c.Name != "location" {
			continue
		}
		l := &ngxLoc{node: c, parent: parent}
		switch {
		case len(c.Args) == 2:
			l.mod, l.name = c.Args[0], c.Args[1]
		case len(c.Args) == 1 && strings.HasPrefix(c.Args[0], "@"):
			l.mod, l.name = "@", c.Args[0]
		case len(c.Args) == 1 && len(c.Args[0]) > 1 && (c.Args[0][0] == '=' || c.Args[0][0] == '~'):
			// "=/x" and "~\.php$" written without a space.
			switch {
			case strings.HasPrefix(c.Args[0], "~*"):
				l.mod, l.name = "~*", c.Args[0][2:]
			case strings.HasPrefix(c.Args[0], "^~"):
				l.mod, l.name = "^~", c.Args[0][2:]
			default:
				l.mod, l.name = c.Args[0][:1], c.Args[0][1:]
			}
		case len(c.Args) == 1:
			l.name = c.Args[0]
		default:
			return nil, &ParseError{File: c.File, Line: c.Line, Problem: "location needs one or two arguments"}
		}
		switch l.mod {
		case "", "=", "^~", "@":
		case "~", "~*":
			re, err := compilePCRE(l.name, l.mod == "~*")
			if err != nil {
				return nil, &ParseError{File: c.File, Line: c.Line, Problem: fmt.Sprintf("location regex %s: %v", l.name, err)}
			}
			l.re = re
		default:
			return nil, &ParseError{File: c.File, Line: c.Line, Problem: fmt.Sprintf("location modifier %q is not one of = ^~ ~ ~*", l.mod)}
		}
		l.label = "location " + strings.Join(c.Args, " ")
		if l.mod == "@" {
			s.named[l.name] = l
		}
		children, err := n.newLocations(s, c, l)
		if err != nil {
			return nil, err
		}
		l.children = children
		out = append(out, l)
	}
	return out, nil
}

// parseNginxListen reads the address and port of a listen directive; a unix
// socket listen is skipped (nil).
func parseNginxListen(c *Node) (*ngxListen, error) {
	if len(c.Args) == 0 {
		return nil, &ParseError{File: c.File, Line: c.Line, Problem: "listen needs an address"}
	}
	a := c.Args[0]
	if strings.HasPrefix(a, "unix:") {
		return nil, nil
	}
	l := &ngxListen{port: 80}
	for _, opt := range c.Args[1:] {
		if opt == "default_server" || opt == "default" {
			l.defaultSrv = true
		}
	}
	if p, err := strconv.Atoi(a); err == nil {
		l.port = p
		return l, nil
	}
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		// An address alone, port 80.
		host = strings.Trim(a, "[]")
	} else {
		p, err := strconv.Atoi(port)
		if err != nil {
			return nil, &ParseError{File: c.File, Line: c.Line, Problem: fmt.Sprintf("listen %s: bad port", a)}
		}
		l.port = p
	}
	if host != "*" && host != "0.0.0.0" && host != "::" {
		l.addr = strings.ToLower(host)
	}
	return l, nil
}

func parseNginxServerName(a string) (ngxName, error) {
	switch {
	case strings.HasPrefix(a, "~"):
		re, err := compilePCRE(a[1:], false)
		if err != nil {
			return ngxName{}, err
		}
		return ngxName{re: re}, nil
	case strings.HasPrefix(a, "*."):
		return ngxName{leading: strings.ToLower(a[1:])}, nil
	case strings.HasPrefix(a, "."):
		// ".example.org" is example.org and *.example.org.
		return ngxName{exact: strings.ToLower(a[1:]), leading: strings.ToLower(a)}, nil
	case strings.HasSuffix(a, ".*"):
		return ngxName{trailing: strings.ToLower(a[:len(a)-1])}, nil
	}
	return ngxName{exact: strings.ToLower(a)}, nil
}

// selectServer picks the server block for host:port as nginx does: among
// the servers listening on the port (a specific address before the
// wildcard when host is that address), an exact name, then the longest
// leading wildcard, the longest trailing wildcard, the first matching
// regex, else the default_server, else the first.
func (n *Nginx) selectServer(host string, port int) (*ngxServer, []string) {
	var notes []string
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	var onPort []*ngxServer
	var addrs []string
	seenAddr := map[string]bool{}
	for _, s := range n.servers {
		for _, l := range s.listens {
			if l.port == port {
				onPort = append(onPort, s)
				if !seenAddr[l.addr] {
					seenAddr[l.addr] = true
					addrs = append(addrs, l.addr)
				}
				break
			}
		}
	}
	if len(onPort) == 0 {
		return nil, nil
	}
	// Servers are grouped by the address they listen on; the request does
	// not say which local address it reached, so take the host's when it is
	// one, else the only group, else the first with a note.
	addr := addrs[0]
	if seenAddr[host] {
		addr = host
	} else if len(addrs) > 1 {
		notes = append(notes, fmt.Sprintf("several addresses listen on port %d; assumed %s", port, ngxOrAny(addr)))
	}
	var group []*ngxServer
	var def *ngxServer
	for _, s := range onPort {
		for _, l := range s.listens {
			if l.port == port && l.addr == addr {
				group = append(group, s)
				if l.defaultSrv && def == nil {
					def = s
				}
				break
			}
		}
	}
	for _, s := range group {
		for _, nm := range s.names {
			if nm.exact != "" && nm.exact == host {
				return s, notes
			}
		}
	}
	// The longest matching wildcard wins: leading ("*.example.org") first,
	// then trailing ("www.*").
	for _, leading := range []bool{true, false} {
		if best := ngxLongestWildcard(group, host, leading); best != nil {
			return best, notes
		}
	}
	for _, s := range group {
		for _, nm := range s.names {
			if nm.re != nil {
				if m, _ := nm.re.match(host); m {
					return s, notes
				}
			}
		}
	}
	if def != nil {
		return def, notes
	}
	return group[0], notes
}

func ngxLongestWildcard(group []*ngxServer, host string, leading bool) *ngxServer {
	var best *ngxServer
	bestLen := 0
	for _, s := range group {
		for _, nm := range s.names {
			w, ok := nm.trailing, strings.HasPrefix(host, nm.trailing)
			if leading {
				w, ok = nm.leading, strings.HasSuffix(host, nm.leading)
			}
			if w != "" && ok && len(w) > bestLen {
				best, bestLen = s, len(w)
			}
		}
	}
	return best
}

func ngxOrAny(addr string) string {
	if addr == "" {
		return "*"
	}
	return addr
}

// findNginxLocation picks the location for uri among one level's locations as
// ngx_http_core_find_location does: an exact "=" match stops; otherwise the
// longest prefix is taken and its nested locations searched; then, unless
// that prefix is "^~", this level's regexes run in file order and the
// first match (searched for nested locations in turn) wins. A nested "^~"
// only stops its own parent's regexes. done reports an exact or regex match,
// which ends the search at every outer level.
func findNginxLocation(locs []*ngxLoc, uri string) (sel *ngxLoc, done bool, notes []string) {
	for _, l := range locs {
		if l.mod == "=" && l.name == uri {
			return l, true, nil
		}
	}
	var best *ngxLoc
	for _, l := range locs {
		if (l.mod == "" || l.mod == "^~") && strings.HasPrefix(uri, l.name) && (best == nil || len(l.name) > len(best.name)) {
			best = l
		}
	}
	sel = best
	if best != nil {
		sub, subDone, subNotes := findNginxLocation(best.children, uri)
		notes = append(notes, subNotes...)
		if subDone {
			return sub, true, notes
		}
		if sub != nil {
			sel = sub
		}
		if best.mod == "^~" {
			return sel, false, notes
		}
	}
	for _, l := range locs {
		if l.re == nil {
			continue
		}
		m, ok := l.re.match(uri)
		if !ok {
			notes = append(notes, fmt.Sprintf("the regex of %s at %s could not be run to the end; taken as not matching", l.label, l.node.Pos()))
		}
		if m {
			sub, _, subNotes := findNginxLocation(l.children, uri)
			notes = append(notes, subNotes...)
			if sub != nil {
				return sub, true, notes
			}
			return l, true, notes
		}
	}
	return sel, false, notes
}

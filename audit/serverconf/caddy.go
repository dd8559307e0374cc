package serverconf

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
)

// Caddy decides requests the way Caddy 2.6 does for a Caddyfile read by
// ReadCaddy: the site block a host and port select, the fixed directive
// order within a block (so a site-level basicauth wraps every handle),
// matchers, handle groups where only the first match runs, route's
// literal order, handle_path's prefix stripping, rewrites, and the walls:
// basicauth, respond/error statuses, abort, redir; forward_auth is
// reported as unsupported.
type Caddy struct {
	sites     []*caddySite // in the order Caddy tries them
	httpPort  int
	httpsPort int
	autoHTTPS bool // plain-HTTP requests for an HTTPS site are redirected
	notes     []string
}

var _ Evaluator = (*Caddy)(nil)

// Server names the server.
func (*Caddy) Server() string { return "caddy" }

type caddySite struct {
	node         *Node
	label        string
	addrs        []caddyAddr
	routes       []*caddyRoute
	handleErrors *Node
	notes        []string
}

// caddyAddr is one site address: [scheme://][host][:port][/path].
type caddyAddr struct {
	scheme, host, path string
	port               int
}

// caddyRoute is one handler directive with its matcher.
type caddyRoute struct {
	node    *Node
	dir     string // the name it sorts under (basicauth, handle for handle_path)
	match   *caddyMatchSet
	matcher string // the matcher token as written; "" for none
	args    []string
	group   string
	sub     []*caddyRoute // handle, handle_path, route
	strip   string        // handle_path's prefix
	context string
	// merged are the next routes with the same matcher and group, which
	// Caddy folds into this one: their handlers run on this match, with no
	// second look at a path an earlier handler (uri) changed.
	merged []*caddyRoute
}

// caddyDirectiveOrder is Caddy 2.6's order of handler directives in a
// block; basic_auth, the later spelling, sorts as basicauth.
var caddyDirectiveOrder = []string{
	"tracing", "map", "vars", "root", "skip_log", "header", "copy_response_headers", "request_body", "redir",
	"method", "rewrite", "uri", "try_files", "basicauth", "forward_auth", "request_header", "encode", "push",
	"templates", "handle", "handle_path", "route", "abort", "error", "copy_response", "respond", "metrics",
	"reverse_proxy", "php_fastcgi", "file_server", "acme_server",
}

// caddySiteOnly are the directives of a site block that add no handler.
var caddySiteOnly = map[string]bool{"bind": true, "tls": true, "log": true, "handle_errors": true, "import": true}

func caddyDirPosition(dir string) (int, bool) {
	for i, d := range caddyDirectiveOrder {
		if d == dir {
			return i, true
		}
	}
	return len(caddyDirectiveOrder), false
}

// NewCaddy builds the evaluator from ReadCaddy's nodes.
func NewCaddy(nodes []*Node) (*Caddy, error) {
	c := &Caddy{httpPort: 80, httpsPort: 443, autoHTTPS: true}
	for _, n := range nodes {
		if n.Name == "" {
			c.globalOptions(n)
		}
	}
	for _, n := range nodes {
		if n.Name == "" {
			continue
		}
		s, err := c.newSite(n)
		if err != nil {
			return nil, err
		}
		c.sites = append(c.sites, s)
	}
	if len(c.sites) == 0 {
		return nil, fmt.Errorf("caddyfile: no site block")
	}
	caddySortSites(c.sites)
	return c, nil
}

func (c *Caddy) globalOptions(n *Node) {
	for _, o := range n.Children {
		switch o.Name {
		case "http_port", "https_port":
			if len(o.Args) == 1 {
				if p, err := strconv.Atoi(o.Args[0]); err == nil {
					if o.Name == "http_port" {
						c.httpPort = p
					} else {
						c.httpsPort = p
					}
				}
			}
		case "auto_https":
			if len(o.Args) > 0 && (o.Args[0] == "off" || o.Args[0] == "disable_redirects") {
				c.autoHTTPS = false
			}
		case "order":
			c.notes = append(c.notes, fmt.Sprintf("the global order option at %s changes the directive order; it is not modelled", o.Pos()))
		}
	}
}

func (c *Caddy) newSite(n *Node) (*caddySite, error) {
	s := &caddySite{node: n, label: "site " + strings.Join(append([]string{n.Name}, n.Args...), " ")}
	for _, key := range append([]string{n.Name}, n.Args...) {
		a, err := c.parseAddress(key)
		if err != nil {
			return nil, &ParseError{File: n.File, Line: n.Line, Problem: err.Error()}
		}
		s.addrs = append(s.addrs, a)
	}
	for _, d := range n.Children {
		if d.Name == "handle_errors" {
			s.handleErrors = d
		}
	}
	routes, err := c.buildRoutes(s, n.Children, map[string]*caddyMatchSet{}, true, s.label)
	if err != nil {
		return nil, err
	}
	s.routes = routes
	return s, nil
}

// parseAddress reads a site address as Caddy does; the port defaults to
// the HTTP port for http:// and to the HTTPS port otherwise.
func (c *Caddy) parseAddress(key string) (caddyAddr, error) {
	a := caddyAddr{}
	rest := key
	if i := strings.Index(rest, "://"); i >= 0 {
		a.scheme, rest = strings.ToLower(rest[:i]), rest[i+3:]
		if a.scheme != "http" && a.scheme != "https" {
			return a, fmt.Errorf("site address %q: unsupported scheme %s", key, a.scheme)
		}
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		a.path, rest = rest[i:], rest[:i]
	}
	host, port := rest, ""
	if h, p, err := net.SplitHostPort(rest); err == nil {
		host, port = h, p
	} else if strings.HasPrefix(rest, ":") {
		host, port = "", rest[1:]
	}
	a.host = strings.ToLower(host)
	switch {
	case port != "":
		p, err := strconv.Atoi(port)
		if err != nil || p < 0 || p > 65535 {
			return a, fmt.Errorf("site address %q: bad port %q", key, port)
		}
		a.port = p
	case a.scheme == "http":
		a.port = c.httpPort
	default:
		a.port = c.httpsPort
	}
	return a, nil
}

// caddySortSites orders site blocks as Caddy tries them: the most
// specific host first (length less wildcards and placeholders), hosts
// with a wildcard after those without, blocks with no host last; equal
// hosts by the longer path.
func caddySortSites(sites []*caddySite) {
	sort.SliceStable(sites, func(i, j int) bool {
		iHost, iPath, iWild := caddyLongest(sites[i])
		jHost, jPath, jWild := caddyLongest(sites[j])
		if caddySpecificity(iHost) == 0 {
			return false
		}
		if caddySpecificity(jHost) == 0 {
			return true
		}
		if iWild != jWild {
			return jWild && !iWild
		}
		if caddySpecificity(iHost) == caddySpecificity(jHost) {
			return len(iPath) > len(jPath)
		}
		return caddySpecificity(iHost) > caddySpecificity(jHost)
	})
}

func caddyLongest(s *caddySite) (host, path string, wild bool) {
	for _, a := range s.addrs {
		if strings.Contains(a.host, "*") || a.host == "" {
			wild = true
		}
		if caddySpecificity(a.host) > caddySpecificity(host) {
			host = a.host
		}
		if caddySpecificity(a.path) > caddySpecificity(path) {
			path = a.path
		}
	}
	return host, path, wild
}

// caddySpecificity is a length that does not count wildcards and
// placeholders.
func caddySpecificity(s string) int {
	l := len(s) - strings.Count(s, "*")
	for len(s) > 0 {
		start := strings.Index(s, "{")
		if start < 0 {
			return l
		}
		end := strings.Index(s[start:], "}") + start + 1
		if end <= start {
			return l
		}
		l -= end - start
		s = s[end:]
	}
	return l
}

// buildRoutes turns a block's directives into routes: named matchers
// first (inherited ones plus this block's), then one route per handler
// directive, sorted by Caddy's directive order unless the block is a
// route { }.
func (c *Caddy) buildRoutes(s *caddySite, block []*Node, inherited map[string]*caddyMatchSet, sorted bool, ctx string) ([]*caddyRoute, error) {
	named := make(map[string]*caddyMatchSet, len(inherited))
	for k, v := range inherited {
		named[k] = v
	}
	for _, d := range block {
		if strings.HasPrefix(d.Name, "@") {
			m, err := caddyParseMatcherDef(d, named[d.Name])
			if err != nil {
				return nil, err
			}
			named[d.Name] = m
		}
	}
	var routes []*caddyRoute
	for _, d := range block {
		if strings.HasPrefix(d.Name, "@") || caddySiteOnly[d.Name] {
			continue
		}
		dir := d.Name
		switch dir {
		case "basic_auth":
			dir = "basicauth"
		case "handle_path":
			dir = "handle"
		}
		if _, known := caddyDirPosition(dir); !known {
			s.notes = append(s.notes, fmt.Sprintf("%s at %s is not a handler directive Caddy 2.6 knows; it may change the answer", d.Name, d.Pos()))
			continue
		}
		r := &caddyRoute{node: d, dir: dir, args: d.Args, context: ctx}
		if d.Name == "handle_path" {
			if len(d.Args) != 1 || !strings.HasPrefix(d.Args[0], "/") {
				return nil, &ParseError{File: d.File, Line: d.Line, Problem: "handle_path needs one path prefix"}
			}
			r.matcher, r.match = d.Args[0], &caddyMatchSet{node: d, hasPath: true, paths: []string{strings.ToLower(d.Args[0])}, rawPaths: []string{d.Args[0]}}
			// "/api/*" and "/api*" strip "/api"; a path without "*" strips itself.
			r.args = nil
			switch p := d.Args[0]; {
			case strings.HasSuffix(p, "/*"):
				r.strip = p[:len(p)-2]
			case strings.HasSuffix(p, "*"):
				r.strip = p[:len(p)-1]
			default:
				r.strip = p
			}
		} else if len(d.Args) > 0 && caddyIsMatcherToken(d.Args[0]) {
			tok := d.Args[0]
			r.matcher, r.args = tok, d.Args[1:]
			switch {
			case tok == "*":
			case strings.HasPrefix(tok, "/"):
				r.match = &caddyMatchSet{node: d, hasPath: true, paths: []string{strings.ToLower(tok)}, rawPaths: []string{tok}}
			default:
				m, ok := named[tok]
				if !ok {
					return nil, &ParseError{File: d.File, Line: d.Line, Problem: fmt.Sprintf("unknown matcher %s", tok)}
				}
				r.match = m
			}
		}
		if d.Block && (dir == "handle" || dir == "route") {
			sub, err := c.buildRoutes(s, d.Children, named, dir == "handle", ctx+" > "+directiveText(d))
			if err != nil {
				return nil, err
			}
			r.sub = sub
		}
		routes = append(routes, r)
	}
	if sorted {
		caddySortRoutes(routes)
		caddyGroup(routes)
		routes = caddyConsolidate(routes)
	}
	return routes, nil
}

// caddyConsolidate folds each route into the one before it when both have
// the same matcher and group, as Caddy's consolidateRoutes does.
func caddyConsolidate(routes []*caddyRoute) []*caddyRoute {
	var out []*caddyRoute
	for _, r := range routes {
		if n := len(out); n > 0 && out[n-1].group == r.group && out[n-1].match.key() == r.match.key() {
			out[n-1].merged = append(out[n-1].merged, r)
			continue
		}
		out = append(out, r)
	}
	return out
}

func caddyIsMatcherToken(tok string) bool {
	return tok == "*" || strings.HasPrefix(tok, "/") || strings.HasPrefix(tok, "@")
}

// caddySortRoutes is Caddy's sortRoutes: by directive order, then, for
// one directive, the longer single path first when both routes have
// exactly one path, else a route with a matcher before one without.
func caddySortRoutes(routes []*caddyRoute) {
	sort.SliceStable(routes, func(i, j int) bool {
		a, b := routes[i], routes[j]
		if a.dir != b.dir {
			pa, _ := caddyDirPosition(a.dir)
			pb, _ := caddyDirPosition(b.dir)
			return pa < pb
		}
		la, lb := a.match.sortPathLen(), b.match.sortPathLen()
		if a.dir == "vars" {
			if la > 0 && lb > 0 {
				return la < lb
			}
			return a.match == nil && b.match != nil
		}
		if la > 0 && lb > 0 {
			return la > lb
		}
		return a.match != nil && b.match == nil
	})
}

// caddyGroup puts mutually exclusive directives in groups where only the
// first matching route runs: handle (with handle_path) and root when
// there are several, rewrite always.
func caddyGroup(routes []*caddyRoute) {
	count := map[string]int{}
	for _, r := range routes {
		count[r.dir]++
	}
	for _, r := range routes {
		switch r.dir {
		case "rewrite":
			r.group = "rewrite"
		case "handle", "root":
			if count[r.dir] > 1 {
				r.group = r.dir
			}
		}
	}
}

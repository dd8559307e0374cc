package serverconf

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// caddyState is one request as it moves through a site's routes.
type caddyState struct {
	req      Request
	method   string
	host     string
	path     string // decoded, as r.URL.Path; rewrites change it
	rawPath  string // as escaped on the wire (prefix stripping works on it)
	query    string
	site     *caddySite
	selected *Selection
	depends  *Node // the first address rule met on the way
	notes    []string
	unsure   bool
}

// header returns a request header as the crawler sends it: only the
// User-Agent is known; any other field is taken as absent, with a note.
func (st *caddyState) header(field string, res *caddyMatchResult) (string, bool) {
	if field == "User-Agent" {
		return st.req.UserAgent, st.req.UserAgent != ""
	}
	res.notes = append(res.notes, fmt.Sprintf("a header matcher on %s: the field is taken as not sent", field))
	return "", false
}

func (st *caddyState) note(notes ...string) {
	for _, n := range notes {
		if n != "" && !caddyContains(st.notes, n) {
			st.notes = append(st.notes, n)
		}
	}
}

// caddyStop is an answer decided by a directive.
type caddyStop struct {
	status  int
	outcome Outcome
	mech    string
	realm   string
	by      *Node
	context string
	isError bool // sent as an error, which handle_errors may rewrite
}

// Evaluate decides what an anonymous request gets.
func (c *Caddy) Evaluate(req Request) Verdict {
	st := &caddyState{req: req, method: strings.ToUpper(req.Method), host: strings.TrimSuffix(strings.ToLower(req.Host), ".")}
	if st.method == "" {
		st.method = "GET"
	}
	st.note(c.notes...)
	port := req.Port
	if port == 0 {
		port = c.httpPort
	}
	u, err := url.ParseRequestURI(req.Path)
	if err != nil || !strings.HasPrefix(req.Path, "/") {
		st.note("the request target is malformed: Caddy's HTTP server answers 400 Bad Request")
		return c.finish(st, 400, OutcomeOpen, nil)
	}
	st.path, st.rawPath, st.query = u.Path, u.EscapedPath(), u.RawQuery
	site := c.selectSite(st, port)
	if site == nil {
		if stop := c.autoHTTPSRedirect(st, port); stop != nil {
			return c.finish(st, stop.status, stop.outcome, stop)
		}
		if !c.listensOn(port) {
			st.note(fmt.Sprintf("no site block listens on port %d", port))
			st.unsure = true
		} else {
			st.note(fmt.Sprintf("no site block on port %d matches host %q: Caddy answers an empty 200", port, req.Host))
		}
		return c.finish(st, 200, OutcomeOpen, nil)
	}
	st.site = site
	st.selected = &Selection{File: site.node.File, Line: site.node.Line, Context: site.label}
	st.note(site.notes...)
	stop, _ := c.run(st, site.routes)
	if stop == nil {
		return c.finish(st, 200, OutcomeOpen, nil)
	}
	if stop.isError && site.handleErrors != nil {
		st.note(fmt.Sprintf("handle_errors at %s may change what the %d looks like", site.handleErrors.Pos(), stop.status))
		st.unsure = true
	}
	return c.finish(st, stop.status, stop.outcome, stop)
}

func (c *Caddy) finish(st *caddyState, status int, outcome Outcome, stop *caddyStop) Verdict {
	v := Verdict{Status: status, Outcome: outcome, Certainty: Certain, Selected: st.selected, Notes: st.notes}
	if stop != nil {
		v.Mechanism, v.Realm = stop.mech, stop.realm
		if stop.by != nil {
			v.DecidedBy = &Ref{File: stop.by.File, Line: stop.by.Line, Directive: directiveText(stop.by), Context: stop.context}
		}
	}
	if st.depends != nil && outcome != OutcomeUnsupported {
		v.Outcome = OutcomeDepends
		if v.DecidedBy == nil {
			v.Mechanism = "ip-rule"
			v.DecidedBy = &Ref{File: st.depends.File, Line: st.depends.Line, Directive: directiveText(st.depends), Context: st.site.label}
		}
	}
	if st.unsure {
		v.Certainty = Uncertain
	}
	return v
}

// selectSite takes the first site block, in Caddy's order, with an
// address on the port whose host (none: any) and path match.
func (c *Caddy) selectSite(st *caddyState, port int) *caddySite {
	for _, s := range c.sites {
		for _, a := range s.addrs {
			if a.port != port {
				continue
			}
			if a.host != "" && !caddyMatchHost([]string{a.host}, st.host) {
				continue
			}
			if a.path != "" && !caddyMatchPath([]string{strings.ToLower(a.path)}, st.path) {
				continue
			}
			return s
		}
	}
	return nil
}

func (c *Caddy) listensOn(port int) bool {
	for _, s := range c.sites {
		for _, a := range s.addrs {
			if a.port == port {
				return true
			}
		}
	}
	return false
}

// autoHTTPSRedirect: on the HTTP port, a host that only an HTTPS site
// names is redirected to HTTPS (308) by Caddy's automatic HTTPS.
func (c *Caddy) autoHTTPSRedirect(st *caddyState, port int) *caddyStop {
	if !c.autoHTTPS || port != c.httpPort {
		return nil
	}
	for _, s := range c.sites {
		for _, a := range s.addrs {
			if a.scheme != "http" && a.host != "" && a.port != c.httpPort && caddyMatchHost([]string{a.host}, st.host) {
				st.selected = &Selection{File: s.node.File, Line: s.node.Line, Context: s.label}
				st.note("automatic HTTPS redirects plain HTTP to https://")
				return &caddyStop{status: 308, outcome: OutcomeReturn, mech: "auto_https", by: s.node, context: s.label}
			}
		}
	}
	return nil
}

// run runs routes in order; only the first matching route of a group
// runs. It returns the answer, or terminal when a content handler
// answers with no wall, or neither when the chain goes on.
func (c *Caddy) run(st *caddyState, routes []*caddyRoute) (stop *caddyStop, terminal bool) {
	seen := map[string]bool{}
	for _, r := range routes {
		if r.group != "" && seen[r.group] {
			continue
		}
		res := r.match.match(st)
		st.note(res.notes...)
		if len(res.notes) > 0 && res.remote == nil {
			st.unsure = true
		}
		if res.remote != nil && st.depends == nil {
			st.depends = res.remote
		}
		if !res.matched {
			continue
		}
		if r.group != "" {
			seen[r.group] = true
		}
		for _, h := range append([]*caddyRoute{r}, r.merged...) {
			if stop, terminal := c.handle(st, h, res); stop != nil || terminal {
				return stop, terminal
			}
		}
	}
	return nil, false
}

// handle runs one matched route's handler.
func (c *Caddy) handle(st *caddyState, r *caddyRoute, res caddyMatchResult) (*caddyStop, bool) {
	wall := func(status int, outcome Outcome, mech string) *caddyStop {
		if res.ua != nil && (outcome == OutcomeReturn || outcome == OutcomeAuth) {
			st.note(fmt.Sprintf("a User-Agent matcher at %s decided", res.ua.Pos()))
			if outcome == OutcomeReturn {
				mech = "ua-rule"
			}
		}
		return &caddyStop{status: status, outcome: outcome, mech: mech, by: r.node, context: r.context}
	}
	switch r.dir {
	case "basicauth":
		s := wall(401, OutcomeAuth, "basic")
		s.realm, s.isError = "restricted", true
		if len(r.args) >= 2 {
			s.realm = r.args[1]
		}
		return s, false
	case "forward_auth":
		st.note(fmt.Sprintf("forward_auth at %s: the answer comes from another service", r.node.Pos()))
		return &caddyStop{status: 0, outcome: OutcomeUnsupported, mech: "forward-auth", by: r.node, context: r.context}, false
	case "respond":
		return wall(caddyRespondStatus(r.args), OutcomeReturn, "respond"), false
	case "error":
		s := wall(caddyErrorStatus(r.args), OutcomeReturn, "error")
		s.isError = true
		return s, false
	case "abort":
		st.note("abort closes the connection without an answer")
		return wall(0, OutcomeReturn, "abort"), false
	case "redir":
		return wall(caddyRedirStatus(r.args), OutcomeReturn, "redir"), false
	case "rewrite":
		if len(r.args) == 1 {
			c.rewrite(st, r, r.args[0])
		}
	case "uri":
		c.uri(st, r)
	case "try_files":
		st.note(fmt.Sprintf("%s at %s: assumed that none of the files exists (no rewrite)", directiveText(r.node), r.node.Pos()))
		st.unsure = true
	case "handle", "route":
		if r.strip != "" {
			st.stripPrefix(r.strip)
		}
		if r.node.Name != "route" {
			st.selected = &Selection{File: r.node.File, Line: r.node.Line, Context: r.context + " > " + directiveText(r.node)}
		}
		return c.run(st, r.sub)
	case "reverse_proxy", "php_fastcgi", "file_server", "acme_server", "copy_response", "metrics":
		return nil, true
	}
	return nil, false
}

var caddyStatusRE = regexp.MustCompile(`^[1-5][0-9][0-9]$`)

// caddyRespondStatus: respond [status|body] [status]; 200 by default.
func caddyRespondStatus(args []string) int {
	switch {
	case len(args) >= 2:
		if n, err := strconv.Atoi(args[1]); err == nil {
			return n
		}
	case len(args) == 1 && caddyStatusRE.MatchString(args[0]):
		n, _ := strconv.Atoi(args[0])
		return n
	}
	return 200
}

// caddyErrorStatus: error [status|message] [status]; 500 by default.
func caddyErrorStatus(args []string) int {
	switch {
	case len(args) >= 2:
		if n, err := strconv.Atoi(args[1]); err == nil {
			return n
		}
	case len(args) == 1 && len(args[0]) == 3:
		if n, err := strconv.Atoi(args[0]); err == nil {
			return n
		}
	}
	return 500
}

// caddyRedirStatus: redir <to> [code|permanent|temporary|html].
func caddyRedirStatus(args []string) int {
	if len(args) < 2 {
		return 302
	}
	switch args[1] {
	case "permanent":
		return 301
	case "temporary":
		return 302
	case "html":
		return 200
	}
	if n, err := strconv.Atoi(args[1]); err == nil {
		return n
	}
	return 302
}

// rewrite sets the path from a target that may use {path}, {uri} and
// {query}; other placeholders leave the path as it was, with a note.
func (c *Caddy) rewrite(st *caddyState, r *caddyRoute, to string) {
	to = strings.NewReplacer("{path}", st.path, "{http.request.uri.path}", st.path, "{query}", st.query, "{uri}", st.path+caddyQuery(st.query)).Replace(to)
	if strings.Contains(to, "{") {
		st.note(fmt.Sprintf("%s at %s uses a placeholder the config does not tell; the path is kept", directiveText(r.node), r.node.Pos()))
		st.unsure = true
		return
	}
	p, q, hasQuery := strings.Cut(to, "?")
	if hasQuery {
		st.query = q
	}
	if p == "" {
		return
	}
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	st.setPath(p)
}

func (st *caddyState) setPath(p string) {
	st.path, st.rawPath = p, (&url.URL{Path: p}).EscapedPath()
}

func caddyQuery(q string) string {
	if q == "" {
		return ""
	}
	return "?" + q
}

// uri applies uri strip_prefix, strip_suffix, replace and path_regexp.
func (c *Caddy) uri(st *caddyState, r *caddyRoute) {
	a := r.args
	if len(a) < 2 {
		return
	}
	switch a[0] {
	case "strip_prefix":
		st.stripPrefix(a[1])
	case "strip_suffix":
		clean := caddyCleanPath(st.path, true)
		// Compared without case on the bytes themselves: lower-casing can
		// change a string's length (the Kelvin sign, invalid UTF-8).
		if n := len(a[1]); len(clean) >= n && strings.EqualFold(clean[len(clean)-n:], a[1]) {
			st.setPath(clean[:len(clean)-n])
		}
	case "replace":
		if len(a) >= 3 {
			st.setPath(strings.Replace(st.path, a[1], a[2], -1))
		}
	case "path_regexp":
		if len(a) >= 3 {
			if re, err := regexp.Compile(a[1]); err == nil {
				st.setPath(re.ReplaceAllString(st.path, a[2]))
			}
		}
	}
}

// stripPrefix is Caddy's strip_path_prefix: it works on the escaped path,
// cleaned, ignoring case; an escape in the path meets a plain character of
// the prefix decoded. When the prefix does not lead the path, nothing
// changes (so "/blog/..%2F..%2Fadmin/" keeps its "/blog/" for a prefix
// "/admin").
func (st *caddyState) stripPrefix(prefix string) {
	raw := caddyCleanPath(st.rawPath, !strings.Contains(prefix, "//"))
	i, j := 0, 0
	for ; i < len(raw) && j < len(prefix); j++ {
		c := raw[i]
		if c == '%' && prefix[j] != '%' && i+2 < len(raw) {
			if d, err := url.PathUnescape(raw[i : i+3]); err == nil {
				if !strings.EqualFold(d, prefix[j:j+1]) {
					return
				}
				i += 3
				continue
			}
		}
		if !strings.EqualFold(raw[i:i+1], prefix[j:j+1]) {
			return
		}
		i++
	}
	if j < len(prefix) {
		return
	}
	// Caddy keeps what is left as it is, even without a leading slash.
	rest := raw[i:]
	if p, err := url.PathUnescape(rest); err == nil {
		st.path, st.rawPath = p, rest
	}
}

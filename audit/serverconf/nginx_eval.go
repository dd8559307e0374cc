package serverconf

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// nginxMaxRedirects is nginx's own bound (NGX_HTTP_MAX_URI_CHANGES); past
// it nginx answers 500.
const nginxMaxRedirects = 10

// ngxRequest is one request as it moves through the phases.
type ngxRequest struct {
	req       Request
	method    string
	rawURI    string // request_uri as sent
	uri       string // the URI being served, after redirects
	query     string
	srv       *ngxServer
	verdict   Verdict
	redirects int
	// errorPage is set while serving an error_page target: nginx does not
	// apply error_page again (recursive_error_pages off).
	errorPage bool
	// depends is the first rule that makes the answer depend on what the
	// request does not tell (an if on an unknown variable, an address
	// rule): the verdict's outcome is then "depends".
	depends *ngxStop
	// special: the last answer went out as nginx's special response (an
	// error or redirect status without a body of its own), which replaces
	// the status of an error page being served.
	special bool
	// vars are the config's set variables; maps its http-level maps by
	// the variable they define.
	vars     map[string]ngxVar
	maps     map[string]*Node
	mapDepth int
	// inMap holds the maps being evaluated: nginx refuses a map that needs
	// itself ("cycle while evaluating variable"). mapCalls bounds the work
	// of maps that read other maps many times over.
	inMap    map[*Node]bool
	mapCalls int
}

// ngxMaxMapCalls bounds map evaluations per request; past it a map's
// value is unknown.
const ngxMaxMapCalls = 10000

// Evaluate decides what an anonymous request gets. It only reads the
// evaluator, so one Nginx may serve concurrent calls.
func (n *Nginx) Evaluate(req Request) Verdict {
	req = absoluteFormTarget(req)
	r := &ngxRequest{req: req, method: strings.ToUpper(req.Method), rawURI: req.Path, maps: n.maps}
	if r.method == "" {
		r.method = "GET"
	}
	port := req.Port
	if port == 0 {
		port = 80
	}
	r.verdict = Verdict{Certainty: Certain}
	srv, notes := n.selectServer(req.Host, port)
	r.note(notes...)
	if srv == nil {
		r.note(fmt.Sprintf("no server block listens on port %d", port))
		r.verdict.Certainty = Uncertain
		return r.finish(200, OutcomeOpen, "", "", nil, "")
	}
	r.srv = srv
	r.verdict.Selected = &Selection{File: srv.node.File, Line: srv.node.Line, Context: srv.label}
	uri, query, ok := normalizeNginxURI(req.Path)
	r.query = query
	if !ok {
		r.note("the path is malformed or climbs above the root with \"..\": nginx answers 400 Bad Request")
		return r.finish(400, OutcomeOpen, "", "", nil, "")
	}
	return n.run(r, uri, true)
}

// absoluteFormTarget turns "http://host/path" into its path, the host
// taking the place of Host as nginx does; an empty target is "/".
func absoluteFormTarget(req Request) Request {
	if req.Path == "" {
		req.Path = "/"
		return req
	}
	lower := strings.ToLower(req.Path)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
		return req
	}
	u, err := url.Parse(req.Path)
	if err != nil {
		return req
	}
	req.Host = u.Hostname()
	req.Path = u.EscapedPath()
	if req.Path == "" {
		req.Path = "/"
	}
	if u.RawQuery != "" {
		req.Path += "?" + u.RawQuery
	}
	return req
}

func (r *ngxRequest) note(notes ...string) {
	for _, s := range notes {
		if s != "" {
			r.verdict.Notes = append(r.verdict.Notes, s)
		}
	}
}

// redirectLoop: past nginx's bound on internal redirects the answer is a
// 500, sent as a special response.
func (r *ngxRequest) redirectLoop() Verdict {
	r.note("more than 10 internal redirects: nginx answers 500")
	r.special = true
	return r.finish(500, OutcomeOpen, "", "", nil, "")
}

// finish fills the verdict's answer.
func (r *ngxRequest) finish(status int, outcome Outcome, mech, realm string, by *Node, context string) Verdict {
	if r.depends != nil {
		outcome = OutcomeDepends
		if by == nil {
			by, context, mech = r.depends.by, r.depends.context, r.depends.mech
		}
	}
	r.verdict.Status = status
	r.verdict.Outcome = outcome
	r.verdict.Mechanism = mech
	r.verdict.Realm = realm
	r.verdict.DecidedBy = nil
	if by != nil {
		r.verdict.DecidedBy = &Ref{File: by.File, Line: by.Line, Directive: ngxDirectiveText(by), Context: context}
	}
	return r.verdict
}

// run serves uri from the server rewrite phase on; first is the request
// as it arrived (not an internal redirect).
func (n *Nginx) run(r *ngxRequest, uri string, first bool) Verdict {
	// Server-level rewrite phase.
	res := n.rewritePhase(r, r.srv.node.Children, []string{r.srv.label}, uri)
	if res.stop != nil {
		return n.answer(r, res.stop, nil)
	}
	uri = res.uri
	for {
		r.uri = uri
		loc, notes := n.locate(r, uri)
		r.note(notes...)
		sel := n.selection(r, loc)
		if first {
			r.verdict.Selected = &sel
		} else {
			r.verdict.Redirects = append(r.verdict.Redirects, Redirect{URI: uri, Selected: sel})
		}
		if first && loc != nil && ngxHasDirective(loc.node, "internal") {
			r.note(fmt.Sprintf("%s at %s is internal: a request from outside gets 404", loc.label, loc.node.Pos()))
			return r.finish(404, OutcomeOpen, "", "", nil, "")
		}
		res := ngxRewriteResult{uri: uri}
		if loc != nil {
			block, ctx := n.rewriteBlockOf(r, loc)
			res = n.rewritePhase(r, block.Children, ctx, uri)
			if res.stop != nil {
				return n.answer(r, res.stop, loc)
			}
		}
		// Lua's rewrite handler runs after the rewrite module's, before the
		// new location search a changed URI asks for.
		if st := n.rewriteModule(r, loc); st != nil {
			return n.answer(r, st, loc)
		}
		if res.uri != uri && !res.brk {
			// "rewrite ... last" or a changed URI: find the location again.
			if r.redirects++; r.redirects > nginxMaxRedirects {
				return r.redirectLoop()
			}
			uri, first = res.uri, false
			continue
		}
		uri = res.uri
		if st := n.accessPhase(r, loc); st != nil {
			return n.answer(r, st, loc)
		}
		return n.contentPhase(r, loc, uri)
	}
}

// rewriteBlockOf is the block whose rewrite directives run for loc: the
// location's own, or, when a limit_except applies to the method, that
// block's (which inherits none: a return in the location is then skipped
// and the limit_except's deny answers, as nginx 1.22 does).
func (n *Nginx) rewriteBlockOf(r *ngxRequest, loc *ngxLoc) (*Node, []string) {
	ctx := n.contextOf(r, loc)
	if le := limitExceptFor(r, loc); le != nil {
		return le, append(ctx, ngxDirectiveText(le))
	}
	return loc.node, ctx
}

// locate finds the location for uri in the request's server.
func (n *Nginx) locate(r *ngxRequest, uri string) (*ngxLoc, []string) {
	loc, _, notes := findNginxLocation(r.srv.locs, uri)
	return loc, notes
}

func (n *Nginx) selection(r *ngxRequest, loc *ngxLoc) Selection {
	if loc == nil {
		return Selection{File: r.srv.node.File, Line: r.srv.node.Line, Context: r.srv.label}
	}
	return Selection{File: loc.node.File, Line: loc.node.Line, Context: strings.Join(n.contextOf(r, loc), " > ")}
}

// contextOf is the chain of block labels from the server down to loc.
func (n *Nginx) contextOf(r *ngxRequest, loc *ngxLoc) []string {
	var chain []string
	for l := loc; l != nil; l = l.parent {
		chain = append([]string{l.label}, chain...)
	}
	return append([]string{r.srv.label}, chain...)
}

// levels lists the blocks whose settings a request in loc inherits,
// outermost first, with their context labels.
func (n *Nginx) levels(r *ngxRequest, loc *ngxLoc) ([]*Node, []string) {
	var nodes []*Node
	var labels []string
	if n.http != nil {
		nodes, labels = append(nodes, n.http), append(labels, "http")
	}
	nodes, labels = append(nodes, r.srv.node), append(labels, r.srv.label)
	var chain []*ngxLoc
	for l := loc; l != nil; l = l.parent {
		chain = append([]*ngxLoc{l}, chain...)
	}
	ctx := r.srv.label
	for _, l := range chain {
		ctx += " > " + l.label
		nodes, labels = append(nodes, l.node), append(labels, ctx)
	}
	return nodes, labels
}

// ngxStop is a status decided by a directive.
type ngxStop struct {
	status  int
	outcome Outcome
	mech    string
	realm   string
	by      *Node
	context string
	// hasBody: a return with text or a URL; error_page does not apply.
	hasBody bool
	// location is the redirect target of a return or rewrite, if any.
	location string
}

// answer turns a stop into the verdict, following error_page for error
// statuses.
func (n *Nginx) answer(r *ngxRequest, st *ngxStop, loc *ngxLoc) Verdict {
	r.special = st.status >= 300 && (!st.hasBody || st.location != "")
	if st.status >= 400 && !st.hasBody && !r.errorPage {
		if v, ok := n.errorPage(r, st, loc); ok {
			return v
		}
	}
	return r.finish(st.status, st.outcome, st.mech, st.realm, st.by, st.context)
}

// errorPage applies the error_page that covers st.status in loc, if any.
func (n *Nginx) errorPage(r *ngxRequest, st *ngxStop, loc *ngxLoc) (Verdict, bool) {
	nodes, _ := n.levels(r, loc)
	pages := ngxInnermost(nodes, "error_page")
	code := strconv.Itoa(st.status)
	for _, ep := range pages {
		if len(ep.Args) < 2 {
			continue
		}
		target := ep.Args[len(ep.Args)-1]
		codes := ep.Args[:len(ep.Args)-1]
		override := ""
		hasOverride := false
		if last := codes[len(codes)-1]; strings.HasPrefix(last, "=") {
			override, hasOverride = last[1:], true
			codes = codes[:len(codes)-1]
		}
		found := false
		for _, c := range codes {
			if c == code {
				found = true
			}
		}
		if !found {
			continue
		}
		r.note(fmt.Sprintf("%s at %s answers the %d", ngxDirectiveText(ep), ep.Pos(), st.status))
		if !strings.HasPrefix(target, "/") && !strings.HasPrefix(target, "@") {
			// An external redirect: 302 unless a redirect code is given.
			status := 302
			if oc, err := strconv.Atoi(override); err == nil && oc >= 301 && oc <= 308 {
				status = oc
			}
			return r.finish(status, st.outcome, st.mech, st.realm, st.by, st.context), true
		}
		status := st.status
		if oc, err := strconv.Atoi(override); err == nil {
			status = oc
		}
		// The target is served by an internal redirect (as GET); the status
		// stays the error's (or the override's) unless "=" alone asks for
		// the target's own.
		method := r.method
		r.errorPage, r.method, r.special = true, "GET", false
		var inner Verdict
		if strings.HasPrefix(target, "@") {
			inner = n.runNamed(r, target, r.uri)
		} else {
			inner = n.internalRedirect(r, target)
		}
		r.errorPage, r.method = false, method
		if r.special {
			// The error page's own request was refused or redirected: nginx
			// sends that status as it is (recursive_error_pages is off),
			// whatever this error_page says. A return with a body only
			// supplies the page.
			r.note(fmt.Sprintf("the error page %s is itself answered by %s", target, inner.Mechanism))
			return inner, true
		}
		if hasOverride && override == "" {
			status = inner.Status
		}
		return r.finish(status, st.outcome, st.mech, st.realm, st.by, st.context), true
	}
	return Verdict{}, false
}

// runNamed serves a named location (@name) reached by error_page or
// try_files: no location search, its own rewrite, access and content
// phases, with the URI unchanged.
func (n *Nginx) runNamed(r *ngxRequest, name, uri string) Verdict {
	if r.redirects++; r.redirects > nginxMaxRedirects {
		return r.redirectLoop()
	}
	r.uri = uri
	loc := r.srv.named[name]
	if loc == nil {
		r.note(fmt.Sprintf("named location %s is not defined: nginx would refuse the config", name))
		r.verdict.Certainty = Uncertain
		return r.finish(500, OutcomeOpen, "", "", nil, "")
	}
	sel := n.selection(r, loc)
	r.verdict.Redirects = append(r.verdict.Redirects, Redirect{URI: name, Selected: sel})
	block, ctx := n.rewriteBlockOf(r, loc)
	res := n.rewritePhase(r, block.Children, ctx, uri)
	if res.stop != nil {
		return n.answer(r, res.stop, loc)
	}
	if st := n.rewriteModule(r, loc); st != nil {
		return n.answer(r, st, loc)
	}
	if st := n.accessPhase(r, loc); st != nil {
		return n.answer(r, st, loc)
	}
	return n.contentPhase(r, loc, res.uri)
}

// contentPhase: try_files, then index for a URI ending in "/"; anything
// else is served by a content handler with no wall.
func (n *Nginx) contentPhase(r *ngxRequest, loc *ngxLoc, uri string) Verdict {
	block := r.srv.node
	if loc != nil {
		block = loc.node
	}
	if tf := ngxLastDirective(block, "try_files"); tf != nil && len(tf.Args) >= 2 {
		fallback := tf.Args[len(tf.Args)-1]
		r.note(fmt.Sprintf("%s at %s: assumed that none of the files before %s exists", ngxDirectiveText(tf), tf.Pos(), fallback))
		switch {
		case strings.HasPrefix(fallback, "="):
			code, err := strconv.Atoi(fallback[1:])
			if err != nil {
				r.verdict.Certainty = Uncertain
				return r.finish(200, OutcomeOpen, "", "", nil, "")
			}
			ctx := strings.Join(n.contextOf(r, loc), " > ")
			return n.answer(r, &ngxStop{status: code, outcome: OutcomeReturn, mech: "try_files", by: tf, context: ctx}, loc)
		case strings.HasPrefix(fallback, "@"):
			return n.runNamed(r, fallback, uri)
		default:
			target, known := expandNginxVars(fallback, r, uri)
			if !known {
				r.note(fmt.Sprintf("%s at %s uses a variable the request does not tell", ngxDirectiveText(tf), tf.Pos()))
				r.verdict.Certainty = Uncertain
			}
			return n.internalRedirect(r, target)
		}
	}
	if ngxHasContentHandler(block) || !strings.HasSuffix(uri, "/") {
		return r.finish(200, OutcomeOpen, "", "", nil, "")
	}
	nodes, _ := n.levels(r, loc)
	names := []string{"index.html"}
	if idx := ngxInnermost(nodes, "index"); len(idx) > 0 {
		names = nil
		for _, d := range idx {
			names = append(names, d.Args...)
		}
	}
	if len(names) == 0 {
		return r.finish(200, OutcomeOpen, "", "", nil, "")
	}
	// nginx redirects to the first index file that exists; the config
	// cannot say which do, so the first is taken.
	target := names[0]
	if !strings.HasPrefix(target, "/") {
		target = uri + target
	}
	r.note(fmt.Sprintf("index: assumed %s exists", target))
	return n.internalRedirect(r, target)
}

func (n *Nginx) internalRedirect(r *ngxRequest, target string) Verdict {
	if r.redirects++; r.redirects > nginxMaxRedirects {
		return r.redirectLoop()
	}
	if i := strings.IndexByte(target, '?'); i >= 0 {
		target = target[:i]
	}
	return n.run(r, target, false)
}

// ngxHasContentHandler: directives that serve the request themselves, so
// index is never consulted.
func ngxHasContentHandler(block *Node) bool {
	for _, c := range block.Children {
		switch c.Name {
		case "proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "grpc_pass", "memcached_pass",
			"content_by_lua_block", "content_by_lua", "content_by_lua_file", "js_content", "perl", "stub_status", "empty_gif":
			return true
		}
	}
	return false
}

func ngxHasDirective(block *Node, name string) bool {
	return ngxLastDirective(block, name) != nil
}

func ngxLastDirective(block *Node, name string) *Node {
	var found *Node
	for _, c := range block.Children {
		if c.Name == name {
			found = c
		}
	}
	return found
}

// ngxInnermost returns the directives called name of the innermost level
// that has any: nginx's merge for list settings (allow/deny, error_page,
// index).
func ngxInnermost(levels []*Node, names ...string) []*Node {
	found, _ := ngxInnermostLevel(levels, names...)
	return found
}

// ngxInnermostLevel is ngxInnermost with the index of the level it came from.
func ngxInnermostLevel(levels []*Node, names ...string) ([]*Node, int) {
	for i := len(levels) - 1; i >= 0; i-- {
		var found []*Node
		for _, c := range levels[i].Children {
			for _, name := range names {
				if c.Name == name {
					found = append(found, c)
				}
			}
		}
		if len(found) > 0 {
			return found, i
		}
	}
	return nil, -1
}

// ngxDirectiveText writes a directive as it would appear in the config;
// an if shows its condition in parentheses.
func ngxDirectiveText(n *Node) string {
	if n.Name == "if" && len(n.Args) > 0 {
		return "if (" + strings.TrimPrefix(directiveText(n), "if ") + ")"
	}
	if strings.HasSuffix(n.Name, "_by_lua_block") && len(n.Args) == 1 {
		// The reader keeps a Lua block's code as its one argument; shown on
		// one line, in its braces.
		return n.Name + " { " + strings.Join(strings.Fields(n.Args[0]), " ") + " }"
	}
	return directiveText(n)
}

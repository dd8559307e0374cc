package serverconf

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// ApacheEvaluator decides requests against an Apache httpd 2.4 config and
// the .htaccess files of its document trees, in httpd's order: URL
// normalisation, server-level mod_rewrite and Redirect, URL to file
// (Alias, AliasMatch, DocumentRoot), the directory walk (<Directory>
// shortest first with each directory's .htaccess, then the regex
// sections), <Files>, <Location>, <If>, then the legacy host check,
// Require and authentication, per-directory mod_rewrite and the index
// subrequest. Without the document tree on disk every path segment but the
// last is taken for a directory and no .htaccess is read.
//
// "depends" means a Require ip/host/local or Allow/Deny from an address
// decides: the status is the one a client outside the lists gets. An <If>
// on anything but request headers, a RewriteCond on other variables and a
// rewrite to another URL leave the verdict uncertain, with a note.
type ApacheEvaluator struct {
	cfg    *ApacheConfig
	main   *apacheServer
	vhosts []*apacheServer
	notes  []string
}

var _ Evaluator = (*ApacheEvaluator)(nil)

// NewApacheEvaluator prepares a parsed config for evaluation.
func NewApacheEvaluator(cfg *ApacheConfig) *ApacheEvaluator {
	e := &ApacheEvaluator{cfg: cfg}
	order := 0
	main, notes := newApacheServer(nil, cfg.Nodes, &order)
	e.main = main
	e.notes = append(e.notes, notes...)
	for _, n := range cfg.Nodes {
		if strings.EqualFold(n.Name, "VirtualHost") {
			vh, notes := newApacheServer(n, n.Children, &order)
			e.vhosts = append(e.vhosts, vh)
			e.notes = append(e.notes, notes...)
		}
	}
	if main.accessFile == "" {
		main.accessFile = ".htaccess"
	}
	return e
}

// Server implements Evaluator.
func (e *ApacheEvaluator) Server() string { return "apache" }

// selectServer picks the virtual host as httpd does: the vhosts whose
// address matches the port (an address written as the Host's IP beats
// *), then the one whose ServerName or ServerAlias matches Host, else the
// first of them. The address the request arrived on is not known: a vhost
// on another specific IP is taken only when nothing else listens there.
func (e *ApacheEvaluator) selectServer(req Request) (*apacheServer, string) {
	var exact, wild, other []*apacheServer
	for _, vh := range e.vhosts {
		for _, a := range vh.addrs {
			if a.port != 0 && req.Port != 0 && a.port != req.Port {
				continue
			}
			switch {
			case a.host == "*" || a.host == "_default_":
				wild = append(wild, vh)
			case strings.EqualFold(a.host, req.Host):
				exact = append(exact, vh)
			default:
				other = append(other, vh)
			}
			break
		}
	}
	note := ""
	candidates := exact
	if len(candidates) == 0 {
		candidates = wild
		if len(other) > 0 {
			note = "virtual hosts on specific addresses were not considered: the address the request arrives on is not known"
		}
	}
	if len(candidates) == 0 {
		candidates = other
	}
	if len(candidates) == 0 {
		return e.main, note
	}
	host := strings.ToLower(strings.TrimSuffix(req.Host, "."))
	for _, vh := range candidates {
		for _, n := range vh.names {
			if ok, _ := path.Match(n, host); ok || n == host {
				return vh, note
			}
		}
	}
	return candidates[0], note
}

// mainThenVhost lists the main server's items, then the vhost's own: the
// order httpd merges sections and server-level rules in.
func mainThenVhost[T any](e *ApacheEvaluator, srv *apacheServer, get func(*apacheServer) []T) []T {
	out := append([]T(nil), get(e.main)...)
	if srv != e.main {
		out = append(out, get(srv)...)
	}
	return out
}

// pick is a vhost's own setting when it has one, else the main server's.
func pick[T any](vh, main T, set bool) T {
	if set {
		return vh
	}
	return main
}

// Evaluate implements Evaluator.
func (e *ApacheEvaluator) Evaluate(req Request) Verdict { return e.evaluate(req, nil) }

// evaluate decides one request; parent is the directory walk of the
// request whose index file this subrequest serves: httpd reuses it for a
// file in the same directory (regex sections included), and only walks
// Files and Location again.
func (e *ApacheEvaluator) evaluate(req Request, parent *apacheWalk) Verdict {
	v := Verdict{Certainty: Certain}
	if len(e.notes) > 0 {
		// A section whose pattern Go cannot read (PCRE-only syntax) was
		// left out: any verdict may miss it.
		v.Certainty = Uncertain
		v.Notes = append(v.Notes, e.notes...)
	}
	uri, status, problem := apacheNormalizePath(req.Path)
	if status != 0 {
		v.Status, v.Outcome = status, OutcomeReturn
		v.Notes = append(v.Notes, problem)
		return v
	}
	srv, note := e.selectServer(req)
	if note != "" {
		v.Certainty = Uncertain
		v.Notes = append(v.Notes, note)
	}
	ctxServer := srv.context
	if srv.node != nil {
		v.Selected = &Selection{File: srv.node.File, Line: srv.node.Line, Context: srv.context}
	}
	env := e.environment(srv, req, uri)
	if len(env.notes) > 0 {
		v.Certainty = Uncertain
		v.Notes = append(v.Notes, env.notes...)
	}

	// mod_rewrite at server level runs at URL translation, before access
	// control; a vhost does not inherit the main server's rules.
	rw := srv.rewrite
	if srv != e.main && rw != nil && rw.inherit && e.main.rewrite != nil {
		merged := *rw
		merged.rules = append(append([]*rewriteRule(nil), rw.rules...), e.main.rewrite.rules...)
		rw = &merged
	}
	if rv := rw.run(uri, req, uri); rv.status != 0 || rv.uncertain != "" {
		if rv.uncertain != "" {
			v.Certainty = Uncertain
			v.Notes = append(v.Notes, rv.uncertain)
		}
		if rv.status != 0 {
			return rewriteOutcome(v, rv)
		}
	}

	// mod_alias's Redirect runs at URL translation too, after mod_rewrite.
	for _, r := range append(append([]apacheRedirect(nil), srv.redirects...), pick(e.main.redirects, nil, srv != e.main)...) {
		if r.matches(uri) {
			v.Status, v.Outcome = r.status, OutcomeReturn
			v.DecidedBy = &Ref{File: r.node.File, Line: r.node.Line, Directive: apacheDirectiveText(r.node), Context: srv.topContext()}
			return v
		}
	}
	filename, mapping := e.mapToFile(srv, uri)
	st := apacheDirConf{}
	if srv != e.main {
		// The main server's top-level settings are the defaults of every vhost.
		st = st.apply(apacheRef{context: "server config"}, e.main.top, "", req.Method)
		st.lastSection = apacheRef{}
	}
	st = st.apply(apacheRef{node: srv.node, context: ctxServer}, srv.top, "", req.Method)
	st.lastSection = apacheRef{}
	if mapping.node != nil {
		v.Notes = append(v.Notes, fmt.Sprintf("%s mapped to %s by %s at %s:%d", uri, filename, mapping.node.Name, mapping.node.File, mapping.node.Line))
	}
	var walk apacheWalk
	if parent != nil && path.Dir(filename) == parent.dir {
		walk = *parent
		walk.base, walk.isDir = path.Base(filename), false
	} else {
		walk = e.walk(srv, st, filename, req.Method)
	}
	v.Notes = append(v.Notes, walk.notes...)
	if walk.fail != nil {
		return failVerdict(v, walk.fail)
	}
	st = walk.conf
	// The Files sections that match are merged together first, then onto
	// the directory's config; the same for Location. This matters for
	// AuthMerging: the group carries its last section's operator.
	var group []*apacheSection
	for _, f := range walk.files {
		if f.sec.matchesFile(walk.base) {
			group = append(group, f.sec)
		}
	}
	st = st.applyGroup(group, req.Method)
	group = nil
	for _, l := range mainThenVhost(e, srv, func(s *apacheServer) []*apacheSection { return s.locs }) {
		if l.matchesLocation(uri) {
			group = append(group, l)
		}
	}
	st = st.applyGroup(group, req.Method)
	// <If> sections last: the server's, then those nested in the sections
	// applied, merged as a group.
	ifs := append(mainThenVhost(e, srv, func(s *apacheServer) []*apacheSection { return s.ifs }), st.ifs...)
	group, uaIfs := e.matchIfs(ifs, req, uri, &v)
	st = st.applyGroup(group, req.Method)
	if st.lastSection.node != nil {
		v.Selected = &Selection{File: st.lastSection.node.File, Line: st.lastSection.node.Line, Context: st.lastSection.context}
	}
	v = e.decide(v, st, req, env)
	if v.Status == 403 && v.DecidedBy != nil && uaIfs[v.DecidedBy.Context] {
		v.Mechanism = "ua-rule"
	}
	if v.Status != 200 {
		return v
	}
	// Per-directory mod_rewrite runs in the fixups, after access control.
	// It leaves a directory requested without its slash to mod_dir, and
	// refuses to run at all without FollowSymLinks.
	if rw := st.rewrite; rw != nil && rw.engine && rw.dir != "" && filename != rw.dir {
		if o := st.options.resolved(); !o.followSymlinks && !o.symlinksIfOwner {
			v.Status, v.Outcome, v.Mechanism = 403, OutcomeDeny, ""
			v.DecidedBy = rw.engineRef.ref()
			v.Notes = append(v.Notes, "per-directory RewriteRule with Options FollowSymLinks off: every request there is forbidden")
			return v
		}
		subject := strings.TrimPrefix(filename, strings.TrimSuffix(st.rewrite.dir, "/")+"/")
		if rv := st.rewrite.run(subject, req, uri); rv.status != 0 || rv.uncertain != "" {
			if rv.uncertain != "" {
				v.Certainty = Uncertain
				v.Notes = append(v.Notes, rv.uncertain)
			}
			if rv.status != 0 {
				return rewriteOutcome(v, rv)
			}
		}
	}
	// mod_dir serves a directory's index through a subrequest that passes
	// access control again; its error is the answer.
	if walk.isDir && strings.HasSuffix(uri, "/") {
		names := pick(srv.dirIndex, e.main.dirIndex, len(srv.dirIndex) > 0)
		if len(st.dirIndex) > 0 {
			names = st.dirIndex
		}
		if len(names) == 0 {
			names = []string{"index.html"}
		}
		var last *Verdict
		for _, name := range names {
			if strings.HasPrefix(name, "/") || !walk.exists(name) {
				continue
			}
			sub := req
			sub.Path = uri + name
			sv := e.evaluate(sub, &walk)
			if sv.Status == 200 {
				last = nil
				break
			}
			if sv.Status >= 400 && sv.Status != 404 {
				last = &sv
			}
		}
		if last != nil {
			last.Notes = append(last.Notes, fmt.Sprintf("%s answers for its index file", uri))
			return *last
		}
	}
	return v
}

// matchIfs runs the <If>/<ElseIf>/<Else> chains: an <ElseIf> or <Else>
// is tried only when nothing before it in its chain held. A condition
// that cannot be evaluated holds for nobody and makes the verdict
// uncertain. uaIfs holds the contexts of the sections chosen by the
// User-Agent.
func (e *ApacheEvaluator) matchIfs(ifs []*apacheSection, req Request, uri string, v *Verdict) ([]*apacheSection, map[string]bool) {
	var group []*apacheSection
	uaIfs := map[string]bool{}
	chainDone := false
	for _, s := range ifs {
		kind := strings.ToLower(s.node.Name)
		if kind == "if" {
			chainDone = false
		} else if chainDone {
			continue
		}
		holds, byUA := true, false
		if kind != "else" {
			var err error
			holds, byUA, err = evalApacheExpr(strings.Join(s.node.Args, " "), req, uri)
			if err != nil {
				holds = false
				if apacheHasAccessDirectives(s.node.Children) {
					v.Certainty = Uncertain
					v.Notes = append(v.Notes, fmt.Sprintf("%s:%d: <%s %s> is not evaluated (%v); its access rules may change the answer", s.node.File, s.node.Line, s.node.Name, strings.Join(s.node.Args, " "), err))
				}
			}
		}
		if holds {
			chainDone = true
			group = append(group, s)
			if byUA {
				uaIfs[s.context] = true
			}
		}
	}
	return group, uaIfs
}

// Values of apacheEnv.vars: set for every client, or only for one inside
// the address lists of a SetEnvIf Remote_Addr/Remote_Host.
const (
	envSet    = 1
	envClient = 2
)

// apacheEnv is what SetEnvIf/BrowserMatch set at server level (the main
// server's lines, then the vhost's), and which line set each variable
// from the User-Agent.
type apacheEnv struct {
	vars  map[string]int
	byUA  map[string]*Node
	notes []string
}

func (e *ApacheEvaluator) environment(srv *apacheServer, req Request, uri string) apacheEnv {
	env := apacheEnv{vars: map[string]int{}, byUA: map[string]*Node{}}
	for _, s := range mainThenVhost(e, srv, func(s *apacheServer) []apacheSetEnv { return s.setenv }) {
		state := envSet
		switch s.attr {
		case "user-agent":
		case "remote_addr", "remote_host":
			state = envClient
		case "request_uri":
		case "host", "server_name":
		case "request_method":
		default:
			env.notes = append(env.notes, fmt.Sprintf("%s:%d: %s on %s is not evaluated", s.node.File, s.node.Line, s.node.Name, s.attr))
			continue
		}
		method := strings.ToUpper(req.Method)
		if method == "" {
			method = "GET"
		}
		value := map[string]string{"user-agent": req.UserAgent, "request_uri": uri, "host": req.Host, "server_name": req.Host, "request_method": method}[s.attr]
		if state == envSet && !s.re.MatchString(value) {
			continue
		}
		for _, v := range s.vars {
			name := strings.SplitN(v, "=", 2)[0]
			if strings.HasPrefix(name, "!") {
				delete(env.vars, name[1:])
				continue
			}
			env.vars[name] = state
			if s.attr == "user-agent" {
				env.byUA[name] = s.node
			}
		}
	}
	return env
}

// mapToFile is mod_alias then DocumentRoot.
func (e *ApacheEvaluator) mapToFile(srv *apacheServer, uri string) (string, apacheAlias) {
	aliases := append(append([]apacheAlias(nil), srv.aliases...), e.main.aliases...)
	if srv == e.main {
		aliases = srv.aliases
	}
	for _, a := range aliases {
		if a.re != nil {
			if m := a.re.FindStringSubmatchIndex(uri); m != nil {
				// $1 is a group number even when letters follow, as in httpd.
				target := apacheBackref.ReplaceAllString(a.target, "$${$1}")
				return string(a.re.ExpandString(nil, target, uri, m)), a
			}
			continue
		}
		if rest, ok := aliasMatch(a.prefix, uri); ok {
			return a.target + rest, a
		}
	}
	root := pick(srv.docRoot, e.main.docRoot, srv.docRoot != "")
	if root == "" {
		root = "/var/www/html"
	}
	return strings.TrimRight(root, "/") + uri, apacheAlias{}
}

var apacheBackref = regexp.MustCompile(`\$([0-9])`)

// aliasMatch is mod_alias's prefix rule: the alias must end at a slash
// boundary of the URL, and runs of slashes count as one.
func aliasMatch(alias, uri string) (string, bool) {
	ai, ui := 0, 0
	for ai < len(alias) {
		if alias[ai] == '/' {
			if ui >= len(uri) || uri[ui] != '/' {
				return "", false
			}
			for ai < len(alias) && alias[ai] == '/' {
				ai++
			}
			for ui < len(uri) && uri[ui] == '/' {
				ui++
			}
			continue
		}
		if ui >= len(uri) || alias[ai] != uri[ui] {
			return "", false
		}
		ai++
		ui++
	}
	if ai > 0 && alias[ai-1] != '/' && ui < len(uri) && uri[ui] != '/' {
		return "", false
	}
	return uri[ui:], true
}

// apacheFail is a 500 found while reading the configuration for a request.
type apacheFail struct {
	ref    apacheRef
	reason string
}

func failVerdict(v Verdict, f *apacheFail) Verdict {
	v.Status, v.Outcome = 500, OutcomeDeny
	v.DecidedBy = f.ref.ref()
	v.Notes = append(v.Notes, f.reason)
	return v
}

package serverconf

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
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
	v.Notes = append(v.Notes, e.notes...)
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

// apacheFileSection is a <Files> section found on the way, in merge order.
type apacheFileSection struct {
	sec *apacheSection
}

// apacheWalk is the result of the directory walk.
type apacheWalk struct {
	conf   apacheDirConf
	files  []apacheFileSection
	base   string // the last component of the mapped file name
	isDir  bool
	dir    string // the deepest directory reached, as a disk path
	fail   *apacheFail
	notes  []string
	exists func(name string) bool
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

// walk is ap_directory_walk: the non-regex <Directory> sections (main
// server's and vhost's together, shortest path first) and each existing
// directory's .htaccess, level by level, then the regex sections.
func (e *ApacheEvaluator) walk(srv *apacheServer, st apacheDirConf, filename, method string) apacheWalk {
	w := apacheWalk{}
	var plain, regex []*apacheSection
	for _, d := range mainThenVhost(e, srv, func(s *apacheServer) []*apacheSection { return s.dirs }) {
		if d.re == nil {
			plain = append(plain, d)
		} else {
			regex = append(regex, d)
		}
	}
	sort.SliceStable(plain, func(i, j int) bool { return plain[i].components < plain[j].components })
	for _, f := range mainThenVhost(e, srv, func(s *apacheServer) []*apacheSection { return s.files }) {
		w.files = append(w.files, apacheFileSection{f})
	}
	accessFile := pick(srv.accessFile, e.main.accessFile, srv.accessFile != "")

	fs := e.newFSView(filename)
	segs := strings.Split(strings.Trim(filename, "/"), "/")
	dir := "/"
	level := 0
	apply := func(d string, htaccess bool) {
		for _, sec := range plain {
			if sec.components == level && sec.matchesDir(d) {
				st = st.apply(apacheRef{node: sec.node, context: sec.context}, sec.node.Children, d, method)
				w.collectFiles(sec.node, sec.context)
			}
		}
		if !htaccess || (st.override.set && st.override.none) {
			return
		}
		nodes, ref, fail := e.readHtaccess(fs, d, accessFile, st.override)
		if fail != nil {
			w.fail = fail
			return
		}
		if nodes != nil {
			st = st.apply(ref, nodes, d, method)
			w.collectFiles(&Node{Children: nodes}, ref.context)
		}
	}
	apply(dir, true)
	w.isDir = true
	last := ""
	for i, seg := range segs {
		if w.fail != nil {
			return w
		}
		if seg == "" {
			continue
		}
		next := path.Join(dir, seg)
		last = seg
		kind := fs.kind(next, i == len(segs)-1)
		if kind != "dir" {
			w.isDir = false
			// httpd knows an existing file from its first stat of the whole
			// name (so not with path info after it, nor a trailing slash)
			// and, with FollowSymLinks (and not SymLinksIfOwnerMatch), walks
			// it as one more level: <Directory /x/*> applies to the files in /x.
			whole := i == len(segs)-1 && !strings.HasSuffix(filename, "/")
			if kind == "file" && whole && st.followsLinksBlindly() {
				level++
				apply(next, false)
			}
			break
		}
		dir = next
		level++
		apply(dir, true)
	}
	if w.fail != nil {
		return w
	}
	if w.isDir && strings.HasSuffix(filename, "/") {
		last = ""
	}
	w.base = last
	w.dir = dir
	// Regex sections see the file name as far as the walk got.
	subject := path.Join(dir, last)
	if w.isDir && strings.HasSuffix(filename, "/") && subject != "/" {
		subject += "/"
	}
	for _, sec := range regex {
		if sec.re.MatchString(subject) {
			st = st.apply(apacheRef{node: sec.node, context: sec.context}, sec.node.Children, "", method)
			w.collectFiles(sec.node, sec.context)
		}
	}
	w.conf = st
	w.exists = func(name string) bool { return fs.kind(path.Join(dir, name), true) == "file" }
	return w
}

// collectFiles keeps the <Files> sections nested in a section.
func (w *apacheWalk) collectFiles(n *Node, context string) {
	for _, c := range n.Children {
		switch strings.ToLower(c.Name) {
		case "files", "filesmatch":
			sec, err := newApacheSection(c, context, 0)
			if err != nil {
				w.notes = append(w.notes, err.Error())
				continue
			}
			w.files = append(w.files, apacheFileSection{sec})
		}
	}
}

// apacheFSView answers whether a path is a directory or a file: from the
// disk when the document tree is there, else by the shape of the URL
// (every segment but the last is a directory).
type apacheFSView struct {
	root   string
	server string
	onDisk bool
	slash  bool
}

func (e *ApacheEvaluator) newFSView(filename string) apacheFSView {
	v := apacheFSView{root: e.cfg.Root, server: e.cfg.ServerRoot, slash: strings.HasSuffix(filename, "/")}
	top := "/" + strings.SplitN(strings.Trim(filename, "/"), "/", 2)[0]
	if _, err := os.Stat(diskPath(v.root, v.server, top)); err == nil {
		v.onDisk = true
	}
	return v
}

func (v apacheFSView) kind(p string, last bool) string {
	if !v.onDisk {
		if !last || v.slash {
			return "dir"
		}
		return "file"
	}
	st, err := os.Stat(diskPath(v.root, v.server, p))
	switch {
	case err != nil:
		return ""
	case st.IsDir():
		return "dir"
	default:
		return "file"
	}
}

// readHtaccess reads the access file of one directory, and checks every
// directive in it against AllowOverride as httpd does: a directive that is
// not allowed there answers 500.
func (e *ApacheEvaluator) readHtaccess(fs apacheFSView, dir, name string, ov apacheOverride) ([]*Node, apacheRef, *apacheFail) {
	if !fs.onDisk {
		return nil, apacheRef{}, nil
	}
	file := filepath.Join(diskPath(fs.root, fs.server, dir), name)
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, apacheRef{}, nil
	}
	ref := apacheRef{node: &Node{Name: name, File: file, Line: 1}, context: name + " in " + dir}
	nodes, err := e.cfg.ParseHtaccess(file, data)
	if err != nil {
		return nil, ref, &apacheFail{ref: ref, reason: fmt.Sprintf("%s cannot be read: %v", file, err)}
	}
	if fail := e.checkOverrides(nodes, ov, ref.context); fail != nil {
		return nil, ref, fail
	}
	for _, n := range nodes {
		n.IncludedFrom = nil
	}
	return nodes, ref, nil
}

func (e *ApacheEvaluator) checkOverrides(nodes []*Node, ov apacheOverride, context string) *apacheFail {
	for _, n := range nodes {
		cat, module := apacheHtaccessCategory(n.Name)
		ref := apacheRef{node: n, context: context}
		switch {
		case cat == "" || (module != "" && !e.cfg.HasModule(module)):
			if !ov.nonfatal["unknown"] {
				return &apacheFail{ref, fmt.Sprintf("%s is not a directive httpd knows here (module not loaded?): every request answers 500", n.Name)}
			}
			continue
		case cat == "never":
			return &apacheFail{ref, fmt.Sprintf("%s is not allowed in .htaccess: every request answers 500", n.Name)}
		case cat == "always":
		case !ov.allows(cat):
			if ov.nonfatal["override"] {
				continue
			}
			why := "AllowOverride does not allow " + cat
			if !ov.set {
				why = "no AllowOverride applies (unset is not None: the file is read and every directive refused)"
			}
			return &apacheFail{ref, fmt.Sprintf("%s in .htaccess: %s; every request answers 500", n.Name, why)}
		}
		if strings.EqualFold(n.Name, "Require") && len(n.Args) > 0 {
			p := n.Args[0]
			if strings.EqualFold(p, "not") && len(n.Args) > 1 {
				p = n.Args[1]
			}
			if mod := apacheAuthzProviderModule(p); mod == "" || !e.cfg.HasModule(mod) {
				return &apacheFail{ref, fmt.Sprintf("Require %s: unknown authorization provider; every request answers 500", p)}
			}
		}
		if fail := e.checkOverrides(n.Children, ov, context); fail != nil {
			return fail
		}
	}
	return nil
}

// apacheHtaccessCategory is the AllowOverride category a directive needs
// in .htaccess and the module that defines it: "always" for sections
// allowed anywhere, "never" for server-only directives, "" when unknown.
func apacheHtaccessCategory(name string) (category, module string) {
	l := strings.ToLower(name)
	switch l {
	case "files", "filesmatch", "limit", "limitexcept", "if", "elseif", "else":
		return "always", ""
	case "require", "requireall", "requireany", "requirenone", "authmerging", "authzsendforbiddenonfailure":
		return "authconfig", "authz_core"
	case "authtype", "authname":
		return "authconfig", "authn_core"
	case "authuserfile":
		return "authconfig", "authn_file"
	case "authgroupfile":
		return "authconfig", "authz_groupfile"
	case "authbasicprovider", "authbasicauthoritative", "authbasicfake", "authbasicusedigestalgorithm":
		return "authconfig", "auth_basic"
	case "satisfy":
		return "authconfig", "access_compat"
	case "order", "allow", "deny":
		return "limit", "access_compat"
	case "options":
		return "options", ""
	case "directoryindex", "directoryslash", "fallbackresource":
		return "indexes", "dir"
	case "errordocument", "defaulttype", "addtype", "addhandler", "sethandler", "forcetype", "addcharset", "adddefaultcharset", "removehandler", "removetype", "addencoding", "addlanguage", "filesmatch_":
		return "fileinfo", ""
	case "redirect", "redirectmatch", "redirectpermanent", "redirecttemp":
		return "fileinfo", "alias"
	case "setenvif", "setenvifnocase", "browsermatch", "browsermatchnocase", "setenvifexpr":
		return "fileinfo", "setenvif"
	case "setenv", "unsetenv", "passenv":
		return "fileinfo", "env"
	case "header", "requestheader":
		return "fileinfo", "headers"
	case "expiresactive", "expiresdefault", "expiresbytype":
		return "indexes", "expires"
	case "indexoptions", "indexignore", "headername", "readmename", "adddescription", "addicon":
		return "indexes", "autoindex"
	case "directory", "directorymatch", "location", "locationmatch", "virtualhost", "documentroot", "alias", "aliasmatch",
		"scriptalias", "allowoverride", "allowoverridelist", "servername", "serveralias", "listen", "loadmodule",
		"include", "includeoptional", "serverroot", "accessfilename", "errorlog", "customlog", "user", "group":
		return "never", ""
	}
	if strings.HasPrefix(l, "authdigest") {
		return "authconfig", "auth_digest"
	}
	if strings.HasPrefix(l, "rewrite") {
		return "fileinfo", "rewrite"
	}
	return "", ""
}

// apacheAuthzProviderModule names the module that provides a Require
// provider.
func apacheAuthzProviderModule(p string) string {
	switch strings.ToLower(p) {
	case "all", "env", "method", "expr":
		return "authz_core"
	case "valid-user", "user":
		return "authz_user"
	case "ip", "host", "local", "forward-dns":
		return "authz_host"
	case "group":
		return "authz_groupfile"
	case "file-owner", "file-group":
		return "authz_owner"
	}
	return ""
}

// apacheHasAccessDirectives says whether a section holds anything that
// changes who gets in.
func apacheHasAccessDirectives(nodes []*Node) bool {
	for _, n := range nodes {
		cat, _ := apacheHtaccessCategory(n.Name)
		if cat == "authconfig" || cat == "limit" || strings.HasPrefix(strings.ToLower(n.Name), "rewrite") || apacheHasAccessDirectives(n.Children) {
			return true
		}
	}
	return false
}

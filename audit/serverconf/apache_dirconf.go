package serverconf

import (
	"strings"
)

// apacheRef is a directive and the context it was read in.
type apacheRef struct {
	node    *Node
	context string
}

func (r apacheRef) ref() *Ref {
	if r.node == nil {
		return nil
	}
	return &Ref{File: r.node.File, Line: r.node.Line, Directive: apacheDirectiveText(r.node), Context: r.context}
}

// apacheDirectiveText writes a directive back as one line, quoting
// arguments with blanks.
func apacheDirectiveText(n *Node) string {
	parts := []string{n.Name}
	for _, a := range n.Args {
		if a == "" || strings.ContainsAny(a, " \t\"") {
			a = `"` + strings.ReplaceAll(a, `"`, `\"`) + `"`
		}
		parts = append(parts, a)
	}
	text := strings.Join(parts, " ")
	if n.Block {
		return "<" + text + ">"
	}
	return text
}

// apacheOverride is the AllowOverride in effect for a directory.
type apacheOverride struct {
	set      bool // unset is not None: httpd still reads .htaccess and refuses its directives
	none     bool
	all      bool
	allowed  map[string]bool // authconfig, fileinfo, indexes, limit, options
	nonfatal map[string]bool // override, unknown
}

func (o apacheOverride) allows(category string) bool {
	if !o.set || o.none {
		return false
	}
	return o.all || o.allowed[category]
}

func parseOverride(args []string) apacheOverride {
	o := apacheOverride{set: true, allowed: map[string]bool{}, nonfatal: map[string]bool{}}
	for _, a := range args {
		l := strings.ToLower(a)
		switch {
		case l == "none":
			o.none = true
		case l == "all":
			o.all = true
		case strings.HasPrefix(l, "nonfatal="):
			v := strings.TrimPrefix(l, "nonfatal=")
			if v == "all" {
				o.nonfatal["override"], o.nonfatal["unknown"] = true, true
			} else {
				o.nonfatal[v] = true
			}
		case strings.HasPrefix(l, "options"):
			o.allowed["options"] = true
		default:
			o.allowed[l] = true
		}
	}
	if o.none && (o.all || len(o.allowed) > 0) {
		o.none = false
	}
	return o
}

// apacheCompat is mod_access_compat's config (Order, Allow, Deny,
// Satisfy). The module has no merge function: the last section with any
// of its directives replaces the whole.
type apacheCompat struct {
	order     string // "deny,allow" (default), "allow,deny", "mutual-failure"
	allows    []apacheRef
	denies    []apacheRef
	satisfyAn bool
	satisfy   apacheRef
}

// apacheDirConf is the per-directory configuration a request has
// collected so far, section by section.
type apacheDirConf struct {
	authType    string // lower case; "none" for AuthType None; "" unset
	authTypeRef apacheRef
	authName    string
	authNameRef apacheRef
	authz       authzConf
	override    apacheOverride
	options     apacheOptions
	rewrite     *apacheRewrite
	compat      *apacheCompat
	dirIndex    []string
	lastSection apacheRef
	// ifs are the <If>/<ElseIf>/<Else> sections nested in the sections
	// applied so far, in merge order.
	ifs []*apacheSection
}

// apply merges one section's directives (its own, not its nested Files,
// Location or If sections) into the config; dir is the directory a
// <Directory> or .htaccess applies to ("" otherwise).
func (c apacheDirConf) apply(sec apacheRef, children []*Node, dir string, method string) apacheDirConf {
	next := authzConf{}
	root := &authzSection{op: logicOr, node: sec.node, context: sec.context}
	var compat *apacheCompat
	var rw *apacheRewrite
	c.lastSection = sec
	var walk func(nodes []*Node, methods methodSet, limited bool)
	walk = func(nodes []*Node, methods methodSet, limited bool) {
		for _, n := range nodes {
			name := strings.ToLower(n.Name)
			switch name {
			case "limit", "limitexcept":
				walk(n.Children, limitMethods(n), true)
			case "if", "elseif", "else":
				if sec, err := newApacheSection(n, sec.context, 0); err == nil {
					c.ifs = append(c.ifs[:len(c.ifs):len(c.ifs)], sec)
				}
			case "require", "requireall", "requireany", "requirenone":
				next.set = true
				if s := buildAuthz(n, methods, sec.context); s != nil {
					root.children = append(root.children, s)
				}
			case "authmerging":
				next.set = true
				if len(n.Args) > 0 {
					switch strings.ToLower(n.Args[0]) {
					case "and":
						next.op = logicAnd
					case "or":
						next.op = logicOr
					default:
						next.op = logicOff
					}
				}
			case "authtype":
				if len(n.Args) > 0 {
					c.authType = strings.ToLower(n.Args[0])
					c.authTypeRef = apacheRef{n, sec.context}
				}
			case "authname":
				if len(n.Args) > 0 {
					c.authName = n.Args[0]
					c.authNameRef = apacheRef{n, sec.context}
				}
			case "allowoverride":
				if dir != "" {
					c.override = parseOverride(n.Args)
				}
			case "options":
				c.options = c.options.merge(n.Args)
			case "directoryindex":
				c.dirIndex = append([]string(nil), n.Args...)
			case "order", "allow", "deny", "satisfy":
				if compat == nil {
					compat = &apacheCompat{order: "deny,allow"}
				}
				if limited && !methods.has(methodKey(method)) {
					continue
				}
				compat.add(name, apacheRef{n, sec.context})
			case "rewriteengine", "rewriterule", "rewritecond", "rewriteoptions", "rewritebase":
				if rw == nil {
					rw = &apacheRewrite{dir: dir}
				}
				rw.add(n, sec.context)
			}
		}
	}
	walk(children, nil, false)
	if len(root.children) > 0 {
		ms := root.children[0].methods
		for _, ch := range root.children[1:] {
			ms = ms.union(ch.methods)
		}
		root.methods = ms
		next.section = root
	}
	c.authz = mergeAuthz(c.authz, next)
	if compat != nil {
		c.compat = compat
	}
	if rw != nil {
		c.rewrite = rw.mergeOnto(c.rewrite)
	}
	return c
}

// applyGroup merges sections that httpd merges among themselves before
// merging the result onto the config (the Files, the Location sections):
// their authorisation is folded first, then merged once.
func (c apacheDirConf) applyGroup(secs []*apacheSection, method string) apacheDirConf {
	if len(secs) == 0 {
		return c
	}
	inherited := c.authz
	c.authz = authzConf{}
	for _, s := range secs {
		c = c.apply(apacheRef{node: s.node, context: s.context}, s.node.Children, "", method)
	}
	c.authz = mergeAuthz(inherited, c.authz)
	return c
}

// buildAuthz turns a Require line or container into an authz section.
func buildAuthz(n *Node, methods methodSet, context string) *authzSection {
	name := strings.ToLower(n.Name)
	if name == "require" {
		if len(n.Args) == 0 {
			return nil
		}
		s := &authzSection{methods: methods, node: n, context: context}
		args := n.Args
		if strings.EqualFold(args[0], "not") && len(args) > 1 {
			s.negate = true
			args = args[1:]
		}
		s.provider, s.args = args[0], args[1:]
		return s
	}
	s := &authzSection{op: logicAnd, node: n, context: context}
	switch name {
	case "requireany":
		s.op = logicOr
	case "requirenone":
		s.op, s.negate = logicOr, true
	}
	var ms methodSet
	first := true
	for _, ch := range n.Children {
		var c *authzSection
		switch strings.ToLower(ch.Name) {
		case "require", "requireall", "requireany", "requirenone":
			c = buildAuthz(ch, methods, context)
		}
		if c == nil {
			continue
		}
		if first {
			ms, first = c.methods, false
		} else {
			ms = ms.union(c.methods)
		}
		s.children = append(s.children, c)
	}
	s.methods = ms
	if first {
		s.methods = methods
	}
	return s
}

func (a *apacheCompat) add(name string, r apacheRef) {
	args := r.node.Args
	switch name {
	case "order":
		if len(args) > 0 {
			a.order = strings.ToLower(strings.Join(args, ""))
		}
	case "allow":
		a.allows = append(a.allows, r)
	case "deny":
		a.denies = append(a.denies, r)
	case "satisfy":
		a.satisfyAn = len(args) > 0 && strings.EqualFold(args[0], "any")
		a.satisfy = r
	}
}

// compatMatches says whether an Allow/Deny line matches the client:
// "from all" always; an address or host list only for a client inside it.
func compatMatches(r apacheRef, clientInIPs bool) bool {
	args := r.node.Args
	if len(args) > 0 && strings.EqualFold(args[0], "from") {
		args = args[1:]
	}
	for _, a := range args {
		if strings.EqualFold(a, "all") {
			return true
		}
		if strings.HasPrefix(strings.ToLower(a), "env=") {
			continue
		}
		if clientInIPs {
			return true
		}
	}
	return false
}

// check is mod_access_compat's check_dir_access: the matching line that
// settled the answer, and whether the request is allowed.
func (a *apacheCompat) check(clientInIPs bool) (bool, apacheRef) {
	first := func(list []apacheRef) (apacheRef, bool) {
		for _, r := range list {
			if compatMatches(r, clientInIPs) {
				return r, true
			}
		}
		return apacheRef{}, false
	}
	deny, denied := first(a.denies)
	allow, allowed := first(a.allows)
	switch a.order {
	case "allow,deny":
		if denied {
			return false, deny
		}
		if allowed {
			return true, allow
		}
		if len(a.allows) > 0 {
			return false, a.allows[0]
		}
		return false, apacheRef{}
	case "mutual-failure":
		if allowed && !denied {
			return true, allow
		}
		if denied {
			return false, deny
		}
		return false, apacheRef{}
	default:
		if allowed {
			return true, allow
		}
		if denied {
			return false, deny
		}
		return true, apacheRef{}
	}
}

func (a *apacheCompat) clientDependent() bool {
	for _, list := range [][]apacheRef{a.allows, a.denies} {
		for _, r := range list {
			if compatMatches(r, true) != compatMatches(r, false) {
				return true
			}
		}
	}
	return false
}

// apacheOptions are the symlink bits of Options, the ones that change what
// the walk and mod_rewrite do. The zero value is httpd's default
// (FollowSymLinks on).
type apacheOptions struct {
	followSymlinks  bool
	symlinksIfOwner bool
	set             bool
}

func (o apacheOptions) resolved() apacheOptions {
	if !o.set {
		return apacheOptions{followSymlinks: true, set: true}
	}
	return o
}

// merge follows Options: an absolute list replaces, +/- edit.
func (o apacheOptions) merge(args []string) apacheOptions {
	o = o.resolved()
	absolute := false
	for _, a := range args {
		l := strings.ToLower(a)
		on := !strings.HasPrefix(l, "-")
		name := strings.TrimLeft(l, "+-")
		if l == name && !absolute {
			absolute = true
			o.followSymlinks, o.symlinksIfOwner = false, false
		}
		switch name {
		case "all":
			o.followSymlinks = on
		case "followsymlinks":
			o.followSymlinks = on
		case "symlinksifownermatch":
			o.symlinksIfOwner = on
		}
	}
	return o
}

// followsLinksBlindly is FollowSymLinks without SymLinksIfOwnerMatch.
func (c apacheDirConf) followsLinksBlindly() bool {
	o := c.options.resolved()
	return o.followSymlinks && !o.symlinksIfOwner
}

package serverconf

import (
	"strings"
)

// authzResult is mod_authz_core's authz_status.
type authzResult int

const (
	authzDenied authzResult = iota
	authzGranted
	authzDeniedNoUser // a user could change the answer: authenticate first
	authzNeutral
	authzError
)

// authzLogic is a container's operator; AuthMerging sets one per section.
type authzLogic int

const (
	logicUnset authzLogic = iota
	logicOff
	logicAnd
	logicOr
)

// authzSection is one node of mod_authz_core's tree: a Require line
// (provider set) or a container of them.
type authzSection struct {
	provider string // "" for a container
	args     []string
	negate   bool
	op       authzLogic // logicAnd or logicOr for containers
	children []*authzSection
	methods  methodSet // the <Limit> methods it applies to
	node     *Node
	context  string
}

// methodSet is the methods a <Limit>/<LimitExcept> lets through; nil
// means every method.
type methodSet map[string]bool

func (m methodSet) has(method string) bool {
	if m == nil {
		return true
	}
	return m[method]
}

func (m methodSet) union(o methodSet) methodSet {
	if m == nil || o == nil {
		return nil
	}
	out := methodSet{}
	for k := range m {
		out[k] = true
	}
	for k := range o {
		out[k] = true
	}
	return out
}

// authzEnv is what the providers see of the request: the client address
// is either inside every ip/host list or outside all of them.
type authzEnv struct {
	method      string
	env         map[string]int // envSet or envClient
	clientInIPs bool
}

// authzOutcome is a result and the Require line that settled it.
type authzOutcome struct {
	result authzResult
	by     *authzSection
}

// apply is apply_authz_sections: a section limited to other methods is
// granted under RequireAll and neutral elsewhere; DENIED beats DENIED (no
// user) under RequireAll, GRANTED wins under RequireAny; a negated DENIED
// is neutral, not granted.
func (s *authzSection) apply(e authzEnv, parent authzLogic) authzOutcome {
	if !s.methods.has(e.method) {
		if parent == logicAnd {
			return authzOutcome{authzGranted, s}
		}
		return authzOutcome{authzNeutral, s}
	}
	var out authzOutcome
	if s.provider != "" {
		out = authzOutcome{s.check(e), s}
	} else {
		out = authzOutcome{authzNeutral, nil}
		for _, c := range s.children {
			r := c.apply(e, s.op)
			if r.result == authzError {
				return r
			}
			if r.result == authzNeutral {
				continue
			}
			if s.op == logicAnd {
				if r.result == authzDenied {
					out = r
					break
				}
				if (r.result == authzDeniedNoUser && out.result != authzDenied) || out.result == authzNeutral {
					out = r
				}
			} else {
				if r.result == authzGranted {
					out = r
					break
				}
				if (r.result == authzDeniedNoUser && out.result == authzDenied) || out.result == authzNeutral {
					out = r
				}
			}
		}
	}
	if s.negate {
		switch out.result {
		case authzGranted:
			out.result = authzDenied
		case authzDenied, authzDeniedNoUser:
			out.result = authzNeutral
		}
		if s.provider == "" {
			out.by = s
		}
	}
	return out
}

// check runs one provider for an anonymous request.
func (s *authzSection) check(e authzEnv) authzResult {
	switch strings.ToLower(s.provider) {
	case "all":
		if len(s.args) > 0 && strings.EqualFold(s.args[0], "granted") {
			return authzGranted
		}
		return authzDenied
	case "valid-user", "user", "group", "file-owner", "file-group", "dbm-group", "dbd-group", "ldap-user", "ldap-group", "ldap-dn", "ldap-attribute", "ldap-filter":
		return authzDeniedNoUser
	case "ip", "host", "local", "forward-dns":
		if e.clientInIPs {
			return authzGranted
		}
		return authzDenied
	case "env":
		for _, a := range s.args {
			if v := e.env[a]; v == envSet || (v == envClient && e.clientInIPs) {
				return authzGranted
			}
		}
		return authzDenied
	case "method":
		for _, a := range s.args {
			if strings.EqualFold(a, e.method) {
				return authzGranted
			}
		}
		return authzDenied
	case "expr":
		return authzDenied
	}
	return authzError
}

// clientDependent says whether a provider's answer depends on the client
// address.
func (s *authzSection) clientDependent() bool {
	if s.provider != "" {
		switch strings.ToLower(s.provider) {
		case "ip", "host", "local", "forward-dns":
			return true
		}
		return false
	}
	for _, c := range s.children {
		if c.clientDependent() {
			return true
		}
	}
	return false
}

// authzConf is mod_authz_core's per-directory config: the tree and the
// AuthMerging operator of the section that set it.
type authzConf struct {
	section *authzSection
	op      authzLogic
	set     bool // the section had an authz_core directive
}

// mergeAuthz is merge_authz_core_dir_config: a section with Require
// lines replaces what it inherits unless its AuthMerging is And/Or, which
// joins it with the inherited tree; AuthMerging Off alone clears it.
func mergeAuthz(base, next authzConf) authzConf {
	if !next.set {
		return base
	}
	if next.op == logicUnset && next.section == nil && base.section != nil {
		return base
	}
	if next.op == logicOff || next.op == logicUnset || (base.section == nil && next.section == nil) {
		return next
	}
	out := authzConf{op: next.op, set: true}
	switch {
	case base.section != nil && next.section != nil:
		out.section = &authzSection{
			op:       next.op,
			children: []*authzSection{base.section, next.section},
			methods:  base.section.methods.union(next.section.methods),
			node:     next.section.node,
			context:  next.section.context,
		}
	case base.section != nil:
		out.section = base.section
	default:
		out.section = next.section
	}
	return out
}

// methodKey is the method as <Limit> sees it: HEAD is GET.
func methodKey(m string) string {
	m = strings.ToUpper(m)
	if m == "" || m == "HEAD" {
		return "GET"
	}
	return m
}

// limitMethods is the method set of <Limit ...> or <LimitExcept ...>.
func limitMethods(n *Node) methodSet {
	listed := methodSet{}
	for _, a := range n.Args {
		listed[methodKey(a)] = true
	}
	if !strings.EqualFold(n.Name, "LimitExcept") {
		return listed
	}
	out := methodSet{}
	for _, m := range []string{"GET", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK"} {
		if !listed[m] {
			out[m] = true
		}
	}
	return out
}

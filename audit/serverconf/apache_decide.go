package serverconf

import (
	"fmt"
	"strings"

	"authwall/internal/percent"
)

// decide runs httpd's access phases on the merged config: the legacy host
// check (mod_access_compat), then Require (mod_authz_core) without a user,
// then authentication when a user could change the answer. A verdict that
// differs for a client inside the ip/host lists is "depends".
func (e *ApacheEvaluator) decide(v Verdict, st apacheDirConf, req Request, env apacheEnv) Verdict {
	outside := e.access(st, req, env, false)
	inside := e.access(st, req, env, true)
	v.Status = outside.status
	v.DecidedBy = outside.by.ref()
	v.Notes = append(v.Notes, outside.notes...)
	switch {
	case outside.status == 200:
		v.Outcome, v.DecidedBy = OutcomeOpen, nil
	case outside.status == 401:
		v.Outcome = OutcomeAuth
		v.Mechanism = st.authType
		v.Realm = st.authName
	default:
		v.Outcome = OutcomeDeny
	}
	if outside.status == 403 && outside.by.node != nil && strings.EqualFold(outside.by.node.Name, "Require") {
		args := outside.by.node.Args
		if len(args) > 1 && strings.EqualFold(args[0], "not") {
			args = args[1:]
		}
		if len(args) > 1 && strings.EqualFold(args[0], "env") {
			for _, name := range args[1:] {
				if n := env.byUA[name]; n != nil {
					v.Mechanism = "ua-rule"
					v.Notes = append(v.Notes, fmt.Sprintf("%s is set from the User-Agent at %s:%d (%s)", name, n.File, n.Line, apacheDirectiveText(n)))
				}
			}
		}
	}
	if inside.status != outside.status {
		v.Outcome = OutcomeDepends
		v.Mechanism = "ip-rule"
		dep := outside.by
		if inside.status != 200 || dep.node == nil {
			dep = inside.by
		}
		if outside.ipBy.node != nil {
			dep = outside.ipBy
		}
		v.DecidedBy = dep.ref()
		v.Notes = append(v.Notes, fmt.Sprintf("a client inside the address or host lists gets %d", inside.status))
	}
	return v
}

// accessResult is one run of the access phases.
type accessResult struct {
	status int
	by     apacheRef
	ipBy   apacheRef // the client-address rule on the path, if any
	notes  []string
}

func (e *ApacheEvaluator) access(st apacheDirConf, req Request, env apacheEnv, clientInIPs bool) accessResult {
	method := methodKey(req.Method)
	var res accessResult
	if st.compat != nil && st.compat.clientDependent() {
		for _, r := range append(append([]apacheRef(nil), st.compat.allows...), st.compat.denies...) {
			if compatMatches(r, true) != compatMatches(r, false) {
				res.ipBy = r
				break
			}
		}
	}
	compatOK := true
	var compatBy apacheRef
	if st.compat != nil {
		compatOK, compatBy = st.compat.check(clientInIPs)
		if st.compat.satisfyAn && compatOK {
			res.status = 200
			return res
		}
		if !st.compat.satisfyAn && !compatOK {
			res.status, res.by = 403, compatBy
			return res
		}
	}
	if st.authz.section == nil {
		if st.authType != "" && st.authType != "none" {
			res.status, res.by = 500, st.authTypeRef
			res.notes = append(res.notes, "AuthType without any Require: httpd answers 500")
			return res
		}
		if st.compat != nil && st.compat.satisfyAn && !compatOK {
			// Satisfy Any with the host check failed and no Require: nothing
			// can grant access.
			res.status, res.by = 403, compatBy
			return res
		}
		res.status = 200
		return res
	}
	if st.authz.section.clientDependent() && res.ipBy.node == nil {
		res.ipBy = firstClientRule(st.authz.section)
	}
	out := st.authz.section.apply(authzEnv{method: method, env: env.vars, clientInIPs: clientInIPs}, logicAnd)
	by := apacheRef{}
	if out.by != nil {
		by = apacheRef{node: out.by.node, context: out.by.context}
	}
	switch out.result {
	case authzGranted:
		res.status = 200
		return res
	case authzDenied, authzNeutral:
		res.status, res.by = 403, by
		return res
	case authzError:
		res.status, res.by = 500, by
		res.notes = append(res.notes, "unknown Require provider: httpd refuses the config or answers 500")
		return res
	}
	// Denied until a user logs in: authentication runs.
	res.by = by
	module := map[string]string{"basic": "auth_basic", "digest": "auth_digest", "form": "auth_form"}[st.authType]
	switch {
	case st.authType == "" || st.authType == "none":
		res.status = 500
		res.notes = append(res.notes, "Require needs a user but no AuthType applies: httpd answers 500")
	case module == "" || !e.cfg.HasModule(module):
		res.status, res.by = 500, st.authTypeRef
		res.notes = append(res.notes, fmt.Sprintf("AuthType %s has no loaded module to run it: httpd answers 500", st.authType))
	case st.authName == "":
		res.status, res.by = 500, st.authTypeRef
		res.notes = append(res.notes, fmt.Sprintf("AuthType %s without AuthName: httpd answers 500", st.authType))
	default:
		res.status = 401
	}
	return res
}

func firstClientRule(s *authzSection) apacheRef {
	if s.provider != "" {
		if s.clientDependent() {
			return apacheRef{node: s.node, context: s.context}
		}
		return apacheRef{}
	}
	for _, c := range s.children {
		if r := firstClientRule(c); r.node != nil {
			return r
		}
	}
	return apacheRef{}
}

// rewriteOutcome is the verdict of a RewriteRule that answers.
func rewriteOutcome(v Verdict, rv rewriteVerdict) Verdict {
	v.Status = rv.status
	v.DecidedBy = &Ref{File: rv.rule.node.File, Line: rv.rule.node.Line, Directive: apacheDirectiveText(rv.rule.node), Context: rv.rule.context}
	switch {
	case rv.status == 403:
		v.Outcome = OutcomeDeny
	default:
		v.Outcome = OutcomeReturn
	}
	if rv.byUA {
		v.Mechanism = "ua-rule"
		for _, c := range rv.rule.conds {
			v.Notes = append(v.Notes, fmt.Sprintf("condition %s:%d: %s", c.node.File, c.node.Line, apacheDirectiveText(c.node)))
		}
	}
	return v
}

// apacheNormalizePath turns a request target into the URL-path httpd
// matches <Location> against: the query dropped, unreserved characters
// decoded, dot segments resolved (above the root is 400), slashes merged,
// then everything else decoded (an encoded slash is 404, %00 or a bad
// escape 400).
func apacheNormalizePath(target string) (uri string, status int, problem string) {
	if i := strings.IndexAny(target, "?#"); i >= 0 {
		target = target[:i]
	}
	if !strings.HasPrefix(target, "/") {
		return "", 400, "the request target is not an absolute path: httpd answers 400"
	}
	// Decode unreserved characters only.
	var b strings.Builder
	for i := 0; i < len(target); i++ {
		c := target[i]
		if c == '%' && i+2 < len(target) && percent.IsHex(target[i+1]) && percent.IsHex(target[i+2]) {
			d := percent.Unhex(target[i+1])<<4 | percent.Unhex(target[i+2])
			if isUnreserved(d) {
				b.WriteByte(d)
				i += 2
				continue
			}
		}
		b.WriteByte(c)
	}
	p := b.String()
	// Merge slashes, resolve dot segments.
	segs := strings.Split(p, "/")
	var out []string
	for i, s := range segs[1:] {
		last := i == len(segs)-2
		switch s {
		case "", ".":
			if last {
				out = append(out, "")
			}
		case "..":
			if len(out) == 0 {
				return "", 400, "the path climbs above the document root: httpd answers 400"
			}
			out = out[:len(out)-1]
			if last {
				out = append(out, "")
			}
		default:
			out = append(out, s)
		}
	}
	p = "/" + strings.Join(out, "/")
	// Decode the rest.
	b.Reset()
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+2 >= len(p) || !percent.IsHex(p[i+1]) || !percent.IsHex(p[i+2]) {
			return "", 400, "a bad percent escape in the path: httpd answers 400"
		}
		d := percent.Unhex(p[i+1])<<4 | percent.Unhex(p[i+2])
		if d == '/' {
			return "", 404, "an encoded slash (%2F) in the path: httpd answers 404 (AllowEncodedSlashes Off)"
		}
		if d == 0 {
			return "", 400, "an encoded NUL in the path: httpd answers 400"
		}
		b.WriteByte(d)
		i += 2
	}
	return b.String(), 0, ""
}

func isUnreserved(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~'
}

package serverconf

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// hapEval is one request on its way through the proxies.
type hapEval struct {
	facts   hapFacts
	verdict Verdict
	// depends is the first rule whose condition turned on the client's
	// address: the verdict is then "depends", for an address that no
	// such ACL names.
	depends *hapRule
}

// hapStop is a final action: the answer and the rule that gave it.
type hapStop struct {
	status  int
	outcome Outcome
	mech    string
	realm   string
	rule    *hapRule
	notes   []string // the ACL lines that made the rule's condition true
}

// Evaluate decides what an anonymous request gets.
func (h *HAProxy) Evaluate(req Request) Verdict {
	e := &hapEval{facts: newHAProxyFacts(req), verdict: Verdict{Certainty: Certain}}
	port := req.Port
	if port == 0 {
		port = 80
	}
	fe := h.selectFrontend(e, req.Host, port)
	if fe == nil {
		e.uncertain(fmt.Sprintf("no frontend or listen section binds port %d", port))
		return e.finish(nil)
	}
	e.verdict.Selected = &Selection{File: fe.node.File, Line: fe.node.Line, Context: fe.label}
	if !fe.http {
		e.note(fmt.Sprintf("%s at %s is in tcp mode: no http-request rule runs", fe.label, fe.node.Pos()))
		return e.finish(nil)
	}
	// monitor-uri answers the exact target before any rule.
	if m := fe.monitor; m != nil && len(m.Args) > 0 && e.facts.target == m.Args[0] {
		return e.finish(&hapStop{status: 200, outcome: OutcomeReturn, mech: "monitor-uri", rule: &hapRule{node: m, context: fe.label}})
	}
	if st := e.runProxy(fe); st != nil {
		return e.finish(st)
	}
	be := h.pickBackend(e, fe)
	if be == nil {
		e.note(fmt.Sprintf("%s picks no backend: HAProxy answers 503", fe.label))
		return e.finish(nil)
	}
	if be != fe {
		e.verdict.Selected = &Selection{File: be.node.File, Line: be.node.Line, Context: fe.label + " > " + be.label}
		if st := e.runProxy(be); st != nil {
			return e.finish(st)
		}
	}
	return e.finish(nil)
}

func (e *hapEval) note(s string) { e.verdict.Notes = append(e.verdict.Notes, s) }

func (e *hapEval) uncertain(s string) {
	e.note(s)
	e.verdict.Certainty = Uncertain
}

// finish fills the verdict's answer; st nil is no wall.
func (e *hapEval) finish(st *hapStop) Verdict {
	v := &e.verdict
	if st == nil {
		v.Status, v.Outcome = 200, OutcomeOpen
		if e.depends != nil {
			v.Outcome, v.Mechanism = OutcomeDepends, "ip-rule"
			v.DecidedBy = e.depends.ref()
		}
		return *v
	}
	v.Notes = append(v.Notes, st.notes...)
	v.Status, v.Outcome, v.Mechanism, v.Realm = st.status, st.outcome, st.mech, st.realm
	v.DecidedBy = st.rule.ref()
	if e.depends != nil && st.outcome != OutcomeUnsupported {
		v.Outcome = OutcomeDepends
	}
	return *v
}

func (r *hapRule) ref() *Ref {
	return &Ref{File: r.node.File, Line: r.node.Line, Directive: haproxyText(r.node), Context: r.context}
}

// selectFrontend picks the frontend or listen section bound to the port;
// when several are, the one bound to the host's own address, else the
// first (the kernel would spread connections among them).
// The bind that matched says whether the connection is TLS.
func (h *HAProxy) selectFrontend(e *hapEval, host string, port int) *hapProxy {
	type bound struct {
		p   *hapProxy
		ssl bool
	}
	var onPort []bound
	var exact *bound
	for _, p := range h.proxies {
		if p.kind == "backend" {
			continue
		}
		for _, b := range p.binds {
			if port >= b.from && port <= b.to {
				onPort = append(onPort, bound{p, b.ssl})
				if b.addr != "" && b.addr == strings.ToLower(host) && exact == nil {
					exact = &onPort[len(onPort)-1]
				}
				break
			}
		}
	}
	switch {
	case exact != nil:
		e.facts.tls = exact.ssl
		return exact.p
	case len(onPort) == 0:
		return nil
	case len(onPort) > 1:
		e.uncertain(fmt.Sprintf("several sections bind port %d; assumed %s", port, onPort[0].p.label))
	}
	e.facts.tls = onPort[0].ssl
	return onPort[0].p
}

// pickBackend is the first use_backend whose condition holds, else
// default_backend; a listen section without either is its own backend.
func (h *HAProxy) pickBackend(e *hapEval, fe *hapProxy) *hapProxy {
	for _, sw := range fe.switches {
		if !e.holds(sw) {
			continue
		}
		if strings.Contains(sw.action, "%[") {
			e.uncertain(fmt.Sprintf("%s at %s names its backend with a sample expression", haproxyText(sw.node), sw.node.Pos()))
			return nil
		}
		return h.byName[sw.action]
	}
	if fe.defBack != nil && len(fe.defBack.Args) > 0 {
		if strings.Contains(fe.defBack.Args[0], "%[") {
			e.uncertain(fmt.Sprintf("%s at %s names its backend with a sample expression", haproxyText(fe.defBack), fe.defBack.Pos()))
			return nil
		}
		return h.byName[fe.defBack.Args[0]]
	}
	if fe.kind == "listen" {
		return fe
	}
	return nil
}

// hapHarmless are http-request actions that cannot change what the
// request is answered nor what later conditions see.
var hapHarmless = map[string]bool{
	"set-var": true, "unset-var": true, "set-log-level": true, "set-nice": true, "set-tos": true,
	"set-mark": true, "capture": true, "add-acl": true, "del-acl": true, "set-map": true, "del-map": true,
	"cache-use": true, "early-hint": true, "disable-l7-retry": true, "set-timeout": true,
	"strict-mode": true, "wait-for-body": true, "wait-for-handshake": true, "set-priority-class": true,
	"set-priority-offset": true, "send-spoe-group": true, "set-bandwidth-limit": true, "sc-inc-gpc": true,
	"sc-inc-gpc0": true, "sc-inc-gpc1": true, "sc-set-gpt0": true, "sc-set-gpt": true, "track-sc0": true,
	"track-sc1": true, "track-sc2": true, "set-src": true, "set-src-port": true, "set-dst": true,
	"set-dst-port": true, "do-resolve": true, "set-var-fmt": true, "sc-add-gpc": true,
}

// hapRewrites change the path, the method or the URI that later
// conditions see.
var hapRewrites = map[string]bool{
	"set-path": true, "set-pathq": true, "set-uri": true, "set-query": true, "replace-path": true,
	"replace-pathq": true, "replace-uri": true, "normalize-uri": true, "set-method": true,
}

// runProxy runs one section's http-request rules, then its redirect rules;
// nil means the request goes on. "allow" ends the http-request rules of
// this section only.
func (e *hapEval) runProxy(p *hapProxy) *hapStop {
rules:
	for _, r := range p.rules {
		c := e.check(r)
		action, _, _ := strings.Cut(r.action, "(")
		if !c.taken {
			continue
		}
		switch {
		case r.action == "allow":
			break rules
		case r.action == "deny" || r.action == "tarpit":
			status := 403
			if r.action == "tarpit" {
				status = 500
			}
			if s, ok := hapStatusArg(r.args, "deny_status", "status"); ok {
				status = s
			}
			return &hapStop{status: status, outcome: OutcomeDeny, mech: c.mech("unknown"), rule: r, notes: c.notes}
		case r.action == "reject" || r.action == "silent-drop":
			e.note(fmt.Sprintf("%s at %s closes the connection without an answer", haproxyText(r.node), r.node.Pos()))
			return &hapStop{status: 0, outcome: OutcomeDeny, mech: c.mech("unknown"), rule: r, notes: c.notes}
		case r.action == "auth":
			realm := p.name
			if i := slices.Index(r.args, "realm"); i >= 0 && i+1 < len(r.args) {
				realm = r.args[i+1]
			}
			return &hapStop{status: 401, outcome: OutcomeAuth, mech: "basic", realm: realm, rule: r, notes: c.notes}
		case r.action == "return":
			status := 200
			if s, ok := hapStatusArg(r.args, "status"); ok {
				status = s
			}
			return &hapStop{status: status, outcome: OutcomeReturn, mech: c.mech("return"), rule: r, notes: c.notes}
		case r.action == "redirect":
			return e.redirect(r, c)
		case r.action == "use-service":
			e.note(fmt.Sprintf("%s at %s answers from a service the config does not show", haproxyText(r.node), r.node.Pos()))
			return &hapStop{status: 0, outcome: OutcomeUnsupported, mech: "use-service", rule: r, notes: c.notes}
		case strings.HasPrefix(r.action, "lua."):
			e.uncertain(fmt.Sprintf("%s at %s runs Lua, which may answer the request itself", haproxyText(r.node), r.node.Pos()))
		case hapRewrites[action]:
			e.uncertain(fmt.Sprintf("%s at %s rewrites the request; later rules were matched against the original", haproxyText(r.node), r.node.Pos()))
		case r.action == "set-header" || r.action == "add-header" || r.action == "del-header" || r.action == "replace-header" || r.action == "replace-value":
			if len(r.args) > 0 && (strings.EqualFold(r.args[0], "host") || strings.EqualFold(r.args[0], "user-agent")) {
				e.uncertain(fmt.Sprintf("%s at %s changes a header later rules may test; they were matched against the original", haproxyText(r.node), r.node.Pos()))
			}
		case hapHarmless[action]:
		default:
			e.uncertain(fmt.Sprintf("the action of %s at %s is not modelled", haproxyText(r.node), r.node.Pos()))
		}
	}
	if st := e.statsPage(p); st != nil {
		return st
	}
	for _, r := range p.redirects {
		if c := e.check(r); c.taken {
			return e.redirect(r, c)
		}
	}
	return nil
}

// statsPage answers a request for the section's statistics page, which
// HAProxy serves after the http-request rules and before the redirect
// rules: 401 when "stats auth" sets a user, else the page itself.
func (e *hapEval) statsPage(p *hapProxy) *hapStop {
	st := p.stats
	if st == nil || !strings.HasPrefix(e.facts.target, st.uri) {
		return nil
	}
	if st.rules != nil {
		e.uncertain(fmt.Sprintf("%s at %s: stats http-request rules are not modelled", haproxyText(st.rules), st.rules.Pos()))
	}
	if st.auth != nil {
		r := &hapRule{node: st.auth, context: p.label}
		return &hapStop{status: 401, outcome: OutcomeAuth, mech: "basic", realm: st.realm, rule: r}
	}
	r := &hapRule{node: st.enabled, context: p.label}
	return &hapStop{status: 200, outcome: OutcomeReturn, mech: "stats", rule: r}
}

// redirect answers a redirect rule: "code N", 302 by default.
func (e *hapEval) redirect(r *hapRule, c hapChecked) *hapStop {
	status := 302
	if s, ok := hapStatusArg(r.args, "code"); ok {
		status = s
	}
	return &hapStop{status: status, outcome: OutcomeReturn, mech: c.mech("redirect"), rule: r, notes: c.notes}
}

// hapStatusArg finds "KEY N" among an action's arguments.
func hapStatusArg(args []string, keys ...string) (int, bool) {
	for i := 0; i+1 < len(args); i++ {
		for _, k := range keys {
			if args[i] == k {
				if n, err := strconv.Atoi(args[i+1]); err == nil {
					return n, true
				}
			}
		}
	}
	return 0, false
}

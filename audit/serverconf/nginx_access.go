package serverconf

import (
	"fmt"
	"slices"
	"strings"
)

// accessPhase decides the access phase for a request in loc (nil: the
// server's own settings). nil means no wall.
//
// nginx runs the access handlers in the order allow/deny, auth_basic,
// then auth_request and the other modules' (Lua's access handler puts
// itself last). Under "satisfy all" the first refusal answers (so deny's 403
// comes before auth_basic's 401); under "satisfy any" one OK lets the
// request through, and otherwise a 401 wins over a 403.
//
// The client's address is unknown: the verdict is the one an address that
// no specific allow/deny rule names gets, and it is "depends" (with the
// rule named) when an address a rule names would get something else.
func (n *Nginx) accessPhase(r *ngxRequest, loc *ngxLoc) *ngxStop {
	levels, labels := n.levels(r, loc)
	levels, labels = n.limitExcept(r, loc, levels, labels)
	a := ngxAccessConf{levels: levels, labels: labels}
	a.rules, _ = ngxInnermostLevel(levels, "allow", "deny")
	if s := ngxInnermost(levels, "satisfy"); len(s) > 0 {
		last := s[len(s)-1]
		a.any = len(last.Args) > 0 && last.Args[0] == "any"
	}
	if ab := ngxInnermost(levels, "auth_basic"); len(ab) > 0 {
		a.basic = ab[len(ab)-1]
	}
	if uf := ngxInnermost(levels, "auth_basic_user_file"); len(uf) > 0 {
		a.userFile = uf[len(uf)-1]
	}
	a.module = ngxModuleAuthIn(levels, labels, "access")
	if a.basic != nil && len(a.basic.Args) > 0 && strings.Contains(a.basic.Args[0], "$") {
		r.note(fmt.Sprintf("%s at %s: the realm is a variable; a value of \"off\" would turn auth off", ngxDirectiveText(a.basic), a.basic.Pos()))
		r.verdict.Certainty = Uncertain
	}

	outside := a.decide(-1)
	if outside != nil && outside == a.module {
		r.note(ngxModuleNote(outside))
	}
	for i, rule := range a.rules {
		if ngxRuleArg(rule) == "all" {
			break
		}
		inside := a.decide(i)
		if ngxSameAccess(inside, outside) {
			continue
		}
		r.note(fmt.Sprintf("%s at %s: a client it names gets %s", ngxDirectiveText(rule), rule.Pos(), ngxAccessText(inside)))
		if inside != nil && inside == a.module {
			r.note(ngxModuleNote(inside))
		}
		r.dependOn(&ngxStop{mech: "ip-rule", by: rule, context: a.labelOf(rule)})
		return outside
	}
	return outside
}

// dependOn records the first rule the answer depends on.
func (r *ngxRequest) dependOn(st *ngxStop) {
	if r.depends == nil {
		r.depends = st
	}
}

type ngxAccessConf struct {
	levels   []*Node
	labels   []string
	rules    []*Node // allow/deny of the innermost level that has any
	any      bool
	basic    *Node
	userFile *Node
	// module is the Lua handler or module (auth_request, auth_jwt...)
	// that decides after allow/deny and auth_basic, if one applies.
	module *ngxStop
}

// decide runs the access handlers for a client that the rule at index
// client names (and no earlier one); -1 is a client no specific rule names.
func (a *ngxAccessConf) decide(client int) *ngxStop {
	var ip *ngxStop
	ipOK := false
	for i, rule := range a.rules {
		if ngxRuleArg(rule) != "all" && i != client {
			continue
		}
		if rule.Name == "allow" {
			ipOK = true
		} else {
			ip = &ngxStop{status: 403, outcome: OutcomeDeny, mech: "ip-rule", by: rule, context: a.labelOf(rule)}
		}
		break
	}
	var basic *ngxStop
	if a.basic != nil && a.userFile != nil && len(a.basic.Args) > 0 && a.basic.Args[0] != "off" {
		basic = &ngxStop{status: 401, outcome: OutcomeAuth, mech: "basic", realm: a.basic.Args[0], by: a.basic, context: a.labelOf(a.basic)}
	}
	ar := a.module
	if !a.any {
		for _, st := range []*ngxStop{ip, basic, ar} {
			if st != nil {
				return st
			}
		}
		return nil
	}
	switch {
	case ipOK:
		return nil
	case ar != nil:
		return ar
	case basic != nil:
		return basic
	}
	return ip
}

// limitExcept: a limit_except block applies to the methods it does not
// list (GET implies HEAD), and only in its own location: a nested location
// does not inherit it (checked on nginx 1.22).
func (n *Nginx) limitExcept(r *ngxRequest, loc *ngxLoc, levels []*Node, labels []string) ([]*Node, []string) {
	le := limitExceptFor(r, loc)
	if le == nil {
		return levels, labels
	}
	last := len(labels) - 1
	return append(levels, le), append(labels, labels[last]+" > "+ngxDirectiveText(le))
}

// limitExceptFor is loc's limit_except block when it applies to the
// request's method.
func limitExceptFor(r *ngxRequest, loc *ngxLoc) *Node {
	if loc == nil {
		return nil
	}
	le := ngxLastDirective(loc.node, "limit_except")
	if le == nil || slices.Contains(le.Args, r.method) || r.method == "HEAD" && slices.Contains(le.Args, "GET") {
		return nil
	}
	return le
}

// labelOf is the context of the level that holds d.
func (a *ngxAccessConf) labelOf(d *Node) string {
	for i, lvl := range a.levels {
		if slices.Contains(lvl.Children, d) {
			return a.labels[i]
		}
	}
	return ""
}

func ngxRuleArg(rule *Node) string {
	if len(rule.Args) == 0 {
		return ""
	}
	return rule.Args[0]
}

func ngxSameAccess(a, b *ngxStop) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.status == b.status && a.outcome == b.outcome
}

func ngxAccessText(st *ngxStop) string {
	if st == nil {
		return "through"
	}
	if st.outcome == OutcomeUnsupported {
		return "the answer of " + st.by.Name
	}
	return fmt.Sprintf("%d", st.status)
}

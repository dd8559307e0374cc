package serverconf

import (
	"fmt"
	"strings"
)

// hapChecked is a rule's condition decided for one request.
type hapChecked struct {
	taken   bool
	ua      bool // a User-Agent test is among the terms that made it true
	address bool // it was taken on an assumption about the client's address
	notes   []string
}

// mech is the mechanism a final action reports: a User-Agent or address
// rule when one decided, else def.
func (c hapChecked) mech(def string) string {
	switch {
	case c.ua:
		return "ua-rule"
	case c.address:
		return "ip-rule"
	}
	return def
}

func (e *hapEval) holds(r *hapRule) bool { return e.check(r).taken }

// check decides r's condition. A term the request cannot decide is taken
// as not matching (the client's address is then one no ACL names); when
// that choice decides the condition, the verdict depends on the client
// (an address) or is uncertain (anything else), with the rule named.
func (e *hapEval) check(r *hapRule) hapChecked {
	if r.cond == nil {
		return hapChecked{taken: true}
	}
	res := r.cond.eval(e.facts)
	c := hapChecked{taken: res.assumed == hapYes}
	if res.val == hapUnknown {
		for _, why := range res.unknown {
			if why == "address" {
				c.address = true
				if e.depends == nil {
					e.depends = r
				}
				e.note(fmt.Sprintf("%s at %s tests the client's address or its request counters; taken for a client no ACL names", haproxyText(r.node), r.node.Pos()))
				continue
			}
			e.uncertain(fmt.Sprintf("%s at %s: %s; taken as not matching", haproxyText(r.node), r.node.Pos(), why))
		}
	}
	if !c.taken {
		return c
	}
	for _, t := range res.credited {
		for _, a := range t.term.exprs() {
			if a.fetch == "hdr" && a.header == "user-agent" {
				c.ua = true
			}
		}
		if t.term.named == nil {
			continue
		}
		if t.term.neg {
			var at []string
			for _, a := range t.term.named.lines {
				at = append(at, a.node.Pos().String())
			}
			c.notes = append(c.notes, fmt.Sprintf("acl %s (%s) did not match", t.term.named.name, strings.Join(at, ", ")))
			continue
		}
		for _, a := range t.matched {
			c.notes = append(c.notes, fmt.Sprintf("acl %s %s at %s matched", t.term.named.name, a.text, a.node.Pos()))
		}
	}
	return c
}

func (t *hapTerm) exprs() []*hapACL {
	if t.named != nil {
		return t.named.lines
	}
	return []*hapACL{t.anon}
}

// hapTermResult is one term decided: val in three-valued logic, assumed
// with the undecidable expressions taken as not matching.
type hapTermResult struct {
	term    *hapTerm
	val     hapTri
	assumed hapTri
	matched []*hapACL
}

type hapCondResult struct {
	val      hapTri
	assumed  hapTri
	unknown  []string        // why terms were undecidable
	credited []hapTermResult // the terms that made the condition true
}

func (c *hapCond) eval(f hapFacts) hapCondResult {
	var res hapCondResult
	res.val, res.assumed = hapNo, hapNo
	var groups [][]hapTermResult
	for _, g := range c.groups {
		gv, ga := hapYes, hapYes
		var terms []hapTermResult
		for i := range g {
			t := &g[i]
			tr := hapTermResult{term: t, val: hapNo, assumed: hapNo}
			for _, a := range t.exprs() {
				v, why := a.eval(f)
				switch v {
				case hapYes:
					tr.val, tr.assumed = hapYes, hapYes
					tr.matched = append(tr.matched, a)
				case hapUnknown:
					if tr.val != hapYes {
						tr.val = hapUnknown
					}
					res.unknown = hapAppendOnce(res.unknown, why)
				}
			}
			if t.neg {
				tr.val, tr.assumed = hapNot(tr.val), hapNot(tr.assumed)
			}
			gv, ga = hapAnd(gv, tr.val), hapAnd(ga, tr.assumed)
			terms = append(terms, tr)
		}
		groups = append(groups, terms)
		if res.assumed != hapYes && ga == hapYes {
			res.credited = terms
		}
		res.val, res.assumed = hapOr(res.val, gv), hapOr(res.assumed, ga)
	}
	if c.unless {
		res.val, res.assumed = hapNot(res.val), hapNot(res.assumed)
		res.credited = nil
		for _, g := range groups {
			res.credited = append(res.credited, g...)
		}
	}
	return res
}

func hapAppendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func hapNot(v hapTri) hapTri {
	switch v {
	case hapYes:
		return hapNo
	case hapNo:
		return hapYes
	}
	return hapUnknown
}

func hapAnd(a, b hapTri) hapTri {
	switch {
	case a == hapNo || b == hapNo:
		return hapNo
	case a == hapUnknown || b == hapUnknown:
		return hapUnknown
	}
	return hapYes
}

func hapOr(a, b hapTri) hapTri {
	switch {
	case a == hapYes || b == hapYes:
		return hapYes
	case a == hapUnknown || b == hapUnknown:
		return hapUnknown
	}
	return hapNo
}

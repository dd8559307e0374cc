package serverconf

import "fmt"

// ngxModuleAuth is a directive whose decision is made by code or a module
// the config cannot show: Lua, a subrequest, an outside service.
type ngxModuleAuth struct {
	// phase is where nginx runs it: "rewrite" (after the rewrite module's
	// own directives, so a return still answers first) or "access".
	phase string
	// slot groups the spellings of one setting (access_by_lua,
	// access_by_lua_block, access_by_lua_file): an inner level's one
	// replaces an outer level's.
	slot string
	mech string // as attribution names it
	// off is the argument that turns an inherited one off; "" when nothing
	// does (Lua).
	off  string
	note string // what decides, completed with "; the config cannot show the answer"
}

// ngxModuleAuths are the directives that hand the decision to code or a
// module; each one is inherited by inner blocks as nginx merges it.
var ngxModuleAuths = map[string]ngxModuleAuth{
	"rewrite_by_lua":       {phase: "rewrite", slot: "rewrite_by_lua", mech: "unknown", note: "Lua code decides the answer in the rewrite phase"},
	"rewrite_by_lua_block": {phase: "rewrite", slot: "rewrite_by_lua", mech: "unknown", note: "Lua code decides the answer in the rewrite phase"},
	"rewrite_by_lua_file":  {phase: "rewrite", slot: "rewrite_by_lua", mech: "unknown", note: "Lua code in another file decides the answer in the rewrite phase"},
	"access_by_lua":        {phase: "access", slot: "access_by_lua", mech: "unknown", note: "Lua code decides the answer in the access phase"},
	"access_by_lua_block":  {phase: "access", slot: "access_by_lua", mech: "unknown", note: "Lua code decides the answer in the access phase"},
	"access_by_lua_file":   {phase: "access", slot: "access_by_lua", mech: "unknown", note: "Lua code in another file decides the answer in the access phase"},
	"auth_request":         {phase: "access", slot: "auth_request", mech: "auth-request", off: "off", note: "a subrequest to another service decides the answer (`auth_request off;` turns it off)"},
	"auth_jwt":             {phase: "access", slot: "auth_jwt", mech: "bearer", off: "off", note: "the JWT module (nginx Plus) checks a token the client sends (`auth_jwt off;` turns it off)"},
	"auth_ldap":            {phase: "access", slot: "auth_ldap", mech: "basic", off: "off", note: "the third-party LDAP module asks an LDAP server (`auth_ldap off;` turns it off)"},
	"auth_pam":             {phase: "access", slot: "auth_pam", mech: "basic", off: "off", note: "the third-party PAM module asks the system's PAM stack (`auth_pam off;` turns it off)"},
	"auth_gss":             {phase: "access", slot: "auth_gss", mech: "negotiate", off: "off", note: "the third-party SPNEGO module asks Kerberos (`auth_gss off;` turns it off)"},
	"auth_digest":          {phase: "access", slot: "auth_digest", mech: "digest", off: "off", note: "the third-party digest module checks its user file (`auth_digest off;` turns it off)"},
}

// ngxModuleAuthIn is the directive of the given phase that levels
// (outermost first) leave in effect, or nil: the innermost level that sets
// one wins, and an "off" there turns that setting off for inner blocks.
func ngxModuleAuthIn(levels []*Node, labels []string, phase string) *ngxStop {
	decided := map[string]bool{} // slots an inner level already set
	for i := len(levels) - 1; i >= 0; i-- {
		var found *Node
		for _, c := range levels[i].Children {
			m, ok := ngxModuleAuths[c.Name]
			if !ok || m.phase != phase || decided[m.slot] {
				continue
			}
			decided[m.slot] = true
			if m.off != "" && len(c.Args) > 0 && c.Args[0] == m.off {
				continue
			}
			if found == nil {
				found = c
			}
		}
		if found != nil {
			m := ngxModuleAuths[found.Name]
			return &ngxStop{status: 0, outcome: OutcomeUnsupported, mech: m.mech, by: found, context: labels[i]}
		}
	}
	return nil
}

// ngxModuleNote says what decides a stop made by a module directive.
func ngxModuleNote(st *ngxStop) string {
	m := ngxModuleAuths[st.by.Name]
	return fmt.Sprintf("%s at %s: %s; the config cannot show the answer", st.by.Name, st.by.Pos(), m.note)
}

// rewriteModule is the Lua rewrite handler that applies in loc (nil: the
// server's own settings); it runs after the rewrite module's directives
// and, as a phase handler of its own, even after a "rewrite ... last".
func (n *Nginx) rewriteModule(r *ngxRequest, loc *ngxLoc) *ngxStop {
	levels, labels := n.levels(r, loc)
	st := ngxModuleAuthIn(levels, labels, "rewrite")
	if st != nil {
		r.note(ngxModuleNote(st))
	}
	return st
}

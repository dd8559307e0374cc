package audit

import (
	"fmt"
	"strconv"
	"strings"

	"authwall/audit/serverconf"
)

// configVerdict is what one of the user's server configs decides for a URL
// (white-box attribution), with the server whose config it is.
type configVerdict struct {
	server string
	path   string // the request target asked about
	v      serverconf.Verdict
}

// askConfigs asks each config in turn about the URL as an agent with the
// given User-Agent; the first config with a server block for the URL's
// host and port answers. ok is false when none serves it.
func askConfigs(configs []serverconf.Evaluator, rawURL, userAgent string) (configVerdict, bool) {
	req, err := serverconf.RequestFor(rawURL, userAgent)
	if err != nil {
		return configVerdict{}, false
	}
	for _, ev := range configs {
		v := ev.Evaluate(req)
		// A rule decided before any block was chosen (an Apache server-level
		// rewrite) still means this config serves the request.
		if v.Selected == nil && v.DecidedBy != nil {
			v.Selected = &serverconf.Selection{File: v.DecidedBy.File, Line: v.DecidedBy.Line, Context: v.DecidedBy.Context}
		}
		if v.Selected != nil {
			return configVerdict{server: ev.Server(), path: req.Path, v: v}, true
		}
	}
	return configVerdict{}, false
}

// walls reports whether a rule of the config decides the request (auth,
// deny, a return, a rule that depends on the client, or an external auth
// service), rather than leaving it to the content handler.
func (c configVerdict) walls() bool {
	if c.v.Outcome == serverconf.OutcomeReturn && c.v.Status >= 200 && c.v.Status < 300 {
		return false // a rule that serves the page itself (HAProxy's return status 200) is content
	}
	return c.v.DecidedBy != nil && c.v.Outcome != serverconf.OutcomeOpen
}

// agrees reports whether the config predicts the status the site answered.
// An external auth service's answer is unknown, so it never agrees.
func (c configVerdict) agrees(status int) bool {
	return c.v.Status != 0 && c.v.Status == status
}

// decidedAt is the deciding directive's place.
func (c configVerdict) decidedAt() *Location {
	d := c.v.DecidedBy
	return &Location{File: d.File, Line: d.Line, Context: d.Context}
}

// selectedAt is the place of the block the config chose for the request.
func (c configVerdict) selectedAt() *Location {
	s := c.v.Selected
	if s == nil {
		return nil
	}
	return &Location{File: s.File, Line: s.Line, Context: s.Context}
}

// inherited reports whether the deciding directive sits in a block around
// the one chosen (server-level auth that a location inherits), not in it
// or in a block inside it (an if).
func (c configVerdict) inherited() bool {
	return c.v.Selected != nil && strings.HasPrefix(c.v.Selected.Context, c.v.DecidedBy.Context+" > ")
}

// directiveName is the deciding directive's name: `auth_basic`, `deny`...
func (c configVerdict) directiveName() string {
	if c.v.DecidedBy == nil {
		return ""
	}
	name, _, _ := strings.Cut(c.v.DecidedBy.Directive, " ")
	return name
}

// mechanism is the verdict's mechanism; evaluators already use
// attribution's words, and "" (no mechanism named) is "unknown".
func (c configVerdict) mechanism() string {
	// Evaluators also name what decided in their own words (return,
	// rewrite, stats...); the attribution keeps its fixed vocabulary and the
	// directive says the rest.
	if !knownMechanism(c.v.Mechanism) {
		return "unknown"
	}
	return c.v.Mechanism
}

// statusText is the predicted status, or what stands for it.
func (c configVerdict) statusText() string {
	if c.v.Status == 0 {
		return "an answer decided outside the config"
	}
	return strconv.Itoa(c.v.Status)
}

// outcomeText says what the config does with the request, in a few words.
func (c configVerdict) outcomeText() string {
	switch c.v.Outcome {
	case serverconf.OutcomeUnsupported:
		return "the answer comes from outside the config (unsupported)"
	case serverconf.OutcomeDepends:
		return fmt.Sprintf("%d for a client the rule does not name (depends on the client)", c.v.Status)
	}
	return fmt.Sprintf("%s, %d", c.v.Outcome, c.v.Status)
}

// wallEvidence says, in one line, which directive walls the request and
// where.
func (c configVerdict) wallEvidence() string {
	d := c.v.DecidedBy
	line := fmt.Sprintf("%s config: `%s` at %s:%d (%s) decides this path: %s", c.server, d.Directive, d.File, d.Line, d.Context, c.outcomeText())
	if c.inherited() {
		line += fmt.Sprintf(", inherited by %s (%s:%d)", c.v.Selected.Context, c.v.Selected.File, c.v.Selected.Line)
	}
	return line
}

// openEvidence says the config leaves the request open, and where.
func (c configVerdict) openEvidence() string {
	s := c.v.Selected
	return fmt.Sprintf("%s config: %s (%s:%d) serves this path with no access rule (status %d)", c.server, s.Context, s.File, s.Line, c.v.Status)
}

// wallFix names the line to change so the request is no longer walled.
func (c configVerdict) wallFix() string {
	if fix, ok := configFixes[c.server]; ok {
		return fix.open(c)
	}
	d := c.v.DecidedBy
	return fmt.Sprintf("Change `%s` at %s:%d (%s) so that it no longer covers %s.", d.Directive, d.File, d.Line, d.Context, c.path)
}

// protectFix names the block that should have had access control.
func (c configVerdict) protectFix() string {
	if fix, ok := configFixes[c.server]; ok {
		return fix.protect(c)
	}
	s := c.v.Selected
	return fmt.Sprintf("Add access control to %s (%s:%d), or to a block that covers only the private paths.", s.Context, s.File, s.Line)
}

// attribution is the config's verdict as an attribution of its own, for a
// wall no HTTP answer was seen for (lint) or one the answer could not
// attribute.
func (c configVerdict) attribution() Attribution {
	conf := "high"
	if c.v.Certainty != serverconf.Certain || c.v.Status == 0 || c.v.Outcome == serverconf.OutcomeDepends {
		conf = "medium"
	}
	att := Attribution{
		Source: c.server, Mechanism: c.mechanism(), Directive: c.directiveName(), Realm: c.v.Realm,
		Confidence: conf, Evidence: []string{c.wallEvidence()}, Location: c.decidedAt(), Fix: c.wallFix(),
	}
	att.Evidence = append(att.Evidence, c.v.Notes...)
	return att
}

// exposedAttribution names the block that served a private path without
// access control as the place that should have had it.
func (c configVerdict) exposedAttribution() Attribution {
	conf := "high"
	if c.v.Certainty != serverconf.Certain {
		conf = "medium"
	}
	return Attribution{
		Source: c.server, Directive: lastLabel(c.v.Selected.Context), Confidence: conf,
		Evidence: append([]string{c.openEvidence()}, c.v.Notes...),
		Location: c.selectedAt(), Fix: c.protectFix(),
	}
}

// configFix writes fixes in one server's own syntax.
type configFix struct {
	open    func(c configVerdict) string // lift the wall the verdict found
	protect func(c configVerdict) string // protect the block the verdict chose
}

// configFixes: one row per server whose syntax the fixes speak; a server
// without a row gets a fix that names the line in general terms.
var configFixes = map[string]configFix{
	"nginx":  {open: nginxOpenFix, protect: nginxProtectFix},
	"apache": {open: apacheOpenFix, protect: apacheProtectFix},
}

// nginxOff is the directive that turns an inherited access rule off in an
// inner block.
var nginxOff = map[string]string{
	"auth_basic":   "auth_basic off;",
	"auth_request": "auth_request off;",
	"auth_jwt":     "auth_jwt off;",
	"auth_ldap":    "auth_ldap off;",
	"auth_pam":     "auth_pam off;",
	"auth_gss":     "auth_gss off;",
	"auth_digest":  "auth_digest off;",
	"deny":         "allow all;",
	"allow":        "allow all;",
	"satisfy":      "allow all;",
}

func nginxOpenFix(c configVerdict) string {
	d, s := c.v.DecidedBy, c.v.Selected
	at := fmt.Sprintf("%s:%d", d.File, d.Line)
	if off, ok := nginxOff[c.directiveName()]; ok && c.inherited() {
		return fmt.Sprintf("Add `%s` to %s (%s:%d): it inherits `%s` from %s (%s).", off, lastLabel(s.Context), s.File, s.Line, d.Directive, lastLabel(d.Context), at)
	}
	return fmt.Sprintf("Remove `%s` at %s (%s), or narrow %s so that it no longer covers %s.", d.Directive, at, lastLabel(d.Context), lastLabel(s.Context), c.path)
}

func nginxProtectFix(c configVerdict) string {
	s := c.v.Selected
	return fmt.Sprintf("Add `auth_basic \"Restricted\"; auth_basic_user_file /etc/nginx/htpasswd;` (or `deny all;`) to %s (%s:%d), or give the private paths a location of their own that wins over it.", lastLabel(s.Context), s.File, s.Line)
}

// apacheOpenFix: with the default AuthMerging Off, a section that has its
// own authorization replaces what it would inherit, so a public subtree
// under a protected one needs a section of its own that grants access.
func apacheOpenFix(c configVerdict) string {
	d := c.v.DecidedBy
	at := fmt.Sprintf("%s:%d", d.File, d.Line)
	if c.v.Outcome == serverconf.OutcomeAuth || c.v.Outcome == serverconf.OutcomeDeny {
		return fmt.Sprintf("Remove `%s` at %s (%s), or give %s a section of its own with `Require all granted` (with AuthMerging Off it replaces the inherited rule).", d.Directive, at, lastLabel(d.Context), c.path)
	}
	return fmt.Sprintf("Change `%s` at %s (%s) so that it no longer covers %s.", d.Directive, at, lastLabel(d.Context), c.path)
}

func apacheProtectFix(c configVerdict) string {
	s := c.v.Selected
	return fmt.Sprintf("Add `AuthType Basic`, `AuthName \"Restricted\"`, `AuthUserFile /etc/apache2/htpasswd` and `Require valid-user` (or `Require all denied`) to %s (%s:%d), or give the private paths a <Location> of their own.", lastLabel(s.Context), s.File, s.Line)
}

// lastLabel is the innermost block of a context: "location /blog/" of
// "server example.org > location /blog/".
func lastLabel(context string) string {
	if i := strings.LastIndex(context, " > "); i >= 0 {
		return context[i+3:]
	}
	return context
}

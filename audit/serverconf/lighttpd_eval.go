package serverconf

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// lighttpdInput is what the conditions of one request compare against.
type lighttpdInput struct {
	path, query, target, authority, scheme, method, agent string
	port                                                  int
}

// lighttpdState is the result of one condition for one request.
type lighttpdState byte

const (
	ltFalse lighttpdState = iota
	ltTrue
	ltSkip // its parent is not true, or an earlier branch of its else chain was taken
)

// lighttpdSetting is the value a key has for a request and the context
// that gave it.
type lighttpdSetting struct {
	node *Node
	ctx  *lighttpdCtx
}

// Evaluate decides what an anonymous request gets.
func (l *Lighttpd) Evaluate(req Request) Verdict {
	uri, problem := lighttpdNormalize(req.Path)
	if problem != "" {
		v := Verdict{Status: 400, Outcome: OutcomeOpen, Certainty: Certain}
		v.Notes = append(v.Notes, problem+": lighttpd answers 400 Bad Request")
		return v
	}
	in := lighttpdInput{path: uri.path, query: uri.query, target: uri.target(), method: strings.ToUpper(req.Method), agent: req.UserAgent, port: req.Port, scheme: "http"}
	if in.method == "" {
		in.method = "GET"
	}
	if in.port == 0 {
		in.port = 80
	}
	if in.port == 443 {
		in.scheme = "https"
	}
	in.authority = strings.TrimSuffix(strings.ToLower(req.Host), ".")
	if in.port != 80 && in.port != 443 {
		// A client names a port that is not the scheme's own in Host.
		in.authority += ":" + strconv.Itoa(in.port)
	}
	v := l.decide(in, nil)
	// Address rules are taken as false for the crawler (it is not in
	// the operator's lists); when turning one of them changes the answer,
	// the verdict depends on the client.
	for _, s := range l.scopes {
		if s.field != "remoteip" {
			continue
		}
		alt := l.decide(in, s)
		if alt.Status != v.Status || alt.Outcome != v.Outcome {
			v.Notes = append(v.Notes, fmt.Sprintf("a client that %s %s gets %d instead", lighttpdMatchWord(s.op), s.value, alt.Status))
			v.Outcome = OutcomeDepends
			v.Mechanism = "ip-rule"
			v.DecidedBy = &Ref{File: s.node.File, Line: s.node.Line, Directive: s.written, Context: s.label}
			break
		}
	}
	v.Notes = append(v.Notes, l.notes...)
	if len(l.notes) > 0 {
		v.Certainty = Uncertain
	}
	return v
}

func lighttpdMatchWord(op string) string {
	if op == "!=" || op == "!~" {
		return "is not"
	}
	return "is"
}

// decide runs the request through the contexts and the URI handlers;
// flipped is an address condition taken as true for this run.
func (l *Lighttpd) decide(in lighttpdInput, flipped *lighttpdCtx) Verdict {
	v := Verdict{Status: 200, Outcome: OutcomeOpen, Certainty: Certain}
	states := make([]lighttpdState, len(l.scopes))
	eff := map[string]lighttpdSetting{}
	var last *lighttpdCtx
	for i, s := range l.scopes {
		switch {
		case i == 0:
			states[i] = ltTrue
		case s.parent.id != 0 && states[s.parent.id] != ltTrue:
			states[i] = ltSkip
		case s.prev != nil && states[s.prev.id] != ltFalse:
			states[i] = ltSkip
		default:
			m, note := l.match(s, in, flipped)
			if note != "" {
				v.Notes = append(v.Notes, note)
				v.Certainty = Uncertain
			}
			states[i] = ltFalse
			if m {
				states[i] = ltTrue
			}
		}
		if states[i] != ltTrue {
			continue
		}
		if i > 0 {
			last = s
		}
		for key, n := range s.settings {
			eff[key] = lighttpdSetting{node: n, ctx: s}
		}
	}
	if last != nil {
		v.Selected = &Selection{File: last.node.File, Line: last.node.Line, Context: last.label}
	} else {
		v.Selected = &Selection{File: l.mainFile, Context: "global"}
	}
	lower := lighttpdEnabled(eff["server.force-lowercase-filenames"].node)
	for key, n := range l.ignored {
		if _, set := eff[key]; set {
			v.Notes = append(v.Notes, fmt.Sprintf("%s at %s is ignored: server.modules does not load %s", key, n.Pos(), lighttpdWallModules[key]))
		}
	}
	slices.Sort(v.Notes)
	for _, mod := range l.modules {
		var stop bool
		switch mod {
		case "mod_auth":
			stop = l.checkAuth(&v, eff, in.path, lower)
		case "mod_access":
			stop = l.checkAccess(&v, eff, in.path, lower)
		case "mod_redirect":
			stop = l.checkRedirect(&v, eff, in.target)
		}
		if stop {
			return v
		}
	}
	// mod_access runs again when the request reaches its handler, after
	// mod_indexfile has appended the index file to a directory's path.
	idx := eff["index-file.names"].node
	if slices.Contains(l.modules, "mod_access") && idx != nil && strings.HasSuffix(in.path, "/") && len(idx.Children) > 0 && len(idx.Children[0].Args) == 1 {
		name := idx.Children[0].Args[0]
		p := in.path + name
		if strings.HasPrefix(name, "/") {
			p = name
		}
		if l.checkAccess(&v, eff, p, lower) {
			v.Notes = append(v.Notes, fmt.Sprintf("refused as %s, if the directory has that index file", p))
			v.Certainty = Uncertain
		}
	}
	return v
}

// match runs one condition's own test.
func (l *Lighttpd) match(s *lighttpdCtx, in lighttpdInput, flipped *lighttpdCtx) (bool, string) {
	if s.op == "" {
		return true, "" // a bare else
	}
	negated := s.op == "!=" || s.op == "!~"
	var subject string
	switch {
	case s.field == "remoteip":
		// Outside every list: a positive test fails, a negative one holds.
		return negated != (s == flipped), ""
	case s.field == "url":
		subject = in.path
	case s.field == "host":
		subject = in.authority
	case s.field == "querystring":
		subject = in.query
	case s.field == "scheme":
		subject = in.scheme
	case s.field == "request-method":
		subject = in.method
	case s.field == "socket":
		return lighttpdSocketMatch(s, in.port), ""
	case s.field == "header:user-agent":
		subject = in.agent
	case strings.HasPrefix(s.field, "header:"):
		subject = "" // a crawler sends no such header
	default:
		return false, ""
	}
	var m bool
	note := ""
	switch s.op {
	case "==", "!=":
		m = subject == s.value
		if s.field == "host" && !strings.HasPrefix(s.value, "/") {
			m = lighttpdHostEqual(subject, s.value)
		}
	case "=^":
		m = strings.HasPrefix(subject, s.value)
	case "=$":
		m = strings.HasSuffix(subject, s.value)
	case "=~", "!~":
		var ok bool
		m, ok = s.re.match(subject)
		if !ok {
			note = fmt.Sprintf("the regex of %s at %s could not be run to the end; taken as not matching", s.label, s.node.Pos())
		}
	}
	return m != negated, note
}

// lighttpdHostEqual is == on $HTTP["host"]: the names must match whether
// or not either side carries a :port.
func lighttpdHostEqual(authority, value string) bool {
	if authority == value {
		return true
	}
	la, lv := len(authority), len(value)
	switch {
	case la == 0:
		return false
	case la > lv:
		return authority[lv] == ':' && la-lv <= 6 && authority[:lv] == value
	case la < lv:
		return value[la] == ':' && value[:la] == authority
	}
	return false
}

// lighttpdSocketMatch compares $SERVER["socket"] with the port reached;
// the local address is not known, so only the port is compared.
func lighttpdSocketMatch(s *lighttpdCtx, port int) bool {
	want := s.value
	if i := strings.LastIndex(want, ":"); i >= 0 {
		want = want[i+1:]
	}
	m := want == strconv.Itoa(port)
	if s.re != nil {
		m, _ = s.re.match(":" + strconv.Itoa(port))
	}
	if s.op == "!=" || s.op == "!~" {
		return !m
	}
	return m
}

func lighttpdEnabled(n *Node) bool {
	if n == nil || len(n.Args) < 2 {
		return false
	}
	switch strings.ToLower(n.Args[1]) {
	case "enable", "1", "true":
		return true
	}
	return false
}

// checkAuth is mod_auth's URI handler: the first auth.require key, in
// array order, that prefixes the path.
func (l *Lighttpd) checkAuth(v *Verdict, eff map[string]lighttpdSetting, path string, lower bool) bool {
	set, ok := eff["auth.require"]
	if !ok {
		return false
	}
	for _, e := range set.node.Children {
		if !lighttpdHasPrefix(path, e.Name, lower) {
			continue
		}
		method := lighttpdOption(e, "method")
		v.DecidedBy = &Ref{File: e.File, Line: e.Line, Directive: "auth.require " + lighttpdQuote(e.Name) + " => " + lighttpdNodeValue(e, 0), Context: set.ctx.label}
		l.selectSetting(v, set)
		if method == "extern" {
			v.Status, v.Outcome, v.Mechanism = 0, OutcomeUnsupported, "extern"
			v.Notes = append(v.Notes, "auth.require method extern takes the user another module authenticated (REMOTE_USER)")
			return true
		}
		if b := eff["auth.backend"].node; b == nil || len(b.Args) < 2 || b.Args[1] == "" {
			v.Status, v.Outcome = 500, OutcomeOpen
			v.Notes = append(v.Notes, "auth.backend is not set where auth.require applies: lighttpd answers 500")
			return true
		}
		v.Status, v.Outcome, v.Mechanism, v.Realm = 401, OutcomeAuth, method, lighttpdOption(e, "realm")
		return true
	}
	return false
}

// checkAccess is mod_access's handler: url.access-allow, when set, lets
// only the paths with one of its suffixes through; else a path with one of
// url.access-deny's suffixes is refused.
func (l *Lighttpd) checkAccess(v *Verdict, eff map[string]lighttpdSetting, path string, lower bool) bool {
	allow, hasAllow := eff["url.access-allow"]
	deny, hasDeny := eff["url.access-deny"]
	var by *Node
	var set lighttpdSetting
	switch {
	case hasAllow && len(allow.node.Children) > 0:
		if !slices.ContainsFunc(allow.node.Children, func(e *Node) bool { return len(e.Args) == 1 && lighttpdHasSuffix(path, e.Args[0], lower) }) {
			by, set = allow.node, allow
		}
	case hasDeny:
		for _, e := range deny.node.Children {
			if len(e.Args) == 1 && lighttpdHasSuffix(path, e.Args[0], lower) {
				by, set = e, deny
				break
			}
		}
	}
	if by == nil {
		return false
	}
	text := lighttpdText(by)
	if by != set.node {
		text = "url.access-deny " + lighttpdNodeValue(by, 0)
	}
	v.DecidedBy = &Ref{File: by.File, Line: by.Line, Directive: text, Context: set.ctx.label}
	l.selectSetting(v, set)
	v.Status, v.Outcome, v.Mechanism = 403, OutcomeDeny, "deny"
	if lighttpdUnderAgent(set.ctx) {
		v.Mechanism = "ua-rule"
	}
	return true
}

// checkRedirect is mod_redirect's handler: the first url.redirect regex,
// in array order, that matches the request target (still %-encoded, with
// the query) answers url.redirect-code (301 unless set); an empty
// replacement stops the search without a redirect.
func (l *Lighttpd) checkRedirect(v *Verdict, eff map[string]lighttpdSetting, target string) bool {
	set, ok := eff["url.redirect"]
	if !ok {
		return false
	}
	for _, e := range set.node.Children {
		re, err := compilePCRE(e.Name, false)
		if err != nil || len(e.Args) != 1 {
			continue // refused when the config is loaded
		}
		m, ok := re.match(target)
		if !ok {
			v.Notes = append(v.Notes, fmt.Sprintf("the url.redirect regex %q at %s could not be run to the end; taken as not matching", e.Name, e.Pos()))
			v.Certainty = Uncertain
		}
		if !m {
			continue
		}
		if e.Args[0] == "" {
			return false
		}
		status := 301
		if c := eff["url.redirect-code"].node; c != nil && len(c.Args) == 2 {
			if n, err := strconv.Atoi(c.Args[1]); err == nil {
				status = n
			}
		}
		v.DecidedBy = &Ref{File: e.File, Line: e.Line, Directive: "url.redirect " + lighttpdQuote(e.Name) + " => " + lighttpdQuote(e.Args[0]), Context: set.ctx.label}
		l.selectSetting(v, set)
		v.Status, v.Outcome, v.Mechanism = status, OutcomeReturn, "redirect"
		return true
	}
	return false
}

func (l *Lighttpd) selectSetting(v *Verdict, set lighttpdSetting) {
	if set.ctx.node != nil {
		v.Selected = &Selection{File: set.ctx.node.File, Line: set.ctx.node.Line, Context: set.ctx.label}
	}
}

// lighttpdUnderAgent says a User-Agent condition is on the context's chain.
func lighttpdUnderAgent(c *lighttpdCtx) bool {
	for ; c != nil; c = c.parent {
		if c.field == "header:user-agent" {
			return true
		}
	}
	return false
}

func lighttpdHasPrefix(s, prefix string, lower bool) bool {
	if lower {
		return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
	}
	return strings.HasPrefix(s, prefix)
}

func lighttpdHasSuffix(s, suffix string, lower bool) bool {
	if lower {
		return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
	}
	return strings.HasSuffix(s, suffix)
}

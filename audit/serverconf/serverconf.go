// Package serverconf reads web servers' own configuration files and decides,
// the way each server does, what an anonymous request for a URL gets and
// which line of which file decides it. It is pure: files in, positions and
// verdicts out; no request is ever made.
//
// Every reader produces the same tree of Nodes, so the evaluators, explain
// and lint share one shape whatever the server.
package serverconf

import "fmt"

// Pos is a place in a config file.
type Pos struct {
	File string
	Line int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d", p.File, p.Line) }

// Node is one directive or section of a config file, with the place it was
// read from. Args are unquoted, as the server sees them.
type Node struct {
	Name     string
	Args     []string
	File     string
	Line     int
	Children []*Node
	// Block says the node opens a block or section ({...} or <Name>...</Name>),
	// even an empty one.
	Block bool
	// IncludedFrom is the include chain that pulled this node's file in,
	// outermost first; empty for the main file.
	IncludedFrom []Pos
}

// Pos returns where the node is.
func (n *Node) Pos() Pos { return Pos{File: n.File, Line: n.Line} }

// ParseError is a malformed config: FILE:LINE: problem.
type ParseError struct {
	File    string
	Line    int
	Problem string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Problem)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Problem)
}

// Outcome is what a server's rules do with an anonymous request.
type Outcome string

const (
	OutcomeAuth   Outcome = "auth"   // a credential challenge (401)
	OutcomeDeny   Outcome = "deny"   // refused whatever the credentials (403)
	OutcomeOpen   Outcome = "open"   // no wall: the content handler answers
	OutcomeReturn Outcome = "return" // a rule answers a fixed status or redirect before access control
	// OutcomeDepends: the answer depends on the client (IP lists, User-Agent
	// maps, Require ip); the deciding rule is named, the status is the one
	// an address outside the lists gets.
	OutcomeDepends Outcome = "depends"
	// OutcomeUnsupported: the decision is made where the config cannot show
	// it (Lua, an auth_request subrequest, an external auth service).
	OutcomeUnsupported Outcome = "unsupported"
)

// Certainty says how far a verdict can be trusted.
type Certainty string

const (
	// Certain: every rule on the path was modelled as the server runs it.
	Certain Certainty = "certain"
	// Uncertain: something on the path (a PCRE-only regex, an unknown
	// directive, a module the reader cannot see) may change the answer.
	Uncertain Certainty = "uncertain"
)

// Request is what an evaluator decides about: an anonymous request by one
// agent. Path is the request target as sent (percent-encoding and query
// included); evaluators normalise it as their server does.
type Request struct {
	Host      string // without port
	Port      int
	Path      string
	Method    string // "" means GET
	UserAgent string
}

// Ref names the directive that decided a verdict.
type Ref struct {
	File      string
	Line      int
	Directive string // as written, e.g. `auth_basic "Staging"`
	Context   string // e.g. "server example.org > location /blog/"
}

// Selection is the block or section that was chosen for the request.
type Selection struct {
	File    string
	Line    int
	Context string
}

// Redirect is one internal redirect (index, try_files, error_page...) and
// the block it selected.
type Redirect struct {
	URI      string
	Selected Selection
}

// Verdict is what the server answers before any content is read, and why.
type Verdict struct {
	Status    int // 401, 403, a return's code, or 200 for no wall; 0 when unknown (unsupported)
	Outcome   Outcome
	Mechanism string // basic, digest, ip-rule, ua-rule... as attribution names them; "" when open
	Realm     string
	Certainty Certainty
	DecidedBy *Ref       // nil when nothing in the config walls the request
	Selected  *Selection // the server block, location or section chosen
	Redirects []Redirect
	// Notes say, one line each, what made the verdict depend or stay
	// uncertain ("PCRE lookahead in location ~ ... at site.conf:14").
	Notes []string
}

// Evaluator decides requests against one loaded config.
type Evaluator interface {
	// Server names the server: "nginx", "apache", "caddy", "haproxy", "lighttpd".
	Server() string
	Evaluate(Request) Verdict
}

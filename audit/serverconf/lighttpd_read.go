package serverconf

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// ReadLighttpd reads a lighttpd config the way lighttpd 1.4 does and
// returns one node per statement:
//
//   - `key = value`, `key := value`, `key += value`: Name is the key (a
//     key without a dot is a variable, "var."+key, as lighttpd names it),
//     Args[0] the operator, then the value: a string or integer as
//     Args[1], or an array as Children (Block set), one node per element
//     with its key as Name ("" when unkeyed), its own file and line, and
//     its value the same way. Values are resolved as lighttpd resolves them
//     while parsing: variables substituted, `+` applied, `+=` merged with
//     the value the key has in this or an enclosing block.
//   - `$HTTP["url"] =~ "re" { ... }`: Name is `$HTTP["url"]`, Args the
//     operator and the value, Children the block; `else $HTTP[...] {}` and
//     `else {}` are named "else" with the condition (if any) as Args.
//   - `global { ... }` is a block named "global".
//   - `include "glob"` is replaced by the files it names (relative to the
//     main config's directory, brace globs, dot-files skipped, an unmatched
//     wildcard allowed); their nodes record the include chain.
//   - `include_shell "cmd"` cannot be run by a reader: it stays a node of
//     that name so evaluators can say the verdict is uncertain.
//
// `env.NAME` is read from the environment, as lighttpd does.
func ReadLighttpd(path string) ([]*Node, error) {
	r := &lighttpdReader{baseDir: filepath.Dir(path), contexts: map[string]*lighttpdScope{}}
	r.global = &lighttpdScope{key: "global", vals: map[string]*lighttpdValue{}}
	return r.readFile(path, r.global, nil)
}

type lighttpdReader struct {
	baseDir  string
	global   *lighttpdScope
	contexts map[string]*lighttpdScope
	files    int
}

// Bounds that keep a pathological config from growing without end;
// lighttpd itself would recurse until it runs out of files.
const (
	lighttpdMaxIncludeDepth = 32
	lighttpdMaxFiles        = 1000
)

func (r *lighttpdReader) readFile(file string, scope *lighttpdScope, chain []Pos) ([]*Node, error) {
	if r.files++; r.files > lighttpdMaxFiles {
		return nil, &ParseError{File: file, Problem: fmt.Sprintf("more than %d config files included", lighttpdMaxFiles)}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, &ParseError{File: file, Problem: fmt.Sprintf("read: %v", err)}
	}
	toks, err := lighttpdTokenize(file, string(data))
	if err != nil {
		return nil, err
	}
	p := &lighttpdParser{r: r, file: file, toks: toks, chain: chain}
	nodes, err := p.statements(scope, false)
	if err != nil {
		return nil, err
	}
	return nodes, nil
}

// lighttpdParser parses one file's tokens.
type lighttpdParser struct {
	r     *lighttpdReader
	file  string
	toks  []lighttpdTok
	pos   int
	chain []Pos
}

func (p *lighttpdParser) peek() lighttpdTok {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	line := 1
	if len(p.toks) > 0 {
		line = p.toks[len(p.toks)-1].line
	}
	return lighttpdTok{kind: ltEOF, line: line}
}

func (p *lighttpdParser) next() lighttpdTok {
	t := p.peek()
	if p.pos < len(p.toks) {
		p.pos++
	}
	return t
}

func (p *lighttpdParser) errAt(line int, format string, args ...any) error {
	return &ParseError{File: p.file, Line: line, Problem: fmt.Sprintf(format, args...)}
}

func (p *lighttpdParser) expect(kind int, what string) (lighttpdTok, error) {
	t := p.next()
	if t.kind != kind {
		return t, p.errAt(t.line, "expected %s, found %s", what, t.describe())
	}
	return t, nil
}

func (p *lighttpdParser) skipEOL() {
	for p.peek().kind == ltEOL {
		p.next()
	}
}

// statements reads until EOF, or until the closing brace when inBlock.
func (p *lighttpdParser) statements(scope *lighttpdScope, inBlock bool) ([]*Node, error) {
	var out []*Node
	for {
		p.skipEOL()
		t := p.peek()
		switch {
		case t.kind == ltEOF:
			if inBlock {
				return nil, p.errAt(t.line, "missing closing brace")
			}
			return out, nil
		case t.kind == ltRCurly:
			if !inBlock {
				return nil, p.errAt(t.line, "closing brace without an opening one")
			}
			p.next()
			return out, nil
		case t.kind == ltDollar:
			nodes, err := p.conditions(scope)
			if err != nil {
				return nil, err
			}
			out = append(out, nodes...)
		case t.kind == ltKey && t.text == "include":
			p.next()
			nodes, err := p.include(scope, t)
			if err != nil {
				return nil, err
			}
			out = append(out, nodes...)
		case t.kind == ltKey && t.text == "include_shell":
			p.next()
			v, err := p.expression(scope)
			if err != nil {
				return nil, err
			}
			cmd, ok := v.scalar()
			if !ok {
				return nil, p.errAt(t.line, "include_shell needs a string")
			}
			out = append(out, &Node{Name: "include_shell", Args: []string{cmd}, File: p.file, Line: t.line, IncludedFrom: p.chain})
		case t.kind == ltKey && t.text == "global":
			p.next()
			if _, err := p.expect(ltLCurly, "{ after global"); err != nil {
				return nil, err
			}
			children, err := p.statements(p.r.global, true)
			if err != nil {
				return nil, err
			}
			out = append(out, &Node{Name: "global", File: p.file, Line: t.line, Block: true, Children: children, IncludedFrom: p.chain})
		case t.kind == ltKey && t.text == "else":
			return nil, p.errAt(t.line, "else without a condition before it")
		case t.kind == ltKey:
			n, err := p.assignment(scope)
			if err != nil {
				return nil, err
			}
			out = append(out, n)
		default:
			return nil, p.errAt(t.line, "unexpected %s", t.describe())
		}
	}
}

func (p *lighttpdParser) assignment(scope *lighttpdScope) (*Node, error) {
	t := p.next()
	key := t.text
	if !strings.Contains(key, ".") {
		key = "var." + key
	}
	op := p.next()
	if op.kind != ltAssign && op.kind != ltForce && op.kind != ltAppend {
		return nil, p.errAt(op.line, "expected =, := or += after %s, found %s", t.text, op.describe())
	}
	if strings.HasPrefix(key, "env.") {
		return nil, p.errAt(t.line, "setting an env variable is not supported: %s", key)
	}
	v, err := p.expression(scope)
	if err != nil {
		return nil, err
	}
	switch op.kind {
	case ltAssign:
		if _, dup := scope.vals[strings.ToLower(key)]; dup {
			return nil, p.errAt(t.line, "duplicate config variable %s in %s (lighttpd refuses to start; use := to replace it)", key, scope.key)
		}
	case ltAppend:
		if old := scope.lookup(key); old != nil {
			merged, err := lighttpdMerge(old, v)
			if err != nil {
				return nil, p.errAt(t.line, "%s += : %v", key, err)
			}
			v = merged
		}
	}
	scope.vals[strings.ToLower(key)] = v
	n := &Node{Name: key, Args: []string{op.text}, File: p.file, Line: t.line, IncludedFrom: p.chain}
	lighttpdFill(n, v, p.chain)
	return n, nil
}

// lighttpdFill puts a value on a node: a scalar as its last argument, an
// array as children.
func lighttpdFill(n *Node, v *lighttpdValue, chain []Pos) {
	if v.kind != 'a' {
		s, _ := v.scalar()
		n.Args = append(n.Args, s)
		return
	}
	n.Block = true
	for _, e := range v.elems {
		c := &Node{Name: e.key, File: e.file, Line: e.line, IncludedFrom: chain}
		lighttpdFill(c, e.val, chain)
		n.Children = append(n.Children, c)
	}
}

// lighttpdCondVars are the condition fields lighttpd 1.4.69 accepts.
var lighttpdCondVars = map[string][]string{
	"HTTP":           {"cookie", "host", "language", "querystring", "query-string", "referer", "remoteip", "remote-ip", "request-method", "scheme", "url", "useragent", "user-agent"},
	"SERVER":         {"socket"},
	"REQUEST_HEADER": nil, // any header name
}

// conditions reads one condition and the else branches chained to it.
//
// lighttpd keys every condition block by its text under its parent: a
// condition written again (even as an else branch) is the same block,
// and a bare else is keyed by the negation of the branch before it. An
// else branch whose key already exists is refused ("unreachable else
// condition").
func (p *lighttpdParser) conditions(scope *lighttpdScope) ([]*Node, error) {
	first, prev, err := p.condition(scope, false)
	if err != nil {
		return nil, err
	}
	out := []*Node{first}
	for {
		save := p.pos
		p.skipEOL()
		t := p.peek()
		if t.kind != ltKey || t.text != "else" {
			p.pos = save
			return out, nil
		}
		p.next()
		if p.peek().kind == ltDollar {
			n, text, err := p.condition(scope, true)
			if err != nil {
				return nil, err
			}
			out = append(out, n)
			prev = text
			continue
		}
		if _, err := p.expect(ltLCurly, "{ or a condition after else"); err != nil {
			return nil, err
		}
		key := strings.ToLower(scope.key + " / " + lighttpdNegate(prev))
		if p.r.contexts[key] != nil {
			return nil, p.errAt(t.line, "unreachable else condition: the block %s already exists", lighttpdNegate(prev))
		}
		inner := &lighttpdScope{key: key, parent: scope, vals: map[string]*lighttpdValue{}}
		p.r.contexts[key] = inner
		children, err := p.statements(inner, true)
		if err != nil {
			return nil, err
		}
		out = append(out, &Node{Name: "else", File: p.file, Line: t.line, Block: true, Children: children, IncludedFrom: p.chain})
		return out, nil
	}
}

// lighttpdCondText is a condition as lighttpd keys it: a simple regex is
// first turned into the plain test it amounts to (see
// lighttpdSimplifyRegex), and keys compare without case, so
// `$HTTP["url"] =~ "^/A/"` and `$HTTP["url"] =^ "/a/"` are one block (the
// first one written decides what the block tests).
func lighttpdCondText(head, op, value string) string {
	if op == "=~" && head != `$SERVER["socket"]` {
		op, value = lighttpdSimplifyRegex(value)
	}
	return strings.ToLower(head + " " + op + " " + lighttpdQuote(value))
}

// lighttpdSimplifyRegex is lighttpd's rewriting of a regex with no
// special character but its anchors: "^/a$" is == "/a", "^/a" is =^ "/a",
// "\.css$" and "css$" are =$ ".css" and "css".
func lighttpdSimplifyRegex(re string) (op, value string) {
	n, off := len(re), 0
	switch {
	case n > 0 && re[n-1] == '$':
		op = "=$"
		if strings.HasPrefix(re, `\.`) {
			off = 2
		} else if re[0] == '^' {
			off, op = 1, "=="
		}
		n--
	case n > 0 && re[0] == '^':
		off, op = 1, "=^"
	default:
		return "=~", re
	}
	if off > n || strings.ContainsAny(re[off:n], `\^$.|?*+()[]{}`) {
		return "=~", re
	}
	if off > 0 {
		return op, re[1:n]
	}
	return op, re[:n]
}

// lighttpdNegate is the key lighttpd gives a bare else: the branch
// before it with its operator turned (== and !=, =~ and !~, =^ to !^,
// =$ to !$).
func lighttpdNegate(text string) string {
	i := strings.Index(text, "] ")
	if i < 0 || i+4 > len(text) {
		return text
	}
	op := text[i+2 : i+4]
	neg := map[string]string{"==": "!=", "!=": "==", "=~": "!~", "!~": "=~", "=^": "!^", "=$": "!$"}[op]
	if neg == "" {
		return text
	}
	return text[:i+2] + neg + text[i+4:]
}

// condition reads `$VAR["field"] op value { ... }`, an else branch's
// condition when isElse, and returns its key text.
func (p *lighttpdParser) condition(scope *lighttpdScope, isElse bool) (*Node, string, error) {
	n, text, err := p.conditionHead(scope)
	if err != nil {
		return nil, "", err
	}
	if strings.Count(scope.key, " / ") >= lighttpdMaxNesting {
		return nil, "", p.errAt(n.Line, "conditions nested deeper than %d", lighttpdMaxNesting)
	}
	key := strings.ToLower(scope.key + " / " + text)
	inner := p.r.contexts[key]
	switch {
	case inner != nil && isElse:
		return nil, "", p.errAt(n.Line, "unreachable else condition: the block %s already exists", text)
	case inner == nil:
		inner = &lighttpdScope{key: key, parent: scope, vals: map[string]*lighttpdValue{}}
		p.r.contexts[key] = inner
	}
	children, err := p.statements(inner, true)
	if err != nil {
		return nil, "", err
	}
	n.Children = children
	if isElse {
		n.Name, n.Args = "else", append([]string{n.Name}, n.Args...)
	}
	return n, text, nil
}

// conditionHead reads a condition up to and including its opening brace.
func (p *lighttpdParser) conditionHead(scope *lighttpdScope) (*Node, string, error) {
	dollar := p.next()
	v, err := p.expect(ltSrvVar, "a condition name after $")
	if err != nil {
		return nil, "", err
	}
	fields, known := lighttpdCondVars[v.text]
	if !known {
		return nil, "", p.errAt(v.line, "unknown condition $%s", v.text)
	}
	if _, err := p.expect(ltLBracket, "["); err != nil {
		return nil, "", err
	}
	fv, err := p.expression(scope)
	if err != nil {
		return nil, "", err
	}
	field, ok := fv.scalar()
	if !ok {
		return nil, "", p.errAt(v.line, "condition field must be a string")
	}
	if fields != nil && !slices.Contains(fields, field) {
		return nil, "", p.errAt(v.line, "unknown condition $%s[%q]", v.text, field)
	}
	if _, err := p.expect(ltRBracket, "]"); err != nil {
		return nil, "", err
	}
	op := p.next()
	if op.kind != ltCondOp {
		return nil, "", p.errAt(op.line, "expected == != =~ !~ =^ or =$, found %s", op.describe())
	}
	val, err := p.expression(scope)
	if err != nil {
		return nil, "", err
	}
	if val.kind != 's' {
		return nil, "", p.errAt(op.line, "the value of a condition must be a string")
	}
	if op.text == "=~" || op.text == "!~" {
		if _, err := compilePCRE(val.str, false); err != nil {
			return nil, "", p.errAt(op.line, "condition regex %q: %v", val.str, err)
		}
	}
	if _, err := p.expect(ltLCurly, "{ after the condition"); err != nil {
		return nil, "", err
	}
	head := fmt.Sprintf("$%s[%s]", v.text, lighttpdQuote(field))
	n := &Node{Name: head, Args: []string{op.text, val.str}, File: p.file, Line: dollar.line, Block: true, IncludedFrom: p.chain}
	return n, lighttpdCondText(head, op.text, val.str), nil
}

// lighttpdPlaceholder is a template placeholder left in a string: {{NAME}}
// as Jinja, Go templates and mustache write it, or ${NAME} as envsubst
// fills it (lighttpd itself expands neither).
var lighttpdPlaceholder = regexp.MustCompile(`\{\{[^{}]*\}\}|\$\{[A-Za-z_][A-Za-z0-9_]*\}`)

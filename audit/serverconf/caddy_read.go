package serverconf

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// ReadCaddy reads a Caddyfile the way Caddy 2.6 does and returns one node
// per block: the global options block (a node with an empty Name), then
// each site block, named by its first address with the others as Args.
// Inside a block each line is a directive node and a { } block on it
// gives the node Children.
//
// `import` is resolved as Caddy resolves it: a snippet defined earlier
// with (name) { ... } and its {args.N} / {args[N]} placeholders, else a
// file or a glob (one wildcard at most) relative to the importing file's
// directory. Imported nodes keep their own file and line (a snippet's are
// where it was defined) and IncludedFrom records the import lines.
// {$ENV} and {$ENV:default} are filled in from the environment before
// the file is split, as Caddy does.
func ReadCaddy(path string) ([]*Node, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &ParseError{File: path, Problem: fmt.Sprintf("read: %v", err)}
	}
	toks, err := caddyLex(path, data)
	if err != nil {
		return nil, err
	}
	p := &caddyParser{toks: toks, snippets: map[string][]caddyToken{}}
	return p.parseAll()
}

// caddyMaxTokens bounds what imports may expand to: snippets importing
// each other can grow without end.
const caddyMaxTokens = 200000

// caddyMaxIncludeDepth bounds import nesting (a cycle is caught before it).
const caddyMaxIncludeDepth = 32

// caddyMaxNesting bounds block nesting, which is re-read at every level.
const caddyMaxNesting = 64

type caddyParser struct {
	toks     []caddyToken
	cur      int
	snippets map[string][]caddyToken
}

func (p *caddyParser) errAt(t caddyToken, format string, args ...any) error {
	return &ParseError{File: t.file, Line: t.line, Problem: fmt.Sprintf(format, args...)}
}

func (p *caddyParser) eofErr() error {
	t := caddyToken{file: "", line: 0}
	if len(p.toks) > 0 {
		t = p.toks[len(p.toks)-1]
	}
	return p.errAt(t, "unexpected end of file: a block is not closed")
}

// parseAll reads blocks until the end: addresses, then a snippet
// definition or the block's directives.
func (p *caddyParser) parseAll() ([]*Node, error) {
	var out []*Node
	for p.cur < len(p.toks) {
		t := p.toks[p.cur]
		if t.text == "import" && t.newLine {
			if err := p.doImport(); err != nil {
				return nil, err
			}
			continue
		}
		keys, keyTok, braces, err := p.addresses()
		if err != nil {
			return nil, err
		}
		if len(keys) == 1 && strings.HasPrefix(keys[0], "(") && strings.HasSuffix(keys[0], ")") {
			if err := p.snippet(keyTok, strings.TrimSuffix(keys[0][1:], ")")); err != nil {
				return nil, err
			}
			continue
		}
		if !braces && p.cur >= len(p.toks) && len(keys) > 0 {
			// Only a line of addresses.
			out = append(out, p.blockNode(keys, keyTok, nil))
			continue
		}
		body, err := p.directives(braces)
		if err != nil {
			return nil, err
		}
		if len(keys) == 0 && !braces {
			continue
		}
		out = append(out, p.blockNode(keys, keyTok, body))
	}
	if err := caddyCheckTemplates(out); err != nil {
		return nil, err
	}
	return out, nil
}

func (p *caddyParser) blockNode(keys []string, at caddyToken, body []*Node) *Node {
	n := &Node{File: at.file, Line: at.line, Block: true, Children: body, IncludedFrom: at.chain}
	if len(keys) > 0 {
		n.Name, n.Args = keys[0], keys[1:]
	}
	return n
}

// addresses reads a block's keys; braces says a "{" opened the block.
// The cursor is left on the block's first directive (or past "{").
func (p *caddyParser) addresses() (keys []string, first caddyToken, braces bool, err error) {
	first = p.toks[p.cur]
	expecting := false
	for p.cur < len(p.toks) {
		t := p.toks[p.cur]
		if t.text == "import" && t.newLine && len(keys) > 0 && !expecting {
			break
		}
		if t.text == "{" {
			if expecting {
				return nil, first, false, p.errAt(t, "expected another address after a comma, found '{'")
			}
			p.cur++
			return keys, first, true, nil
		}
		if len(keys) > 0 && !expecting && t.newLine {
			return keys, first, false, nil
		}
		if t.text == "}" {
			return nil, first, false, p.errAt(t, "unexpected '}': no block is open")
		}
		if strings.HasSuffix(t.text, "{") {
			return nil, first, false, p.errAt(t, "site address %q ends with '{': put a space before the brace", t.text)
		}
		text := t.text
		if text != "" {
			expecting = strings.HasSuffix(text, ",")
			text = strings.TrimSuffix(text, ",")
			if strings.Contains(text, ",") {
				return nil, first, false, p.errAt(t, "site address %q contains a comma: put a space after it", t.text)
			}
			keys = append(keys, text)
		}
		p.cur++
	}
	if expecting {
		return nil, first, false, p.eofErr()
	}
	return keys, first, false, nil
}

// snippet stores the tokens of (name) { ... }.
func (p *caddyParser) snippet(at caddyToken, name string) error {
	if p.cur >= len(p.toks) || p.toks[p.cur-1].text != "{" {
		return p.errAt(at, "snippet (%s) needs a { } block", name)
	}
	if _, dup := p.snippets[name]; dup {
		return p.errAt(at, "snippet (%s) is defined twice", name)
	}
	depth := 1
	start := p.cur
	for ; p.cur < len(p.toks); p.cur++ {
		switch p.toks[p.cur].text {
		case "{":
			depth++
		case "}":
			depth--
		}
		if depth == 0 {
			p.snippets[name] = append([]caddyToken(nil), p.toks[start:p.cur]...)
			p.cur++
			return nil
		}
	}
	return p.errAt(at, "snippet (%s) is not closed", name)
}

// directives reads directive lines until the block's "}" (or the end of
// the file for a site without braces).
func (p *caddyParser) directives(braces bool) ([]*Node, error) {
	var out []*Node
	for p.cur < len(p.toks) {
		t := p.toks[p.cur]
		if t.text == "}" {
			p.cur++
			if !braces {
				return nil, p.errAt(t, "unexpected '}': no block is open")
			}
			return out, nil
		}
		if t.text == "import" {
			if err := p.doImport(); err != nil {
				return nil, err
			}
			continue
		}
		seg, err := p.segment()
		if err != nil {
			return nil, err
		}
		n, err := caddyNode(seg)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	if braces {
		return nil, p.eofErr()
	}
	return out, nil
}

// segment collects one directive's tokens: to the end of its line, or to
// the end of the block opened at the end of the line. A nested import
// line is expanded in place.
func (p *caddyParser) segment() ([]caddyToken, error) {
	seg := []caddyToken{p.toks[p.cur]}
	p.cur++
	depth := 0
	for p.cur < len(p.toks) {
		t := p.toks[p.cur]
		switch {
		case t.text == "{":
			if depth++; depth > caddyMaxNesting {
				return nil, p.errAt(t, "blocks nested deeper than %d", caddyMaxNesting)
			}
			if !t.quoted && p.cur+1 < len(p.toks) && !p.toks[p.cur+1].newLine {
				return nil, p.errAt(t, "unexpected token after '{' on the same line")
			}
		case t.text == "{}" && !t.quoted && (p.cur+1 >= len(p.toks) || p.toks[p.cur+1].newLine):
			return nil, p.errAt(t, "unexpected '{}' at the end of a line")
		case t.newLine && depth == 0:
			return seg, nil
		case t.text == "}" && depth > 0:
			depth--
		case t.text == "}":
			return nil, p.errAt(t, "unexpected '}': no block is open")
		case t.text == "import" && t.newLine:
			if err := p.doImport(); err != nil {
				return nil, err
			}
			continue
		}
		seg = append(seg, t)
		p.cur++
	}
	if depth > 0 {
		return nil, p.eofErr()
	}
	return seg, nil
}

var caddyArgPlaceholder = regexp.MustCompile(`\{args(?:\.(\d+)|\[(\d+)\])\}`)

// doImport replaces the import line at the cursor with what it names.
func (p *caddyParser) doImport() error {
	at := p.toks[p.cur]
	end := p.cur + 1
	for end < len(p.toks) && !p.toks[end].newLine {
		end++
	}
	line := p.toks[p.cur+1 : end]
	if len(line) == 0 || line[0].text == "" {
		return p.errAt(at, "import needs a snippet name or a file")
	}
	pattern := line[0].text
	var args []string
	for _, a := range line[1:] {
		args = append(args, a.text)
	}
	if len(at.chain) >= caddyMaxIncludeDepth {
		return p.errAt(at, "imports nested too deep (an import cycle?)")
	}
	chain := append(append([]Pos(nil), at.chain...), Pos{File: at.file, Line: at.line})
	var imported []caddyToken
	if toks, ok := p.snippets[pattern]; ok {
		for _, c := range at.chain {
			if c == (Pos{File: at.file, Line: at.line}) {
				return p.errAt(at, "import cycle through snippet %s", pattern)
			}
		}
		imported = append(imported, toks...)
	} else {
		files, err := p.importFiles(at, pattern)
		if err != nil {
			return err
		}
		for _, f := range files {
			if f == at.file || caddyChainHasFile(at.chain, f) {
				return p.errAt(at, "import cycle: %s imports itself", f)
			}
			data, err := os.ReadFile(f)
			if err != nil {
				return p.errAt(at, "import %s: %v", f, err)
			}
			toks, err := caddyLex(f, data)
			if err != nil {
				return err
			}
			imported = append(imported, toks...)
		}
	}
	out := make([]caddyToken, len(imported))
	for k, t := range imported {
		t.chain = append(append([]Pos(nil), chain...), t.chain...)
		t.text = caddyArgPlaceholder.ReplaceAllStringFunc(t.text, func(m string) string {
			sub := caddyArgPlaceholder.FindStringSubmatch(m)
			idx, _ := strconv.Atoi(sub[1] + sub[2])
			if idx < len(args) {
				return args[idx]
			}
			return ""
		})
		if k == 0 {
			t.newLine = true
		}
		out[k] = t
	}
	if len(p.toks)+len(out) > caddyMaxTokens {
		return p.errAt(at, "imports expand to more than %d tokens", caddyMaxTokens)
	}
	rest := append(out, p.toks[end:]...)
	if end < len(p.toks) {
		rest[len(out)].newLine = true
	}
	p.toks = append(p.toks[:p.cur:p.cur], rest...)
	return nil
}

func caddyChainHasFile(chain []Pos, file string) bool {
	for _, c := range chain {
		if c.File == file {
			return true
		}
	}
	return false
}

// importFiles resolves an import pattern relative to the importing
// file's directory; a pattern with a wildcard may match nothing, a plain
// name must exist.
func (p *caddyParser) importFiles(at caddyToken, pattern string) ([]string, error) {
	glob := pattern
	if !filepath.IsAbs(glob) {
		glob = filepath.Join(filepath.Dir(at.file), pattern)
	}
	if strings.Count(glob, "*") > 1 || strings.Count(glob, "?") > 1 || strings.Contains(glob, "[") && strings.Contains(glob, "]") {
		return nil, p.errAt(at, "import %s: a glob may hold only one wildcard", pattern)
	}
	matches, err := filepath.Glob(glob)
	if err != nil {
		return nil, p.errAt(at, "import %s: %v", pattern, err)
	}
	if len(matches) == 0 && !strings.ContainsAny(glob, "*?[]") {
		return nil, p.errAt(at, "import %s: no such snippet or file", pattern)
	}
	for _, m := range matches {
		if info, err := os.Stat(m); err == nil && info.IsDir() {
			return nil, p.errAt(at, "import %s: %s is a directory", pattern, m)
		}
	}
	return matches, nil
}

// caddyNode turns one directive's tokens into a node: the arguments up to
// a "{", and one child per line inside the block.
func caddyNode(seg []caddyToken) (*Node, error) {
	t := seg[0]
	n := &Node{Name: t.text, File: t.file, Line: t.line, IncludedFrom: t.chain}
	k := 1
	for ; k < len(seg); k++ {
		if seg[k].text == "{" {
			break
		}
		n.Args = append(n.Args, seg[k].text)
	}
	if k == len(seg) {
		return n, nil
	}
	n.Block = true
	depth := 0
	var inner []caddyToken
	start := k + 1
	for j := k; j < len(seg); j++ {
		switch seg[j].text {
		case "{":
			depth++
		case "}":
			depth--
		}
		if depth == 0 {
			inner = seg[start:j]
			for _, extra := range seg[j+1:] {
				n.Args = append(n.Args, extra.text)
			}
			break
		}
	}
	children, err := caddyLines(inner)
	if err != nil {
		return nil, err
	}
	n.Children = children
	return n, nil
}

// caddyLines splits a block's tokens into directive lines.
func caddyLines(toks []caddyToken) ([]*Node, error) {
	var out []*Node
	for k := 0; k < len(toks); {
		end := k + 1
		depth := 0
		if toks[k].text == "{" {
			depth = 1
		}
		for end < len(toks) && (depth > 0 || !toks[end].newLine) {
			switch toks[end].text {
			case "{":
				depth++
			case "}":
				depth--
			}
			end++
		}
		n, err := caddyNode(toks[k:end])
		if err != nil {
			return nil, err
		}
		out = append(out, n)
		k = end
	}
	return out, nil
}

// caddyCheckTemplates refuses a {{NAME}} left in a site address or an
// unquoted argument: the file is a template that was never rendered.
func caddyCheckTemplates(nodes []*Node) error {
	var found error
	walkNodes(nodes, func(n *Node) {
		if found != nil {
			return
		}
		for _, a := range append([]string{n.Name}, n.Args...) {
			if m := mustachePlaceholder.FindString(a); m != "" && !strings.Contains(a, " ") {
				found = &ParseError{File: n.File, Line: n.Line, Problem: fmt.Sprintf("%q looks like an unrendered template placeholder; render the template first", m)}
				return
			}
		}
	})
	return found
}

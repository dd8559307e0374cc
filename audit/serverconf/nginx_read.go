package serverconf

import (
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	crossplane "github.com/nginxinc/nginx-go-crossplane"
)

// ReadNginx reads an nginx config the way nginx does: includes are expanded
// in place (globs sorted, dot-files skipped, relative paths taken from the
// main file's directory) and every node keeps the file and line it came
// from plus the include chain that pulled it in.
//
// The crossplane parser (pinned at v0.4.89; the module proxy refuses
// @latest) runs with its context and argument checks off: with them on, a
// directive it considers misplaced is silently dropped from the tree, and
// validity is nginx -t's job anyway. Its Lua lexer is registered, or a
// `}` inside a *_by_lua_block string would end the enclosing block.
func ReadNginx(path string) ([]*Node, error) {
	payload, err := parseNginx(path)
	if err != nil {
		return nil, err
	}
	if len(payload.Config) == 0 {
		return nil, &ParseError{File: path, Problem: "no config read"}
	}
	r := nginxReader{payload: payload}
	nodes, err := r.walk(payload.Config[0].Parsed, payload.Config[0].File, nil)
	if err != nil {
		return nil, err
	}
	if err := nginxCheckTemplates(nodes); err != nil {
		return nil, err
	}
	return nodes, nil
}

// parseNginx runs crossplane. With its argument check off, crossplane
// v0.4.89 panics on an empty "if ()"; the panic becomes a ParseError on the
// first file read so far that has one.
func parseNginx(path string) (payload *crossplane.Payload, err error) {
	opened := []string{path}
	defer func() {
		if p := recover(); p != nil {
			payload = nil
			perr := &ParseError{File: path, Problem: fmt.Sprintf("the config cannot be read: %v", p)}
			for _, f := range opened {
				if line, _ := nginxLineMatching(f, nginxEmptyIf); line > 0 {
					perr.File, perr.Line, perr.Problem = f, line, "an empty if condition"
					break
				}
			}
			err = perr
		}
	}()
	payload, err = crossplane.Parse(path, &crossplane.ParseOptions{
		SkipDirectiveContextCheck: true,
		SkipDirectiveArgsCheck:    true,
		StopParsingOnError:        true,
		Glob:                      globSkippingDotFiles,
		Open: func(p string) (io.ReadCloser, error) {
			opened = append(opened, p)
			return os.Open(p)
		},
		LexOptions: crossplane.LexOptions{
			Lexers: []crossplane.RegisterLexer{(&crossplane.Lua{}).RegisterLexer()},
		},
	})
	if err != nil {
		return nil, nginxParseError(path, err)
	}
	return payload, nil
}

type nginxReader struct {
	payload *crossplane.Payload
	nodes   int
}

// Crossplane already refuses include cycles; these bounds only keep a file
// included many times over, at many levels, from growing without end.
const (
	nginxMaxIncludeDepth = 32
	nginxMaxNodes        = 500_000
)

func (r *nginxReader) walk(dirs crossplane.Directives, file string, chain []Pos) ([]*Node, error) {
	var out []*Node
	for _, d := range dirs {
		if d.IsComment() {
			continue
		}
		if r.nodes++; r.nodes > nginxMaxNodes {
			return nil, &ParseError{File: file, Line: d.Line, Problem: fmt.Sprintf("the includes expand to more than %d directives", nginxMaxNodes)}
		}
		n := &Node{
			Name:         d.Directive,
			Args:         append([]string(nil), d.Args...),
			File:         file,
			Line:         d.Line,
			Block:        d.IsBlock(),
			IncludedFrom: chain,
		}
		if d.Directive == "include" && len(d.Includes) > 0 {
			if len(chain) >= nginxMaxIncludeDepth {
				return nil, &ParseError{File: file, Line: d.Line, Problem: "includes nested too deep"}
			}
			inner := append(append([]Pos(nil), chain...), n.Pos())
			for _, idx := range d.Includes {
				if idx < 0 || idx >= len(r.payload.Config) {
					return nil, &ParseError{File: file, Line: d.Line, Problem: "include points at no parsed file"}
				}
				cfg := r.payload.Config[idx]
				nodes, err := r.walk(cfg.Parsed, cfg.File, inner)
				if err != nil {
					return nil, err
				}
				out = append(out, nodes...)
			}
			continue
		}
		if d.IsBlock() {
			children, err := r.walk(d.Block, file, chain)
			if err != nil {
				return nil, err
			}
			n.Children = children
		}
		out = append(out, n)
	}
	return out, nil
}

// nginxParseError turns crossplane's error into a ParseError naming file
// and line, and says so when the cause looks like an unrendered template.
func nginxParseError(mainFile string, err error) error {
	var perr *crossplane.ParseError
	if errors.As(err, &perr) {
		file := mainFile
		if perr.File != nil {
			file = *perr.File
		}
		line := 0
		if perr.Line != nil {
			line = *perr.Line
		}
		if tl, text := nginxTemplateLine(file); tl > 0 {
			return &ParseError{File: file, Line: tl, Problem: fmt.Sprintf("%q looks like an unrendered template placeholder; render the template first (nginx would fail: %s)", text, perr.What)}
		}
		return &ParseError{File: file, Line: line, Problem: perr.What}
	}
	if strings.Contains(err.Error(), "include cycle") {
		return &ParseError{File: mainFile, Problem: "the includes form a cycle"}
	}
	return &ParseError{File: mainFile, Problem: err.Error()}
}

var (
	// nginxEnvPlaceholder is ${NAME} or $NAME in capitals, as envsubst and
	// docker entrypoints fill it; nginx's own variables are lower case.
	nginxEnvPlaceholder = regexp.MustCompile(`\$\{?[A-Z][A-Z0-9_]+\}?`)
	// nginxEmptyIf is "if ()", which crossplane cannot read.
	nginxEmptyIf = regexp.MustCompile(`\bif\s*\(\s*\)`)
)

// nginxTemplateLine finds the first line of file that carries a template
// placeholder.
func nginxTemplateLine(file string) (int, string) {
	if line, text := nginxLineMatching(file, mustachePlaceholder); line > 0 {
		return line, text
	}
	return nginxLineMatching(file, nginxEnvPlaceholder)
}

// nginxLineMatching finds the first line of file, outside comment lines,
// where re matches.
func nginxLineMatching(file string, re *regexp.Regexp) (int, string) {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0, ""
	}
	for i, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if m := re.FindString(line); m != "" {
			return i + 1, m
		}
	}
	return 0, ""
}

// nginxCheckTemplates refuses a config that parsed but still carries template
// placeholders: a {{NAME}} argument, or a $NAME / ${NAME} in capitals that
// no set, map or geo defines (nginx -t would say "unknown variable").
func nginxCheckTemplates(nodes []*Node) error {
	defined := map[string]bool{}
	walkNodes(nodes, func(n *Node) {
		switch n.Name {
		case "set", "map", "geo", "split_clients", "perl_set", "js_set":
			for _, a := range n.Args {
				if strings.HasPrefix(a, "$") {
					defined[strings.Trim(a[1:], "{}")] = true
				}
			}
		}
	})
	var found error
	walkNodes(nodes, func(n *Node) {
		if found != nil || strings.HasSuffix(n.Name, "_by_lua_block") {
			return
		}
		for _, a := range append([]string{n.Name}, n.Args...) {
			if m := mustachePlaceholder.FindString(a); m != "" {
				found = nginxTemplateError(n, m)
				return
			}
			for _, m := range nginxEnvPlaceholder.FindAllString(a, -1) {
				if !defined[strings.Trim(m[1:], "{}")] {
					found = nginxTemplateError(n, m)
					return
				}
			}
		}
	})
	return found
}

func nginxTemplateError(n *Node, placeholder string) error {
	return &ParseError{File: n.File, Line: n.Line, Problem: fmt.Sprintf("%q in %s looks like an unrendered template placeholder; render the template first", placeholder, n.Name)}
}

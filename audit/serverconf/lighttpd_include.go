package serverconf

import (
	"path/filepath"
	"strings"
)

// lighttpd's include: a glob relative to the main config's directory,
// with brace alternatives, read in lighttpd's order.

// include reads the files a glob names, in lighttpd's order, with the
// current scope: an included file's statements land in the enclosing block.
func (p *lighttpdParser) include(scope *lighttpdScope, t lighttpdTok) ([]*Node, error) {
	v, err := p.expression(scope)
	if err != nil {
		return nil, err
	}
	pattern, ok := v.scalar()
	if !ok {
		return nil, p.errAt(t.line, "include needs a string")
	}
	if len(p.chain) >= lighttpdMaxIncludeDepth {
		return nil, p.errAt(t.line, "includes nested too deep")
	}
	full := pattern
	if !filepath.IsAbs(pattern) {
		// lighttpd takes "./" and "../" from its working directory and
		// every other relative path from the main config's directory; the
		// working directory is not known here, so both use the latter.
		full = filepath.Join(p.r.baseDir, pattern)
	}
	alts, ok := lighttpdBraces(full)
	if !ok {
		return nil, p.errAt(t.line, "include %q: braces expand to more than %d patterns", pattern, lighttpdMaxBraces)
	}
	var files []string
	for _, alt := range alts {
		matches, err := globSkippingDotFiles(alt)
		if err != nil {
			return nil, p.errAt(t.line, "include %q: %v", pattern, err)
		}
		files = append(files, matches...)
	}
	if len(files) == 0 {
		if strings.ContainsAny(full, "*?[]{}") {
			return nil, nil // an unmatched wildcard is not an error
		}
		return nil, p.errAt(t.line, "include file not found: %s", full)
	}
	inner := append(append([]Pos(nil), p.chain...), Pos{File: p.file, Line: t.line})
	var out []*Node
	for _, f := range files {
		nodes, err := p.r.readFile(f, scope, inner)
		if err != nil {
			return nil, err
		}
		out = append(out, nodes...)
	}
	return out, nil
}

// lighttpdMaxBraces bounds how many patterns one include's braces may
// expand to; ok is false past it.
const lighttpdMaxBraces = 256

// lighttpdBraces expands {a,b} alternatives as GLOB_BRACE does, in order.
func lighttpdBraces(pattern string) (out []string, ok bool) {
	open := strings.IndexByte(pattern, '{')
	if open < 0 {
		return []string{pattern}, true
	}
	depth, end := 0, -1
	var commas []int
	for i := open; i < len(pattern) && end < 0; i++ {
		switch pattern[i] {
		case '{':
			depth++
		case '}':
			if depth--; depth == 0 {
				end = i
			}
		case ',':
			if depth == 1 {
				commas = append(commas, i)
			}
		}
	}
	if end < 0 {
		return []string{pattern}, true
	}
	rests, ok := lighttpdBraces(pattern[end+1:])
	if !ok {
		return nil, false
	}
	start := open + 1
	for _, c := range append(commas, end) {
		mids, ok := lighttpdBraces(pattern[start:c])
		if !ok {
			return nil, false
		}
		for _, mid := range mids {
			for _, rest := range rests {
				if len(out) == lighttpdMaxBraces {
					return nil, false
				}
				out = append(out, pattern[:open]+mid+rest)
			}
		}
		start = c + 1
	}
	return out, true
}

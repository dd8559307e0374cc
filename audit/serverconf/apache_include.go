package serverconf

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Apache's Include and IncludeOptional: the wildcard patterns they take
// and the files and directories they name, in Apache's order.

// include reads the files an Include names, in httpd's order.
func (p *apacheFileParser) include(n *Node, optional bool) ([]*Node, error) {
	if len(p.chain) >= apacheMaxIncludeDepth {
		return nil, p.errf(n.Line, "includes nested deeper than %d (an include loop?)", apacheMaxIncludeDepth)
	}
	pattern := diskPath(p.r.root, p.r.serverRoot, n.Args[0])
	files, err := apacheGlob(pattern, optional)
	if err != nil {
		return nil, p.errf(n.Line, "%s %s: %v", n.Name, n.Args[0], err)
	}
	chain := append(append([]Pos{}, p.chain...), n.Pos())
	var out []*Node
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, p.errf(n.Line, "%s: read %s: %v", n.Name, f, err)
		}
		nodes, err := p.r.parseFile(f, data, chain, true)
		if err != nil {
			return nil, err
		}
		out = append(out, nodes...)
	}
	return out, nil
}

var errNoMatch = errors.New("no file matches the wildcard")

// apacheGlob expands an include path: fnmatch wildcards in any component
// (names starting with a dot are skipped unless the pattern starts with
// one), matches in byte order, a directory read recursively with every
// entry but . and .. in byte order. A wildcard that matches nothing is an
// error unless optional; so is a missing plain path.
func apacheGlob(pattern string, optional bool) ([]string, error) {
	if !hasWildcard(pattern) {
		return apacheDirFiles(pattern, optional, 0)
	}
	parts := strings.Split(filepath.ToSlash(pattern), "/")
	base := "/"
	if !filepath.IsAbs(pattern) {
		base = "."
	}
	matches := []string{base}
	for i, part := range parts {
		if part == "" {
			continue
		}
		var next []string
		for _, m := range matches {
			if !hasWildcard(part) {
				next = append(next, filepath.Join(m, part))
				continue
			}
			entries, err := os.ReadDir(m)
			if err != nil {
				continue
			}
			var names []string
			for _, e := range entries {
				name := e.Name()
				if strings.HasPrefix(name, ".") && !strings.HasPrefix(part, ".") {
					continue
				}
				if ok, _ := path.Match(part, name); ok {
					if i < len(parts)-1 && !e.IsDir() {
						if st, err := os.Stat(filepath.Join(m, name)); err != nil || !st.IsDir() {
							continue
						}
					}
					names = append(names, name)
				}
			}
			sort.Strings(names)
			for _, name := range names {
				next = append(next, filepath.Join(m, name))
			}
		}
		matches = next
	}
	var out []string
	for _, m := range matches {
		files, err := apacheDirFiles(m, true, 0)
		if err != nil {
			return nil, err
		}
		out = append(out, files...)
	}
	if len(out) == 0 && !optional {
		return nil, errNoMatch
	}
	return out, nil
}

// apacheDirFiles is the file itself, or a directory's files recursively.
func apacheDirFiles(p string, optional bool, depth int) ([]string, error) {
	st, err := os.Stat(p)
	if err != nil {
		if optional && errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	if depth > apacheMaxIncludeDepth {
		return nil, fmt.Errorf("directory %s nested deeper than %d", p, apacheMaxIncludeDepth)
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries { // os.ReadDir sorts by name
		files, err := apacheDirFiles(filepath.Join(p, e.Name()), optional, depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, files...)
	}
	return out, nil
}

func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?[") }

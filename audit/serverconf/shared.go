package serverconf

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Helpers every server's reader shares.

// mustachePlaceholder is {{NAME}} as Jinja, Go templates, Helm and
// mustache write it: a config that still holds one was never rendered.
var mustachePlaceholder = regexp.MustCompile(`\{\{[^{}]*\}\}`)

// walkNodes calls fn on every node, depth first, in file order.
func walkNodes(nodes []*Node, fn func(*Node)) {
	for _, n := range nodes {
		fn(n)
		walkNodes(n.Children, fn)
	}
}

// directiveText writes a directive as it would appear in a config, without
// its block; an argument that needs quotes gets them.
func directiveText(n *Node) string {
	parts := []string{n.Name}
	for _, a := range n.Args {
		if a == "" || strings.ContainsAny(a, " \t\"'{};") {
			a = strconv.Quote(a)
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

// globSkippingDotFiles is filepath.Glob without the names that start with
// a dot, as glob(3) without GLOB_PERIOD (nginx, lighttpd) skips them,
// unless the pattern's own last element asks for a dot.
func globSkippingDotFiles(pattern string) ([]string, error) {
	matches, err := filepath.Glob(pattern)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(filepath.Base(pattern), ".") {
		return matches, nil
	}
	kept := matches[:0]
	for _, m := range matches {
		if !strings.HasPrefix(filepath.Base(m), ".") {
			kept = append(kept, m)
		}
	}
	return kept, nil
}

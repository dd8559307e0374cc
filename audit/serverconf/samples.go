package serverconf

import "strings"

// SamplePaths lists the literal paths a config names for itself (nginx's
// prefix and exact locations), so a static check can try the paths the
// config treats apart. Nil for an evaluator that does not tell.
func SamplePaths(ev Evaluator) []string {
	if s, ok := ev.(interface{ samplePaths() []string }); ok {
		return s.samplePaths()
	}
	return nil
}

// withSamples is an evaluator with the literal paths its config names.
type withSamples struct {
	Evaluator
	paths []string
}

func (w withSamples) samplePaths() []string { return append([]string(nil), w.paths...) }

// nginxLocationPaths lists the prefix, ^~ and = locations of every server
// block, in file order, without repeats; regex and named locations have no
// literal path.
func nginxLocationPaths(nodes []*Node) []string {
	var out []string
	seen := map[string]bool{}
	walkNodes(nodes, func(n *Node) {
		if n.Name != "location" {
			return
		}
		var p string
		switch {
		case len(n.Args) == 1:
			p = n.Args[0]
		case len(n.Args) == 2 && (n.Args[0] == "=" || n.Args[0] == "^~"):
			p = n.Args[1]
		}
		if strings.HasPrefix(p, "/") && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	})
	return out
}

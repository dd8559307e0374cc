package serverconf

import (
	"regexp/syntax"
	"strings"
)

// Samples are paths a static check should try because a config treats
// them apart: the literal paths its blocks name, and examples of its regex
// blocks, which may win over a prefix they were not meant for.
type Samples struct {
	// Paths are whole paths: nginx's prefix and exact locations, and
	// examples of regexes anchored at the path's start.
	Paths []string
	// Suffixes complete a directory path (one ending in "/") into a path an
	// unanchored regex matches: "authwall-lint-sample.pdf" for
	// `\.(pdf|zip)$`, "admin" for `/admin`.
	Suffixes []string
}

// SamplePage is the file name a static check puts under a directory when
// it needs a page there.
const SamplePage = "authwall-lint-sample"

// SamplesOf returns the evaluator's samples; empty for one that does not
// tell.
func SamplesOf(ev Evaluator) Samples {
	if s, ok := ev.(withSamples); ok {
		return Samples{Paths: append([]string(nil), s.samples.Paths...), Suffixes: append([]string(nil), s.samples.Suffixes...)}
	}
	return Samples{}
}

// withSamples is an evaluator with the samples of its config.
type withSamples struct {
	Evaluator
	samples Samples
}

// nginxSamples lists, in file order and without repeats, the prefix, ^~
// and = locations of every server block and an example of each regex
// location Go's regexp syntax can read (named locations have none).
func nginxSamples(nodes []*Node) Samples {
	var s Samples
	seen := map[string]bool{}
	add := func(list *[]string, v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			*list = append(*list, v)
		}
	}
	walkNodes(nodes, func(n *Node) {
		if n.Name != "location" {
			return
		}
		switch {
		case len(n.Args) == 1 && strings.HasPrefix(n.Args[0], "/"):
			add(&s.Paths, n.Args[0])
		case len(n.Args) == 2 && (n.Args[0] == "=" || n.Args[0] == "^~") && strings.HasPrefix(n.Args[1], "/"):
			add(&s.Paths, n.Args[1])
		case len(n.Args) == 2 && (n.Args[0] == "~" || n.Args[0] == "~*"):
			example, anchored, ok := regexExample(n.Args[1])
			switch {
			case !ok:
			case anchored && strings.HasPrefix(example, "/"):
				add(&s.Paths, example)
			case !anchored && strings.HasPrefix(example, "/"):
				add(&s.Suffixes, strings.TrimPrefix(example, "/"))
			case !anchored:
				add(&s.Suffixes, SamplePage+example)
			}
		}
	})
	return s
}

// maxExample bounds an example's length; a longer one (a pathological
// pattern) gives no example.
const maxExample = 256

// regexExample builds a short string the regex matches: the first branch
// of each alternation, the minimum of each repetition, the first character
// of each class. anchored says the regex starts with ^. ok is false for a
// pattern Go's syntax cannot read (PCRE-only constructs) or whose example
// would be unusable in a path.
func regexExample(pattern string) (example string, anchored, ok bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", false, false
	}
	re = re.Simplify()
	var b strings.Builder
	first := true
	var walk func(r *syntax.Regexp) bool
	walk = func(r *syntax.Regexp) bool {
		if b.Len() > maxExample {
			return false
		}
		defer func() { first = false }()
		switch r.Op {
		case syntax.OpLiteral:
			b.WriteString(string(r.Rune))
		case syntax.OpCharClass:
			if len(r.Rune) == 0 {
				return false
			}
			b.WriteRune(r.Rune[0])
		case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
			b.WriteByte('x')
		case syntax.OpBeginLine, syntax.OpBeginText:
			anchored = anchored || first
		case syntax.OpEndLine, syntax.OpEndText, syntax.OpEmptyMatch, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		case syntax.OpCapture:
			return walk(r.Sub[0])
		case syntax.OpStar, syntax.OpQuest:
		case syntax.OpPlus:
			return walk(r.Sub[0])
		case syntax.OpRepeat:
			for range r.Min {
				if !walk(r.Sub[0]) {
					return false
				}
			}
		case syntax.OpConcat:
			for _, sub := range r.Sub {
				if !walk(sub) {
					return false
				}
			}
		case syntax.OpAlternate:
			return walk(r.Sub[0])
		default:
			return false
		}
		return true
	}
	if !walk(re) {
		return "", false, false
	}
	example = b.String()
	if example == "" || len(example) > maxExample || strings.ContainsAny(example, "?#\n\r") {
		return "", false, false
	}
	return example, anchored, true
}

// apacheSamples lists, in file order and without repeats, the URL paths
// Apache's <Location> sections and Alias lines name.
func apacheSamples(nodes []*Node) Samples {
	var s Samples
	seen := map[string]bool{}
	walkNodes(nodes, func(n *Node) {
		var p string
		switch {
		case strings.EqualFold(n.Name, "Location") && len(n.Args) == 1:
			p = n.Args[0]
		case strings.EqualFold(n.Name, "Alias") && len(n.Args) == 2:
			p = n.Args[0]
		}
		if strings.HasPrefix(p, "/") && !strings.ContainsAny(p, "*?[") && !seen[p] {
			seen[p] = true
			s.Paths = append(s.Paths, p)
		}
	})
	return s
}

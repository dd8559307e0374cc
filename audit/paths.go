package audit

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bmatcuk/doublestar/v4"
)

// Declared is how the owner declared a path.
type Declared string

const (
	Undeclared Declared = ""
	Public     Declared = "public"
	Private    Declared = "private"
)

// Paths is an ordered list of declared patterns; the last matching line
// wins, as in .gitignore. The zero value declares nothing. A Paths is not
// changed by Match, so one built up front can be shared between goroutines.
//
// Pattern syntax (doublestar's, except that '**' crosses '/' anywhere):
//
//	/            exactly the home page
//	*            any characters except '/'
//	?            one character except '/'
//	[abc] [a-z]  one character of a class, [!a] or [^a] negates
//	{a,b}        alternatives
//	/**/         zero or more whole segments
//	/x/**        x and everything below it: /x, /x/, /x/a, /x/a/b
//	a**b         '**' inside a segment: any characters, '/' included
//	\*           a literal '*': a backslash makes any meta character literal
//	%XX          a percent-encoded byte, matched as the decoded byte
//
// Paths are case-sensitive, and a trailing slash is significant: /pricing
// does not match /pricing/.
type Paths struct {
	rules []pathRule
}

// Rule is one pattern with where it came from, for errors and for
// `declared_by` in reports. Pattern is as written, without the '!'.
type Rule struct {
	Pattern string
	Private bool
	File    string
	Line    int
}

// declared says what the rule declares.
func (r Rule) declared() Declared {
	if r.Private {
		return Private
	}
	return Public
}

// String renders the rule as it would appear in a paths file.
func (r Rule) String() string {
	if r.Private {
		return "!" + r.Pattern
	}
	return r.Pattern
}

// pathRule is a Rule with its compiled doublestar pattern.
type pathRule struct {
	Rule
	glob string
}

// PathsError is a malformed declared pattern. Its message is
// "FILE:LINE: PROBLEM: TEXT", or "ORIGIN: PROBLEM: TEXT" when there is no
// line number, so the user can go straight to the line.
type PathsError struct {
	File    string
	Line    int
	Problem string
	Text    string
}

func (e *PathsError) Error() string {
	where := e.File
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	text := e.Text
	if !utf8.ValidString(text) || strings.ContainsFunc(text, isControl) {
		// Never echo raw control bytes to a terminal.
		text = strconv.Quote(text)
	}
	return fmt.Sprintf("%s: %s: %s", where, e.Problem, text)
}

// maxPathsLine bounds a line of a paths file, so a broken file (a binary,
// one endless line) costs little; the limits on patterns are in pattern.go.
const maxPathsLine = 64 * 1024

// ParsePaths reads a paths file: one pattern per line, blank lines and
// # comments ignored, a '!' prefix declares a path private, and anything
// after the pattern and a space or tab is a comment. name is used in
// errors.
func ParsePaths(r io.Reader, name string) (*Paths, error) {
	p := &Paths{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxPathsLine)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if n == 1 {
			line = strings.TrimPrefix(line, "\uFEFF") // editors on Windows add a BOM
		}
		line = strings.TrimSuffix(line, "\r")
		if err := p.parseLine(line, name, n); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &PathsError{File: name, Line: n + 1, Problem: fmt.Sprintf("line longer than %d bytes", maxPathsLine), Text: "..."}
		}
		return nil, fmt.Errorf("read paths file %s: %w", name, err)
	}
	return p, nil
}

// LoadPaths opens and parses a paths file.
func LoadPaths(file string) (*Paths, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("read paths file: %w", err)
	}
	defer f.Close()
	return ParsePaths(f, file)
}

func (p *Paths) parseLine(line, file string, n int) error {
	bad := func(problem string) error {
		return &PathsError{File: file, Line: n, Problem: problem, Text: strings.Trim(line, " \t")}
	}
	if !utf8.ValidString(line) {
		return bad("invalid UTF-8")
	}
	if i := strings.IndexFunc(line, isControl); i >= 0 {
		if line[i] == 0 {
			return bad("NUL byte")
		}
		return bad(fmt.Sprintf("control character %U", []rune(line[i:])[0]))
	}
	line = strings.Trim(line, " \t")
	if line == "" || line[0] == '#' {
		return nil
	}
	field := line
	if i := strings.IndexAny(line, " \t"); i >= 0 {
		field = line[:i] // the rest of the line is a comment
	}
	private := false
	if field[0] == '!' {
		private = true
		field = field[1:]
		if field == "" {
			if line != "!" {
				return bad("'!' must be followed directly by the pattern, write !" + strings.Trim(line[1:], " \t"))
			}
			return bad("'!' without a pattern")
		}
	}
	if problem := checkPattern(field); problem != "" {
		return bad(problem)
	}
	p.add(field, private, file, n)
	return nil
}

// Add appends one pattern given outside a paths file, such as the YAML
// config's public: and private: lists. origin names it in errors and in
// reports (e.g. "authwall.yaml public[2]"); line is 0 when unknown.
func (p *Paths) Add(pattern string, private bool, origin string, line int) error {
	bad := func(problem string) error {
		return &PathsError{File: origin, Line: line, Problem: problem, Text: pattern}
	}
	switch {
	case !utf8.ValidString(pattern):
		return bad("invalid UTF-8")
	case strings.ContainsFunc(pattern, isControl):
		return bad("control character")
	case strings.HasPrefix(pattern, "!"):
		return bad("'!' belongs in paths files; list the pattern under private: instead")
	case strings.ContainsAny(pattern, " \t"):
		return bad("space in a pattern, write it as %20")
	}
	if problem := checkPattern(pattern); problem != "" {
		return bad(problem)
	}
	p.add(pattern, private, origin, line)
	return nil
}

func (p *Paths) add(pattern string, private bool, file string, line int) {
	p.rules = append(p.rules, pathRule{
		Rule: Rule{Pattern: pattern, Private: private, File: file, Line: line},
		glob: compilePathPattern(pattern),
	})
}

// Merge appends other's rules after p's, so other's lines win over p's.
func (p *Paths) Merge(other *Paths) {
	if other == nil {
		return
	}
	p.rules = append(p.rules, other.rules...)
}

// Len is the number of rules.
func (p *Paths) Len() int {
	if p == nil {
		return 0
	}
	return len(p.rules)
}

// Match returns the declaration for a URL path and the rule that decided it
// (nil when undeclared). path is the URL's escaped path: Match decodes it
// and removes dot segments first, so /blog/%2e%2e/admin is /admin.
//
// /blog/** matches /blog as well as /blog/ and below: whoever declares a
// subtree means its root too, and servers redirect /blog to /blog/ anyway.
func (p *Paths) Match(path string) (Declared, *Rule) {
	if p.Len() == 0 {
		return Undeclared, nil
	}
	name := removeDotSegments(percentDecode(path))
	for i := len(p.rules) - 1; i >= 0; i-- {
		r := p.rules[i]
		// Patterns were validated when added, so an error cannot happen;
		// if it did, the rule would simply not match.
		if ok, err := doublestar.Match(r.glob, name); ok && err == nil {
			rule := r.Rule // a copy: callers must not change the list
			return rule.declared(), &rule
		}
	}
	return Undeclared, nil
}

// Literals lists the public patterns without wildcards, in order and
// without repeats: the crawler fetches them even when nothing links to
// them. Backslash escapes are removed; percent escapes are kept, as they
// are valid in a URL.
func (p *Paths) Literals() []string {
	if p == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, r := range p.rules {
		if r.Private {
			continue
		}
		lit, ok := literalPattern(r.Pattern)
		if ok && !seen[lit] {
			seen[lit] = true
			out = append(out, lit)
		}
	}
	return out
}

func isControl(r rune) bool {
	return r != '\t' && unicode.IsControl(r)
}

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
// Pattern syntax (doublestar, adapted to DESIGN.md):
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

// Declared says what the rule declares.
func (r Rule) Declared() Declared {
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

// Limits that keep a hostile or broken paths file from costing much: a
// pattern is a URL path, and doublestar expands {a,b} alternatives by
// recursion, so their product is bounded.
const (
	maxPathsLine        = 64 * 1024
	maxPatternLen       = 4096
	maxPatternExpansion = 256
)

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

// Rules returns a copy of the rules in order.
func (p *Paths) Rules() []Rule {
	if p == nil {
		return nil
	}
	out := make([]Rule, len(p.rules))
	for i, r := range p.rules {
		out[i] = r.Rule
	}
	return out
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
			return rule.Declared(), &rule
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

// literalPattern returns the URL path a pattern matches when it has no
// unescaped wildcard. A '%' that starts no %XX escape, and an escaped '?',
// are written percent-encoded: in a URL they would start an escape or the
// query.
func literalPattern(pattern string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '*', '?', '[', '{':
			return "", false
		case '%':
			if i+2 < len(pattern) && isHex(pattern[i+1]) && isHex(pattern[i+2]) {
				b.WriteByte('%')
			} else {
				b.WriteString("%25")
			}
		case '\\':
			i++
			if i < len(pattern) {
				switch pattern[i] {
				case '%':
					b.WriteString("%25")
				case '?':
					b.WriteString("%3F")
				default:
					b.WriteByte(pattern[i])
				}
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

// checkPattern returns what is wrong with a pattern, or "".
func checkPattern(pattern string) string {
	switch {
	case len(pattern) > maxPatternLen:
		return fmt.Sprintf("pattern longer than %d bytes", maxPatternLen)
	case hasScheme(pattern):
		return "a full URL instead of a path, write " + urlPathOf(pattern)
	case strings.HasPrefix(pattern, "//"):
		return "a pattern starting with // names a host, not a path, write " + urlPathOf("http:"+pattern)
	case !strings.HasPrefix(pattern, "/"):
		if strings.HasPrefix(pattern, "*") && !strings.Contains(pattern, "/") {
			return "pattern must start with /, write /**/" + pattern + " to match at any depth"
		}
		return "pattern must start with /, write /" + strings.TrimLeft(pattern, "./")
	case strings.Contains(pattern, "#"):
		// URL paths never hold a raw '#': it starts the fragment.
		return "'#' in a pattern: put comments after a space, or write %23"
	}
	if problem := globProblem(pattern); problem != "" {
		return problem
	}
	// Escapes are removed too: /\.\. would otherwise name a ".." segment,
	// which no normalised path has.
	decoded := strings.ReplaceAll(percentDecode(pattern), "\\", "")
	for _, seg := range strings.Split(decoded, "/") {
		if seg == "." || seg == ".." {
			return "dot segment in a pattern: paths are matched after . and .. are removed"
		}
	}
	glob := compilePathPattern(pattern)
	if !doublestar.ValidatePattern(glob) {
		return "bad glob syntax"
	}
	if n := globExpansions(glob); n > maxPatternExpansion {
		return fmt.Sprintf("too many {...} alternatives (more than %d combinations)", maxPatternExpansion)
	}
	return ""
}

// globProblem describes bad glob syntax in words a user can act on.
func globProblem(pattern string) string {
	depth := 0
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case '\\':
			if i++; i >= len(pattern) {
				return `'\' at the end escapes nothing`
			}
		case '[':
			j := i + 1
			if j < len(pattern) && (pattern[j] == '!' || pattern[j] == '^') {
				j++
			}
			if j < len(pattern) && pattern[j] == ']' {
				return "empty character class []"
			}
			for ; j < len(pattern) && pattern[j] != ']'; j++ {
				if pattern[j] == '\\' {
					j++
				}
			}
			if j >= len(pattern) {
				return "unclosed ["
			}
			i = j
		case '{':
			depth++
		case '}':
			if depth == 0 {
				return "} without {"
			}
			depth--
		}
	}
	if depth > 0 {
		return "unclosed {"
	}
	return ""
}

// hasScheme reports whether s starts with "scheme://".
func hasScheme(s string) bool {
	i := strings.Index(s, "://")
	if i <= 0 {
		return false
	}
	for j, c := range s[:i] {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' ||
			j > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')
		if !ok {
			return false
		}
	}
	return true
}

// urlPathOf suggests the path of a URL written where a path belongs. It
// does not use url.Parse: glob characters make many patterns invalid URLs.
func urlPathOf(s string) string {
	rest := s[strings.Index(s, "://")+3:]
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		return "/"
	}
	return rest[i:]
}

func isControl(r rune) bool {
	return r != '\t' && unicode.IsControl(r)
}

// compilePathPattern turns a declared pattern into the doublestar pattern
// with the same meaning. Two adaptations:
//   - percent escapes are decoded, as Match decodes paths; a decoded
//     glob character is escaped so it stays literal;
//   - doublestar treats '**' that is not a whole segment as '*', while
//     DESIGN.md says '**' crosses '/': such a '**' becomes {*,*/**/*}
//     (or {*,*/**} at the end), which is any run of characters.
//
// A whole-segment '**' is left to doublestar, which already matches
// /blog/** against /blog, /blog/ and everything below.
func compilePathPattern(pattern string) string {
	src := decodePatternEscapes(pattern)
	var b strings.Builder
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case '\\':
			b.WriteByte(c)
			if i+1 < len(src) {
				i++
				b.WriteByte(src[i])
			}
		case '[':
			// Copy the class through its closing ']' untouched.
			j := i + 1
			if j < len(src) && (src[j] == '!' || src[j] == '^') {
				j++
			}
			for ; j < len(src) && src[j] != ']'; j++ {
				if src[j] == '\\' {
					j++
				}
			}
			if j >= len(src) {
				j = len(src) - 1
			}
			b.WriteString(src[i : j+1])
			i = j
		case '*':
			j := i
			for j < len(src) && src[j] == '*' {
				j++
			}
			if j-i == 1 {
				b.WriteByte('*')
				break
			}
			startsSegment := i == 0 || src[i-1] == '/'
			endsSegment := j == len(src) || src[j] == '/'
			switch {
			case startsSegment && endsSegment:
				b.WriteString("**")
			case j == len(src):
				b.WriteString("{*,*/**}")
			default:
				b.WriteString("{*,*/**/*}")
			}
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// decodePatternEscapes decodes %XX in a pattern and backslash-escapes a
// decoded byte that doublestar would read as syntax.
func decodePatternEscapes(pattern string) string {
	if !strings.Contains(pattern, "%") {
		return pattern
	}
	var b strings.Builder
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		if c == '\\' && i+1 < len(pattern) {
			b.WriteByte(c)
			i++
			b.WriteByte(pattern[i])
			continue
		}
		if c == '%' && i+2 < len(pattern) && isHex(pattern[i+1]) && isHex(pattern[i+2]) {
			d := unhex(pattern[i+1])<<4 | unhex(pattern[i+2])
			if strings.IndexByte(`*?[]{}\,!^-`, d) >= 0 {
				b.WriteByte('\\')
			}
			b.WriteByte(d)
			i += 2
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// globExpansions counts the brace-free patterns a glob expands to, the
// factor by which doublestar's work grows. It saturates above the limit.
func globExpansions(glob string) int {
	total := 1
	// A ',' outside braces is a literal to doublestar: step over it.
	for i := 0; i < len(glob); i++ {
		n, j := expansionsSeq(glob, i)
		total = min(total*n, maxPatternExpansion+1)
		i = j
	}
	return total
}

// expansionsSeq counts a sequence up to an unmatched ',' or '}' and
// returns where it stopped.
func expansionsSeq(s string, i int) (int, int) {
	total := 1
	for i < len(s) {
		switch s[i] {
		case '\\':
			i += 2
		case '[':
			for i++; i < len(s) && s[i] != ']'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
			i++
		case ',', '}':
			return total, i
		case '{':
			alts := 0
			i++
			for {
				n, j := expansionsSeq(s, i)
				alts = min(alts+n, maxPatternExpansion+1)
				i = j
				if i >= len(s) || s[i] == '}' {
					i++
					break
				}
				i++ // past ','
			}
			total = min(total*alts, maxPatternExpansion+1)
		default:
			i++
		}
	}
	return total, i
}

// percentDecode decodes every valid %XX and leaves anything else as it is,
// so a stray '%' in a path does not make it unmatchable.
func percentDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// removeDotSegments applies RFC 3986 section 5.2.4 to an absolute path:
// "." and ".." segments go, a trailing slash stays, and ".." never climbs
// above the root. An empty path is the root.
func removeDotSegments(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !strings.Contains(p, ".") {
		return p
	}
	segs := strings.Split(p[1:], "/")
	out := make([]string, 0, len(segs))
	for i, s := range segs {
		last := i == len(segs)-1
		switch s {
		case ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, s)
			continue
		}
		if last {
			out = append(out, "") // "/a/.." is "/a/", a directory
		}
	}
	return "/" + strings.Join(out, "/")
}

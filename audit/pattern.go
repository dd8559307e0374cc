package audit

import (
	"fmt"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"authwall/internal/percent"
)

// A declared pattern: its checks (with messages a user can act on), its
// translation into the doublestar pattern that Match runs, and the
// normalisation of the paths it is matched against.

// Limits that keep a hostile or broken pattern from costing much: a
// pattern is a URL path, and doublestar expands {a,b} alternatives by
// recursion, so their product is bounded.
const (
	maxPatternLen       = 4096
	maxPatternExpansion = 256
)

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
			if i+2 < len(pattern) && percent.IsHex(pattern[i+1]) && percent.IsHex(pattern[i+2]) {
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

// compilePathPattern turns a declared pattern into the doublestar pattern
// with the same meaning. Two adaptations:
//   - percent escapes are decoded, as Match decodes paths; a decoded
//     glob character is escaped so it stays literal;
//   - doublestar treats '**' that is not a whole segment as '*', while a
//     declared '**' crosses '/' (a**b matches a/x/b, as Paths documents):
//     such a '**' becomes {*,*/**/*} (or {*,*/**} at the end), which is
//     any run of characters.
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
		if c == '%' && i+2 < len(pattern) && percent.IsHex(pattern[i+1]) && percent.IsHex(pattern[i+2]) {
			d := percent.Unhex(pattern[i+1])<<4 | percent.Unhex(pattern[i+2])
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
		if s[i] == '%' && i+2 < len(s) && percent.IsHex(s[i+1]) && percent.IsHex(s[i+2]) {
			b.WriteByte(percent.Unhex(s[i+1])<<4 | percent.Unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
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

package report

import (
	"strings"
	"unicode/utf8"
)

// Markdown escaping. Every value from the audited site reaches the
// Markdown report through one of two functions, each safe inside a GFM
// table cell, a list item or a paragraph:
//
//   - mdText for prose (messages, directives, fixes, notes): every ASCII
//     punctuation character is backslash-escaped, which CommonMark allows
//     for all of them, so no character can open emphasis, a link or image
//     ([, ], (, ), !), a code span (`), raw HTML or an autolink (<, >), an
//     entity (&), a heading, list or table cell (|), and no run of text can
//     become a bare-URL autolink ("http\:\/\/" and "www\." do not match);
//   - mdCode for URLs, paths, names and file:line: a code span, which shows
//     its content as is (no HTML, no links, no emphasis), fenced with more
//     backticks than the longest run inside, padded with a space when the
//     content starts or ends with a backtick or a space; in a table cell
//     (mdCodeCell) | is written \| so the table does not split the cell
//     (GFM removes that backslash before it reads the code span).
//
// Both first make the value one visible line (visibleText: control
// characters, line breaks and bidi overrides as escapes) and cut it to a
// number of characters, so a cell cannot end a table row or hide text, and
// no value can make the report unbounded.

// mdText escapes s as Markdown prose, cut to max characters.
func mdText(s string, max int) string {
	s = cutRunes(visibleText(s), max)
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isASCIIPunct(c) {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// mdCode shows s as a code span, cut to max characters; "-" for empty.
func mdCode(s string, max int) string {
	s = cutRunes(visibleText(s), max)
	if s == "" {
		return "-"
	}
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	// Markdown strips one space from each end of a code span that starts
	// and ends with one, unless the span is all spaces.
	if strings.Trim(s, " ") != "" && (s[0] == '`' || s[len(s)-1] == '`' || s[0] == ' ' || s[len(s)-1] == ' ') {
		s = " " + s + " "
	}
	return fence + s + fence
}

// mdCodeCell is mdCode for a table cell.
func mdCodeCell(s string, max int) string {
	return strings.ReplaceAll(mdCode(s, max), "|", `\|`)
}

func isASCIIPunct(c byte) bool {
	return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~')
}

// longestRun is the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

// cutRunes cuts s to at most max characters, ending in "…" when cut.
func cutRunes(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max-1 {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

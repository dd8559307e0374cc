package report

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

// Everything a report shows came from the audited site. These helpers make
// such text safe to show; each writer adds the escaping of its own format
// (html/template, encoding/xml, the CSV formula guard...).

// Widths of terminal cells, in columns: wide enough for a path and a
// directive, narrow enough that a table row fits a wide terminal.
const (
	maxURLWidth    = 50
	maxSourceWidth = 40
	maxCellWidth   = 24
)

// validUTF8 replaces each invalid byte with U+FFFD, as encoding/json would,
// so the values handed to an encoder are exactly the values read back.
func validUTF8(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

// validUTF8s is validUTF8 for a list; nil becomes an empty list.
func validUTF8s(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = validUTF8(s)
	}
	return out
}

// validUTF8Statuses copies agent statuses with valid UTF-8 names; nil
// becomes an empty map.
func validUTF8Statuses(m map[string]int) map[string]int {
	valid := m != nil
	for k := range m {
		valid = valid && utf8.ValidString(k)
	}
	if valid {
		return m // the common case: shared, not copied, as nobody changes it (a report holds a map per page)
	}
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[validUTF8(k)] = v
	}
	return out
}

// validUTF8Reasons copies the reasons for status 0 (Finding.NotFetched) with
// valid UTF-8; empty stays nil, so the field can be left out.
func validUTF8Reasons(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[validUTF8(k)] = validUTF8(v)
	}
	return out
}

// visibleText shows every character a terminal would act on, or that would
// hide or reorder text, as a visible escape, so a hostile URL or realm can
// neither drive the terminal (ESC [2J) nor disguise itself (U+202E).
// Control characters (C0, DEL, C1) and line breaks become Go-style escapes
// (\x1b, \n), Unicode format characters and line separators \u escapes
// (\u202e), bytes that are not UTF-8 \xff.
func visibleText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && unicode.IsControl(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// visibleTexts is visibleText for a list.
func visibleTexts(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		out = append(out, visibleText(s))
	}
	return out
}

// visibleCell is visibleText cut to at most max terminal columns.
func visibleCell(s string, max int) string {
	return cutToWidth(visibleText(s), max)
}

// cutToWidth cuts s to at most max terminal columns, ending with "…" when
// cut.
func cutToWidth(s string, max int) string {
	if twwidth.Width(s) <= max {
		return s
	}
	const ellipsis = "…"
	budget := max - twwidth.Width(ellipsis)
	var b strings.Builder
	used := 0
	for _, r := range s {
		w := twwidth.Width(string(r))
		if used+w > budget {
			break
		}
		used += w
		b.WriteRune(r)
	}
	b.WriteString(ellipsis)
	return b.String()
}

package report

import (
	"maps"
	"strconv"
	"strings"
	"unicode"

	"authwall/audit"
)

// sarifMessage returns the one-line summary of a finding as plain text and
// as Markdown: kind and URL, what each agent got, the finding's own message,
// the likely source, and the first line of the fix. In the Markdown every
// value from the site is escaped or in a code span, so a hostile URL or
// realm cannot become a link or markup.
func sarifMessage(r *audit.Report, f audit.Finding) (text, markdown string) {
	kind, u := oneLine(string(f.Kind)), oneLine(f.URL)
	var t, m []string
	head, mhead := kind, "**"+mdEscape(kind)+"**"
	if u != "" {
		head += " at " + u
		mhead += " at " + codeSpan(u)
	}
	if st := statusLine(r, f); st != "" {
		head += ": " + st
		mhead += ": " + mdEscape(st)
	}
	t, m = append(t, head), append(m, mhead)
	if msg := oneLine(f.Message); msg != "" {
		t, m = append(t, msg), append(m, mdEscape(msg))
	}
	if a := f.Attribution; a != nil {
		var src, msrc []string
		if s := oneLine(a.Source); s != "" {
			src, msrc = append(src, s), append(msrc, mdEscape(s))
		}
		if d := oneLine(a.Directive); d != "" {
			src, msrc = append(src, d), append(msrc, codeSpan(d))
		}
		if rl := oneLine(a.Realm); rl != "" {
			src, msrc = append(src, "realm "+strconv.Quote(rl)), append(msrc, "realm "+codeSpan(rl))
		}
		if len(src) > 0 {
			t, m = append(t, strings.Join(src, " ")), append(m, strings.Join(msrc, " "))
		}
		if fix := oneLine(firstLine(a.Fix)); fix != "" {
			t, m = append(t, "fix: "+fix), append(m, "fix: "+mdEscape(fix))
		}
	}
	return strings.Join(t, "; "), strings.Join(m, "; ")
}

// statusLine lists what each agent got, agents as the one agent-column
// rule orders them (for this finding), then the browser control; a status
// 0 says it was not fetched, and why.
func statusLine(r *audit.Report, f audit.Finding) string {
	agents := agentColumns(r.Agents, maps.Keys(f.Statuses))
	return oneLine(strings.Join(statusList(f, agents, sarifStatus), ", "))
}

func sarifStatus(f audit.Finding, agent string) string {
	s := f.Statuses[agent]
	if s != 0 {
		return strconv.Itoa(s)
	}
	if why := f.NotFetched[agent]; why != "" {
		return "not fetched (" + why + ")"
	}
	return "not fetched"
}

// oneLine makes s valid UTF-8 and replaces control characters and bidi
// overrides with spaces, so a value from the site cannot break a one-line
// message or reorder what a viewer shows.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || isBidiControl(r) {
			return ' '
		}
		return r
	}, validUTF8(s))
}

func isBidiControl(r rune) bool {
	return r == '\u061c' || r == '\u200e' || r == '\u200f' ||
		(r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(line)
}

// mdEscape backslash-escapes every ASCII punctuation character, which
// CommonMark then shows literally: no emphasis, link, HTML or code from s.
func mdEscape(s string) string {
	const punct = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(punct, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// codeSpan puts s in a CommonMark code span, whose content is literal:
// the fence is one backtick longer than the longest run inside, and a
// space pads content that starts or ends with a backtick or a space.
func codeSpan(s string) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") {
		s = " " + s + " "
	}
	return fence + s + fence
}

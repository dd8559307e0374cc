package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"authwall/audit"
)

// Table writes the findings as a table for a terminal, one row per finding,
// then a summary with the verdict.
//
// Columns: FAIL ("fail" on each finding that makes the run fail; shown
// when one does), NEW with a baseline, KIND, URL (relative to the target
// when on the same origin), one column per agent with the status it got,
// BROWSER when any finding has a control fetch, SOURCE/DIRECTIVE (with the
// config file:line when known), REALM when any finding carries one, and
// CONFIDENCE. A status cell is "-" when the agent has no status for the
// finding, and ends in "*" for each agent the finding concerns (a line
// under the table says so). Status 0 means the agent got no answer:
// "disallow" when robots.txt kept it out, "error" when the fetch failed,
// as Finding.NotFetched says, and "no answer" when it says nothing.
//
// Everything in a cell came from the audited site, so every cell is made
// safe for a terminal first: control characters (C0, DEL, C1, ESC
// included), Unicode format characters (bidi overrides, zero-width) and line
// separators are shown as Go-style escapes (\x1b, \n, \u202e), bytes that
// are not UTF-8 as \xff. Long values are cut with "…".
type Table struct {
	// Color colours the kind by severity and the PASS/FAIL verdict with ANSI
	// escapes. Off in the zero value; the caller decides whether the output
	// is a terminal that wants colour.
	Color bool
}

// Cell width caps, in terminal columns: wide enough for a path and a
// directive, narrow enough that a row fits a 160-column terminal.
const (
	maxURLWidth    = 50
	maxSourceWidth = 40
	maxCellWidth   = 24
)

// browserAgent is the control fetch's name in statuses (DESIGN.md).
const browserAgent = "browser"

// ANSI SGR sequences, used only when Table.Color is set.
const (
	ansiReset   = "\x1b[0m"
	ansiRed     = "\x1b[31m"
	ansiBoldRed = "\x1b[1;31m"
	ansiGreen   = "\x1b[32m"
	ansiYellow  = "\x1b[33m"
	ansiCyan    = "\x1b[36m"
)

// Write renders r as a table. A nil *Table writes with default options.
func (t *Table) Write(w io.Writer, r *audit.Report) error {
	if r == nil {
		return errors.New("write table report: no report (nil)")
	}
	color := t != nil && t.Color
	// Render into a buffer so a failure leaves no half table behind.
	var buf bytes.Buffer
	if len(r.Findings) > 0 {
		if err := writeFindingsTable(&buf, r, color); err != nil {
			return fmt.Errorf("write table report: %w", err)
		}
		buf.WriteByte('\n')
		if anyAgents(r.Findings) {
			buf.WriteString(concernsMark + " marks the status of each agent the finding concerns\n")
		}
	}
	writeSummary(&buf, r, color)
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write table report: %w", err)
	}
	return nil
}

func writeFindingsTable(buf *bytes.Buffer, r *audit.Report, color bool) error {
	findings := sortedFindings(r.Findings)
	agents, browser := statusColumns(r.Agents, findings)
	origin := originOf(r.Target)

	var header []any
	failing := anyFailing(findings)
	if failing {
		header = append(header, "FAIL")
	}
	baseline := r.Baseline != ""
	if baseline {
		header = append(header, "NEW")
	}
	header = append(header, "KIND", "URL")
	for _, a := range agents {
		header = append(header, cell(upperASCII(a), maxCellWidth))
	}
	if browser {
		header = append(header, "BROWSER")
	}
	header = append(header, "SOURCE/DIRECTIVE")
	realm := anyRealm(findings)
	if realm {
		header = append(header, "REALM")
	}
	header = append(header, "CONFIDENCE")

	var out bytes.Buffer
	tbl := tablewriter.NewTable(&out,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders:  tw.BorderNone,
			Symbols:  tw.NewSymbols(tw.StyleASCII),
			Settings: tw.Settings{Lines: tw.LinesNone, Separators: tw.SeparatorsNone},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithTrimSpace(tw.Off),
		tablewriter.WithPadding(tw.Padding{Left: "", Right: "  ", Overwrite: true}),
	)
	tbl.Header(header...)
	for _, f := range findings {
		var row []string
		if failing {
			row = append(row, mark(f.Failing, paint("fail", ansiBoldRed, color)))
		}
		if baseline {
			row = append(row, mark(f.New, "new"))
		}
		row = append(row,
			paint(cell(string(f.Kind), maxCellWidth), severityColor(f.Severity), color),
			cell(relativeURL(origin, f.URL, f.Path), maxURLWidth))
		for _, a := range agents {
			st := cell(statusCell(f, a), maxCellWidth-1)
			if slices.Contains(f.Agents, a) {
				st += concernsMark
			}
			row = append(row, st)
		}
		if browser {
			row = append(row, cell(statusCell(f, browserAgent), maxCellWidth))
		}
		row = append(row, cell(sourceCell(f.Attribution), maxSourceWidth))
		if realm {
			row = append(row, cell(realmCell(f.Attribution), maxCellWidth))
		}
		row = append(row, cell(confidenceCell(f.Attribution), maxCellWidth))
		if err := tbl.Append(row); err != nil {
			return fmt.Errorf("add row for %s: %w", cell(f.URL, maxURLWidth), err)
		}
	}
	if err := tbl.Render(); err != nil {
		return fmt.Errorf("render table: %w", err)
	}
	// The last column is padded like the others; trailing blanks are noise
	// in logs and golden files.
	for _, line := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		buf.WriteString(strings.TrimRight(line, " "))
		buf.WriteByte('\n')
	}
	return nil
}

// concernsMark follows the status of each agent a finding concerns.
const concernsMark = "*"

// mark is text when on is set, else an empty cell.
func mark(on bool, text string) string {
	if on {
		return text
	}
	return ""
}

func anyFailing(fs []audit.Finding) bool {
	for _, f := range fs {
		if f.Failing {
			return true
		}
	}
	return false
}

func anyAgents(fs []audit.Finding) bool {
	for _, f := range fs {
		if len(f.Agents) > 0 {
			return true
		}
	}
	return false
}

// statusColumns returns the agent columns: the report's agents in their
// order, then any other agent a finding has a status for (sorted), and
// whether a BROWSER column is needed.
func statusColumns(agents []audit.AgentInfo, findings []audit.Finding) ([]string, bool) {
	var cols []string
	seen := map[string]bool{browserAgent: true}
	for _, a := range agents {
		if !seen[a.Name] {
			seen[a.Name] = true
			cols = append(cols, a.Name)
		}
	}
	var extra []string
	browser := false
	for _, f := range findings {
		for name := range f.Statuses {
			if name == browserAgent {
				browser = true
			}
			if !seen[name] {
				seen[name] = true
				extra = append(extra, name)
			}
		}
	}
	sort.Strings(extra)
	return append(cols, extra...), browser
}

// upperASCII uppercases ASCII letters only, leaving other bytes (invalid
// UTF-8 included) for clean to show as they are.
func upperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
	return string(b)
}

// statusCell is what an agent got, in a word: the status, "-" for no
// status, and for status 0 what Finding.NotFetched says ("disallow" for
// robots.txt, "error" for a failed fetch) or "no answer" when it says
// nothing.
func statusCell(f audit.Finding, agent string) string {
	s, ok := f.Statuses[agent]
	switch {
	case !ok:
		return "-"
	case s != 0:
		return strconv.Itoa(s)
	}
	switch f.NotFetched[agent] {
	case "":
		return "no answer"
	case "robots":
		return "disallow"
	}
	return "error"
}

// anyRealm reports whether a REALM column is worth its width.
func anyRealm(fs []audit.Finding) bool {
	for _, f := range fs {
		if f.Attribution != nil && f.Attribution.Realm != "" {
			return true
		}
	}
	return false
}

// realmCell quotes the realm as the challenge sends it, so an empty or
// space-padded realm is visible.
func realmCell(a *audit.Attribution) string {
	if a == nil || a.Realm == "" {
		return "-"
	}
	return strconv.Quote(a.Realm)
}

// sourceCell reads "nginx auth_basic (conf/site.conf:12)".
func sourceCell(a *audit.Attribution) string {
	if a == nil {
		return "-"
	}
	parts := make([]string, 0, 3)
	for _, p := range []string{a.Source, a.Directive} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if a.Directive == "" && a.Mechanism != "" {
		parts = append(parts, a.Mechanism)
	}
	if a.Location != nil && a.Location.File != "" {
		parts = append(parts, fmt.Sprintf("(%s:%d)", a.Location.File, a.Location.Line))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " ")
}

func confidenceCell(a *audit.Attribution) string {
	if a == nil || a.Confidence == "" {
		return "-"
	}
	return a.Confidence
}

// originOf returns "scheme://host[:port]" of the target, or "" when the
// target has no host.
func originOf(target string) string {
	u, err := url.Parse(target)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// relativeURL shortens a URL on the target's origin to its path, to keep
// the table narrow; other URLs stay whole. The origin must be followed by
// '/', '?', '#' or nothing, so "https://example.org.evil.test/" and
// "https://example.org@evil.test/" are never shortened.
func relativeURL(origin, u, path string) string {
	if u == "" {
		return path
	}
	if origin == "" || len(u) < len(origin) || !strings.EqualFold(u[:len(origin)], origin) {
		return u
	}
	rest := u[len(origin):]
	switch {
	case rest == "":
		return "/"
	case rest[0] == '/':
		return rest
	case rest[0] == '?' || rest[0] == '#':
		return "/" + rest
	}
	return u
}

func writeSummary(buf *bytes.Buffer, r *audit.Report, color bool) {
	verdict := paint("PASS", ansiGreen, color)
	if r.Failed {
		verdict = paint("FAIL", ansiBoldRed, color)
	}
	stats := fmt.Sprintf("%s, %s, in %s — %s", plural(r.URLs, "URL", "URLs"), plural(r.Requests, "request", "requests"), formatDuration(r.Duration), verdict)

	if len(r.Findings) == 0 {
		public := 0
		for _, p := range r.Pages {
			if p.Declared == "public" {
				public++
			}
		}
		switch public {
		case 0:
			fmt.Fprintf(buf, "No findings on %s.\n", plural(r.URLs, "crawled URL", "crawled URLs"))
		case 1:
			fmt.Fprintf(buf, "No findings: the 1 declared public URL answered as declared.\n")
		default:
			fmt.Fprintf(buf, "No findings: all %d declared public URLs answered as declared.\n", public)
		}
		fmt.Fprintf(buf, "%s\n", stats)
	} else {
		var errs, warns, infos int
		for _, f := range r.Findings {
			switch f.Severity {
			case audit.SeverityError:
				errs++
			case audit.SeverityWarning:
				warns++
			case audit.SeverityInfo:
				infos++
			}
		}
		fmt.Fprintf(buf, "%s (%s, %s, %d info) on %s\n",
			plural(len(r.Findings), "finding", "findings"),
			plural(errs, "error", "errors"), plural(warns, "warning", "warnings"), infos, stats)
		counts := r.Counts()
		kinds := sortedCountKinds(counts)
		parts := make([]string, len(kinds))
		for i, k := range kinds {
			parts[i] = fmt.Sprintf("%s: %d", cell(string(k), maxCellWidth), counts[k])
		}
		fmt.Fprintf(buf, "%s\n", strings.Join(parts, ", "))
	}

	if r.Baseline != "" {
		newCount := 0
		for _, f := range r.Findings {
			if f.New {
				newCount++
			}
		}
		fmt.Fprintf(buf, "against baseline %s: %d new, %d fixed\n", clean(r.Baseline), newCount, len(r.Fixed))
		for _, f := range sortedFindings(r.Fixed) {
			fmt.Fprintf(buf, "  fixed: %s %s\n", cell(string(f.Kind), maxCellWidth), cell(relativeURL(originOf(r.Target), f.URL, f.Path), maxURLWidth))
		}
	}

	switch {
	case r.Incomplete:
		buf.WriteString("incomplete: the crawl ended early, findings may be missing:\n")
		if len(r.Notes) == 0 {
			buf.WriteString("  - no reason was recorded\n")
		}
	case len(r.Notes) > 0:
		buf.WriteString("notes:\n")
	}
	for _, n := range r.Notes {
		fmt.Fprintf(buf, "  - %s\n", clean(n))
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// formatDuration rounds to a precision a person reads: 450ms, 4.2s, 2m5s.
func formatDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}

func severityColor(s audit.Severity) string {
	switch s {
	case audit.SeverityError:
		return ansiRed
	case audit.SeverityWarning:
		return ansiYellow
	case audit.SeverityInfo:
		return ansiCyan
	}
	return ""
}

func paint(s, code string, color bool) string {
	if !color || code == "" {
		return s
	}
	return code + s + ansiReset
}

// cell makes s safe for a terminal and cuts it to max columns.
func cell(s string, max int) string {
	return truncate(clean(s), max)
}

// clean shows every character a terminal would act on, or that would hide
// or reorder text, as a visible escape, so a hostile URL or realm can
// neither drive the terminal (ESC [2J) nor disguise itself (U+202E).
func clean(s string) string {
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

// truncate cuts s to at most max terminal columns, ending with "…" when cut.
func truncate(s string, max int) string {
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

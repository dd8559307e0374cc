package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"authwall/audit"
)

// Markdown writes GitHub-flavoured Markdown for a pull-request comment or a
// GitHub Actions job summary ($GITHUB_STEP_SUMMARY):
//
//   - a heading with the verdict (PASS or FAIL, as Report.Failed says), the
//     target and the counts, the baseline comparison and whether the crawl
//     was cut short;
//   - the counts by kind, in the kind table's order, with what each kind
//     means;
//   - a table of the findings that fail the run: kind, path (the URL when
//     on another origin), the status per agent (the agents the finding
//     concerns marked *), the browser control's status when there is one,
//     source and directive, the config file:line when known, and the fix;
//   - a collapsed <details> section with the rest: the findings that do not
//     fail the run, the baseline's fixed findings, and the notes.
//
// A recheck (audit --recheck) adds its counts under the heading, a recheck
// column (remains or new), and the earlier findings that are fixed or
// were not rechecked to the collapsed section.
//
// Every value from the audited site is escaped (see markdown_text.go), so
// a hostile URL, realm or message can add no link, image, HTML or table
// cell. The output is bounded: each table lists at most MaxRows findings
// and stops early when the report nears maxMarkdownBytes, with a line
// saying how many more there are; GitHub takes at most 1 MiB of job summary
// per step.
type Markdown struct {
	// MaxRows bounds each findings table; the rest is counted in an
	// "N more" line. Zero means 100.
	MaxRows int
}

const (
	defaultMarkdownRows = 100
	// maxMarkdownBytes bounds the whole output, well under GitHub's 1 MiB
	// per step, so a summary appended by an earlier step still fits.
	maxMarkdownBytes = 768 << 10
	// markdownReserve is kept free of table rows for what follows the
	// tables (the notes, at most maxMarkdownNotes of bounded width).
	markdownReserve  = 64 << 10
	maxMarkdownNotes = 20
)

// Widths of Markdown cells, in characters: enough to read a path or a fix
// whole in most reports, bounded so one hostile value cannot fill the
// report.
const (
	mdKindWidth   = 40
	mdPathWidth   = 160
	mdStatusWidth = 24
	mdSourceWidth = 160
	mdFixWidth    = 400
	mdNoteWidth   = 400
)

// Write renders r as Markdown. A nil *Markdown writes with default options.
func (m *Markdown) Write(w io.Writer, r *audit.Report) error {
	if r == nil {
		return errors.New("write Markdown report: no report (nil)")
	}
	rows := defaultMarkdownRows
	if m != nil && m.MaxRows > 0 {
		rows = m.MaxRows
	}
	findings := sortedFindings(r.Findings)
	var failing, other []audit.Finding
	for _, f := range findings {
		if f.Failing {
			failing = append(failing, f)
		} else {
			other = append(other, f)
		}
	}
	names := findingAgentNames(findings)
	t := markdownTable{
		agents:   agentColumns(r.Agents, names),
		browser:  hasControl(names),
		baseline: r.Baseline != "",
		recheck:  r.Recheck != nil,
		origin:   originOf(r.Target),
		rows:     rows,
		logs:     anyLogs(findings),
		order:    reportAgentNames(r),
	}

	// Render into a buffer so a failure leaves no half output behind.
	var buf bytes.Buffer
	writeMarkdownHead(&buf, r)
	writeMarkdownCounts(&buf, r, rows)
	if len(failing) > 0 {
		buf.WriteString("### Failing findings\n\n")
		t.write(&buf, failing, "failing findings")
		if anyAgents(failing) {
			buf.WriteString("\\* marks the status of each agent the finding concerns.\n\n")
		}
	}
	var recheckFixed, unchecked []audit.Finding
	if r.Recheck != nil {
		recheckFixed, unchecked = r.Recheck.Fixed, r.Recheck.Unchecked
	}
	fixedCount := len(r.Fixed) + len(recheckFixed)
	if len(other) > 0 || fixedCount > 0 || len(unchecked) > 0 || len(r.Notes) > 0 {
		fmt.Fprintf(&buf, "<details>\n<summary>%s</summary>\n\n", detailsSummary(len(other), fixedCount, len(unchecked), len(r.Notes)))
		if len(other) > 0 {
			buf.WriteString("#### Findings that do not fail the run\n\n")
			t.write(&buf, other, "findings")
		}
		brief := markdownTable{origin: t.origin, rows: rows, brief: true}
		if len(r.Fixed) > 0 {
			fmt.Fprintf(&buf, "#### Fixed since the baseline %s\n\n", mdCode(r.Baseline, mdPathWidth))
			brief.write(&buf, sortedFindings(r.Fixed), "fixed findings")
		}
		if len(recheckFixed) > 0 {
			fmt.Fprintf(&buf, "#### Fixed since %s\n\n", mdCode(r.Recheck.Report, mdPathWidth))
			brief.write(&buf, sortedFindings(recheckFixed), "fixed findings")
		}
		if len(unchecked) > 0 {
			buf.WriteString("#### Not rechecked: URL outside the crawl's scope\n\n")
			brief.write(&buf, sortedFindings(unchecked), "findings")
		}
		if len(r.Notes) > 0 {
			buf.WriteString("#### Notes\n\n")
			for i, n := range r.Notes {
				if i == maxMarkdownNotes {
					fmt.Fprintf(&buf, "- … and %d more notes: the JSON report lists them all\n", len(r.Notes)-i)
					break
				}
				fmt.Fprintf(&buf, "- %s\n", mdText(n, mdNoteWidth))
			}
			buf.WriteString("\n")
		}
		buf.WriteString("</details>\n")
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write Markdown report: %w", err)
	}
	return nil
}

// writeMarkdownHead writes the verdict and the one-paragraph summary.
func writeMarkdownHead(buf *bytes.Buffer, r *audit.Report) {
	verdict := "PASS"
	if r.Failed {
		verdict = "FAIL"
	}
	fmt.Fprintf(buf, "## authwall: %s\n\n", verdict)
	var parts []string
	if r.Target != "" {
		parts = append(parts, "Target "+mdCode(r.Target, mdPathWidth)+":")
	}
	stats := fmt.Sprintf("%s, %s, in %s", plural(r.URLs, "URL", "URLs"), plural(r.Requests, "request", "requests"), formatDuration(r.Duration))
	if len(r.Findings) == 0 {
		parts = append(parts, "no findings on "+stats+".")
	} else {
		n := severityCounts(r.Findings)
		fails := 0
		for _, f := range r.Findings {
			if f.Failing {
				fails++
			}
		}
		parts = append(parts, fmt.Sprintf("%s (%s, %s, %d info) on %s; %d fail the run.",
			plural(len(r.Findings), "finding", "findings"), plural(n.errors, "error", "errors"),
			plural(n.warnings, "warning", "warnings"), n.infos, stats, fails))
	}
	buf.WriteString(strings.Join(parts, " ") + "\n\n")
	if r.Baseline != "" {
		newCount := 0
		for _, f := range r.Findings {
			if f.New {
				newCount++
			}
		}
		fmt.Fprintf(buf, "Against the baseline %s: %d new, %d fixed.\n\n", mdCode(r.Baseline, mdPathWidth), newCount, len(r.Fixed))
	}
	if rc := r.Recheck; rc != nil {
		remains, added := recheckCounts(r.Findings)
		fmt.Fprintf(buf, "Recheck of %s: %s fetched again: %d fixed, %d remaining, %d new", mdCode(rc.Report, mdPathWidth), plural(rc.URLs, "URL", "URLs"), len(rc.Fixed), remains, added)
		if len(rc.Unchecked) > 0 {
			fmt.Fprintf(buf, "; %d not rechecked (URL outside the crawl's scope)", len(rc.Unchecked))
		}
		buf.WriteString(".\n\n")
	}
	if r.Incomplete {
		buf.WriteString("**Incomplete:** the crawl ended early, findings may be missing (see the notes).\n\n")
	}
}

// kindSeverities lists the severities the findings of kind k have, worst
// first: a kind's severity can vary by finding (robots-unavailable, the
// unverified walls of authwall logs), so the kind's default would mislead.
func kindSeverities(fs []audit.Finding, k audit.Kind) string {
	var sevs []audit.Severity
	for _, f := range fs {
		if f.Kind == k && !slices.Contains(sevs, f.Severity) {
			sevs = append(sevs, f.Severity)
		}
	}
	if len(sevs) == 0 {
		return "-"
	}
	slices.SortFunc(sevs, func(a, b audit.Severity) int { return b.Rank() - a.Rank() })
	out := make([]string, len(sevs))
	for i, s := range sevs {
		out[i] = mdText(string(s), mdStatusWidth)
	}
	return strings.Join(out, ", ")
}

// writeMarkdownCounts writes the counts by kind, with the severities the
// findings have and each kind's description from the kind table.
func writeMarkdownCounts(buf *bytes.Buffer, r *audit.Report, rows int) {
	counts := r.Counts()
	if len(counts) == 0 {
		return
	}
	buf.WriteString("| kind | severity | count | what happened |\n|---|---|--:|---|\n")
	kinds := sortedCountKinds(counts)
	for i, k := range kinds {
		if i == rows {
			fmt.Fprintf(buf, "\n… and %d more kinds.\n", len(kinds)-i)
			break
		}
		what := "-"
		if info, ok := audit.LookupKind(k); ok {
			what = mdText(info.Description, mdFixWidth)
		}
		fmt.Fprintf(buf, "| %s | %s | %d | %s |\n", mdCodeCell(string(k), mdKindWidth), kindSeverities(r.Findings, k), counts[k], what)
	}
	buf.WriteString("\n")
}

// detailsSummary is the line a collapsed <details> section shows; it holds
// only counts.
func detailsSummary(other, fixed, unchecked, notes int) string {
	var parts []string
	if other > 0 {
		parts = append(parts, plural(other, "finding", "findings")+" that do not fail the run")
	}
	if fixed > 0 {
		parts = append(parts, plural(fixed, "fixed finding", "fixed findings"))
	}
	if unchecked > 0 {
		parts = append(parts, plural(unchecked, "finding", "findings")+" not rechecked")
	}
	if notes > 0 {
		parts = append(parts, plural(notes, "note", "notes"))
	}
	return strings.Join(parts, ", ")
}

// markdownTable is one findings table: which columns it has and how many
// rows it may list.
type markdownTable struct {
	agents   []string
	browser  bool
	baseline bool
	recheck  bool
	origin   string
	rows     int
	brief    bool // kind and path only (the baseline's fixed findings)
	// logs adds a "log hits" column (per agent: requests, verified or
	// spoofed, statuses) when some finding was made from access logs;
	// order is the report's agent order for it.
	logs  bool
	order []string
}

// write writes the table of fs, at most t.rows rows and only while the
// output stays under maxMarkdownBytes, then a line counting the rest
// (what names them: "failing findings").
func (t markdownTable) write(buf *bytes.Buffer, fs []audit.Finding, what string) {
	header := t.header()
	buf.WriteString(header)
	listed := 0
	for _, f := range fs {
		row := t.row(f)
		if listed == t.rows || buf.Len()+len(row) > maxMarkdownBytes-markdownReserve {
			break
		}
		buf.WriteString(row)
		listed++
	}
	if rest := len(fs) - listed; rest > 0 {
		fmt.Fprintf(buf, "\n… and %d more %s: the JSON, HTML and CSV reports list them all.\n", rest, what)
	}
	buf.WriteString("\n")
}

func (t markdownTable) header() string {
	cols := []string{"kind", "path"}
	if !t.brief {
		if t.baseline {
			cols = append(cols, "new")
		}
		if t.recheck {
			cols = append(cols, "recheck")
		}
		for _, a := range t.agents {
			cols = append(cols, mdCodeCell(a, mdStatusWidth))
		}
		if t.browser {
			cols = append(cols, "browser")
		}
		cols = append(cols, "source and directive", "config", "fix")
		if t.logs {
			cols = append(cols, "log hits")
		}
	}
	return "| " + strings.Join(cols, " | ") + " |\n|" + strings.Repeat("---|", len(cols)) + "\n"
}

func (t markdownTable) row(f audit.Finding) string {
	cells := []string{mdCodeCell(string(f.Kind), mdKindWidth), mdCodeCell(relativeURL(t.origin, f.URL, f.Path), mdPathWidth)}
	if !t.brief {
		if t.baseline {
			cells = append(cells, mark(f.New, "new"))
		}
		if t.recheck {
			cells = append(cells, mdText(f.Recheck, mdStatusWidth))
		}
		for _, a := range t.agents {
			st := mdText(statusText(f, a), mdStatusWidth)
			if slices.Contains(f.Agents, a) {
				st += `\*`
			}
			cells = append(cells, st)
		}
		if t.browser {
			cells = append(cells, mdText(statusText(f, controlAgent), mdStatusWidth))
		}
		cells = append(cells, markdownSource(f.Attribution), markdownConfig(f.Attribution), markdownFix(f.Attribution))
		if t.logs {
			cells = append(cells, mdText(logsText(f, t.order), maxLogsWidth))
		}
	}
	return "| " + strings.Join(cells, " | ") + " |\n"
}

// markdownSource is the source and directive (the mechanism standing in
// for a missing directive), with the realm and the confidence.
func markdownSource(a *audit.Attribution) string {
	if a == nil {
		return "-"
	}
	s := sourceText(&audit.Attribution{Source: a.Source, Mechanism: a.Mechanism, Directive: a.Directive})
	var extra []string
	if a.Realm != "" {
		extra = append(extra, "realm "+strconv.Quote(a.Realm))
	}
	if a.Confidence != "" {
		extra = append(extra, "confidence "+a.Confidence)
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return mdText(s, mdSourceWidth)
}

// markdownConfig is the config file:line of the directive, when known.
func markdownConfig(a *audit.Attribution) string {
	if a == nil || a.Location == nil || a.Location.File == "" {
		return "-"
	}
	return mdCodeCell(fmt.Sprintf("%s:%d", a.Location.File, a.Location.Line), mdPathWidth)
}

func markdownFix(a *audit.Attribution) string {
	if a == nil || a.Fix == "" {
		return "-"
	}
	return mdText(a.Fix, mdFixWidth)
}

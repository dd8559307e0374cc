package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/olekukonko/tablewriter/pkg/twwidth"

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
// CONFIDENCE, then LOG HITS when a finding was made from access logs
// (per agent: requests, how many verified or spoofed, statuses; a report
// of logs alone, with no attribution, has no SOURCE/DIRECTIVE and
// CONFIDENCE). A status cell is "-" when the agent has no status for the
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
	agents := agentColumns(r.Agents, findingAgentNames(findings))
	browser := hasControl(findingAgentNames(findings))
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
		header = append(header, visibleCell(upperASCII(a), maxCellWidth))
	}
	if browser {
		header = append(header, "BROWSER")
	}
	logs := anyLogs(findings)
	// A report of access logs alone attributes nothing: no empty columns.
	source := !logs || anyAttribution(findings)
	if source {
		header = append(header, "SOURCE/DIRECTIVE")
	}
	realm := anyRealm(findings)
	if realm {
		header = append(header, "REALM")
	}
	if source {
		header = append(header, "CONFIDENCE")
	}
	if logs {
		header = append(header, "LOG HITS")
	}
	order := reportAgentNames(r)

	var out bytes.Buffer
	tbl := newPlainTable(&out)
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
			paint(visibleCell(string(f.Kind), maxCellWidth), severityColor(f.Severity), color),
			visibleCell(relativeURL(origin, f.URL, f.Path), maxURLWidth))
		for _, a := range agents {
			st := visibleCell(statusText(f, a), maxCellWidth-1)
			if slices.Contains(f.Agents, a) {
				st += concernsMark
			}
			row = append(row, st)
		}
		if browser {
			row = append(row, visibleCell(statusText(f, controlAgent), maxCellWidth))
		}
		if source {
			row = append(row, sourceCell(f.Attribution))
		}
		if realm {
			row = append(row, visibleCell(realmCell(f.Attribution), maxCellWidth))
		}
		if source {
			row = append(row, visibleCell(confidenceCell(f.Attribution), maxCellWidth))
		}
		if logs {
			row = append(row, visibleCell(logsText(f, order), maxLogsWidth))
		}
		if err := tbl.Append(row); err != nil {
			return fmt.Errorf("add row for %s: %w", visibleCell(f.URL, maxURLWidth), err)
		}
	}
	if err := tbl.Render(); err != nil {
		return fmt.Errorf("render table: %w", err)
	}
	writeTrimmed(buf, out.String())
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

// upperASCII uppercases ASCII letters only, leaving other bytes (invalid
// UTF-8 included) for visibleText to show as they are.
func upperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
	return string(b)
}

// minSourceName is what a long config path leaves of the source and
// directive: "nginx auth_basic" and the like fit.
const minSourceName = 20

// sourceCell is sourceText for the table: the source and directive are cut
// to fit, the config file:line after them never is, since it is the place
// to fix.
func sourceCell(a *audit.Attribution) string {
	if a == nil || a.Location == nil || a.Location.File == "" {
		return visibleCell(sourceText(a), maxSourceWidth)
	}
	loc := visibleText(fmt.Sprintf(" (%s:%d)", a.Location.File, a.Location.Line))
	name := sourceText(&audit.Attribution{Source: a.Source, Mechanism: a.Mechanism, Directive: a.Directive})
	return visibleCell(name, max(maxSourceWidth-twwidth.Width(loc), minSourceName)) + loc
}

// realmCell quotes the realm as the challenge sends it, so an empty or
// space-padded realm is visible.
func realmCell(a *audit.Attribution) string {
	if a == nil || a.Realm == "" {
		return "-"
	}
	return strconv.Quote(a.Realm)
}

func confidenceCell(a *audit.Attribution) string {
	if a == nil || a.Confidence == "" {
		return "-"
	}
	return a.Confidence
}

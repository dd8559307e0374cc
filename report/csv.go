package report

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"authwall/audit"
)

// CSV writes the findings for a spreadsheet, one row per finding after a
// header row, sorted like every report: worst severity first, then kind,
// then URL.
//
// Columns, in this order (a stable contract: new columns are only ever
// added, never moved):
//
//	kind, severity, new, url, path, declared_by,
//	status_<agent> for each agent (the report's agents in their order, then
//	any other agent a finding names, sorted), status_browser (the control),
//	source, mechanism, directive, realm, confidence, config_file,
//	config_line, fix, found_via, linked_from, message, agents, failing,
//	log_hits
//
// new is "true" or "false"; without a baseline every finding is new. A
// status cell is the HTTP status, empty when the agent has no status for
// the finding, and for status 0 (no answer) "disallow" when robots.txt kept
// the agent out, "error" when the fetch failed, else "no answer".
// linked_from holds the linking URLs separated by one space; agents the
// crawler agents the finding concerns, likewise. failing is "true" for a
// finding that makes the run fail (exit code 1), else "false". log_hits,
// for a finding made from access logs, says per agent how many requests
// there were, how many verified or spoofed, and their statuses
// ("googlebot: 15 hits (12 verified, 3 spoofed) 401×12 200×3; bingbot: ...").
//
// The file follows RFC 4180 as encoding/csv writes it: comma-separated,
// fields quoted when they hold a comma, a quote, a line break or a leading
// space, and rows ending in CRLF (\r\n), as RFC 4180 and Excel do. A line
// break inside a value is written as \r\n too and reads back as \n. The
// text is UTF-8 without a byte-order mark (a mark would become part of
// the first header name for most programs); bytes that are not UTF-8 are
// replaced with U+FFFD.
//
// Every value came from the audited site, and a spreadsheet runs a cell
// that starts with =, +, -, @, a tab, CR or LF as a formula (also after
// leading spaces). Such a cell gets a single quote ' put in front, as
// OWASP advises for CSV injection, so "=HYPERLINK(...)" arrives as the
// text "'=HYPERLINK(...)". This applies to every cell, header included.
type CSV struct{}

// CSVPages writes every crawled URL for a spreadsheet, one row per page,
// sorted by URL, with the same encoding and formula guard as CSV.
//
// Columns, in this order: url, depth, declared ("public", "private" or
// empty), status_<agent> for each agent (as in CSV), status_browser,
// final_url, error. A status cell is empty when the agent has no status for
// the page; 0 means it got no answer (robots.txt, or the fetch failed: see
// error).
type CSVPages struct{}

// Write renders r's findings as CSV. A nil *CSV writes the same.
func (*CSV) Write(w io.Writer, r *audit.Report) error {
	if r == nil {
		return errors.New("write CSV report: no report (nil)")
	}
	findings := sortedFindings(r.Findings)
	agents := agentColumns(r.Agents, findingAgentNames(findings))

	header := []string{"kind", "severity", "new", "url", "path", "declared_by"}
	for _, a := range agents {
		header = append(header, "status_"+a)
	}
	header = append(header, "status_"+controlAgent,
		"source", "mechanism", "directive", "realm", "confidence", "config_file", "config_line",
		"fix", "found_via", "linked_from", "message", "agents", "failing", "log_hits")
	order := reportAgentNames(r)

	rows := make([][]string, 0, len(findings)+1)
	rows = append(rows, header)
	for _, f := range findings {
		row := []string{
			string(f.Kind), string(f.Severity), strconv.FormatBool(r.Baseline == "" || f.New),
			f.URL, f.Path, f.DeclaredBy,
		}
		for _, a := range agents {
			row = append(row, csvStatus(f, a))
		}
		row = append(row, csvStatus(f, controlAgent))
		var source, mechanism, directive, realm, confidence, file, line, fix string
		if a := f.Attribution; a != nil {
			source, mechanism, directive, realm, confidence, fix = a.Source, a.Mechanism, a.Directive, a.Realm, a.Confidence, a.Fix
			if a.Location != nil {
				file = a.Location.File
				if a.Location.Line > 0 {
					line = strconv.Itoa(a.Location.Line)
				}
			}
		}
		row = append(row, source, mechanism, directive, realm, confidence, file, line,
			fix, f.FoundVia, strings.Join(f.LinkedFrom, " "), f.Message,
			strings.Join(f.Agents, " "), strconv.FormatBool(f.Failing), logsText(f, order))
		rows = append(rows, row)
	}
	if err := writeCSV(w, rows); err != nil {
		return fmt.Errorf("write CSV report: %w", err)
	}
	return nil
}

// Write renders r's pages as CSV. A nil *CSVPages writes the same.
func (*CSVPages) Write(w io.Writer, r *audit.Report) error {
	if r == nil {
		return errors.New("write CSV pages report: no report (nil)")
	}
	pages := sortedPages(r.Pages)
	agents := agentColumns(r.Agents, pageAgentNames(pages))

	header := []string{"url", "depth", "declared"}
	for _, a := range agents {
		header = append(header, "status_"+a)
	}
	header = append(header, "status_"+controlAgent, "final_url", "error")

	cols := append(slices.Clip(agents), controlAgent)
	rows := make([][]string, 0, len(pages)+1)
	rows = append(rows, header)
	for _, p := range pages {
		row := []string{p.URL, strconv.Itoa(p.Depth), p.Declared}
		for _, a := range cols {
			s := ""
			if v, ok := p.Statuses[a]; ok {
				s = strconv.Itoa(v)
			}
			row = append(row, s)
		}
		row = append(row, p.FinalURL, p.Error)
		rows = append(rows, row)
	}
	if err := writeCSV(w, rows); err != nil {
		return fmt.Errorf("write CSV pages report: %w", err)
	}
	return nil
}

// writeCSV guards and encodes every cell into a buffer first, so a failure
// leaves no half file behind.
func writeCSV(w io.Writer, rows [][]string) error {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.UseCRLF = true
	for _, row := range rows {
		for i := range row {
			row[i] = csvCell(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// csvCell makes a value safe for a spreadsheet: valid UTF-8, a quote in
// front of anything a spreadsheet would evaluate, and line breaks as \n
// (encoding/csv drops a lone \r in CRLF mode, so it becomes \n instead of
// vanishing).
func csvCell(s string) string {
	s = validUTF8(s)
	if isFormula(s) {
		s = "'" + s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// isFormula reports whether a spreadsheet would treat the cell as a
// formula: it starts, after any spaces, with = + - @ or a tab, CR or LF.
func isFormula(s string) bool {
	t := strings.TrimLeft(s, " ")
	return t != "" && strings.ContainsRune("=+-@\t\r\n", rune(t[0]))
}

// csvStatus is statusText with an empty cell for "no status", which a
// spreadsheet sorts and filters better than "-".
func csvStatus(f audit.Finding, agent string) string {
	if _, ok := f.Statuses[agent]; !ok {
		return ""
	}
	return statusText(f, agent)
}

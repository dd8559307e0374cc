package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"authwall/audit"
)

// GitHub writes GitHub Actions workflow commands, so that a run in Actions
// (`authwall audit --format github`) turns each finding into an annotation
// on the run and, with --server-config, on the config line that put the
// wall there.
//
// One line per finding, sorted like every report, then one summary line:
//
//	::error file=conf/site.conf,line=12,title=public-401 /blog/::https://example.org/blog/: ...
//	::notice::authwall: 6 findings (3 errors, 1 warning, 2 info) on ...
//
// The command is error exactly for the findings that make the run fail
// (Finding.Failing: --fail-on and the baseline decided), so the error
// annotations are what turned the job red. Any other finding is a warning,
// or a notice when it is an info finding or, with a baseline, already in
// the baseline (its title then ends in "(already in baseline)"). file and
// line are set when the attribution has a config location. The title is
// the kind and the path; the message is the URL and the finding's
// message, the statuses, the agents the finding concerns, the attributed
// source and the fix, one per line.
//
// Values from the audited site cannot start a command of their own: each
// is made one line first (control characters, line breaks and bytes that
// are not UTF-8 shown as visible escapes, as in the table), and the whole
// is then escaped as GitHub's toolkit does: %, CR and LF in messages as
// %25, %0D and %0A, and also : and , in properties as %3A and %2C.
//
// GitHub shows only the first 10 error and 10 warning annotations of a step
// (and 50 per job) on the run page; every line is in the log.
type GitHub struct{}

// Write renders r as workflow commands. A nil *GitHub writes the same.
func (*GitHub) Write(w io.Writer, r *audit.Report) error {
	if r == nil {
		return errors.New("write GitHub report: no report (nil)")
	}
	findings := sortedFindings(r.Findings)
	agents := agentColumns(r.Agents, findingAgentNames(findings))
	origin := originOf(r.Target)

	// Render into a buffer so a failure leaves no half output behind.
	var buf bytes.Buffer
	for _, f := range findings {
		old := r.Baseline != "" && !f.New
		command := githubCommand(f, old)
		// The path names the page; a URL on another host stays whole.
		where := relativeURL(origin, f.URL, f.Path)
		if f.Path != "" && (where == "" || where[0] == '/') {
			where = f.Path
		}
		title := string(f.Kind) + " " + where
		if old {
			title += " (already in baseline)"
		}
		var props []string
		if a := f.Attribution; a != nil && a.Location != nil && a.Location.File != "" {
			props = append(props, "file="+githubProperty(visibleText(a.Location.File)))
			if a.Location.Line > 0 {
				props = append(props, "line="+strconv.Itoa(a.Location.Line))
			}
		}
		props = append(props, "title="+githubProperty(visibleText(title)))
		fmt.Fprintf(&buf, "::%s %s::%s\n", command, strings.Join(props, ","), githubData(githubMessage(f, agents)))
	}

	var summary bytes.Buffer
	writeSummary(&summary, r, false)
	fmt.Fprintf(&buf, "::notice::%s\n", githubData("authwall: "+strings.TrimRight(summary.String(), "\n")))

	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write GitHub report: %w", err)
	}
	return nil
}

// githubCommand renders Failing as the annotation level: error fails the
// run; a finding that does not is a warning, or a notice when it is info
// or already in the baseline.
func githubCommand(f audit.Finding, old bool) string {
	switch {
	case f.Failing:
		return "error"
	case f.Severity == audit.SeverityInfo || old:
		return "notice"
	}
	return "warning"
}

// githubMessage is the annotation's body, one fact per line; every site
// value is cleaned to one line, so the only line breaks are these.
func githubMessage(f audit.Finding, agents []string) string {
	first := visibleText(f.URL)
	if f.Message != "" {
		first += ": " + visibleText(f.Message)
	}
	lines := []string{first}
	if st := statusList(f, agents, statusText); len(st) > 0 {
		lines = append(lines, "statuses: "+visibleText(strings.Join(st, ", ")))
	}
	if len(f.Agents) > 0 {
		lines = append(lines, "agents: "+visibleText(strings.Join(f.Agents, ", ")))
	}
	if a := f.Attribution; a != nil {
		src := visibleText(sourceText(a))
		if a.Realm != "" {
			src += ", realm " + visibleText(strconv.Quote(a.Realm))
		}
		if a.Confidence != "" {
			src += ", confidence " + visibleText(a.Confidence)
		}
		lines = append(lines, "source: "+src)
		if a.Fix != "" {
			lines = append(lines, "fix: "+visibleText(a.Fix))
		}
	}
	return strings.Join(lines, "\n")
}

// githubData escapes a command's message as @actions/core's escapeData.
func githubData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// githubProperty escapes a property value as @actions/core's
// escapeProperty.
func githubProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

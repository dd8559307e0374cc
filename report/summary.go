package report

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"authwall/audit"
)

// writeSummary writes the summary that ends the table and the GitHub
// annotations: the counts and the verdict (PASS or FAIL, as Report.Failed
// says), the counts per kind, the baseline comparison and the notes.
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
		n := severityCounts(r.Findings)
		fmt.Fprintf(buf, "%s (%s, %s, %d info) on %s\n",
			plural(len(r.Findings), "finding", "findings"),
			plural(n.errors, "error", "errors"), plural(n.warnings, "warning", "warnings"), n.infos, stats)
		counts := r.Counts()
		kinds := sortedCountKinds(counts)
		parts := make([]string, len(kinds))
		for i, k := range kinds {
			parts[i] = fmt.Sprintf("%s: %d", visibleCell(string(k), maxCellWidth), counts[k])
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
		fmt.Fprintf(buf, "against baseline %s: %d new, %d fixed\n", visibleText(r.Baseline), newCount, len(r.Fixed))
		for _, f := range sortedFindings(r.Fixed) {
			fmt.Fprintf(buf, "  fixed: %s %s\n", visibleCell(string(f.Kind), maxCellWidth), visibleCell(relativeURL(originOf(r.Target), f.URL, f.Path), maxURLWidth))
		}
	}

	if r.Recheck != nil {
		writeRecheckSummary(buf, r)
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
		fmt.Fprintf(buf, "  - %s\n", visibleText(n))
	}
}

// findingCounts counts findings per severity; other severities count in
// none.
type findingCounts struct{ errors, warnings, infos int }

func severityCounts(fs []audit.Finding) findingCounts {
	var n findingCounts
	for _, f := range fs {
		switch f.Severity {
		case audit.SeverityError:
			n.errors++
		case audit.SeverityWarning:
			n.warnings++
		case audit.SeverityInfo:
			n.infos++
		}
	}
	return n
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

package report

import (
	"bytes"
	"fmt"

	"authwall/audit"
)

// recheckCounts counts the findings a recheck found again and the new
// ones.
func recheckCounts(fs []audit.Finding) (remains, added int) {
	for _, f := range fs {
		switch f.Recheck {
		case audit.RecheckRemains:
			remains++
		case audit.RecheckNew:
			added++
		}
	}
	return remains, added
}

// writeRecheckSummary writes what audit --recheck found, under the table
// and in the annotations' summary: the counts, then one line per finding
// of the earlier report (fixed, remains, not rechecked) and per new one.
func writeRecheckSummary(buf *bytes.Buffer, r *audit.Report) {
	rc := r.Recheck
	remains, added := recheckCounts(r.Findings)
	fmt.Fprintf(buf, "recheck of %s: %s fetched again: %d fixed, %d remaining, %d new\n",
		visibleText(rc.Report), plural(rc.URLs, "URL", "URLs"), len(rc.Fixed), remains, added)
	origin := originOf(r.Target)
	line := func(status string, f audit.Finding) {
		fmt.Fprintf(buf, "  %s: %s %s\n", status, visibleCell(string(f.Kind), maxCellWidth), visibleCell(relativeURL(origin, f.URL, f.Path), maxURLWidth))
	}
	for _, f := range sortedFindings(rc.Fixed) {
		line("fixed", f)
	}
	for _, status := range []string{audit.RecheckRemains, audit.RecheckNew} {
		for _, f := range sortedFindings(r.Findings) {
			if f.Recheck == status {
				line(status, f)
			}
		}
	}
	for _, f := range sortedFindings(rc.Unchecked) {
		line("not rechecked (outside the crawl's scope)", f)
	}
}

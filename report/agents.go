package report

import (
	"iter"
	"sort"
	"strconv"

	"authwall/audit"
)

// controlAgent is the browser control's name in statuses: the refetch with
// a browser User-Agent that tells a wall for crawlers from a wall for
// everyone. The JSON report uses the same name. No finding concerns the
// control, and it never gets an agent column: writers that show its status
// give it a column of its own, after the agents.
const controlAgent = "browser"

// agentColumns is the one rule for which crawler agents get a status column
// (a CSV column, a table column, a JUnit suite...): the report's agents in
// their order, then any other name the given names hold, sorted, so an
// agent no longer in the report's list still shows. The browser control is
// left out.
func agentColumns(infos []audit.AgentInfo, names ...iter.Seq[string]) []string {
	seen := map[string]bool{controlAgent: true}
	var cols []string
	for _, a := range infos {
		if !seen[a.Name] {
			seen[a.Name] = true
			cols = append(cols, a.Name)
		}
	}
	var extra []string
	for _, seq := range names {
		for name := range seq {
			if !seen[name] {
				seen[name] = true
				extra = append(extra, name)
			}
		}
	}
	sort.Strings(extra)
	return append(cols, extra...)
}

// findingAgentNames yields every name the findings have a status for or
// say they concern.
func findingAgentNames(fs []audit.Finding) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, f := range fs {
			for name := range f.Statuses {
				if !yield(name) {
					return
				}
			}
			for _, name := range f.Agents {
				if !yield(name) {
					return
				}
			}
		}
	}
}

// pageAgentNames yields every name the pages have a status for.
func pageAgentNames(ps []audit.Page) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, p := range ps {
			for name := range p.Statuses {
				if !yield(name) {
					return
				}
			}
		}
	}
}

// hasControl reports whether the names include the browser control, that
// is whether a control column has anything to show.
func hasControl(names iter.Seq[string]) bool {
	for name := range names {
		if name == controlAgent {
			return true
		}
	}
	return false
}

// statusText is what an agent got, in a word: the status, "-" for no
// status, and for status 0 what Finding.NotFetched says ("disallow" for
// robots.txt, "error" for a failed fetch) or "no answer" when it says
// nothing.
func statusText(f audit.Finding, agent string) string {
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

// statusList lists "agent status" for the given agents, then the browser
// control, each that has a status for f, in words from text.
func statusList(f audit.Finding, agents []string, text func(f audit.Finding, agent string) string) []string {
	var out []string
	for _, a := range append(agents[:len(agents):len(agents)], controlAgent) {
		if _, ok := f.Statuses[a]; ok {
			out = append(out, a+" "+text(f, a))
		}
	}
	return out
}

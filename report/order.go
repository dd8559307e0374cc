package report

import (
	"slices"
	"sort"
	"strings"

	"authwall/audit"
)

// Every writer lists findings, pages and kinds in these orders, so all
// formats of one report agree and none depends on the input order.

// sortedFindings returns a sorted copy in audit's one finding order: worst
// severity first, then kind as the kind table lists them, then URL.
func sortedFindings(fs []audit.Finding) []audit.Finding { return audit.SortedFindings(fs) }

// sortedPages returns the pages sorted by URL: ps itself when it already
// is (an audit's pages come sorted; a copy of a million costs 100 MB), a
// sorted copy otherwise. Callers only read it.
func sortedPages(ps []audit.Page) []audit.Page {
	if slices.IsSortedFunc(ps, func(a, b audit.Page) int { return strings.Compare(a.URL, b.URL) }) {
		return ps
	}
	out := make([]audit.Page, len(ps))
	copy(out, ps)
	sort.SliceStable(out, func(i, j int) bool { return out[i].URL < out[j].URL })
	return out
}

// kindRank orders kinds as the kind table lists them; unknown kinds sort
// after all known ones (and then by name).
func kindRank(k audit.Kind) int {
	all := audit.Kinds()
	for i, info := range all {
		if info.Kind == k {
			return i
		}
	}
	return len(all)
}

// sortedCountKinds returns the kinds with a count, in kind table order.
func sortedCountKinds(counts map[audit.Kind]int) []audit.Kind {
	kinds := make([]audit.Kind, 0, len(counts))
	for k := range counts {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		if ri, rj := kindRank(kinds[i]), kindRank(kinds[j]); ri != rj {
			return ri < rj
		}
		return kinds[i] < kinds[j]
	})
	return kinds
}

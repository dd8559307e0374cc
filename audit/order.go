package audit

import "sort"

// SortFindings orders findings the one way every report shows them: worst
// severity first, then kind in the kind table's order (kinds this version
// does not know after all known ones, by name), then URL and path. Every
// writer uses it, so all formats list findings alike.
func SortFindings(fs []Finding) {
	rank := make(map[Kind]int, len(kinds))
	for i, k := range kinds {
		rank[k.Kind] = i
	}
	kindRank := func(k Kind) int {
		if r, ok := rank[k]; ok {
			return r
		}
		return len(kinds)
	}
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if ra, rb := a.Severity.Rank(), b.Severity.Rank(); ra != rb {
			return ra > rb
		}
		if ka, kb := kindRank(a.Kind), kindRank(b.Kind); ka != kb {
			return ka < kb
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.URL != b.URL {
			return a.URL < b.URL
		}
		return a.Path < b.Path
	})
}

// SortedFindings returns a sorted copy, leaving fs as it was.
func SortedFindings(fs []Finding) []Finding {
	out := append([]Finding(nil), fs...)
	SortFindings(out)
	return out
}

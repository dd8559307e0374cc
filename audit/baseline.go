package audit

// ApplyBaseline compares the report with the findings of an earlier one
// (read from its JSON by the caller): a finding is new unless the same
// kind and URL were there before; the earlier findings that are gone are
// the fixed ones. With a baseline only new findings can fail the run.
func ApplyBaseline(r *Report, name string, prior []Finding, failOn FailOn) {
	key := func(f Finding) string { return string(f.Kind) + " " + f.URL }
	before := make(map[string]bool, len(prior))
	for _, f := range prior {
		before[key(f)] = true
	}
	now := make(map[string]bool, len(r.Findings))
	r.Baseline = name
	r.Failed = false
	for i := range r.Findings {
		f := &r.Findings[i]
		now[key(*f)] = true
		f.New = !before[key(*f)]
		if f.New && failOn.Fails(*f) {
			r.Failed = true
		}
	}
	r.Fixed = nil
	for _, f := range prior {
		if !now[key(f)] {
			f.New = false
			r.Fixed = append(r.Fixed, f)
		}
	}
	SortFindings(r.Fixed)
}

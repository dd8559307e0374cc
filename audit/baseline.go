package audit

// decide sets each finding's verdict in one place: New from the baseline
// (every finding is new without one), Failing from --fail-on for the new
// ones, and the report's Failed as "some finding is failing".
func decide(r *Report, failOn FailOn, baseline string, prior []Finding) {
	for i := range r.Findings {
		r.Findings[i].New = true
	}
	if baseline != "" {
		applyBaseline(r, baseline, prior)
	}
	r.Failed = false
	for i := range r.Findings {
		f := &r.Findings[i]
		f.Failing = f.New && failOn.fails(*f)
		r.Failed = r.Failed || f.Failing
	}
}

// applyBaseline compares the report with the findings of an earlier one
// (read from its JSON by the caller): a finding is new unless the same
// kind and URL were there before; the earlier findings that are gone are
// the fixed ones.
func applyBaseline(r *Report, name string, prior []Finding) {
	key := func(f Finding) string { return string(f.Kind) + " " + f.URL }
	before := make(map[string]bool, len(prior))
	for _, f := range prior {
		before[key(f)] = true
	}
	now := make(map[string]bool, len(r.Findings))
	r.Baseline = name
	for i := range r.Findings {
		f := &r.Findings[i]
		now[key(*f)] = true
		f.New = !before[key(*f)]
	}
	r.Fixed = nil
	for _, f := range prior {
		if !now[key(f)] {
			f.New, f.Failing = false, false
			r.Fixed = append(r.Fixed, f)
		}
	}
	SortFindings(r.Fixed)
}

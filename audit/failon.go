package audit

import (
	"fmt"
	"strings"
)

// FailOn says which findings make the run fail (exit code 1).
type FailOn struct {
	never    bool
	kinds    map[Kind]bool
	severity Severity // findings at or above this severity fail; "" = none
}

// ParseFailOn reads --fail-on: finding kinds, a severity ("error",
// "warning", "info"), or "never"; comma-separated lists and repeats mix.
// The default (empty) is "error".
func ParseFailOn(specs []string) (FailOn, error) {
	f := FailOn{kinds: map[Kind]bool{}}
	var items []string
	for _, s := range specs {
		for _, item := range strings.Split(s, ",") {
			if item = strings.TrimSpace(item); item != "" {
				items = append(items, item)
			}
		}
	}
	if len(items) == 0 {
		items = []string{string(SeverityError)}
	}
	for _, item := range items {
		switch sev := Severity(strings.ToLower(item)); sev {
		case "never", "none":
			f.never = true
			continue
		case SeverityError, SeverityWarning, SeverityInfo:
			if sev.Rank() < f.severity.Rank() || f.severity == "" {
				f.severity = sev
			}
			continue
		}
		if _, known := LookupKind(Kind(item)); !known {
			return FailOn{}, fmt.Errorf("--fail-on %q: not a finding kind, a severity (error, warning, info) or never", item)
		}
		f.kinds[Kind(item)] = true
	}
	if f.never && (len(f.kinds) > 0 || f.severity != "") {
		return FailOn{}, fmt.Errorf("--fail-on never cannot be combined with kinds or severities")
	}
	return f, nil
}

// Fails reports whether a finding makes the run fail.
func (f FailOn) Fails(fd Finding) bool {
	if f.never {
		return false
	}
	if f.kinds[fd.Kind] {
		return true
	}
	return f.severity != "" && fd.Severity.Rank() >= f.severity.Rank()
}

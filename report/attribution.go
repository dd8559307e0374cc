package report

import (
	"fmt"
	"strings"

	"authwall/audit"
)

// sourceText names the attributed source in one line: "nginx auth_basic
// (conf/site.conf:12)"; the mechanism stands in for a missing directive,
// "-" for no attribution.
func sourceText(a *audit.Attribution) string {
	if a == nil {
		return "-"
	}
	parts := make([]string, 0, 3)
	for _, p := range []string{a.Source, a.Directive} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if a.Directive == "" && a.Mechanism != "" {
		parts = append(parts, a.Mechanism)
	}
	if a.Location != nil && a.Location.File != "" {
		parts = append(parts, fmt.Sprintf("(%s:%d)", a.Location.File, a.Location.Line))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " ")
}

// anyRealm reports whether some finding's attribution has a realm, so a
// realm column is worth its width.
func anyRealm(fs []audit.Finding) bool {
	for _, f := range fs {
		if f.Attribution != nil && f.Attribution.Realm != "" {
			return true
		}
	}
	return false
}

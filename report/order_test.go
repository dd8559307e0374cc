package report

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"authwall/audit"
)

func TestSortedFindings(t *testing.T) {
	in := []audit.Finding{
		{Kind: audit.FetchError, Severity: audit.SeverityInfo, URL: "a"},
		{Kind: "zz-future", Severity: audit.SeverityError, URL: "a"},
		{Kind: audit.PublicForbidden, Severity: audit.SeverityError, URL: "b"},
		{Kind: audit.PublicUnauthorized, Severity: audit.SeverityError, URL: "c"},
		{Kind: audit.PublicUnauthorized, Severity: audit.SeverityError, URL: "a"},
		{Kind: audit.RobotsUnavailable, Severity: audit.SeverityWarning, URL: "a"},
		{Kind: audit.RobotsUnavailable, Severity: audit.SeverityError, URL: "a"},
		{Kind: audit.PublicSoftAuth, Severity: audit.SeverityWarning, URL: "a"},
	}
	var got []string
	for _, f := range sortedFindings(in) {
		got = append(got, fmt.Sprintf("%s %s %s", f.Severity, f.Kind, f.URL))
	}
	assert.Equal(t, []string{
		"error public-401 a",
		"error public-401 c",
		"error public-403 b",
		"error robots-unavailable a",
		"error zz-future a",
		"warning public-soft-auth a",
		"warning robots-unavailable a",
		"info fetch-error a",
	}, got)
	assert.Equal(t, audit.FetchError, in[0].Kind, "input is not reordered")
}

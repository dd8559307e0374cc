package report

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/audit"
)

// recheckReport is the sample report as audit --recheck would make it
// from an earlier report: the /blog/ wall remains, the /docs/guide.html
// one is new, /careers is fixed and the PDF on another host was not
// fetched again.
func recheckReport() *audit.Report {
	r := sampleReport()
	for i := range r.Findings {
		r.Findings[i].Recheck = audit.RecheckRemains
		if r.Findings[i].Path == "/docs/guide.html" {
			r.Findings[i].Recheck = audit.RecheckNew
		}
	}
	r.Recheck = &audit.Recheck{
		Report: "authwall.json", URLs: 6,
		Fixed: []audit.Finding{{Kind: audit.PublicForbidden, Severity: audit.SeverityError, URL: "https://example.org/careers", Path: "/careers",
			Statuses: map[string]int{"googlebot": 403}, Agents: []string{"googlebot"}, Recheck: audit.RecheckFixed}},
		Unchecked: []audit.Finding{{Kind: audit.UndeclaredBlocked, Severity: audit.SeverityInfo, URL: "https://files.example.net/reports/q2.pdf",
			Statuses: map[string]int{"googlebot": 401}, Agents: []string{"googlebot"}}},
	}
	return r
}

// TestRecheckGolden pins how the table, the Markdown and the JSON show a
// recheck. Regenerate with: go test ./report -update
func TestRecheckGolden(t *testing.T) {
	for _, tc := range []struct {
		file   string
		writer Writer
	}{
		{"recheck.golden.txt", &Table{}},
		{"recheck.golden.md", &Markdown{}},
		{"recheck.golden.json", &JSON{Indent: true}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var out bytes.Buffer
			require.NoError(t, tc.writer.Write(&out, recheckReport()))
			assertGolden(t, tc.file, out.Bytes())
		})
	}
}

// TestRecheckJSON: the recheck section round-trips, and a report that is
// not a recheck has neither the section nor the per-finding field, so
// schema 1 readers see what they saw before.
func TestRecheckJSON(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, (&JSON{}).Write(&out, recheckReport()))
	checkJSONRoundTrip(t, &JSON{}, recheckReport(), out.Bytes())
	got, err := readJSON(bytes.NewReader(out.Bytes()))
	require.NoError(t, err)
	require.NotNil(t, got.Recheck)
	assert.Equal(t, len(recheckReport().Findings)-1, got.Recheck.Remains)
	assert.Equal(t, 1, got.Recheck.New)
	require.Len(t, got.Recheck.Fixed, 1)
	assert.Equal(t, "fixed", got.Recheck.Fixed[0].Recheck)

	out.Reset()
	require.NoError(t, (&JSON{}).Write(&out, sampleReport()))
	assert.NotContains(t, out.String(), `"recheck"`)

	var md bytes.Buffer
	require.NoError(t, (&Markdown{}).Write(&md, recheckReport()))
	checkMarkdown(t, recheckReport(), md.Bytes())
}

func TestReadReport(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, (&JSON{}).Write(&out, sampleReport()))
	file := filepath.Join(t.TempDir(), "old.json")
	require.NoError(t, os.WriteFile(file, out.Bytes(), 0o644))
	r, err := ReadReport(file)
	require.NoError(t, err)
	assert.Equal(t, "https://example.org/", r.Target)
	assert.Equal(t, []string{"googlebot", "bingbot"}, []string{r.Agents[0].Name, r.Agents[1].Name})
	assert.Len(t, r.Findings, len(sampleReport().Findings))

	_, err = ReadReport(filepath.Join(t.TempDir(), "missing.json"))
	assert.ErrorContains(t, err, "missing.json")
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"schema": 1}`), 0o644))
	_, err = ReadReport(bad)
	assert.ErrorContains(t, err, "bad.json: read JSON report: missing field")
}

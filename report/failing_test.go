package report

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"

	"authwall/audit"
)

// failingKinds reads back, from one format's output, the kinds of the
// findings it marks as failing the run. The sample report has one finding
// of each kind, so the kind names the finding. Every format with per-finding
// output has an entry; csv-pages lists pages, not findings.
func failingKinds() map[string]func(t *testing.T, out []byte) []string {
	return map[string]func(t *testing.T, out []byte) []string{
		"json": func(t *testing.T, out []byte) []string {
			jr, err := readJSON(bytes.NewReader(out))
			require.NoError(t, err)
			var kinds []string
			for _, f := range jr.Findings {
				if f.Failing {
					kinds = append(kinds, f.Kind)
				}
			}
			return kinds
		},
		"csv": func(t *testing.T, out []byte) []string {
			rows := readCSV(t, out)
			failing := slices.Index(rows[0], "failing")
			require.GreaterOrEqual(t, failing, 0)
			var kinds []string
			for _, row := range rows[1:] {
				if row[failing] == "true" {
					kinds = append(kinds, row[0])
				}
			}
			return kinds
		},
		"table": func(t *testing.T, out []byte) []string {
			lines := strings.Split(string(out), "\n")
			if !strings.HasPrefix(lines[0], "FAIL ") {
				return nil
			}
			kindAt := strings.Index(lines[0], "KIND")
			var kinds []string
			for _, l := range lines[1:slices.Index(lines, "")] {
				if strings.HasPrefix(l, "fail ") {
					kinds = append(kinds, strings.Fields(l[kindAt:])[0])
				}
			}
			return kinds
		},
		"html": func(t *testing.T, out []byte) []string {
			doc, err := html.Parse(bytes.NewReader(out))
			require.NoError(t, err)
			var kinds []string
			for n := range doc.Descendants() {
				if n.Type == html.ElementNode && n.Data == "tbody" && attr(n, "class") == "f" {
					for _, a := range n.Attr {
						if a.Key == "data-failing" {
							kinds = append(kinds, attr(n, "data-kind"))
						}
					}
				}
			}
			assert.Equal(t, len(kinds), strings.Count(string(out), `class="badge failing"`), "one FAILS badge per failing finding")
			return kinds
		},
		"junit": func(t *testing.T, out []byte) []string {
			var kinds []string
			for _, s := range readJUnit(t, out).Suites {
				for _, c := range s.Cases {
					for _, f := range c.Failures {
						if !slices.Contains(kinds, f.Type) {
							kinds = append(kinds, f.Type)
						}
					}
				}
			}
			return kinds
		},
		"sarif": func(t *testing.T, out []byte) []string {
			var kinds []string
			for _, res := range readSARIF(t, out).Results {
				if res.Properties["failing"] == true {
					kinds = append(kinds, *res.RuleID)
				}
			}
			return kinds
		},
		"markdown": func(t *testing.T, out []byte) []string {
			// The rows of the table under "### Failing findings".
			_, section, ok := strings.Cut(string(out), "### Failing findings\n\n")
			if !ok {
				return nil
			}
			var kinds []string
			for _, l := range strings.Split(section, "\n")[2:] {
				if !strings.HasPrefix(l, "| ") {
					break
				}
				kinds = append(kinds, strings.Trim(pipeSplit(l)[1], " `"))
			}
			return kinds
		},
		"github": func(t *testing.T, out []byte) []string {
			var kinds []string
			for _, l := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
				if g := parseGitHubLine(t, l); g.command == "error" {
					kinds = append(kinds, strings.Fields(g.props["title"])[0])
				}
			}
			return kinds
		},
	}
}

// TestFailingInEveryFormat builds the sample report with Failing set as the
// audit sets it for several --fail-on values, with and without a baseline,
// and checks that every format marks exactly the failing findings: a
// warning never fails JUnit (or any format) when only errors fail, and a
// finding already in the baseline fails none.
func TestFailingInEveryFormat(t *testing.T) {
	withBaseline := func() *audit.Report {
		r := sampleReport()
		r.Baseline = "old.json" // only /blog/ (public-401) is new in the sample
		return r
	}
	tests := []struct {
		name   string
		report *audit.Report
		failOn string
		want   []string
	}{
		{"errors fail", sampleReport(), "error", []string{"public-401", "public-403", "public-login-redirect"}},
		{"warnings fail too", sampleReport(), "warning", []string{"public-401", "public-403", "public-login-redirect", "public-missing", "robots-blocks-public"}},
		{"one kind fails", sampleReport(), "robots-blocks-public", []string{"robots-blocks-public"}},
		{"nothing fails", sampleReport(), "never", nil},
		{"only new findings fail", withBaseline(), "warning", []string{"public-401"}},
	}
	extract := failingKinds()
	for _, tc := range tests {
		r := decide(t, tc.report, tc.failOn)
		for _, format := range Formats() {
			if format == "csv-pages" {
				continue
			}
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				read, ok := extract[format]
				require.True(t, ok, "format %q has no entry in failingKinds", format)
				w, err := New(format, Options{})
				require.NoError(t, err)
				var out bytes.Buffer
				require.NoError(t, w.Write(&out, r))
				assert.ElementsMatch(t, tc.want, read(t, out.Bytes()))
			})
		}
	}
}

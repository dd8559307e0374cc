package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// realFinding is what a real-server test asserts about one finding.
type realFinding struct {
	Kind, Path                          string
	Source, Mechanism, Directive, Realm string
	Statuses                            map[string]int // nil: not checked
	// With --server-config: the base name of the config file and the line
	// the attribution points at; "" and 0 when the finding has no location.
	ConfigFile string
	ConfigLine int
}

// realAudit is one audit of a real server: the exit code, the findings,
// the catalog signature behind each finding ("kind path" -> id, "" when it
// has no attribution) and what every agent got on every crawled path.
type realAudit struct {
	code       int
	findings   []jsonFinding
	signatures map[string]string
	pages      map[string]map[string]int
}

// auditReal runs the whole audit in-process against a running real server
// with a declared paths file and reads its JSON report.
func auditReal(t *testing.T, baseURL, pathsFile string, extra ...string) realAudit {
	t.Helper()
	file := filepath.Join(t.TempDir(), "report.json")
	args := append([]string{"audit", "--no-progress", "-p", pathsFile, "--report", "json=" + file}, extra...)
	code, out, errOut := cli(t, append(args, baseURL+"/")...)
	t.Logf("audit %s:\n%s%s", baseURL, out, errOut)
	data, err := os.ReadFile(file)
	require.NoError(t, err, errOut)
	var rep struct {
		jsonReport
		Pages []struct {
			URL      string
			Statuses map[string]int
		}
	}
	require.NoError(t, json.Unmarshal(data, &rep))
	ra := realAudit{code: code, findings: rep.Findings, signatures: map[string]string{}, pages: map[string]map[string]int{}}
	for _, f := range rep.Findings {
		sig := ""
		if f.Attribution != nil {
			sig = f.Attribution.Signature
		}
		ra.signatures[f.Kind+" "+strings.TrimPrefix(f.URL, baseURL)] = sig
	}
	for _, p := range rep.Pages {
		ra.pages[strings.TrimPrefix(p.URL, baseURL)] = p.Statuses
	}
	return ra
}

// assertRealFindings checks that the findings are exactly want (by kind and
// path), each with the expected attribution.
func assertRealFindings(t *testing.T, baseURL string, got []jsonFinding, want []realFinding) {
	t.Helper()
	key := func(kind, path string) string { return kind + " " + path }
	byKey := map[string]jsonFinding{}
	var gotKeys []string
	for _, f := range got {
		k := key(f.Kind, strings.TrimPrefix(f.URL, baseURL))
		byKey[k] = f
		gotKeys = append(gotKeys, k)
	}
	var wantKeys []string
	for _, w := range want {
		wantKeys = append(wantKeys, key(w.Kind, w.Path))
	}
	sort.Strings(gotKeys)
	sort.Strings(wantKeys)
	require.Equal(t, wantKeys, gotKeys, "the set of findings")
	for _, w := range want {
		f := byKey[key(w.Kind, w.Path)]
		if w.Statuses != nil {
			assert.Equal(t, w.Statuses, f.Statuses, "%s %s statuses", w.Kind, w.Path)
		}
		if w.ConfigFile != "" {
			if assert.NotNil(t, f.Attribution, "%s %s has an attribution", w.Kind, w.Path) &&
				assert.NotNil(t, f.Attribution.Location, "%s %s has a location", w.Kind, w.Path) {
				assert.Equal(t, w.ConfigFile, filepath.Base(f.Attribution.Location.File), "%s %s config file", w.Kind, w.Path)
				assert.Equal(t, w.ConfigLine, f.Attribution.Location.Line, "%s %s config line", w.Kind, w.Path)
			}
		}
		if w.Source == "" {
			continue
		}
		require.NotNil(t, f.Attribution, "%s %s has an attribution", w.Kind, w.Path)
		assert.Equal(t, w.Source, f.Attribution.Source, "%s %s source", w.Kind, w.Path)
		assert.Equal(t, w.Mechanism, f.Attribution.Mechanism, "%s %s mechanism", w.Kind, w.Path)
		assert.Equal(t, w.Directive, f.Attribution.Directive, "%s %s directive", w.Kind, w.Path)
		assert.Equal(t, w.Realm, f.Attribution.Realm, "%s %s realm", w.Kind, w.Path)
	}
}

package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/audit"
)

// TestJSONCarriesDesignExample checks that the output has every field of
// the schema 1 example users rely on (testdata/schema1_example.json), with
// the same JSON type, at every level.
func TestJSONCarriesDesignExample(t *testing.T) {
	example, err := os.ReadFile(filepath.Join("testdata", "schema1_example.json"))
	require.NoError(t, err)
	var want map[string]any
	require.NoError(t, json.Unmarshal(example, &want))

	var out bytes.Buffer
	require.NoError(t, (&JSON{}).Write(&out, sampleReport()))
	var got map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &got))

	assertShape(t, "", want, got)
	// The nulls assertShape allows must not hide the real thing: the first
	// finding of the sample has both.
	first := got["findings"].([]any)[0].(map[string]any)
	require.IsType(t, map[string]any{}, first["attribution"])
	assert.IsType(t, map[string]any{}, first["attribution"].(map[string]any)["location"])
	_, err = time.Parse(time.RFC3339, got["started_at"].(string))
	assert.NoError(t, err, "started_at is RFC 3339")
	assert.Equal(t, "2025-03-01T10:00:00.123Z", got["started_at"])
	assert.EqualValues(t, 4217, got["duration_ms"])
	assert.EqualValues(t, 1, got["schema"])
}

// assertShape checks that got has every key of want with the same JSON
// type. Every element of a list is checked against want's first element.
// "attribution" and "location" may be null: a finding need not have them.
func assertShape(t *testing.T, path string, want, got any) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !assert.True(t, ok, "%s: want an object, got %T", path, got) {
			return
		}
		if path == ".summary.findings" || strings.HasSuffix(path, ".statuses") {
			// Maps keyed by kind or agent: check the value type only.
			for k, v := range g {
				assert.IsType(t, float64(0), v, "%s.%s", path, k)
			}
			return
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !assert.True(t, ok, "%s: missing key %q", path, k) {
				continue
			}
			if gv == nil && (k == "attribution" || k == "location") {
				continue
			}
			assertShape(t, path+"."+k, wv, gv)
		}
	case []any:
		g, ok := got.([]any)
		if !assert.True(t, ok, "%s: want a list, got %T", path, got) || len(w) == 0 {
			return
		}
		if !strings.Contains(path, "[") || strings.HasPrefix(path, ".findings[0]") {
			assert.NotEmpty(t, g, "%s: the sample should fill this list", path)
		}
		for i, gv := range g {
			assertShape(t, fmt.Sprintf("%s[%d]", path, i), w[0], gv)
		}
	default:
		assert.IsType(t, want, got, "%s", path)
	}
}

func TestJSONChoices(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, (&JSON{}).Write(&out, hostileReport()))
	s := out.String()
	assert.Contains(t, s, "<script>", "HTML is not escaped")
	assert.NotContains(t, s, `\u003c`)
	assert.Equal(t, 1, strings.Count(s, "\n"), "compact output is one line")
	assert.Contains(t, s, `"\u001b[2J`, "control characters are escaped by JSON")

	out.Reset()
	require.NoError(t, (&JSON{}).Write(&out, &audit.Report{Findings: []audit.Finding{{Kind: audit.FetchError}}}))
	var m map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &m))
	for _, k := range []string{"agents", "notes", "pages"} {
		assert.Equal(t, []any{}, m[k], "%s is [] not null", k)
	}
	assert.Equal(t, map[string]any{"fetch-error": float64(1)}, m["summary"].(map[string]any)["findings"])
	f := m["findings"].([]any)[0].(map[string]any)
	assert.Contains(t, f, "attribution")
	assert.Nil(t, f["attribution"], "no attribution is null")
	for _, k := range []string{"agents", "linked_from", "redirects", "alternatives"} {
		assert.Equal(t, []any{}, f[k], k)
	}
	assert.Equal(t, false, f["failing"])
	assert.Equal(t, map[string]any{}, f["statuses"])
}

// TestJSONFailing checks that each finding says whether it fails the run
// and which agents it concerns, and that summary.failed is exactly "some
// finding is failing".
func TestJSONFailing(t *testing.T) {
	for _, failing := range []bool{false, true} {
		r := sampleReport()
		r.Failed = false
		for i := range r.Findings {
			r.Findings[i].Failing = failing && r.Findings[i].Severity == audit.SeverityError
			r.Failed = r.Failed || r.Findings[i].Failing
		}
		var out bytes.Buffer
		require.NoError(t, (&JSON{}).Write(&out, r))
		got, err := readJSON(&out)
		require.NoError(t, err)
		some := false
		for _, f := range got.Findings {
			assert.Equal(t, failing && f.Severity == "error", f.Failing, "%s %s", f.Kind, f.URL)
			assert.NotEmpty(t, f.Agents, "%s %s", f.Kind, f.URL)
			assert.NotContains(t, f.Agents, "browser", "the control is never an agent a finding concerns")
			some = some || f.Failing
		}
		assert.Equal(t, some, got.Summary.Failed)
		assert.Equal(t, failing, got.Summary.Failed)
	}
	var out bytes.Buffer
	require.NoError(t, (&JSON{}).Write(&out, sampleReport()))
	got, err := readJSON(&out)
	require.NoError(t, err)
	assert.Equal(t, []string{"googlebot", "bingbot"}, got.Findings[0].Agents, "in report agent order")
	assert.Equal(t, []string{"googlebot"}, got.Findings[1].Agents)
}

// TestReadJSONWithoutAddedFields reads a schema 1 report written before
// agents and failing were added: additions are optional to a reader.
func TestReadJSONWithoutAddedFields(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, (&JSON{}).Write(&out, sampleReport()))
	var m map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &m))
	for _, f := range m["findings"].([]any) {
		delete(f.(map[string]any), "agents")
		delete(f.(map[string]any), "failing")
	}
	b, err := json.Marshal(m)
	require.NoError(t, err)
	got, err := readJSON(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Nil(t, got.Findings[0].Agents)
	assert.False(t, got.Findings[0].Failing)
}

func TestReadJSONErrors(t *testing.T) {
	var valid bytes.Buffer
	require.NoError(t, (&JSON{}).Write(&valid, sampleReport()))
	// edit returns the sample report with one change made to its decoded form.
	edit := func(change func(m map[string]any)) string {
		var m map[string]any
		require.NoError(t, json.Unmarshal(valid.Bytes(), &m))
		change(m)
		b, err := json.Marshal(m)
		require.NoError(t, err)
		return string(b)
	}
	tests := []struct {
		name, in, wantErr string
	}{
		{"empty", "", "not JSON"},
		{"text", "hello", "not JSON: at byte 1"},
		{"csv", "kind,url\npublic-401,/\n", "not JSON"},
		{"trailing data", valid.String() + "{}", "not JSON"},
		{"array", "[]", "not a JSON object"},
		{"null", "null", "not a JSON object"},
		{"no schema", "{}", `missing field "schema" (not an authwall JSON report?)`},
		{"schema 2", edit(func(m map[string]any) { m["schema"] = 2 }), "schema version 2 is not supported (this version of authwall reads 1)"},
		{"schema string", edit(func(m map[string]any) { m["schema"] = "1" }), `field "schema": want an integer, got "1"`},
		{"schema null", edit(func(m map[string]any) { m["schema"] = nil }), `missing field "schema"`},
		{"no target", edit(func(m map[string]any) { delete(m, "target") }), `missing field "target"`},
		{"no pages", edit(func(m map[string]any) { delete(m, "pages") }), `missing field "pages"`},
		{"summary not object", edit(func(m map[string]any) { m["summary"] = 3 }), `field "summary": want an object, got 3`},
		{"summary without failed", edit(func(m map[string]any) { delete(m["summary"].(map[string]any), "failed") }), `summary: missing field "failed"`},
		{"findings not list", edit(func(m map[string]any) { m["findings"] = "none" }), `field "findings": want a list`},
		{"finding without kind", edit(func(m map[string]any) { delete(m["findings"].([]any)[1].(map[string]any), "kind") }), `findings[1]: missing field "kind"`},
		{"agent without name", edit(func(m map[string]any) { delete(m["agents"].([]any)[0].(map[string]any), "name") }), `agents[0]: missing field "name"`},
		{"page not object", edit(func(m map[string]any) { m["pages"].([]any)[2] = "x" }), `field "pages[2]": want an object`},
		{"bad started_at", edit(func(m map[string]any) { m["started_at"] = "yesterday" }), `read JSON report: `},
		{"wrong type", edit(func(m map[string]any) {
			m["findings"].([]any)[0].(map[string]any)["statuses"] = map[string]any{"googlebot": "401"}
		}), "statuses"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readJSON(strings.NewReader(tc.in))
			assert.ErrorContains(t, err, tc.wantErr)
			assert.Nil(t, got)
		})
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestReadJSON(t *testing.T) {
	_, err := readJSON(failingReader{})
	assert.ErrorContains(t, err, "read JSON report: connection reset")

	// Fields a later version adds are ignored, not an error.
	var out bytes.Buffer
	require.NoError(t, (&JSON{}).Write(&out, sampleReport()))
	var m map[string]any
	require.NoError(t, json.Unmarshal(out.Bytes(), &m))
	m["added_later"] = true
	m["findings"].([]any)[0].(map[string]any)["score"] = 9
	b, err := json.Marshal(m)
	require.NoError(t, err)
	got, err := readJSON(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, newJSONReport(sampleReport()), got)

	// Golden file reads back too: the file a baseline would be.
	golden, err := os.Open(filepath.Join("testdata", "report.golden.json"))
	require.NoError(t, err)
	defer golden.Close()
	got, err = readJSON(golden)
	require.NoError(t, err)
	assert.Equal(t, newJSONReport(sampleReport()), got)
	assert.Equal(t, "public-401", got.Findings[0].Kind)
	assert.Equal(t, &jsonLocation{File: "conf/site.conf", Line: 12, Context: "server > location /blog/"}, got.Findings[0].Attribution.Location)
}

func TestJSONInvalidUTF8(t *testing.T) {
	r := &audit.Report{Target: "https://x.example/\xff", Findings: []audit.Finding{{Kind: audit.FetchError, URL: "a\xfeb", Statuses: map[string]int{"bot\xff": 0}}}}
	var out bytes.Buffer
	require.NoError(t, (&JSON{}).Write(&out, r))
	got, err := readJSON(&out)
	require.NoError(t, err)
	assert.Equal(t, "https://x.example/\uFFFD", got.Target)
	assert.Equal(t, "a\uFFFDb", got.Findings[0].URL)
	assert.Equal(t, map[string]int{"bot\uFFFD": 0}, got.Findings[0].Statuses)
}

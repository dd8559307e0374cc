package report

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadBaselineRoundTrip(t *testing.T) {
	r := sampleReport()
	var buf bytes.Buffer
	require.NoError(t, (&JSON{}).Write(&buf, r))
	file := filepath.Join(t.TempDir(), "old.json")
	require.NoError(t, os.WriteFile(file, buf.Bytes(), 0o644))
	got, err := ReadBaseline(file)
	require.NoError(t, err)
	require.Len(t, got, len(r.Findings))
	want := sortedFindings(r.Findings)
	for i := range got {
		assert.Equal(t, want[i].Kind, got[i].Kind)
		assert.Equal(t, want[i].URL, got[i].URL)
		if want[i].Attribution != nil {
			assert.Equal(t, want[i].Attribution.Source, got[i].Attribution.Source)
		}
	}
}

func TestReadBaselineErrors(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"notjson.json": "KIND URL\n",
		"schema2.json": `{"schema": 2}`,
		"partial.json": `{"schema": 1, "tool": {}}`,
	} {
		file := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(file, []byte(content), 0o644))
		_, err := ReadBaseline(file)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), file)
	}
	_, err := ReadBaseline(filepath.Join(dir, "missing.json"))
	assert.ErrorContains(t, err, "missing.json")
}

package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	c, err := Parse(strings.NewReader(`
url: https://example.org/
paths: [public.txt]
public:
  - /
  - /blog/**
private:
  - /account/**
agents: [googlebot, bingbot-mobile]
control: false
concurrency: 4
rate: 2.5
max_pages: 500
max_depth: 3
timeout: 5s
max_body: 2MB
robots: false
sitemaps: true
include: ["/blog/**"]
exclude: ["/blog/tag/**"]
reports: [json=out/report.json]
format: json
fail_on: [public-401, warning]
quiet: true
`))
	require.NoError(t, err)
	assert.Equal(t, "https://example.org/", c.URL)
	assert.Equal(t, []PatternEntry{{"/", 5}, {"/blog/**", 6}}, c.Public)
	assert.Equal(t, []PatternEntry{{"/account/**", 8}}, c.Private)
	assert.False(t, *c.Control)
	assert.Equal(t, 4, *c.Concurrency)
	assert.Equal(t, 2.5, *c.Rate)
	assert.Equal(t, Duration(5*time.Second), *c.Timeout)
	assert.Equal(t, Size(2_000_000), *c.MaxBody)
	assert.False(t, *c.Robots)
	assert.Nil(t, c.Verbose, "unset keys stay nil so flags and defaults apply")
	assert.Equal(t, []string{"public-401", "warning"}, c.FailOn)
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"unknown key", "url: x\nconcurrecny: 4\n", "line 2: field concurrecny not found"},
		{"bad duration", "timeout: fast\n", `line 1: "fast" is not a duration`},
		{"bad size", "\nmax_body: lots\n", `line 2: "lots" is not a size`},
		{"wrong type", "concurrency: many\n", "line 1"},
		{"pattern not a string", "public:\n  - {a: b}\n", "line 2: a pattern must be a string"},
		{"not yaml", "url: [\n", "line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.yaml))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "yaml: unmarshal errors")
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(filepath.Join(dir, "missing.yaml"), false)
	require.NoError(t, err)
	assert.Nil(t, c, "an absent default config is no error")

	_, err = Load(filepath.Join(dir, "missing.yaml"), true)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "missing.yaml")

	bad := filepath.Join(dir, "authwall.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("rate: x\n"), 0o644))
	_, err = Load(bad, true)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "config "+bad+": line 1")

	empty := filepath.Join(dir, "empty.yaml")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	c, err = Load(empty, true)
	require.NoError(t, err)
	assert.Equal(t, empty, c.File)
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"15MB": 15_000_000, "512KiB": 524288, "1048576": 1048576, "2 mib": 2 << 20, "1.5KB": 1500, "0": 0} {
		got, err := ParseSize(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "MB", "-1", "5 parsecs", "1e9GB"} {
		_, err := ParseSize(in)
		assert.Error(t, err, in)
	}
}

func TestSizeString(t *testing.T) {
	for _, tc := range []struct {
		size Size
		want string
	}{
		{15_000_000, "15MB"}, {512 << 10, "512KiB"}, {2 << 30, "2GiB"}, {1500, "1500"}, {1000, "1KB"}, {0, "0"},
	} {
		assert.Equal(t, tc.want, tc.size.String())
		var back Size
		require.NoError(t, back.Set(tc.want), "what String writes, Set reads")
		assert.Equal(t, tc.size, back)
	}
	var s Size
	assert.Error(t, s.Set("lots"))
}

func FuzzParse(f *testing.F) {
	f.Add("url: https://example.org/\npublic: [/, /blog/**]\ntimeout: 5s\nmax_body: 1MB\n")
	f.Add("private:\n  - !/x\n")
	f.Add("{{{")
	f.Fuzz(func(t *testing.T, in string) {
		c, err := Parse(strings.NewReader(in))
		if err == nil && c == nil {
			t.Fatal("nil config without error")
		}
	})
}

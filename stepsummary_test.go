package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain keeps in-process runs from writing to a real job summary when
// the tests themselves run in GitHub Actions: only the tests that set
// GITHUB_STEP_SUMMARY get one.
func TestMain(m *testing.M) {
	os.Unsetenv(stepSummaryEnv)
	os.Exit(m.Run())
}

func TestStepSummaryAudit(t *testing.T) {
	srv := testSite(t)
	paths := writeFile(t, "public.txt", "/**\n")
	summary := filepath.Join(t.TempDir(), "summary.md")
	require.NoError(t, os.WriteFile(summary, []byte("an earlier step's summary\n"), 0o644))
	t.Setenv(stepSummaryEnv, summary)

	for range 2 {
		code, _, errOut := cli(t, "audit", "-q", "--no-progress", "-p", paths, srv.URL)
		require.Equal(t, 1, code, errOut)
		assert.NotContains(t, errOut, "job summary")
	}
	data, err := os.ReadFile(summary)
	require.NoError(t, err)
	got := string(data)
	assert.True(t, strings.HasPrefix(got, "an earlier step's summary\n\n## authwall: FAIL\n"), "appended after a blank line:\n%s", got)
	assert.Equal(t, 2, strings.Count(got, "## authwall: FAIL"), "each run appends, none overwrites")
	assert.Contains(t, got, "| `public-401` | `/blog/` |")
}

func TestStepSummaryLint(t *testing.T) {
	summary := filepath.Join(t.TempDir(), "summary.md")
	t.Setenv(stepSummaryEnv, summary)
	code, _, errOut := cli(t, "lint", "-q", "--server-config", "examples/nginx/site.conf", "-p", "examples/public.txt", "https://example.org/")
	require.Equal(t, 1, code, errOut)
	data, err := os.ReadFile(summary)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(data), "## authwall: FAIL\n"))
	assert.Contains(t, string(data), "`examples/nginx/site.conf:10`")
}

// TestStepSummaryUnwritable: a summary that cannot be written is said on
// stderr; the exit code is still the audit's.
func TestStepSummaryUnwritable(t *testing.T) {
	srv := testSite(t)
	paths := writeFile(t, "public.txt", "/**\n")
	t.Setenv(stepSummaryEnv, t.TempDir()) // a directory: cannot be appended to

	code, _, errOut := cli(t, "audit", "-q", "--no-progress", "-p", paths, srv.URL)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "job summary (GITHUB_STEP_SUMMARY)")

	code, _, errOut = cli(t, "audit", "-q", "--no-progress", "-p", writeFile(t, "p.txt", "/\n/about\n"), srv.URL)
	assert.Equal(t, 0, code, "a passing audit still passes")
	assert.Contains(t, errOut, "job summary")
}

// TestStepSummaryNotWhenUnreachable: a site that could not be audited gets
// no "PASS" summary; the step fails with exit code 3.
func TestStepSummaryNotWhenUnreachable(t *testing.T) {
	srv := testSite(t)
	url := srv.URL
	srv.Close()
	summary := filepath.Join(t.TempDir(), "summary.md")
	t.Setenv(stepSummaryEnv, summary)
	code, _, errOut := cli(t, "audit", "-q", "--no-progress", "--timeout", "2s", url)
	assert.Equal(t, 3, code, errOut)
	assert.NoFileExists(t, summary)
}

// TestStepSummaryLogs: authwall logs appends its Markdown summary too,
// with the per-agent log hits beside each finding.
func TestStepSummaryLogs(t *testing.T) {
	dir, older, newer := logsFixture(t)
	summary := filepath.Join(t.TempDir(), "summary.md")
	t.Setenv(stepSummaryEnv, summary)
	code, _, errOut := cli(t, "logs", "-q", "--no-progress", "-p", filepath.Join(dir, "public.txt"),
		"--ranges", "google="+filepath.Join(dir, "googlebot.json"), older, newer)
	require.Equal(t, 1, code, errOut)
	data, err := os.ReadFile(summary)
	require.NoError(t, err)
	got := string(data)
	assert.True(t, strings.HasPrefix(got, "## authwall: FAIL\n"), got)
	assert.Contains(t, got, "| log hits |")
	assert.Contains(t, got, "| `crawler-blocked-in-logs` | `/blog/secret` |")
	assert.Contains(t, got, "10 verified")
}

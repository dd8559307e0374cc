package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/internal/hostile"
)

// buildAuthwall builds the command into a temporary directory.
func buildAuthwall(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "authwall")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, string(out))
	return bin
}

// ownLine is what authwall itself writes to stderr: an error and its
// hint, or a log record of its slog handler.
var ownLine = regexp.MustCompile(`^(authwall: |  \S|time=\S+ level=)`)

// TestStderrHoldsOnlyOwnLines runs the real binary, with main's routing of
// the standard logger, on the hostile sites: Go's HTTP client logs a
// server that sends more than its Content-Length to the standard logger,
// quoting the site's bytes; none of that may reach stderr, and the report
// counts it in a note instead.
func TestStderrHoldsOnlyOwnLines(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildAuthwall(t)
	srv := hostile.Start(t)
	links := func(base string, paths ...string) string {
		return base + "/?link=" + strings.Join(paths, "&link=")
	}
	for _, tc := range []struct {
		name, start string
		note        string // a note the report must hold
	}{
		{"raw", links(srv.Raw, "/long-alive", "/long", "/short", "/reset", "/http10", "/bad-chunk", "/status/299", "/status/007",
			"/early-hints", "/1xx-flood", "/drip-head"),
			"responses with more bytes than their Content-Length: "},
		{"http", links(srv.URL, "/payload", "/many-links", "/huge", "/gzip-bomb", "/br", "/loop/a", "/long-chain/0",
			"/malformed", "/sjis", "/cp1251", "/long-url", "/auth/many", "/retry/503"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			paths := filepath.Join(dir, "public.txt")
			require.NoError(t, os.WriteFile(paths, []byte("/**\n"), 0o644))
			report := filepath.Join(dir, "report.json")
			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "audit", "--no-progress", "-p", paths, "--timeout", "2s",
				"--max-pages", "200", "--max-body", "1MB", "--concurrency", "4", "--report", "json="+report, tc.start)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			require.NoError(t, ctx.Err(), "the audit must end by itself")
			if err != nil {
				var exit *exec.ExitError
				require.ErrorAs(t, err, &exit)
				assert.Equal(t, 1, exit.ExitCode(), "stderr: %s", stderr.String())
			}
			assert.NotContains(t, stderr.String(), "Unsolicited")
			for _, line := range strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n") {
				if line != "" {
					assert.Regexp(t, ownLine, line, "a line on stderr that authwall did not write")
				}
			}
			var rep struct{ Notes []string }
			data, err := os.ReadFile(report)
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(data, &rep))
			if tc.note != "" {
				assert.True(t, strings.Contains(strings.Join(rep.Notes, "\n"), tc.note), "notes: %q", rep.Notes)
			}
			t.Logf("stderr: %q; notes: %q", stderr.String(), rep.Notes)
		})
	}
}

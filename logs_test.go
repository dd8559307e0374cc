package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	logGooglebot = "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.7444.175 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
	logBingbot   = "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/142.0.7444.175 Safari/537.36"
	logBrowser   = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.7444.175 Safari/537.36"

	googleRangesJSON = `{"creationTime": "2026-12-01T23:00:00.000000", "prefixes": [{"ipv4Prefix": "66.249.64.0/19"}, {"ipv6Prefix": "2001:4860:4801::/48"}]}`
	bingRangesJSON   = `{"creationTime": "2026-12-01T23:00:00.000000", "prefixes": [{"ipv4Prefix": "157.55.39.0/24"}]}`
	logsPublic       = "/\n/blog/**\n/docs/**\n!/account/**\n"
)

// logLine is one combined line at minute m after 2026-12-03 00:00 UTC.
func logLine(addr, user, path string, status, minute int, ua string) string {
	t := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC).Add(time.Duration(minute) * time.Minute)
	if user == "" {
		user = "-"
	}
	return fmt.Sprintf("%s - %s [%s] \"GET %s HTTP/1.1\" %d 512 \"-\" \"%s\"\n", addr, user, t.Format("02/Jan/2006:15:04:05 -0700"), path, status, ua)
}

// knownLog is a generated day of logs whose answers are known: every
// kind of request at a known count, browsers all around, malformed lines
// at known places.
func knownLog() []string {
	var lines []string
	add := func(n int, f func(i int) string) {
		for i := range n {
			lines = append(lines, f(i))
		}
	}
	for m := range 100 {
		add(5, func(i int) string {
			return logLine(fmt.Sprintf("198.51.100.%d", i), "", fmt.Sprintf("/blog/p%d", m), 200, m, logBrowser)
		})
		// Googlebot, verified: the blog's pages open, /blog/secret walled
		// every tenth minute; /docs/ walled for it over IPv6 at minute 50.
		lines = append(lines, logLine("66.249.66.1", "", fmt.Sprintf("/blog/p%d?utm=%d", m, m), 200, m, logGooglebot))
		if m%10 == 0 {
			lines = append(lines, logLine("66.249.66.2", "", "/blog/secret", 401, m, logGooglebot))
			// A spoofer with Googlebot's User-Agent is walled too, and
			// gets a private page: neither is a finding.
			lines = append(lines, logLine("203.0.113.7", "", "/blog/secret", 401, m, logGooglebot))
			lines = append(lines, logLine("203.0.113.8", "", "/account/", 200, m, logGooglebot))
			// Bingbot, verified, is let in.
			lines = append(lines, logLine("157.55.39.10", "", "/blog/secret", 200, m, logBingbot))
		}
		if m == 50 {
			lines = append(lines, logLine("2001:4860:4801:10::1", "", "/docs/", 403, m, logGooglebot))
			lines = append(lines, logLine("2001:4860:4801:10::1", "", "/account/settings", 200, m, logGooglebot))
			lines = append(lines, logLine("66.249.66.1", "editor", "/account/billing", 200, m, logGooglebot)) // logged in: no exposure
			lines = append(lines, logLine("66.249.66.1", "", "/admin/", 403, m, logGooglebot))                // undeclared
		}
	}
	lines[3] = "this is no log line\n"
	lines[len(lines)-2] = logLine("10.0.0.1", "", "/x", 200, 99, logBrowser)[:40] + "\n"
	return lines
}

func gzipped(t testing.TB, text string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, err := zw.Write([]byte(text))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return b.Bytes()
}

// logsFixture writes the known log as a rotated pair: the older half
// gzipped under a name without .gz, the newer half plain.
func logsFixture(t *testing.T) (dir, older, newer string) {
	t.Helper()
	dir = t.TempDir()
	lines := knownLog()
	half := len(lines) / 2
	older = filepath.Join(dir, "access.log.1")
	newer = filepath.Join(dir, "access.log")
	require.NoError(t, os.WriteFile(older, gzipped(t, strings.Join(lines[:half], "")), 0o644))
	require.NoError(t, os.WriteFile(newer, []byte(strings.Join(lines[half:], "")), 0o644))
	for name, content := range map[string]string{"public.txt": logsPublic, "googlebot.json": googleRangesJSON, "bingbot.json": bingRangesJSON} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	return dir, older, newer
}

// logsJSON is the part of the JSON report the logs tests read.
type logsJSON struct {
	Summary struct {
		URLs, Requests int
		Failed         bool
		Incomplete     bool
	}
	Notes    []string
	Pages    []struct{ URL string }
	Findings []struct {
		Kind, Severity, Path, Message string
		Statuses                      map[string]int
		Agents                        []string
		Failing, New                  bool
		Logs                          map[string]struct {
			VerifiedHits   int            `json:"verified_hits"`
			SpoofedHits    int            `json:"spoofed_hits"`
			UnverifiedHits int            `json:"unverified_hits"`
			Statuses       map[string]int `json:"statuses"`
			FirstSeen      string         `json:"first_seen"`
			LastSeen       string         `json:"last_seen"`
		}
	}
}

func readLogsJSON(t *testing.T, file string) logsJSON {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	var rep logsJSON
	require.NoError(t, json.Unmarshal(data, &rep))
	return rep
}

func TestLogsKnownAnswers(t *testing.T) {
	dir, older, newer := logsFixture(t)
	out := filepath.Join(dir, "logs.json")
	code, stdout, stderr := cli(t, "logs", "--no-progress", "-p", filepath.Join(dir, "public.txt"),
		"--ranges", "google="+filepath.Join(dir, "googlebot.json"), "--ranges", "bing="+filepath.Join(dir, "bingbot.json"),
		"--report", "json="+out, older, newer)
	require.Equal(t, 1, code, stderr)
	assert.Contains(t, stdout, "LOG HITS")
	rep := readLogsJSON(t, out)

	type finding struct{ Kind, Severity, Path string }
	var got []finding
	for _, f := range rep.Findings {
		got = append(got, finding{f.Kind, f.Severity, f.Path})
	}
	assert.Equal(t, []finding{
		{"private-exposed", "error", "/account/settings"},
		{"crawler-blocked-in-logs", "error", "/blog/secret"},
		{"crawler-blocked-in-logs", "error", "/docs/"},
		{"undeclared-blocked", "info", "/admin/"},
	}, got)

	secret := rep.Findings[1]
	assert.Equal(t, []string{"googlebot"}, secret.Agents)
	assert.Equal(t, map[string]int{"googlebot": 401, "bingbot": 200}, secret.Statuses)
	g := secret.Logs["googlebot"]
	assert.Equal(t, 10, g.VerifiedHits)
	assert.Equal(t, 10, g.SpoofedHits)
	assert.Equal(t, map[string]int{"401": 20}, g.Statuses)
	assert.Equal(t, "2026-12-03T00:00:00Z", g.FirstSeen)
	assert.Equal(t, "2026-12-03T01:30:00Z", g.LastSeen)
	b := secret.Logs["bingbot"]
	assert.Equal(t, 10, b.VerifiedHits)
	assert.Equal(t, map[string]int{"200": 10}, b.Statuses)
	assert.Equal(t, "real crawlers were walled: googlebot walled on 10 of 10 requests (401×10), verified", secret.Message)
	assert.True(t, secret.Failing)

	admin := rep.Findings[3]
	assert.Equal(t, map[string]int{"403": 1}, admin.Logs["googlebot"].Statuses, "an undeclared wall keeps its log evidence")
	docs := rep.Findings[2]
	assert.Equal(t, 1, docs.Logs["googlebot"].VerifiedHits, "verified over IPv6")
	assert.Equal(t, []string{"googlebot"}, rep.Findings[0].Agents)

	// 100 minutes: 100 Googlebot blog pages, 10 walls, 10 spoofed walls,
	// 10 spoofed private pages, 10 Bingbot visits, 4 at minute 50.
	assert.Equal(t, 144, rep.Summary.Requests)
	assert.Contains(t, rep.Notes, "spoofed googlebot: 20 requests from 2 addresses outside the published ranges (200×10 401×10); not the search engine, so no finding")
	lines := knownLog()
	half := len(lines) / 2
	assert.Contains(t, rep.Notes, fmt.Sprintf("%s: 1 of %d lines malformed and skipped (line 4: no [time] after the user)", older, half))
	assert.Contains(t, rep.Notes, fmt.Sprintf("%s: 1 of %d lines malformed and skipped (line %d: time has no closing ])", newer, len(lines)-half, len(lines)-half-1))
}

// Without ranges every claim counts: the spoofer's wall is a warning
// beside the real one, and the report says the crawlers are unverified.
func TestLogsWithoutRanges(t *testing.T) {
	dir, older, newer := logsFixture(t)
	out := filepath.Join(dir, "logs.json")
	code, _, stderr := cli(t, "logs", "-q", "-p", filepath.Join(dir, "public.txt"), "--report", "json="+out, older, newer)
	require.Equal(t, 0, code, "claims alone are warnings, which --fail-on error lets pass: %s", stderr)
	rep := readLogsJSON(t, out)
	var kinds []string
	for _, f := range rep.Findings {
		kinds = append(kinds, f.Kind+" "+f.Severity+" "+f.Path)
		if f.Path == "/blog/secret" {
			assert.Equal(t, 20, f.Logs["googlebot"].UnverifiedHits)
			assert.Contains(t, f.Message, "not verified: give --ranges")
		}
	}
	assert.Equal(t, []string{
		"private-exposed warning /account/",
		"private-exposed warning /account/settings",
		"crawler-blocked-in-logs warning /blog/secret",
		"crawler-blocked-in-logs warning /docs/",
		"undeclared-blocked info /admin/",
	}, kinds)
	assert.Contains(t, strings.Join(rep.Notes, "\n"), "crawlers are recognised by their User-Agent alone")
	code, _, _ = cli(t, "logs", "-q", "-p", filepath.Join(dir, "public.txt"), "--fail-on", "warning", older, newer)
	assert.Equal(t, 1, code)
}

func TestLogsBaselineSinceAndStdin(t *testing.T) {
	dir, older, newer := logsFixture(t)
	base := filepath.Join(dir, "base.json")
	args := []string{"logs", "-q", "-p", filepath.Join(dir, "public.txt"), "--ranges", filepath.Join(dir, "googlebot.json"), "--ranges", filepath.Join(dir, "bingbot.json")}
	code, _, stderr := cli(t, append(args, "--report", "json="+base, older, newer)...)
	require.Equal(t, 1, code, stderr)
	code, _, stderr = cli(t, append(args, "--baseline", base, older, newer)...)
	assert.Equal(t, 0, code, "nothing new against the baseline: %s", stderr)

	// --since the second half: /docs/ (minute 50) and the walls before
	// it drop out.
	out := filepath.Join(dir, "since.json")
	code, _, stderr = cli(t, append(args, "--since", "2026-12-03T00:51:00Z", "--report", "json="+out, older, newer)...)
	require.Equal(t, 1, code, stderr)
	rep := readLogsJSON(t, out)
	var paths []string
	for _, f := range rep.Findings {
		paths = append(paths, f.Path)
	}
	assert.Equal(t, []string{"/blog/secret"}, paths)
	assert.Equal(t, 4, rep.Findings[0].Logs["googlebot"].VerifiedHits, "minutes 60, 70, 80, 90")
	assert.Contains(t, rep.Notes, "79 crawler requests before --since 2026-12-03T00:51:00Z were skipped")

	// stdin, gzipped, as zcat-less pipelines send it; ranges for no engine
	// in particular apply to Bing too, and a small path bound says what
	// it left out.
	data, err := os.ReadFile(older)
	require.NoError(t, err)
	o := logsOptions{auditOptions: defaultOptions(), Files: []string{"-"}, LogFormat: "combined", MaxPaths: 10}
	o.Paths, o.Quiet, o.Reports = []string{filepath.Join(dir, "public.txt")}, true, []string{"json=" + out}
	o.Ranges = []string{filepath.Join(dir, "googlebot.json")}
	err = runLogs(context.Background(), o, bytes.NewReader(data), &bytes.Buffer{}, &bytes.Buffer{})
	assert.ErrorIs(t, err, errFindings)
	rep = readLogsJSON(t, out)
	assert.Contains(t, rep.Notes, "spoofed bingbot: 5 requests from 1 address outside the published ranges (200×5); not the search engine, so no finding")
	assert.Contains(t, rep.Notes, "the bound on distinct paths was reached (10, and as many again for walled paths; --max-paths): 41 crawler requests to further paths were not tracked (0 of them walls)")
	assert.Contains(t, rep.Notes, fmt.Sprintf("stdin: 1 of %d lines malformed and skipped (line 4: no [time] after the user)", len(knownLog())/2))
}

// A crawler line whose time cannot be read keeps its status when no
// --since needs the time (without moving first or last seen), and is
// malformed when --since does.
func TestLogsUnreadableTime(t *testing.T) {
	dir, _, _ := logsFixture(t)
	badTime := func(line string) string {
		return strings.Replace(line, "[03/Dec/2026:00:00:00 +0000]", "[yesterday]", 1)
	}
	log := writeFile(t, "access.log", logLine("66.249.66.1", "", "/blog/x", 401, 5, logGooglebot)+
		badTime(logLine("66.249.66.1", "", "/blog/x", 403, 0, logGooglebot))+
		badTime(logLine("66.249.66.1", "", "/docs/y", 401, 0, logGooglebot)))
	args := []string{"logs", "-q", "-p", filepath.Join(dir, "public.txt"), "--ranges", filepath.Join(dir, "googlebot.json")}
	const malformed = "2 of 3 lines malformed and skipped"
	for _, tc := range []struct {
		name     string
		since    []string
		blogHits int
		statuses map[string]int
		docs     bool
	}{
		{"no --since: every hit counts", nil, 2, map[string]int{"401": 1, "403": 1}, true},
		{"--since: unreadable times are malformed", []string{"--since", "2026-12-01"}, 1, map[string]int{"401": 1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "logs.json")
			code, _, stderr := cli(t, append(append(args, tc.since...), "--report", "json="+out, log)...)
			require.Equal(t, 1, code, stderr)
			rep := readLogsJSON(t, out)
			byPath := map[string]int{}
			for i, f := range rep.Findings {
				byPath[f.Path] = i
			}
			require.Contains(t, byPath, "/blog/x")
			blog := rep.Findings[byPath["/blog/x"]].Logs["googlebot"]
			assert.Equal(t, tc.blogHits, blog.VerifiedHits)
			assert.Equal(t, tc.statuses, blog.Statuses)
			assert.Equal(t, "2026-12-03T00:05:00Z", blog.FirstSeen, "an unknown time moves neither end")
			assert.Equal(t, "2026-12-03T00:05:00Z", blog.LastSeen)
			_, docs := byPath["/docs/y"]
			assert.Equal(t, tc.docs, docs, "a path met only at unreadable times")
			if tc.docs {
				assert.Equal(t, "", rep.Findings[byPath["/docs/y"]].Logs["googlebot"].FirstSeen)
			}
			notes := strings.Join(rep.Notes, "\n")
			if tc.since == nil {
				assert.NotContains(t, notes, "malformed")
			} else {
				assert.Contains(t, notes, malformed+` (line 2: time "yesterday": want`)
			}
		})
	}
}

// Spoofed requests track no path of their own: ten spoofed-only paths
// leave the bound of two to the paths real crawlers met, and a spoofed
// request to such a path still counts in its spoofed_hits.
func TestLogsSpoofedPathsTakeNoPlace(t *testing.T) {
	dir, _, _ := logsFixture(t)
	var lines []string
	for i := range 10 {
		lines = append(lines, logLine("203.0.113.7", "", fmt.Sprintf("/blog/s%d", i), 403, i, logGooglebot))
	}
	lines = append(lines,
		logLine("66.249.66.1", "", "/blog/open", 200, 20, logGooglebot),
		logLine("66.249.66.1", "", "/blog/wall", 401, 21, logGooglebot),
		logLine("203.0.113.7", "", "/blog/wall", 403, 22, logGooglebot))
	log := writeFile(t, "access.log", strings.Join(lines, ""))
	out := filepath.Join(dir, "logs.json")
	code, _, stderr := cli(t, "logs", "-q", "-p", filepath.Join(dir, "public.txt"), "--ranges", filepath.Join(dir, "googlebot.json"),
		"--max-paths", "2", "--report", "json="+out, log)
	require.Equal(t, 1, code, stderr)
	rep := readLogsJSON(t, out)
	assert.Equal(t, 2, rep.Summary.URLs)
	var pages []string
	for _, p := range rep.Pages {
		pages = append(pages, p.URL)
	}
	assert.Equal(t, []string{"/blog/open", "/blog/wall"}, pages)
	assert.NotContains(t, strings.Join(rep.Notes, "\n"), "bound on distinct paths")
	assert.Contains(t, rep.Notes, "spoofed googlebot: 11 requests from 1 address outside the published ranges (403×11); not the search engine, so no finding")
	require.Len(t, rep.Findings, 1)
	assert.Equal(t, "/blog/wall", rep.Findings[0].Path)
	g := rep.Findings[0].Logs["googlebot"]
	assert.Equal(t, 1, g.VerifiedHits)
	assert.Equal(t, 1, g.SpoofedHits)
	assert.Equal(t, map[string]int{"401": 1, "403": 1}, g.Statuses)
}

func TestLogsBadInput(t *testing.T) {
	dir, older, _ := logsFixture(t)
	badRanges := writeFile(t, "ranges.json", `{"prefixes": [{"ipv4Prefix": "66.249.64.0/99"}]}`)
	cut := filepath.Join(dir, "cut.gz")
	gz := gzipped(t, strings.Repeat(logLine("66.249.66.1", "", "/", 200, 0, logGooglebot), 200))
	require.NoError(t, os.WriteFile(cut, gz[:len(gz)-20], 0o644))
	for _, tc := range []struct {
		args    []string
		message string
	}{
		{[]string{"logs", older, filepath.Join(dir, "missing.log")}, "missing.log: no such file or directory"},
		{[]string{"logs", "--ranges", badRanges, older}, `ranges.json: prefixes[0]: ipv4Prefix "66.249.64.0/99" is not an ipv4 prefix`},
		{[]string{"logs", "--ranges", "google=" + filepath.Join(dir, "none.json"), older}, "none.json"},
		{[]string{"logs", "--log-format", `$remote_addr $status`, older}, "--log-format: log format"},
		{[]string{"logs", "--log-format", `$remote_addr "$request" $status "$http_user_agent"`, "--since", "1d", older}, "--since needs a time in the log"},
		{[]string{"logs", "--since", "last week", older}, `--since "last week": want RFC 3339`},
		{[]string{"logs", "-p", writeFile(t, "bad.txt", "/ok\nno-slash\n"), older}, "bad.txt:2"},
		{[]string{"logs"}, "no log file given"},
		{[]string{"logs", "-", "-"}, "stdin (-) given 2 times"},
		{[]string{"logs", "--max-paths", "0", older}, "--max-paths must be at least 1"},
		{[]string{"logs", "-q", cut}, "read " + cut + ": line "},
	} {
		code, _, stderr := cli(t, tc.args...)
		assert.Equal(t, 2, code, "%v: %s", tc.args, stderr)
		assert.Contains(t, stderr, tc.message, tc.args)
	}
}

// An interrupted reading still writes its reports, marked incomplete, and
// exits 3.
func TestLogsInterrupted(t *testing.T) {
	dir, older, _ := logsFixture(t)
	out := filepath.Join(dir, "logs.json")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"logs", "-q", "-p", filepath.Join(dir, "public.txt"), "--report", "json=" + out, older}, &stdout, &stderr)
	assert.Equal(t, 3, code, stderr.String())
	assert.Contains(t, stderr.String(), "interrupted")
	rep := readLogsJSON(t, out)
	assert.True(t, rep.Summary.Incomplete)
}

// pipeWatch tells when the run asks for more of a pipe than was written:
// that read blocks until the writer writes or closes.
type pipeWatch struct {
	r        io.Reader
	written  int
	read     int
	blocking chan struct{}
	once     sync.Once
}

func (w *pipeWatch) Read(p []byte) (int, error) {
	if w.read >= w.written {
		w.once.Do(func() { close(w.blocking) })
	}
	n, err := w.r.Read(p)
	w.read += n
	return n, err
}

// Ctrl-C stops a run whose read of stdin is blocked on a silent writer,
// and the reports cover the line read before.
func TestLogsInterruptedStdin(t *testing.T) {
	dir, _, _ := logsFixture(t)
	pr, pw, err := os.Pipe()
	require.NoError(t, err)
	t.Cleanup(func() { pw.Close(); pr.Close() }) // ends a read the run left behind
	line := logLine("66.249.66.1", "", "/blog/x", 401, 0, logGooglebot)
	_, err = pw.WriteString(line)
	require.NoError(t, err)
	stdin := &pipeWatch{r: pr, written: len(line), blocking: make(chan struct{})}

	out := filepath.Join(dir, "logs.json")
	o := logsOptions{auditOptions: defaultOptions(), Files: []string{"-"}, LogFormat: "combined", MaxPaths: 10}
	o.Paths, o.Quiet, o.Reports = []string{filepath.Join(dir, "public.txt")}, true, []string{"json=" + out}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- runLogs(ctx, o, stdin, &bytes.Buffer{}, &bytes.Buffer{}) }()
	select {
	case <-stdin.blocking:
	case err := <-done:
		t.Fatalf("the run ended before it waited on stdin: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the run never read all of stdin")
	}
	cancel()
	select {
	case err := <-done:
		assert.Equal(t, 3, exitCode(err), "%v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("a read of stdin blocked on its writer was not interrupted")
	}
	rep := readLogsJSON(t, out)
	assert.True(t, rep.Summary.Incomplete)
	require.Len(t, rep.Findings, 1)
	assert.Equal(t, "/blog/x", rep.Findings[0].Path)
}

// -v says what was read.
func TestLogsVerbose(t *testing.T) {
	dir, older, _ := logsFixture(t)
	_, _, stderr := cli(t, "logs", "-v", "--no-progress", "-f", "json", "--ranges", filepath.Join(dir, "googlebot.json"), older)
	assert.Contains(t, stderr, "msg=\"read ranges\"")
	assert.Contains(t, stderr, "msg=\"read log\" file="+older)
}

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"2026-12-01T06:00:00+01:00": time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC),
		"2026-12-01":                time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		"7d":                        now.Add(-7 * 24 * time.Hour),
		"36h":                       now.Add(-36 * time.Hour),
		"90m":                       now.Add(-90 * time.Minute),
	} {
		got, err := parseSince(in, now)
		if assert.NoError(t, err, in) {
			assert.True(t, want.Equal(got), "%s: %s", in, got)
		}
	}
	for _, bad := range []string{"", "yesterday", "-1d", "-3h", "2026-13-01"} {
		_, err := parseSince(bad, now)
		assert.Error(t, err, bad)
	}
}

package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/internal/realserver"
)

// nginxCrawlFormat is the log_format of testdata/nginx/logs/site.conf.
const nginxCrawlFormat = `$time_iso8601|$remote_addr|$status|"$request"|$remote_user|"$http_user_agent"|$request_time`

// TestRealNginxLogs starts Debian's nginx behind a pretend proxy (the
// realip module takes the client's address from X-Forwarded-For), sends
// Googlebot's requests from inside and outside Google's ranges, then reads
// the access log nginx wrote, in its own layout, with authwall logs.
func TestRealNginxLogs(t *testing.T) {
	conf, err := os.ReadFile("testdata/nginx/logs/site.conf")
	require.NoError(t, err)
	require.Contains(t, string(conf), "log_format crawl '"+nginxCrawlFormat+"';", "the test reads the layout the config writes")
	srv := realserver.Nginx(t, "testdata/nginx/logs/site.conf", "testdata/nginx/logs/site")

	client := &http.Client{Timeout: 5 * time.Second}
	send := func(path, forwardedFor, ua string, login bool) int {
		req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		require.NoError(t, err)
		req.Header.Set("User-Agent", ua)
		req.Header.Set("X-Forwarded-For", forwardedFor)
		if login {
			req.SetBasicAuth("editor", "not-a-real-secret")
		}
		resp, err := client.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	requests := []struct {
		path, from string
		ua         string
		login      bool
		want       int
	}{
		{"/", "66.249.66.1", logGooglebot, false, 200},
		{"/docs/", "66.249.66.1", logGooglebot, false, 401},
		{"/docs/", "66.249.66.2", logGooglebot, false, 401},
		{"/docs/", "66.249.66.2", logGooglebot, true, 200},  // a person with Googlebot's UA, logged in
		{"/docs/", "203.0.113.9", logGooglebot, false, 401}, // spoofed
		{"/account/", "2001:4860:4801:10::1", logGooglebot, false, 200},
		{"/docs/", "198.51.100.1", logBrowser, false, 401}, // not a crawler
	}
	for _, r := range requests {
		require.Equal(t, r.want, send(r.path, r.from, r.ua, r.login), "%s from %s", r.path, r.from)
	}
	// nginx writes the log line after the response: wait, bounded, for all.
	logFile := filepath.Join(srv.Prefix, "access.log")
	deadline := time.Now().Add(10 * time.Second)
	for {
		data, _ := os.ReadFile(logFile)
		if strings.Count(string(data), "\n") >= len(requests) {
			t.Logf("access.log:\n%s", data)
			break
		}
		require.True(t, time.Now().Before(deadline), "nginx logged %d of %d requests", strings.Count(string(data), "\n"), len(requests))
		time.Sleep(50 * time.Millisecond)
	}

	ranges := writeFile(t, "googlebot.json", googleRangesJSON)
	out := filepath.Join(t.TempDir(), "logs.json")
	code, stdout, stderr := cli(t, "logs", "--no-progress", "-p", "testdata/nginx/logs/public.txt", "--ranges", "google="+ranges,
		"--log-format", nginxCrawlFormat, "--report", "json="+out, logFile)
	t.Logf("authwall logs:\n%s%s", stdout, stderr)
	require.Equal(t, 1, code)
	rep := readLogsJSON(t, out)
	require.Len(t, rep.Findings, 2)

	exposed, docs := rep.Findings[0], rep.Findings[1]
	assert.Equal(t, []string{"private-exposed", "error", "/account/"}, []string{exposed.Kind, exposed.Severity, exposed.Path})
	assert.Equal(t, 1, exposed.Logs["googlebot"].VerifiedHits, "verified over IPv6")
	assert.Equal(t, map[string]int{"200": 1}, exposed.Logs["googlebot"].Statuses)

	assert.Equal(t, []string{"crawler-blocked-in-logs", "error", "/docs/"}, []string{docs.Kind, docs.Severity, docs.Path})
	assert.Equal(t, []string{"googlebot"}, docs.Agents)
	assert.Equal(t, map[string]int{"googlebot": 401}, docs.Statuses)
	g := docs.Logs["googlebot"]
	assert.Equal(t, 3, g.VerifiedHits)
	assert.Equal(t, 1, g.SpoofedHits)
	assert.Equal(t, 0, g.UnverifiedHits)
	assert.Equal(t, map[string]int{"401": 3, "200": 1}, g.Statuses)
	assert.NotEmpty(t, g.FirstSeen)
	assert.Equal(t, "real crawlers were walled: googlebot walled on 2 of 3 requests (401×2), verified", docs.Message)
	assert.Contains(t, rep.Notes, "spoofed googlebot: 1 request from 1 address outside the published ranges (401×1); not the search engine, so no finding")
	assert.Equal(t, 6, rep.Summary.Requests, "the browser's request is no crawler's")
}

package audit

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/accesslog"
)

func logPaths(t *testing.T, text string) *Paths {
	t.Helper()
	p, err := ParsePaths(strings.NewReader(text), "public.txt")
	require.NoError(t, err)
	return p
}

var t0 = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

// agentTokens are the product tokens of the agents the tests use: each its
// own, so a report that mixed agents' tokens up would show it.
var agentTokens = map[string]string{"googlebot": "Googlebot", "bingbot": "bingbot"}

func hit(path, agent string, v accesslog.Verdict, status int, minute int) LogHit {
	return LogHit{Target: []byte(path), Agent: agent, Token: agentTokens[agent], Verdict: v, Status: status, Time: t0.Add(time.Duration(minute) * time.Minute), Addr: []byte("203.0.113.9")}
}

func TestLogAuditor(t *testing.T) {
	failOn, err := ParseFailOn(nil)
	require.NoError(t, err)
	a := NewLogAuditor(LogOptions{
		Paths:     logPaths(t, "/blog/**\n/docs/**\n/shop/**\n!/account/**\n"),
		Agents:    []string{"googlebot", "bingbot"},
		FailOn:    failOn,
		Verifying: true,
		Version:   "test",
	})
	walls := 0
	for _, h := range []LogHit{
		// /blog/: verified walls for Googlebot (two statuses), a 200 too;
		// bingbot only got through; a spoofer was walled as well.
		hit("/blog/?page=2", "googlebot", accesslog.Verified, 401, 5),
		hit("/blog/", "googlebot", accesslog.Verified, 401, 1),
		hit("/blog/", "googlebot", accesslog.Verified, 403, 9),
		hit("/blog/", "googlebot", accesslog.Verified, 200, 3),
		hit("/blog/", "bingbot", accesslog.Verified, 200, 2),
		hit("/blog/", "googlebot", accesslog.Spoofed, 401, 4),
		// /docs/: only a claim without ranges for Bing: a warning.
		hit("/docs/", "bingbot", accesslog.Unverified, 403, 0),
		// /shop/: only spoofers were walled: a fake-crawler filter, no finding.
		hit("/shop/", "googlebot", accesslog.Spoofed, 403, 0),
		hit("/shop/", "googlebot", accesslog.Verified, 200, 0),
		// undeclared and walled: information.
		hit("/admin/", "googlebot", accesslog.Verified, 401, 0),
		// undeclared and open: not tracked.
		hit("/random", "googlebot", accesslog.Verified, 200, 0),
		// private: served to a crawler; served to a logged-in user is fine.
		hit("/account/me", "googlebot", accesslog.Verified, 200, 0),
		{Target: []byte("/account/other"), Agent: "googlebot", Verdict: accesslog.Verified, Status: 200, User: true},
		hit("/account/walled", "googlebot", accesslog.Verified, 401, 0),
	} {
		if a.Add(h) {
			walls++
		}
	}
	assert.Equal(t, 5, walls, "walls of real or claimed crawlers off private paths")
	rep := a.Finish(LogRun{Files: []string{"access.log"}, Lines: 20, Notes: []string{"caller's note"}})

	type got struct {
		Kind     Kind
		Severity Severity
		Path     string
		Agents   []string
		Statuses map[string]int
	}
	var gots []got
	for _, f := range rep.Findings {
		gots = append(gots, got{f.Kind, f.Severity, f.Path, f.Agents, f.Statuses})
	}
	assert.Equal(t, []got{
		{PrivateExposed, SeverityError, "/account/me", []string{"googlebot"}, map[string]int{"googlebot": 200}},
		{CrawlerBlockedInLogs, SeverityError, "/blog/", []string{"googlebot"}, map[string]int{"googlebot": 401, "bingbot": 200}},
		{CrawlerBlockedInLogs, SeverityWarning, "/docs/", []string{"bingbot"}, map[string]int{"bingbot": 403}},
		{UndeclaredBlocked, SeverityInfo, "/admin/", []string{"googlebot"}, map[string]int{"googlebot": 401}},
	}, gots)

	blog := rep.Findings[1]
	assert.Equal(t, LogHits{Verified: 4, Spoofed: 1, Statuses: map[int]int{200: 1, 401: 3, 403: 1},
		FirstSeen: t0.Add(time.Minute), LastSeen: t0.Add(9 * time.Minute)}, blog.Logs["googlebot"])
	assert.Equal(t, 1, blog.Logs["bingbot"].Verified)
	assert.Equal(t, "real crawlers were walled: googlebot walled on 3 of 4 requests (401×2 403×1), verified", blog.Message)
	assert.Equal(t, "/blog/**", blog.DeclaredBy)
	assert.Equal(t, "logs", blog.FoundVia)
	assert.True(t, blog.Failing)
	assert.True(t, rep.Failed)
	assert.False(t, rep.Findings[2].Failing, "a warning does not fail under --fail-on error")
	assert.Equal(t, "real crawlers were walled: bingbot walled on 1 of 1 request (403×1), unverified (unverified: no ranges for its search engine)", rep.Findings[2].Message)
	assert.Contains(t, rep.Findings[3].Message, "; the path is not declared")

	assert.Equal(t, []AgentInfo{{Name: "googlebot", RobotsToken: "Googlebot"}, {Name: "bingbot", RobotsToken: "bingbot"}}, rep.Agents)
	assert.Equal(t, 14, rep.Requests)
	assert.Equal(t, []string{
		"read 20 lines from 1 file: 14 crawler requests (11 verified, 2 spoofed, 1 unverified) to 7 tracked paths",
		"1 crawler request unverified: no ranges were given for their search engine, or the log holds a host name instead of an address",
		"caller's note",
		"spoofed googlebot: 2 requests from 1 address outside the published ranges (401×1 403×1); not the search engine, so no finding",
	}, rep.Notes)
}

func TestLogAuditorWithoutRanges(t *testing.T) {
	a := NewLogAuditor(LogOptions{Paths: logPaths(t, "/**\n")})
	a.Add(hit("/a", "googlebot", accesslog.Unverified, 401, 0))
	rep := a.Finish(LogRun{})
	require.Len(t, rep.Findings, 1)
	assert.Equal(t, SeverityWarning, rep.Findings[0].Severity)
	assert.Contains(t, rep.Findings[0].Message, "(claimed by the User-Agent, not verified: give --ranges)")
	assert.Contains(t, rep.Notes, "crawlers are recognised by their User-Agent alone, so every claim counts: give --ranges with the search engines' published IP ranges to tell real crawlers from spoofed ones")
}

// A wall on an undeclared path is the audit's undeclared-blocked, with
// the audit's severity whether the crawler was verified or only claimed,
// and its log hits as evidence.
func TestLogAuditorUndeclaredWall(t *testing.T) {
	for _, v := range []accesslog.Verdict{accesslog.Verified, accesslog.Unverified} {
		a := NewLogAuditor(LogOptions{Paths: logPaths(t, "/blog/**\n"), Verifying: v == accesslog.Verified})
		a.Add(hit("/admin/", "googlebot", v, 403, 0))
		rep := a.Finish(LogRun{})
		require.Len(t, rep.Findings, 1, "verdict %d", v)
		f := rep.Findings[0]
		assert.Equal(t, UndeclaredBlocked, f.Kind)
		assert.Equal(t, severityOf(UndeclaredBlocked), f.Severity)
		assert.Equal(t, SeverityInfo, f.Severity)
		assert.Equal(t, "logs", f.FoundVia)
		assert.Equal(t, map[int]int{403: 1}, f.Logs["googlebot"].Statuses)
		assert.Contains(t, f.Message, "; the path is not declared")
	}
}

// A log with more distinct paths than the bound keeps memory bounded and
// still tracks the walls, in their own reserve.
func TestLogAuditorBoundsPaths(t *testing.T) {
	a := NewLogAuditor(LogOptions{Paths: logPaths(t, "/**\n"), MaxPaths: 10, Verifying: true})
	for i := range 100 {
		a.Add(hit("/open/"+string(rune('a'+i%26))+strings.Repeat("x", i), "googlebot", accesslog.Verified, 200, 0))
	}
	for i := range 15 {
		a.Add(hit("/wall/"+strings.Repeat("y", i), "googlebot", accesslog.Verified, 401, 0))
	}
	a.Add(hit("/open/a", "googlebot", accesslog.Verified, 401, 0)) // tracked already: counted
	rep := a.Finish(LogRun{})
	assert.Equal(t, 20, rep.URLs)
	assert.Len(t, rep.Findings, 11)
	assert.Contains(t, rep.Notes, "the bound on distinct paths was reached (10, and as many again for walled paths; --max-paths): 95 crawler requests to further paths were not tracked (5 of them walls)")
}

// A path longer than MaxLogPath is not tracked, whatever room is left: a
// note counts its requests, and a wall there still counts for progress.
func TestLogAuditorLongPaths(t *testing.T) {
	a := NewLogAuditor(LogOptions{Paths: logPaths(t, "/**\n"), Verifying: true})
	longest := "/" + strings.Repeat("a", MaxLogPath-1)
	tooLong := longest + "b"
	for _, tc := range []struct {
		target string
		status int
		wall   bool
	}{
		{longest, 401, true},
		{tooLong, 401, true},
		{tooLong + "c", 200, false},
		{"/short?" + strings.Repeat("q", 3*MaxLogPath), 200, false}, // the query is cut first
	} {
		assert.Equal(t, tc.wall, a.Add(hit(tc.target, "googlebot", accesslog.Verified, tc.status, 0)), "%.20s (%d bytes)", tc.target, len(tc.target))
	}
	rep := a.Finish(LogRun{})
	assert.Equal(t, 2, rep.URLs)
	require.Equal(t, 1, len(rep.Findings), "a finding per tracked wall") // not Len: it would print 2 KiB paths
	assert.Equal(t, longest, rep.Findings[0].Path)
	assert.Contains(t, rep.Notes, "2 crawler requests to paths longer than 2048 bytes were not tracked (1 of them walls)")
	assert.NotContains(t, strings.Join(rep.Notes, "\n"), "bound on distinct paths")
}

func TestLogAuditorBaseline(t *testing.T) {
	failOn, err := ParseFailOn(nil)
	require.NoError(t, err)
	a := NewLogAuditor(LogOptions{Paths: logPaths(t, "/**\n"), FailOn: failOn, Verifying: true, Baseline: "old.json",
		Prior: []Finding{{Kind: CrawlerBlockedInLogs, URL: "/old"}, {Kind: CrawlerBlockedInLogs, URL: "/gone"}}})
	a.Add(hit("/old", "googlebot", accesslog.Verified, 401, 0))
	a.Add(hit("/new", "googlebot", accesslog.Verified, 401, 0))
	rep := a.Finish(LogRun{})
	require.Len(t, rep.Findings, 2)
	assert.True(t, rep.Findings[0].New && rep.Findings[0].Failing, "/new")
	assert.False(t, rep.Findings[1].New || rep.Findings[1].Failing, "/old")
	require.Len(t, rep.Fixed, 1)
	assert.Equal(t, "/gone", rep.Fixed[0].URL)
}

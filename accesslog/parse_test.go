package accesslog

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	googlebotUA = "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.7444.175 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
	// nginxMain is the main layout of Debian's nginx.conf plus the
	// forwarded-for field many sites add.
	nginxMain = `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"`
)

// entryText is an Entry with strings, for comparing.
type entryText struct {
	Addr, User, Time, Target, UA string
	Status                       int
}

func textOf(e Entry) entryText {
	return entryText{Addr: string(e.Addr), User: string(e.User), Time: string(e.Time), Target: string(e.Target), UA: string(e.UserAgent), Status: e.Status}
}

func TestParsers(t *testing.T) {
	for _, tc := range []struct {
		name, format, line string
		want               entryText
		problem            string // "" = parses
	}{
		{name: "combined", format: "combined",
			line: `66.249.66.1 - - [03/Dec/2026:10:00:00 +0000] "GET /blog/?page=2 HTTP/1.1" 401 12 "-" "` + googlebotUA + `"`,
			want: entryText{Addr: "66.249.66.1", Time: "03/Dec/2026:10:00:00 +0000", Target: "/blog/?page=2", Status: 401, UA: googlebotUA}},
		{name: "combined with a user and nginx's trailing field", format: "",
			line: `2001:db8::1 - editor [03/Dec/2026:10:00:00 +0100] "HEAD /a HTTP/2.0" 200 - "https://example.org/" "curl/8" "10.0.0.1"`,
			want: entryText{Addr: "2001:db8::1", User: "editor", Time: "03/Dec/2026:10:00:00 +0100", Target: "/a", Status: 200, UA: "curl/8"}},
		{name: "common", format: "common",
			line: `10.0.0.1 - - [03/Dec/2026:10:00:00 +0000] "GET / HTTP/1.0" 200 512`,
			want: entryText{Addr: "10.0.0.1", Time: "03/Dec/2026:10:00:00 +0000", Target: "/", Status: 200}},
		{name: "apache escapes quotes", format: "combined",
			line: `10.0.0.1 - - [03/Dec/2026:10:00:00 +0000] "GET /a\"b HTTP/1.1" 404 0 "-" "say \"hi\""`,
			want: entryText{Addr: "10.0.0.1", Time: "03/Dec/2026:10:00:00 +0000", Target: `/a\"b`, Status: 404, UA: `say \"hi\"`}},
		{name: "no HTTP request is no target, not malformed", format: "combined",
			line: `10.0.0.1 - - [03/Dec/2026:10:00:00 +0000] "\x16\x03\x01" 400 157 "-" "-"`,
			want: entryText{Addr: "10.0.0.1", Time: "03/Dec/2026:10:00:00 +0000", Status: 400, UA: "-"}},
		{name: "absolute-form target", format: "combined",
			line: `10.0.0.1 - - [03/Dec/2026:10:00:00 +0000] "GET http://example.org/a?b HTTP/1.1" 200 1 "-" "ua"`,
			want: entryText{Addr: "10.0.0.1", Time: "03/Dec/2026:10:00:00 +0000", Target: "/a?b", Status: 200, UA: "ua"}},
		{name: "absolute-form target without a path", format: "combined",
			line: `10.0.0.1 - - [03/Dec/2026:10:00:00 +0000] "GET https://example.org HTTP/1.1" 200 1 "-" "ua"`,
			want: entryText{Addr: "10.0.0.1", Time: "03/Dec/2026:10:00:00 +0000", Target: "/", Status: 200, UA: "ua"}},
		{name: "combined: bad status", format: "combined",
			line: `10.0.0.1 - - [03/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" OK 0 "-" "-"`, problem: `status "OK" is not a three-digit HTTP status`},
		{name: "combined: status beyond HTTP's", format: "combined",
			line: `10.0.0.1 - - [03/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 600 0 "-" "-"`, problem: `status "600" is not a three-digit HTTP status (100 to 599)`},
		{name: "json: status beyond HTTP's", format: "json", line: `{"remote_addr":"1.2.3.4","status":999}`, problem: `status "999" is not`},
		{name: "combined: unclosed request", format: "combined",
			line: `10.0.0.1 - - [03/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1 200 0`, problem: `request has no closing "`},
		{name: "combined: no time", format: "combined", line: `10.0.0.1 - - "GET / HTTP/1.1" 200 0`, problem: "no [time] after the user"},
		{name: "combined: garbage", format: "combined", line: `hello`, problem: "no client address field"},
		{name: "nginx log_format", format: nginxMain,
			line: `127.0.0.1 - - [03/Dec/2026:10:00:00 +0000] "GET /docs/ HTTP/1.1" 403 5 "-" "` + googlebotUA + `" "66.249.66.1"`,
			want: entryText{Addr: "127.0.0.1", Time: "03/Dec/2026:10:00:00 +0000", Target: "/docs/", Status: 403, UA: googlebotUA}},
		{name: "nginx log_format, ISO time and request_uri first", format: `$time_iso8601|$status|$request_uri|$remote_addr|$http_user_agent`,
			line: `2026-12-03T10:00:00+00:00|401|/x?y=1|2001:db8::2|Googlebot/2.1`,
			want: entryText{Addr: "2001:db8::2", Time: "2026-12-03T10:00:00+00:00", Target: "/x?y=1", Status: 401, UA: "Googlebot/2.1"}},
		{name: "nginx log_format: literal differs", format: nginxMain,
			line: `127.0.0.1 - - 03/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "-" "-"`, problem: `$remote_user: no " [" after it`},
		{name: "json nginx style", format: "json",
			line: `{"time_iso8601":"2026-12-03T10:00:00+00:00","remote_addr":"66.249.66.1","request":"GET /p HTTP/1.1","status":"401","http_user_agent":"Googlebot/2.1","remote_user":""}`,
			want: entryText{Addr: "66.249.66.1", Time: "2026-12-03T10:00:00+00:00", Target: "/p", Status: 401, UA: "Googlebot/2.1"}},
		{name: "json caddy", format: "json",
			line: `{"level":"info","ts":1764756000.5,"request":{"remote_ip":"127.0.0.1","client_ip":"66.249.66.1","method":"GET","uri":"/c","headers":{"User-Agent":["Googlebot/2.1"]}},"status":403}`,
			want: entryText{Addr: "66.249.66.1", Time: "1764756000.5", Target: "/c", Status: 403, UA: "Googlebot/2.1"}},
		{name: "json: not JSON", format: "json", line: `{"status":`, problem: "not JSON"},
		{name: "json: no status", format: "json", line: `{"remote_addr":"1.2.3.4"}`, problem: "no status field"},
		{name: "json: an array", format: "json", line: `[1]`, problem: "not a JSON object of log fields"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewParser(tc.format)
			require.NoError(t, err)
			var e Entry
			err = p.Parse([]byte(tc.line), &e)
			if tc.problem != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.problem)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, textOf(e))
		})
	}
}

func TestCompileNginxFormat(t *testing.T) {
	for _, tc := range []struct{ format, problem string }{
		{nginxMain, ""},
		{`${remote_addr} "$request" $status "$http_user_agent"`, ""},
		{`$remote_addr $request_uri $status$http_user_agent`, "$http_user_agent follows $status with nothing between them"},
		{`$remote_addr "$request" $status`, "lacks $http_user_agent"},
		{`$time_local "$request"`, "lacks $remote_addr, $status, $http_user_agent"},
		{`$remote_addr $ "$request" $status "$http_user_agent"`, "$ without a variable name"},
		{`${} $remote_addr`, "$ without a variable name"},
	} {
		_, err := CompileNginxFormat(tc.format)
		if tc.problem == "" {
			assert.NoError(t, err, tc.format)
			continue
		}
		if assert.Error(t, err, tc.format) {
			assert.Contains(t, err.Error(), tc.problem)
		}
	}
	_, err := NewParser("apache")
	assert.ErrorContains(t, err, "want combined, common, json or an nginx log_format string")
}

func TestParseTime(t *testing.T) {
	for in, want := range map[string]string{
		"03/Dec/2026:10:00:00 +0100": "2026-12-03T09:00:00Z",
		"03/Dec/2026:10:00:00 -0030": "2026-12-03T10:30:00Z",
		"2026-12-03T10:00:00+00:00":  "2026-12-03T10:00:00Z",
		"2026-12-03T10:00:00.25Z":    "2026-12-03T10:00:00.25Z",
		"1764756000.5":               "2025-12-03T10:00:00.5Z",
	} {
		got, err := ParseTime([]byte(in))
		if assert.NoError(t, err, in) {
			assert.Equal(t, want, got.UTC().Format("2006-01-02T15:04:05.999Z07:00"), in)
		}
	}
	for _, bad := range []string{"", "03/Foo/2026:10:00:00 +0000", "32/Dec/2026:10:00:00 +0000", "yesterday", "-5", "1e300"} {
		_, err := ParseTime([]byte(bad))
		assert.Error(t, err, bad)
	}
}

func BenchmarkParseCombined(b *testing.B) {
	line := []byte(`66.249.66.1 - - [03/Dec/2026:10:00:00 +0000] "GET /blog/post-17?ref=99 HTTP/1.1" 200 5120 "https://example.org/" "` + googlebotUA + `"`)
	var e Entry
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		if err := (combined{}).Parse(line, &e); err != nil {
			b.Fatal(err)
		}
		IdentifyCrawler(e.UserAgent)
	}
}

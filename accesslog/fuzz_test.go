package accesslog

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkEntry holds what every parser promises of a line it accepts: the
// fields are parts of the line, and the status is an HTTP status.
func checkEntry(t *testing.T, line []byte, e Entry) {
	if e.Status < 100 || e.Status > 999 {
		t.Fatalf("status %d from %q", e.Status, line)
	}
	_ = utf8.Valid(e.UserAgent)
	IdentifyCrawler(e.UserAgent)
	_, _ = ParseTime(e.Time)
	_, _ = parseAddr(e.Addr)
}

func FuzzCombined(f *testing.F) {
	f.Add(`66.249.66.1 - - [03/Dec/2026:10:00:00 +0000] "GET /blog/ HTTP/1.1" 401 12 "-" "` + googlebotUA + `"`)
	f.Add(`10.0.0.1 - u [03/Dec/2026:10:00:00 +0000] "GET /a\"b HTTP/1.1" 404 0 "-" "x\\"`)
	f.Add(`10.0.0.1 - - [03/Dec/2026:10:00:00 +0000] "GET / HTTP/1.0" 200 512`)
	f.Fuzz(func(t *testing.T, line string) {
		var e Entry
		if (combined{}).Parse([]byte(line), &e) == nil {
			checkEntry(t, []byte(line), e)
			if !strings.Contains(line, string(e.Addr)) || !strings.Contains(line, string(e.Target)) {
				t.Fatalf("fields not from the line %q", line)
			}
		}
	})
}

func FuzzNginxFormat(f *testing.F) {
	f.Add(nginxMain, `127.0.0.1 - - [03/Dec/2026:10:00:00 +0000] "GET /docs/ HTTP/1.1" 403 5 "-" "`+googlebotUA+`" "66.249.66.1"`)
	f.Add(`$time_iso8601|$status|$request_uri|$remote_addr|$http_user_agent`, `2026-12-03T10:00:00+00:00|401|/x?y=1|2001:db8::2|Googlebot/2.1`)
	f.Add(`${remote_addr} "$request" $status "$http_user_agent"$`, `1.2.3.4 "GET / HTTP/1.1" 200 "a"$`)
	f.Fuzz(func(t *testing.T, format, line string) {
		p, err := CompileNginxFormat(format)
		if err != nil {
			return
		}
		var e Entry
		if p.Parse([]byte(line), &e) == nil {
			checkEntry(t, []byte(line), e)
			if !bytes.Contains([]byte(line), e.Addr) {
				t.Fatalf("address %q not from the line %q", e.Addr, line)
			}
		}
	})
}

func FuzzJSONLines(f *testing.F) {
	f.Add(`{"time_iso8601":"2026-12-03T10:00:00+00:00","remote_addr":"66.249.66.1","request":"GET /p HTTP/1.1","status":"401","http_user_agent":"Googlebot/2.1"}`)
	f.Add(`{"ts":1764756000.5,"request":{"client_ip":"66.249.66.1","uri":"/c","headers":{"User-Agent":["Googlebot/2.1"]}},"status":403}`)
	f.Add(`{"status":200,"ip":"::1","uri":null}`)
	f.Fuzz(func(t *testing.T, line string) {
		var e Entry
		if (jsonLines{}).Parse([]byte(line), &e) == nil {
			checkEntry(t, []byte(line), e)
		}
	})
}

func FuzzParseRanges(f *testing.F) {
	f.Add(googleRanges)
	f.Add(`{"prefixes":[{"ipv4Prefix":"0.0.0.0/0"},{"ipv6Prefix":"::/0"}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		r, err := ParseRanges(strings.NewReader(in), "f.json")
		if err != nil {
			return
		}
		v := &Verifier{}
		v.Add("", r)
		v.Verify(Crawler{Engine: "google"}, []byte("66.249.66.1"))
		v.Verify(Crawler{Engine: "bing"}, []byte("2001:db8::1"))
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"03/Dec/2026:10:00:00 +0100", "2026-12-03T10:00:00Z", "1764756000.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { _, _ = ParseTime([]byte(s)) })
}

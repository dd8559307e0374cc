package accesslog

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// checkEntry holds what every parser promises of a line it accepts: an
// HTTP status and an address, never nginx's "-" for a user, a crawler
// only where its token is, addresses and times that read back as they
// were read, and nothing left over from the line before.
func checkEntry(t *testing.T, p Parser, line []byte, e Entry) {
	t.Helper()
	if e.Status < 100 || e.Status > 599 {
		t.Fatalf("status %d from %q", e.Status, line)
	}
	if len(e.Addr) == 0 {
		t.Fatalf("no address from %q", line)
	}
	if string(e.User) == "-" {
		t.Fatalf("user - (none) kept from %q", line)
	}
	if c, ok := IdentifyCrawler(e.UserAgent); ok {
		if !strings.Contains(strings.ToLower(string(e.UserAgent)), strings.ToLower(c.Token)) {
			t.Fatalf("crawler %s without its token in %q", c.Token, e.UserAgent)
		}
		if !slices.Contains(CrawlerNames(), c.Name) || !slices.Contains(Engines(), c.Engine) {
			t.Fatalf("unknown crawler %+v from %q", c, e.UserAgent)
		}
	}
	if a, ok := parseAddr(e.Addr); ok && (!a.IsValid() || a.Zone() != "" || a.Is4In6()) {
		t.Fatalf("address %q read as %v", e.Addr, a)
	}
	checkTime(t, e.Time)
	// Read reuses one Entry for every line: a field the line lacks must
	// not keep the previous line's value.
	stale := Entry{Addr: []byte("stale"), User: []byte("stale"), Time: []byte("stale"), Target: []byte("/stale"), Status: 999, UserAgent: []byte("stale")}
	if err := p.Parse(line, &stale); err != nil || textOf(stale) != textOf(e) {
		t.Fatalf("parse over a used entry: %+v, %v; want %+v", textOf(stale), err, textOf(e))
	}
}

// checkFromLine holds for parsers whose fields alias the line: each is
// part of it, the status as written.
func checkFromLine(t *testing.T, line []byte, e Entry) {
	t.Helper()
	for name, v := range map[string][]byte{"address": e.Addr, "user": e.User, "time": e.Time, "target": e.Target, "User-Agent": e.UserAgent} {
		if !bytes.Contains(line, v) {
			t.Fatalf("%s %q not from the line %q", name, v, line)
		}
	}
	if !bytes.Contains(line, []byte(strconv.Itoa(e.Status))) {
		t.Fatalf("status %d not in the line %q", e.Status, line)
	}
}

// checkTime: a time that reads reads back the same from RFC 3339.
func checkTime(t *testing.T, b []byte) {
	t.Helper()
	at, err := ParseTime(b)
	if err != nil {
		return
	}
	back, err := ParseTime([]byte(at.Format(time.RFC3339Nano)))
	if err != nil || !back.Equal(at) {
		t.Fatalf("time %q read as %v, which reads back as %v, %v", b, at, back, err)
	}
}

func FuzzCombined(f *testing.F) {
	f.Add(`66.249.66.1 - - [03/Dec/2026:10:00:00 +0000] "GET /blog/ HTTP/1.1" 401 12 "-" "` + googlebotUA + `"`)
	f.Add(`10.0.0.1 - u [03/Dec/2026:10:00:00 +0000] "GET /a\"b HTTP/1.1" 404 0 "-" "x\\"`)
	f.Add(`10.0.0.1 - - [03/Dec/2026:10:00:00 +0000] "GET / HTTP/1.0" 200 512`)
	f.Add(`10.0.0.1 - - [03/Dec/2026:10:00:00 +0000] "GET http://example.org HTTP/1.1" 999 0 "-" "bingbot"`)
	f.Fuzz(func(t *testing.T, line string) {
		var e Entry
		if (combined{}).Parse([]byte(line), &e) != nil {
			return
		}
		checkEntry(t, combined{}, []byte(line), e)
		checkFromLine(t, []byte(line), e)
		if e.Target != nil && e.Target[0] != '/' {
			t.Fatalf("target %q is no path, from %q", e.Target, line)
		}
		if bytes.ContainsRune(e.Addr, ' ') || bytes.ContainsRune(e.Time, ']') {
			t.Fatalf("field past its end: address %q, time %q, from %q", e.Addr, e.Time, line)
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
		if p.Parse([]byte(line), &e) != nil {
			return
		}
		checkEntry(t, p, []byte(line), e)
		checkFromLine(t, []byte(line), e)
		for name, v := range map[string][]byte{"address": e.Addr, "time": e.Time, "User-Agent": e.UserAgent} {
			if string(v) == "-" {
				t.Fatalf("%s - (none) kept from %q", name, line)
			}
		}
	})
}

func FuzzJSONLines(f *testing.F) {
	f.Add(`{"time_iso8601":"2026-12-03T10:00:00+00:00","remote_addr":"66.249.66.1","request":"GET /p HTTP/1.1","status":"401","http_user_agent":"Googlebot/2.1"}`)
	f.Add(`{"ts":1764756000.5,"request":{"client_ip":"66.249.66.1","uri":"/c","headers":{"User-Agent":["Googlebot/2.1"]}},"status":403}`)
	f.Add(`{"status":200,"ip":"::1","uri":null}`)
	f.Add(`{"status":"2\u0030\u0030","remote_addr":"\u0031.2.3.4","user":"-"}`)
	f.Fuzz(func(t *testing.T, line string) {
		var e Entry
		if (jsonLines{}).Parse([]byte(line), &e) != nil {
			return
		}
		if !json.Valid([]byte(line)) {
			t.Fatalf("accepted a line that is not JSON: %q", line)
		}
		checkEntry(t, jsonLines{}, []byte(line), e)
		// Without escapes and invalid UTF-8 (which decodes to U+FFFD),
		// every value is as written.
		if !strings.Contains(line, `\`) && utf8.ValidString(line) {
			checkFromLine(t, []byte(line), e)
		}
	})
}

func FuzzParseRanges(f *testing.F) {
	f.Add(googleRanges)
	f.Add(`{"prefixes":[{"ipv4Prefix":"0.0.0.0/0"},{"ipv6Prefix":"::/0"}]}`)
	f.Add(`{"prefixes":[{"ipv4Prefix":"66.249.66.1/32"},{"ipv6Prefix":"2001:db8::1/128"},{"ipv6Prefix":"::ffff:66.249.64.0/115"}]}`)
	f.Add(`{"prefixes":[{"ipv4Prefix":"66.249.64.0/19"},{"ipv4Prefix":"66.249.64.1/19"},{"ipv6Prefix":"2001:4860:4801:10::/64"}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		r, err := ParseRanges(strings.NewReader(in), "f.json")
		if err != nil {
			return
		}
		v := &Verifier{}
		v.Add("google", r)
		n := 0
		for _, set := range r.byBits {
			for p := range set {
				n++
				if p != p.Masked() || !r.Contains(p.Addr()) {
					t.Fatalf("prefix %v kept unmasked or not containing its own address, from %q", p, in)
				}
				if got := v.Verify(Crawler{Engine: "google"}, []byte(p.Addr().String())); got != Verified {
					t.Fatalf("%v, inside %v, verifies as %v", p.Addr(), p, got)
				}
				if got := v.Verify(Crawler{Engine: "bing"}, []byte(p.Addr().String())); got != Unverified {
					t.Fatalf("bing with google's ranges only: %v", got)
				}
			}
		}
		if n != r.Len() {
			t.Fatalf("Len %d, %d prefixes kept", r.Len(), n)
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"03/Dec/2026:10:00:00 +0100", "2026-12-03T10:00:00Z", "1764756000.5", "2026-12-03T10:00:00.123456789-23:59"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkTime(t, []byte(s))
		if at, err := ParseTime([]byte(s)); err == nil && len(s) == 26 && s[2] == '/' && at.Location() != time.UTC {
			t.Fatalf("a log time %q not in UTC: %v", s, at)
		}
	})
}

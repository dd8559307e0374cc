package robots

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/temoto/robotstxt"
)

// temotoAlone is what temoto/robotstxt v1.1.2 answers when it reads the file
// as it is: "parse error", "allowed" or "disallowed".
func temotoAlone(body, token, path string) string {
	data, err := robotstxt.FromString(body)
	switch {
	case err != nil:
		return "parse error"
	case data.TestAgent(path, token):
		return "allowed"
	}
	return "disallowed"
}

func verdictWord(v Verdict) string {
	if v.Allowed {
		return "allowed"
	}
	return "disallowed"
}

// TestTemotoDepartures covers each known input on which temoto/robotstxt,
// reading a file alone, departs from Google's open-source parser (the reason
// this package matches rules itself): our verdict and deciding line follow
// Google's, and the temoto column records what temoto alone answers on the
// same input, so each case is known to exercise a real departure.
func TestTemotoDepartures(t *testing.T) {
	longRule := "/x/" + strings.Repeat("a", 17000)
	// The line keeps its first 16,663 bytes: "Disallow: " and 16,653 of the
	// pattern's.
	longPath := longRule[:maxLineLen-1-len("Disallow: ")] + "zzz"
	late := "User-agent: *\nDisallow: /early\n" + strings.Repeat("# padding\n", MaxSize/10) + "Disallow: /late\n"

	tests := []struct {
		name   string
		body   string
		token  string
		path   string
		want   Verdict
		temoto string
	}{
		{
			name: "rule before the first User-agent is ignored, the rest applies",
			body: "Disallow: /a\nUser-agent: *\nDisallow: /b\n", token: "Googlebot", path: "/b",
			want: Verdict{Allowed: false, Line: 3, Rule: "Disallow: /b"}, temoto: "parse error",
		},
		{
			name: "rule before the first User-agent is not a rule",
			body: "Disallow: /a\nUser-agent: *\nDisallow: /b\n", token: "Googlebot", path: "/a",
			want: Verdict{Allowed: true}, temoto: "parse error",
		},
		{
			name: "Crawl-delay with a unit does not kill the file",
			body: "User-agent: *\nCrawl-delay: 1s\nDisallow: /b\n", token: "bingbot", path: "/b/c",
			want: Verdict{Allowed: false, Line: 3, Rule: "Disallow: /b"}, temoto: "parse error",
		},
		{
			name: "partial byte order mark is dropped",
			body: "\xEF\xBBUser-agent: *\nDisallow: /b\n", token: "Googlebot", path: "/b",
			want: Verdict{Allowed: false, Line: 2, Rule: "Disallow: /b"}, temoto: "parse error",
		},
		{
			name: "Allow wins a tie of equal length, whatever the order",
			body: "User-agent: *\nDisallow: /page\nAllow: /page\n", token: "Googlebot", path: "/page",
			want: Verdict{Allowed: true, Line: 3, Rule: "Allow: /page"}, temoto: "disallowed",
		},
		{
			name: "wildcard rule measured by its pattern, not its regexp",
			body: "User-agent: *\nAllow: /page.h\nDisallow: /*.htm\n", token: "Googlebot", path: "/page.htm",
			want: Verdict{Allowed: true, Line: 2, Rule: "Allow: /page.h"}, temoto: "disallowed",
		},
		{
			name: "non-ASCII rule is percent-encoded before comparing",
			body: "User-agent: *\nDisallow: /café/\n", token: "Googlebot", path: "/caf%C3%A9/menu",
			want: Verdict{Allowed: false, Line: 2, Rule: "Disallow: /café/"}, temoto: "allowed",
		},
		{
			name: "lower-case escape in a rule is upper-cased",
			body: "User-agent: *\nDisallow: /caf%c3%a9/\n", token: "Googlebot", path: "/caf%C3%A9/",
			want: Verdict{Allowed: false, Line: 2, Rule: "Disallow: /caf%c3%a9/"}, temoto: "allowed",
		},
		{
			name: "# in the middle of a rule starts a comment",
			body: "User-agent: *\nDisallow: /a#b\n", token: "Googlebot", path: "/a",
			want: Verdict{Allowed: false, Line: 2, Rule: "Disallow: /a"}, temoto: "allowed",
		},
		{
			name: "group Google does not capture Googlebot",
			body: "User-agent: Google\nDisallow: /\n", token: "Googlebot", path: "/x",
			want: Verdict{Allowed: true}, temoto: "disallowed",
		},
		{
			name: "group Googlebot does not capture Googlebot-Image",
			body: "User-agent: Googlebot\nDisallow: /\n", token: "Googlebot-Image", path: "/x",
			want: Verdict{Allowed: true}, temoto: "disallowed",
		},
		{
			name: "group value cut at the first non-token character",
			body: "User-agent: Googlebot/2.1\nDisallow: /\n", token: "Googlebot", path: "/x",
			want: Verdict{Allowed: false, Line: 2, Rule: "Disallow: /"}, temoto: "allowed",
		},
		{
			name: "index.html at the end of an Allow also allows its folder",
			body: "User-agent: *\nAllow: /folder/index.html\nDisallow: /\n", token: "Googlebot", path: "/folder/",
			want: Verdict{Allowed: true, Line: 2, Rule: "Allow: /folder/index.html"}, temoto: "disallowed",
		},
		{
			name: "line cut by the 16,664-byte line buffer (terminator included)",
			body: "User-agent: *\nDisallow: " + longRule + "\n", token: "Googlebot", path: longPath,
			want: Verdict{Allowed: false, Line: 2, Rule: "Disallow: " + longRule[:maxLineLen-1-len("Disallow: ")]}, temoto: "allowed",
		},
		{
			name: "content after 500 KiB is ignored",
			body: late, token: "Googlebot", path: "/late",
			want: Verdict{Allowed: true}, temoto: "disallowed",
		},
		{
			name: "content before 500 KiB applies",
			body: late, token: "Googlebot", path: "/early",
			want: Verdict{Allowed: false, Line: 2, Rule: "Disallow: /early"}, temoto: "disallowed",
		},
		{
			name: "misspelt Disallow is accepted",
			body: "User-agent: *\nDissallow: /x\n", token: "Googlebot", path: "/x",
			want: Verdict{Allowed: false, Line: 2, Rule: "Dissallow: /x"}, temoto: "allowed",
		},
		{
			name: "User agent with a space is accepted",
			body: "User agent: Googlebot\nDisallow: /x\n", token: "Googlebot", path: "/x",
			want: Verdict{Allowed: false, Line: 2, Rule: "Disallow: /x"}, temoto: "parse error",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse([]byte(tt.body)).Test(tt.token, tt.path)
			assert.Equal(t, tt.want, got)
			alone := temotoAlone(tt.body, tt.token, tt.path)
			assert.Equal(t, tt.temoto, alone, "temoto alone")
			if !strings.HasPrefix(tt.name, "content before") {
				assert.NotEqual(t, verdictWord(tt.want), alone, "the case must exercise a departure")
			}
		})
	}
}

// TestQueryAsRequested pins the query-string row: the query is matched as
// requested. Re-sorting it, as colly does before asking temoto, changes the
// verdict.
func TestQueryAsRequested(t *testing.T) {
	f := Parse([]byte("User-agent: *\nDisallow: /search?b=\nAllow: /search?a=1&b=2$\n"))
	tests := []struct {
		path string
		want Verdict
	}{
		{"/search?b=2&a=1", Verdict{Allowed: false, Line: 2, Rule: "Disallow: /search?b="}},
		{"/search?a=1&b=2", Verdict{Allowed: true, Line: 3, Rule: "Allow: /search?a=1&b=2$"}},
		{"https://example.com/search?b=2&a=1#top", Verdict{Allowed: false, Line: 2, Rule: "Disallow: /search?b="}},
		{"/search?b%3D=1", Verdict{Allowed: true}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			assert.Equal(t, tt.want, f.Test("Googlebot", tt.path))
		})
	}
}

// TestTemotoStatusTable pins the status departure: temoto calls every 4xx
// allow-all (429 too) and a 3xx an error; StateForStatus does not.
func TestTemotoStatusTable(t *testing.T) {
	_, err := robotstxt.FromStatusAndBytes(301, nil)
	require.Error(t, err)
	assert.Equal(t, StateAllowAll, StateForStatus(301))

	data, err := robotstxt.FromStatusAndBytes(429, nil)
	require.NoError(t, err)
	assert.True(t, data.TestAgent("/", "Googlebot"))
	assert.Equal(t, StateDisallowAll, StateForStatus(429))
}

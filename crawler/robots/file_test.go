package robots

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type check struct {
	token, path string
	want        Verdict
}

func runChecks(t *testing.T, body string, checks []check) {
	t.Helper()
	f := Parse([]byte(body))
	for _, c := range checks {
		assert.Equal(t, c.want, f.Test(c.token, c.path), "token %q path %q", c.token, c.path)
	}
}

func allowedBy(line int, rule string) Verdict { return Verdict{Allowed: true, Line: line, Rule: rule} }
func disallowedBy(line int, rule string) Verdict {
	return Verdict{Allowed: false, Line: line, Rule: rule}
}

var noRule = Verdict{Allowed: true}

func TestGroupSelection(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		checks []check
	}{
		{
			name: "token compared whole and case-insensitively",
			body: "User-agent: Googlebot-Image\nDisallow: /\n\nUser-agent: GOOGLEBOT\nDisallow: /g/\n\nUser-agent: *\nDisallow: /private/\n",
			checks: []check{
				{"Googlebot", "/img.png", noRule},
				{"Googlebot", "/g/x", disallowedBy(5, "Disallow: /g/")},
				{"Googlebot", "/private/x", noRule}, // a named group replaces * entirely
				{"googlebot-image", "/img.png", disallowedBy(2, "Disallow: /")},
				{"Googlebot-Video", "/private/x", disallowedBy(8, "Disallow: /private/")},
			},
		},
		{
			name: "groups naming the same token merge",
			body: "User-agent: bingbot\nDisallow: /a\n\nUser-agent: Googlebot\nDisallow: /b\n\nUser-agent: BingBot\nDisallow: /c\nAllow: /a/open\n",
			checks: []check{
				{"bingbot", "/a", disallowedBy(2, "Disallow: /a")},
				{"bingbot", "/c", disallowedBy(8, "Disallow: /c")},
				{"bingbot", "/a/open", allowedBy(9, "Allow: /a/open")},
				{"bingbot", "/b", noRule},
			},
		},
		{
			name: "* applies only when no group names the token",
			body: "User-agent: *\nDisallow: /\n\nUser-agent: bingbot\nAllow: /\n",
			checks: []check{
				{"bingbot", "/x", allowedBy(5, "Allow: /")},
				{"Googlebot", "/x", disallowedBy(2, "Disallow: /")},
			},
		},
		{
			name: "a named group with only an empty Disallow still replaces *",
			body: "User-agent: Googlebot\nDisallow:\n\nUser-agent: *\nDisallow: /\n",
			checks: []check{
				{"Googlebot", "/x", noRule},
				{"bingbot", "/x", disallowedBy(5, "Disallow: /")},
			},
		},
		{
			name: "consecutive User-agent lines share one group; blank lines and other keys do not end it",
			body: "User-agent: a\n\nUser-agent: bingbot\nCrawl-delay: 2\nSitemap: https://example.com/s.xml\nUser-agent: Googlebot\nDisallow: /x\n",
			checks: []check{
				{"bingbot", "/x", disallowedBy(7, "Disallow: /x")},
				{"Googlebot", "/x/y", disallowedBy(7, "Disallow: /x")},
				{"a", "/x", disallowedBy(7, "Disallow: /x")},
				{"b", "/x", noRule},
			},
		},
		{
			name: "a User-agent line after a rule starts a new group",
			body: "User-agent: Googlebot\nDisallow: /a\nUser-agent: bingbot\nDisallow: /b\n",
			checks: []check{
				{"Googlebot", "/b", noRule},
				{"bingbot", "/a", noRule},
				{"bingbot", "/b", disallowedBy(4, "Disallow: /b")},
			},
		},
		{
			name: "group value cut at a space or a non-token character",
			body: "User-agent: Googlebot News\nDisallow: /news/\n\nUser-agent: bingbot/2.0\nDisallow: /b/\n",
			checks: []check{
				{"Googlebot", "/news/1", disallowedBy(2, "Disallow: /news/")},
				{"Googlebot News", "/news/1", noRule}, // a token with a space is not cut
				{"bingbot", "/b/", disallowedBy(5, "Disallow: /b/")},
			},
		},
		{
			name: "* with text after a space is global; *bot is not",
			body: "User-agent: *bot\nDisallow: /a\n\nUser-agent: * everyone\nDisallow: /b\n",
			checks: []check{
				{"Googlebot", "/a", noRule},
				{"Googlebot", "/b", disallowedBy(5, "Disallow: /b")},
			},
		},
		{
			name: "no group and no *: everything allowed",
			body: "User-agent: bingbot\nDisallow: /\n",
			checks: []check{
				{"Googlebot", "/", noRule},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runChecks(t, tt.body, tt.checks) })
	}
}

func TestRulePrecedence(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		checks []check
	}{
		{
			name: "longest pattern wins, in either order",
			body: "User-agent: *\nDisallow: /shop/\nAllow: /shop/public/\nDisallow: /shop/public/drafts/\n",
			checks: []check{
				{"Googlebot", "/shop/cart", disallowedBy(2, "Disallow: /shop/")},
				{"Googlebot", "/shop/public/a", allowedBy(3, "Allow: /shop/public/")},
				{"Googlebot", "/shop/public/drafts/1", disallowedBy(4, "Disallow: /shop/public/drafts/")},
				{"Googlebot", "/shopping", noRule},
			},
		},
		{
			name: "tie: Allow wins; among equals of one kind the first line decides",
			body: "User-agent: *\nDisallow: /a*\nDisallow: /*a\nAllow: /*a\nAllow: /a*\n",
			checks: []check{
				{"Googlebot", "/a", allowedBy(4, "Allow: /*a")},
			},
		},
		{
			name: "wildcards: * any run, $ end, $ elsewhere literal",
			body: "User-agent: *\nDisallow: /*.pdf$\nDisallow: /*/edit\nDisallow: /a$b\nAllow: /*?\n",
			checks: []check{
				{"Googlebot", "/docs/x.pdf", disallowedBy(2, "Disallow: /*.pdf$")},
				{"Googlebot", "/docs/x.pdf?dl=1", allowedBy(5, "Allow: /*?")},
				{"Googlebot", "/docs/x.pdfx", noRule},
				{"Googlebot", "/page/1/edit", disallowedBy(3, "Disallow: /*/edit")},
				{"Googlebot", "/a$b", disallowedBy(4, "Disallow: /a$b")},
				{"Googlebot", "/a", noRule},
			},
		},
		{
			name: "a wildcard pattern is as long as it is written",
			body: "User-agent: *\nDisallow: /*/*/*/x\nAllow: /a/b/c/\n",
			checks: []check{
				// 8 octets against 7: the wildcard rule is more specific.
				{"Googlebot", "/a/b/c/x", disallowedBy(2, "Disallow: /*/*/*/x")},
			},
		},
		{
			name: "empty Disallow and empty Allow match nothing",
			body: "User-agent: *\nDisallow:\nAllow:\nDisallow: /x\n",
			checks: []check{
				{"Googlebot", "/", noRule},
				{"Googlebot", "/x", disallowedBy(4, "Disallow: /x")},
			},
		},
		{
			name: "/robots.txt is always allowed",
			body: "User-agent: *\nDisallow: /\nDisallow: /robots.txt\n",
			checks: []check{
				{"Googlebot", "/robots.txt", noRule},
				{"Googlebot", "https://example.com/robots.txt", noRule},
				{"Googlebot", "/robots.txt?x=1", noRule},
				{"Googlebot", "/robots.txt.bak", disallowedBy(3, "Disallow: /robots.txt")},
			},
		},
		{
			name: "rules are case-sensitive",
			body: "User-agent: *\nDisallow: /Admin\n",
			checks: []check{
				{"Googlebot", "/admin", noRule},
				{"Googlebot", "/Admin/x", disallowedBy(2, "Disallow: /Admin")},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runChecks(t, tt.body, tt.checks) })
	}
}

func TestNormalisation(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		checks []check
	}{
		{"full BOM", "\xEF\xBB\xBFUser-agent: *\nDisallow: /x\n", []check{{"a", "/x", disallowedBy(2, "Disallow: /x")}}},
		{"one byte of a BOM", "\xEFUser-agent: *\nDisallow: /x\n", []check{{"a", "/x", disallowedBy(2, "Disallow: /x")}}},
		{"broken BOM spoils the first line only", "\xEF\x11\xBFUser-agent: *\nDisallow: /x\nUser-agent: b\nDisallow: /y\n", []check{
			{"a", "/x", noRule},
			{"b", "/y", disallowedBy(4, "Disallow: /y")},
		}},
		{"BOM inside the file is not skipped", "User-agent: *\n\xEF\xBB\xBFDisallow: /x\nDisallow: /y\n", []check{
			{"a", "/x", noRule},
			{"a", "/y", disallowedBy(3, "Disallow: /y")},
		}},
		{"comments anywhere", "# hello\nUser-agent: * # all\nDisallow: /x # not /y\n#Disallow: /z\n", []check{
			{"a", "/x", disallowedBy(3, "Disallow: /x")},
			{"a", "/z", noRule},
		}},
		{"CRLF", "User-agent: *\r\nAllow: /a\r\n\r\nDisallow: /\r\n", []check{{"a", "/b", disallowedBy(4, "Disallow: /")}}},
		{"CR", "User-agent: *\rAllow: /a\r\rDisallow: /\r", []check{{"a", "/b", disallowedBy(4, "Disallow: /")}}},
		{"mixed line ends, no final newline", "User-agent: *\nAllow: /a\r\n\r\n\rDisallow: /", []check{
			{"a", "/b", disallowedBy(5, "Disallow: /")},
			{"a", "/a", allowedBy(2, "Allow: /a")},
		}},
		{"LF CR is two line ends", "User-agent: *\n\rDisallow: /", []check{{"a", "/b", disallowedBy(3, "Disallow: /")}}},
		{"keys are case-insensitive and accept common typos", "USERAGENT: a\nDISALOW: /1\nuser agent: b\ndisallaw: /2\nUser-Agent: c\ndiasllow: /3\nuser-agents: d\ndissalow: /4\nAllowed: /4/ok\n", []check{
			{"a", "/1", disallowedBy(2, "DISALOW: /1")},
			{"b", "/2", disallowedBy(4, "disallaw: /2")},
			{"c", "/3", disallowedBy(6, "diasllow: /3")},
			{"d", "/4", disallowedBy(8, "dissalow: /4")},
			{"d", "/4/ok", allowedBy(9, "Allowed: /4/ok")},
		}},
		{"colon may be missing when the line has two words", "User-agent *\nDisallow /x\nDisallow /y z\n", []check{
			{"a", "/x", disallowedBy(2, "Disallow /x")},
			{"a", "/y", noRule},
		}},
		{"whitespace around the key and value", "  User-agent \t:\t *  \n\tDisallow :  /x  \n", []check{{"a", "/x/1", disallowedBy(2, "Disallow :  /x")}}},
		{"non-ASCII rule matches its escaped request", "User-agent: *\nDisallow: /café/\nAllow: /%e3%83%84\n", []check{
			{"a", "/caf%C3%A9/", disallowedBy(2, "Disallow: /café/")},
			{"a", "/caf%c3%a9/", disallowedBy(2, "Disallow: /café/")}, // escapes are normalised on both sides
			{"a", "/café/", noRule},                                   // raw octets in the request are compared as sent
			{"a", "/%E3%83%84", allowedBy(3, "Allow: /%e3%83%84")},
		}},
		{"escaped unreserved characters are not decoded", "User-agent: *\nDisallow: /%7Euser\n", []check{
			{"a", "/~user", noRule},
			{"a", "/%7euser", disallowedBy(2, "Disallow: /%7Euser")},
		}},
		{"bad Crawl-delay is ignored", "User-agent: *\nCrawl-delay: 1s\nCrawl-delay: -1\nCrawl-delay: NaN\nDisallow: /x\n", []check{{"a", "/x", disallowedBy(5, "Disallow: /x")}}},
		{"index.html and index.htm also mean the folder, for Allow only", "User-agent: *\nDisallow: /\nAllow: /a/index.html\nAllow: /b/index.htm\nDisallow: /c/index.html\nAllow: /d/index.php\n", []check{
			{"a", "/a/", allowedBy(3, "Allow: /a/index.html")},
			{"a", "/a/index.html", allowedBy(3, "Allow: /a/index.html")},
			{"a", "/a/x", disallowedBy(2, "Disallow: /")},
			{"a", "/b/", allowedBy(4, "Allow: /b/index.htm")},
			{"a", "/c/", disallowedBy(2, "Disallow: /")},
			{"a", "/d/", disallowedBy(2, "Disallow: /")},
		}},
		{"NUL ends a line", "User-agent: *\nDisallow: /x\x00y\n", []check{
			{"a", "/x", disallowedBy(2, "Disallow: /x")},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runChecks(t, tt.body, tt.checks) })
	}
}

func TestRequestPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "/"},
		{"/", "/"},
		{"/a/b?c=d&e=f", "/a/b?c=d&e=f"},
		{"/a?b=2&a=1", "/a?b=2&a=1"},
		{"/a#frag", "/a"},
		{"/go?to=http://x.org/y", "/go?to=http://x.org/y"},
		{"http://www.example.com", "/"},
		{"http://www.example.com/", "/"},
		{"http://www.example.com/a", "/a"},
		{"http://www.example.com/a/b?c=http://d.e/", "/a/b?c=http://d.e/"},
		{"http://www.example.com/a/b?c=d&e=f#fragment", "/a/b?c=d&e=f"},
		{"https://example.com:8443/a;b?c", "/a;b?c"},
		{"example.com", "/"},
		{"example.com/a", "/a"},
		{"example.com?a", "/?a"},
		{"example.com/a;b#c", "/a;b"},
		{"example.com#x/y", "/"},
		{"a/b", "/b"},
		{"//a/b/c", "/b/c"},
		{"/caf%c3%a9/?q=%e2%82%ac", "/caf%C3%A9/?q=%E2%82%AC"},
		{"/100%/x%2", "/100%/x%2"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, requestPath(tt.in))
		})
	}
}

func TestEscapePattern(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://www.example.com", "http://www.example.com"},
		{"/a/b/c", "/a/b/c"},
		{"á", "%C3%A1"},
		{"%aa", "%AA"},
		{"/%e3%83%84ツ", "/%E3%83%84%E3%83%84"},
		{"/100%", "/100%"},
		{"/%zz%a", "/%zz%a"},
		{"/\xff", "/%FF"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, escapePattern(tt.in), tt.in)
	}
}

func TestPatternMatch(t *testing.T) {
	tests := []struct {
		pattern string
		path    string
		want    bool
	}{
		{"/", "/", true},
		{"/a", "/abc", true},
		{"/a", "/", false},
		{"/*", "/", true},
		{"*", "/", true},
		{"$", "/", false},
		{"/$", "/", true},
		{"/$", "/a", false},
		{"/**a", "/xa", true},
		{"/*a*b", "/aaab", true},
		{"/*a*b", "/ba", false},
		{"/*a*b$", "/abab", true},
		{"/*a*b$", "/aba", false},
		{"/*ab*ab$", "/ab", false},
		{"/*ab*ab$", "/abab", true},
		{"/*aa$", "/aa", true},
		{"/a*a$", "/a", false},
		{"/fish*.php", "/fishheads/catfish.php?x", true},
		{"/*$", "/anything", true},
		{"/a$$", "/a$", true},
		{"/a$$", "/a", false},
	}
	for _, tt := range tests {
		p := compilePattern(tt.pattern)
		assert.Equal(t, tt.want, p.match(tt.path), "%q against %q", tt.pattern, tt.path)
	}
}

func TestSitemaps(t *testing.T) {
	body := "Sitemap: https://example.com/a.xml\n" +
		"User-agent: *\n" +
		"sitemap: https://example.com/b.xml # the blog\n" +
		"Disallow: /x\n" +
		"Site-map: https://example.com/a.xml\n" +
		"SITEMAP:https://example.com/c%20d.xml\n" +
		"Sitemap: https://example.com/e f.xml\n" +
		"Sitemap: https://example.com/ü.xml\n" +
		"Sitemap:\n" +
		"Sitemap https://example.com/g.xml\n"
	f := Parse([]byte(body))
	assert.Equal(t, []string{
		"https://example.com/a.xml",
		"https://example.com/b.xml",
		"https://example.com/c%20d.xml",
		"https://example.com/e%20f.xml",
		"https://example.com/ü.xml",
		// Without a colon the first ':' is the URL's, as in the reference:
		// the key is "Sitemap https", the value scheme-relative.
		"//example.com/g.xml",
	}, f.Sitemaps())
	assert.Equal(t, disallowedBy(4, "Disallow: /x"), f.Test("a", "/x"))

	got := f.Sitemaps()
	got[0] = "changed"
	assert.Equal(t, "https://example.com/a.xml", f.Sitemaps()[0], "callers get a copy")

	assert.Nil(t, Parse(nil).Sitemaps())
}

func TestCrawlDelay(t *testing.T) {
	body := "User-agent: bingbot\nCrawl-delay: 2.5\nDisallow: /a\n\n" +
		"User-agent: *\nCrawl-delay: 1s\nCrawl-delay: 7\nDisallow: /private/\n\n" +
		"User-agent: BingBot\nCrawl-delay: 4\nDisallow: /b\n\n" +
		"User-agent: slowbot\nCrawl-delay: 999999999999\nDisallow: /\n\n" +
		"User-agent: g0\nDisallow: /\n"
	f := Parse([]byte(body))
	assert.Equal(t, 4*time.Second, f.crawlDelay("bingbot"), "merged groups: the longest delay")
	assert.Equal(t, 7*time.Second, f.crawlDelay("Googlebot"), "the * group; the bad value is skipped")
	assert.Equal(t, 24*time.Hour, f.crawlDelay("slowbot"))
	assert.Equal(t, time.Duration(0), f.crawlDelay("g"), "the group g0 (read as g) has none: the names temoto sees do not leak")
	assert.Equal(t, time.Duration(0), Parse([]byte("User-agent: *\nDisallow: /\n")).crawlDelay("a"))
}

func TestGroupInfo(t *testing.T) {
	body := "User-agent: *\nDisallow: /\n\nUser-agent: bingbot\nUser-agent: other\nDisallow: /a\nAllow: /b\n\nUser-agent: BINGBOT\nDisallow:\n"
	f := Parse([]byte(body))
	assert.Equal(t, groupInfo{AgentLines: []int{4, 9}, Rules: 2}, f.describeGroup("bingbot"))
	assert.Equal(t, groupInfo{Global: true, AgentLines: []int{1}, Rules: 1}, f.describeGroup("Googlebot"))
	assert.Equal(t, groupInfo{Global: true}, Parse(nil).describeGroup("Googlebot"))
}

func TestIssues(t *testing.T) {
	body := "Disallow: /early\njunk\nUser-agent: *\nHost: example.com\nCrawl-delay: soon\nSitemap:\n\n# comment\nDisallow: /x\n"
	f := Parse([]byte(body))
	assert.Equal(t, []issue{
		{Line: 1, Text: "Disallow: /early", Reason: "rule before the first User-agent line"},
		{Line: 2, Text: "junk", Reason: "no key and value"},
		{Line: 4, Text: "Host: example.com", Reason: `unknown key "Host"`},
		{Line: 5, Text: "Crawl-delay: soon", Reason: "Crawl-delay is not a number of seconds"},
		{Line: 6, Text: "Sitemap:", Reason: "empty Sitemap"},
	}, f.ignoredLines())
	assert.Equal(t, 5, f.skippedLines())

	many := Parse([]byte(strings.Repeat("junk\n", 1000)))
	assert.Len(t, many.ignoredLines(), maxIssues)
	assert.Equal(t, 1000, many.skippedLines())
}

func TestNilAndEmptyFile(t *testing.T) {
	var f *File
	assert.Equal(t, noRule, f.Test("Googlebot", "/x"))
	assert.Nil(t, f.Sitemaps())
	assert.Nil(t, f.ignoredLines())
	assert.Zero(t, f.skippedLines())
	assert.Zero(t, f.crawlDelay("bingbot"))
	assert.Equal(t, noRule, Parse(nil).Test("Googlebot", "/x"))
	assert.Equal(t, noRule, Parse([]byte("\n\n  \n")).Test("Googlebot", "/x"))
}

// TestBigInput checks that a body of many MiB costs no more than MaxSize of
// it, and that rules past MaxSize are not seen.
func TestBigInput(t *testing.T) {
	var b strings.Builder
	b.WriteString("User-agent: *\n")
	for i := 0; b.Len() < 10<<20; i++ {
		b.WriteString("Disallow: /*a*b*c*d*e*f*g*h/")
		b.WriteString(strings.Repeat("x", i%50))
		b.WriteString("\n")
	}
	b.WriteString("Disallow: /late\n")
	body := []byte(b.String())

	start := time.Now()
	f := Parse(body)
	parse := time.Since(start)
	assert.Less(t, parse, 2*time.Second, "parse of %d bytes", len(body))

	start = time.Now()
	v := f.Test("Googlebot", "/late")
	assert.Less(t, time.Since(start), 500*time.Millisecond)
	assert.Equal(t, noRule, v)
	t.Logf("parse %v for %d bytes", parse, len(body))
}

// TestAdversarialPattern checks that matching never backtracks: a pattern of
// thousands of wildcards against a long path that almost matches.
func TestAdversarialPattern(t *testing.T) {
	pat := "/" + strings.Repeat("*a", (maxLineLen-20)/2) + "*b"
	body := "User-agent: *\nDisallow: " + pat + "\nDisallow: " + pat + "$\n"
	path := "/" + strings.Repeat("a", 100_000)
	f := Parse([]byte(body))
	start := time.Now()
	for range 10 {
		assert.Equal(t, noRule, f.Test("Googlebot", path))
	}
	assert.Less(t, time.Since(start), time.Second)
	assert.False(t, f.Test("Googlebot", path+"b").Allowed)
}

// TestConcurrentUse runs Test from several goroutines on one File; run with
// -race.
func TestConcurrentUse(t *testing.T) {
	f := Parse([]byte(realisticRobots))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 200 {
				token := []string{"Googlebot", "bingbot", "Googlebot-Image", "other"}[(i+j)%4]
				f.Test(token, "/search?q="+token)
				f.crawlDelay(token)
				f.describeGroup(token)
				f.Sitemaps()
			}
		})
	}
	wg.Wait()
	require.Equal(t, disallowedBy(13, "Disallow: /search"), f.Test("Googlebot", "/search?q=x"))
}

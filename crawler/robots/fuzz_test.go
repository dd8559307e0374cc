package robots

import (
	"strings"
	"testing"
)

// lineCount counts lines independently of eachLine: CRLF, CR and LF each end
// one.
func lineCount(body []byte) int {
	s := strings.ReplaceAll(string(body), "\r\n", "\n")
	return strings.Count(s, "\n") + strings.Count(s, "\r") + 1
}

// rawLine returns line n of body, split independently of eachLine.
func rawLine(body []byte, n int) string {
	s := strings.ReplaceAll(string(body), "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return lines[n-1]
}

func FuzzParse(f *testing.F) {
	seeds := []struct{ body, token, path string }{
		{realisticRobots, "Googlebot", "/search?q=x"},
		{realisticRobots, "bingbot", "/products/a?sort=price"},
		{"User-agent: *\nDisallow: /\nAllow: /$\n", "Googlebot", "/"},
		{"\xEF\xBB\xBFUser-agent: Googlebot\r\nDisallow: /private/ # keep out\r\nAllow: /private/index.html\r\n", "Googlebot", "/private/"},
		{"Disallow: /early\nUser-agent: bingbot\nCrawl-delay: 1s\nCrawl-delay: 2.5\nDisallow: /café/\nSitemap: https://example.com/s.xml\n", "bingbot", "/caf%C3%A9/"},
		{"User-agent: Googlebot News\rUser-agent: *\rDisallow: /*a*a*a*a*a*b$\r", "Googlebot", "/aaaaaaaaaaaa"},
		{"user agent: foo\ndissallow /x\nsitemap http://x/y\n", "foo", "http://example.com/x?y#z"},
		{"User-agent: *\nDisallow: /%7e%zz\x00junk\n", "", "//host/%7E%zz"},
	}
	for _, s := range seeds {
		f.Add([]byte(s.body), s.token, s.path)
	}
	f.Fuzz(func(t *testing.T, body []byte, token, path string) {
		file := Parse(body)
		v := file.Test(token, path)
		if v.Line < 0 || v.Line > lineCount(body) {
			t.Fatalf("line %d outside the file's %d lines", v.Line, lineCount(body))
		}
		if !v.Allowed && v.Line == 0 {
			t.Fatalf("disallowed without a deciding line")
		}
		if (v.Line == 0) != (v.Rule == "") {
			t.Fatalf("line %d with rule %q", v.Line, v.Rule)
		}
		if v.Line > 0 && !strings.Contains(rawLine(body, v.Line), v.Rule) {
			t.Fatalf("rule %q is not on line %d: %q", v.Rule, v.Line, rawLine(body, v.Line))
		}
		for _, is := range file.ignoredLines() {
			if is.Line == 0 {
				t.Fatalf("temoto rejected the normalised file: %s", is.Reason)
			}
		}
		seen := map[string]bool{}
		for _, s := range file.Sitemaps() {
			if seen[s] || s == "" {
				t.Fatalf("sitemap %q empty or repeated", s)
			}
			seen[s] = true
		}
		if d := file.crawlDelay(token); d < 0 || d > maxCrawlDelay {
			t.Fatalf("crawl delay %v", d)
		}
		g := file.describeGroup(token)
		for _, l := range g.AgentLines {
			if l < 1 || l > lineCount(body) {
				t.Fatalf("agent line %d outside the file", l)
			}
		}
	})
}

// positionsMatch is the reference's way to match a pattern: the set of path
// positions reachable after each pattern byte. Slow but plainly right; the
// greedy matcher must agree with it.
func positionsMatch(path, pat string) bool {
	pos := []int{0}
	for i := 0; i < len(pat); i++ {
		c := pat[i]
		switch {
		case c == '$' && i == len(pat)-1:
			return pos[len(pos)-1] == len(path)
		case c == '*':
			next := make([]int, 0, len(path)-pos[0]+1)
			for p := pos[0]; p <= len(path); p++ {
				next = append(next, p)
			}
			pos = next
		default:
			next := pos[:0:0]
			for _, p := range pos {
				if p < len(path) && path[p] == c {
					next = append(next, p+1)
				}
			}
			if len(next) == 0 {
				return false
			}
			pos = next
		}
	}
	return true
}

func FuzzPatternMatch(f *testing.F) {
	f.Add("/*a*b$", "/xaxb")
	f.Add("/fish*.php", "/fishheads/catfish.php?parameters")
	f.Add("/a$$", "/a$")
	f.Add("*", "")
	f.Add("/**$", "/")
	f.Fuzz(func(t *testing.T, pat, path string) {
		if len(pat) > 64 || len(path) > 256 {
			return // the reference algorithm is quadratic
		}
		p := compilePattern(pat)
		if got, want := p.match(path), positionsMatch(path, pat); got != want {
			t.Fatalf("%q against %q: got %v, want %v", pat, path, got, want)
		}
	})
}

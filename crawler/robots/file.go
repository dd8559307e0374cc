// Package robots parses robots.txt files and decides whether a crawler, named
// by its product token, may fetch a path, and which line decided.
//
// Verdicts follow RFC 9309 as Google's open-source parser
// (github.com/google/robotstxt) implements it, Google-only extensions
// included; testdata/reference.json holds the checks of its test suite.
// Lines are read and rules matched here, because verdicts must name their
// line and because github.com/temoto/robotstxt departs from the reference in
// group selection and rule precedence. temoto reads the Sitemap and
// Crawl-delay lines, from a normalised copy it cannot misread (temoto.go).
package robots

import (
	"fmt"
	"strings"
	"time"
)

// MaxSize is how many bytes of a robots.txt are parsed; Google ignores the
// rest, and so does Parse.
const MaxSize = 500 * 1024

// maxIssues bounds the ignored lines a File keeps for display; skippedLines counts
// them all.
const maxIssues = 100

// File is a parsed robots.txt. Safe for concurrent use once built.
type File struct {
	groups []group
	// byName lists, for each lower-cased agent name, the groups that name
	// it, in file order. Those groups merge into one.
	byName map[string][]int
	// global lists the groups with a "*" User-agent line, used only when no
	// group names the crawler.
	global   []int
	sitemaps []string
	issues   []issue
	skipped  int
}

// group is a run of User-agent lines and the rules that follow them, up to
// the next User-agent line that comes after a rule.
type group struct {
	agents     []agentLine
	rules      []rule
	crawlDelay time.Duration
}

type agentLine struct {
	line   int
	name   string // lower-cased; "" when the value has no token characters
	global bool
}

type rule struct {
	allow bool
	line  int
	text  string // the line as written, without its comment, trimmed
	pat   pattern
	// index is Google's reading of an Allow ending in "/index.htm...": it
	// also allows the folder itself ("/a/index.html" allows "/a/").
	index *pattern
}

// matchLen returns the specificity of the rule's match of path, or -1.
func (r *rule) matchLen(path string) int {
	if r.pat.match(path) {
		return r.pat.length
	}
	if r.index != nil && r.index.match(path) {
		return r.index.length
	}
	return -1
}

// Verdict is the answer for one token and path.
type Verdict struct {
	Allowed bool
	// Line is the 1-based line number, in the body given to Parse, of the
	// rule that decided; 0 if no rule matched.
	Line int
	// Rule is the deciding line as written, without its comment, trimmed,
	// e.g. "Disallow: /private/"; "" if no rule matched.
	Rule string
}

// issue is a line that Parse ignored, and why.
type issue struct {
	Line   int
	Text   string
	Reason string
}

// Parse reads a robots.txt body. It never fails: like the reference parser,
// it skips the lines it cannot use (see ignoredLines and skippedLines). Only the first
// MaxSize bytes are read.
func Parse(body []byte) *File {
	if len(body) > MaxSize {
		body = body[:MaxSize]
	}
	f := &File{byName: map[string][]int{}}
	b := builder{f: f, cur: -1}
	eachLine(body, b.line)
	b.readWithTemoto()
	return f
}

// builder holds the state of one Parse.
type builder struct {
	f   *File
	cur int // index of the open group; -1 before the first User-agent line
	// sawRule is set by an Allow or Disallow line: the next User-agent line
	// starts a new group. Other lines (Sitemap, unknown keys) do not end a
	// group.
	sawRule  bool
	sitemaps []string
	delays   []groupDelay
}

type groupDelay struct {
	group   int
	seconds float64
}

func (b *builder) line(num int, raw []byte) {
	key, value, text, ok := splitLine(raw)
	if !ok {
		if text != "" {
			b.ignore(num, text, "no key and value")
		}
		return
	}
	switch kind := kindOf(key); kind {
	case keyUserAgent:
		b.userAgent(num, value)
	case keyAllow, keyDisallow:
		if b.cur < 0 {
			b.ignore(num, text, "rule before the first User-agent line")
			return
		}
		b.sawRule = true
		b.rule(num, text, value, kind == keyAllow)
	case keySitemap:
		if value == "" {
			b.ignore(num, text, "empty Sitemap")
			return
		}
		b.sitemaps = append(b.sitemaps, value)
	case keyCrawlDelay:
		b.crawlDelay(num, text, value)
	default:
		b.ignore(num, text, fmt.Sprintf("unknown key %q", key))
	}
}

func (b *builder) userAgent(num int, value string) {
	f := b.f
	if b.cur < 0 || b.sawRule {
		f.groups = append(f.groups, group{})
		b.cur, b.sawRule = len(f.groups)-1, false
	}
	name, global := agentName(value)
	g := &f.groups[b.cur]
	g.agents = append(g.agents, agentLine{line: num, name: name, global: global})
	if global {
		f.global = appendOnce(f.global, b.cur)
		return
	}
	f.byName[name] = appendOnce(f.byName[name], b.cur)
}

// appendOnce appends i unless it is already last: groups are built in order,
// so a group naming an agent twice is listed once.
func appendOnce(list []int, i int) []int {
	if n := len(list); n > 0 && list[n-1] == i {
		return list
	}
	return append(list, i)
}

func (b *builder) rule(num int, text, value string, allow bool) {
	escaped := escapePattern(value)
	if escaped == "" {
		// An empty value matches nothing (RFC 9309: "Disallow:" allows all);
		// it still ended the User-agent run above.
		return
	}
	r := rule{allow: allow, line: num, text: text, pat: compilePattern(escaped)}
	if allow {
		if k := strings.LastIndexByte(escaped, '/'); k >= 0 && strings.HasPrefix(escaped[k:], "/index.htm") {
			p := compilePattern(escaped[:k+1] + "$")
			r.index = &p
		}
	}
	g := &b.f.groups[b.cur]
	g.rules = append(g.rules, r)
}

func (b *builder) ignore(num int, text, reason string) {
	b.f.skipped++
	if len(b.f.issues) < maxIssues {
		b.f.issues = append(b.f.issues, issue{Line: num, Text: text, Reason: reason})
	}
}

// Test decides whether the crawler with this product token (e.g.
// "Googlebot", "bingbot"; never a full User-Agent header) may fetch
// pathQuery: the URL's escaped path plus "?" and the raw query if any, exactly
// as requested. A full absolute URL is accepted too; its path and query are
// used. Octets outside US-ASCII in pathQuery are compared as they are, so
// pass the path escaped, as it goes on the wire.
func (f *File) Test(token, pathQuery string) Verdict {
	path := requestPath(pathQuery)
	if f == nil || isRobotsTxt(path) {
		return Verdict{Allowed: true}
	}
	groups, _ := f.groupsFor(token)
	var best [2]*rule // [disallow, allow]
	bestLen := [2]int{-1, -1}
	for _, gi := range groups {
		rules := f.groups[gi].rules
		for i := range rules {
			r := &rules[i]
			k := 0
			if r.allow {
				k = 1
			}
			// Strictly longer: among equals of one kind the first line stays.
			if n := r.matchLen(path); n > bestLen[k] {
				best[k], bestLen[k] = r, n
			}
		}
	}
	switch {
	case bestLen[0] > bestLen[1]:
		return Verdict{Allowed: false, Line: best[0].line, Rule: best[0].text}
	case best[1] != nil:
		// Allow wins ties.
		return Verdict{Allowed: true, Line: best[1].line, Rule: best[1].text}
	}
	return Verdict{Allowed: true}
}

// groupsFor returns the groups that govern token, and whether they are the
// "*" groups because no group names it.
func (f *File) groupsFor(token string) (groups []int, global bool) {
	var buf [64]byte
	var ok bool
	if len(token) <= len(buf) {
		// Lower-cased on the stack: Test runs once per URL and agent.
		b := buf[:len(token)]
		for i := 0; i < len(token); i++ {
			b[i] = token[i]
			if 'A' <= b[i] && b[i] <= 'Z' {
				b[i] += 'a' - 'A'
			}
		}
		groups, ok = f.byName[string(b)]
	} else {
		groups, ok = f.byName[lowerASCII(token)]
	}
	if ok {
		return groups, false
	}
	return f.global, true
}

// Sitemaps lists the Sitemap URLs in file order, de-duplicated.
func (f *File) Sitemaps() []string {
	if f == nil || len(f.sitemaps) == 0 {
		return nil
	}
	return append([]string(nil), f.sitemaps...)
}

// crawlDelay returns the Crawl-delay of the group that governs token, 0 if it
// has none. Google ignores Crawl-delay; Bing honours it. When several groups
// merge, the longest delay counts.
func (f *File) crawlDelay(token string) time.Duration {
	if f == nil {
		return 0
	}
	groups, _ := f.groupsFor(token)
	var d time.Duration
	for _, gi := range groups {
		d = max(d, f.groups[gi].crawlDelay)
	}
	return d
}

// groupInfo describes which part of a file governs a token.
type groupInfo struct {
	// Global is true when no group names the token and the "*" groups
	// apply.
	Global bool
	// AgentLines are the User-agent lines that name the token (or "*" when
	// Global), in file order. Empty when no group applies.
	AgentLines []int
	// Rules counts the Allow and Disallow lines in force, empty ones aside.
	Rules int
}

// describeGroup describes the groups chosen for token.
func (f *File) describeGroup(token string) groupInfo {
	if f == nil {
		return groupInfo{Global: true}
	}
	groups, global := f.groupsFor(token)
	name := lowerASCII(token)
	info := groupInfo{Global: global}
	for _, gi := range groups {
		g := &f.groups[gi]
		for _, a := range g.agents {
			if (global && a.global) || (!global && !a.global && a.name == name) {
				info.AgentLines = append(info.AgentLines, a.line)
			}
		}
		info.Rules += len(g.rules)
	}
	return info
}

// ignoredLines lists lines Parse ignored, and why, at most the first 100; an issue
// with Line 0 says the Sitemap and Crawl-delay lines could not be read.
func (f *File) ignoredLines() []issue {
	if f == nil {
		return nil
	}
	return append([]issue(nil), f.issues...)
}

// skippedLines counts every line Parse ignored: lines without a key and value,
// unknown keys, rules before the first User-agent line, bad Crawl-delay
// values.
func (f *File) skippedLines() int {
	if f == nil {
		return 0
	}
	return f.skipped
}

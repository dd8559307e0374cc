package robots

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/temoto/robotstxt"
)

// maxCrawlDelay caps a Crawl-delay: a longer one is a mistake, and seconds
// by the billion would overflow a time.Duration.
const maxCrawlDelay = 24 * time.Hour

// crawlDelay checks a Crawl-delay value before temoto sees it: temoto fails
// the whole file on a value that is not a plain number ("1s"), where the
// reference ignores the line.
func (b *builder) crawlDelay(num int, text, value string) {
	if b.cur < 0 {
		b.ignore(num, text, "Crawl-delay before the first User-agent line")
		return
	}
	secs, err := strconv.ParseFloat(value, 64)
	if err != nil || math.IsNaN(secs) || math.IsInf(secs, 0) || secs < 0 {
		b.ignore(num, text, "Crawl-delay is not a number of seconds")
		return
	}
	b.delays = append(b.delays, groupDelay{group: b.cur, seconds: min(secs, maxCrawlDelay.Seconds())})
}

// readWithTemoto has temoto read the Sitemap and Crawl-delay lines, from a
// normalised file built so that none of temoto's departures from the
// reference can apply: no BOM, no comments, no rule before a User-agent line,
// no Crawl-delay it would reject, every value one token of valid UTF-8 (its
// scanner splits values at spaces and mangles invalid bytes), and every group
// named after its index, so that temoto's group selection (a prefix match of
// lower-cased names) never has a choice to make: group selection stays ours.
func (b *builder) readWithTemoto() {
	var in strings.Builder
	for _, s := range b.sitemaps {
		in.WriteString("Sitemap: ")
		in.WriteString(escapeToken(s))
		in.WriteByte('\n')
	}
	for _, d := range b.delays {
		fmt.Fprintf(&in, "User-agent: %s\nCrawl-delay: %s\n", groupAgent(d.group), strconv.FormatFloat(d.seconds, 'f', -1, 64))
	}
	data, err := robotstxt.FromString(in.String())
	if err != nil {
		// Not expected: the input is built to parse (FuzzParse checks it).
		// Kept past the cap on issues, so it is never lost.
		b.f.issues = append(b.f.issues, issue{Reason: fmt.Sprintf("read Sitemap and Crawl-delay lines: %v", err)})
		return
	}
	f := b.f
	seen := make(map[string]bool, len(data.Sitemaps))
	for _, s := range data.Sitemaps {
		if !seen[s] {
			seen[s] = true
			f.sitemaps = append(f.sitemaps, s)
		}
	}
	for _, d := range b.delays {
		// The exact name is always the longest prefix temoto can find.
		f.groups[d.group].crawlDelay = data.FindGroup(groupAgent(d.group)).CrawlDelay
	}
}

// groupAgent is the User-agent name group i gets in temoto's input.
func groupAgent(i int) string {
	return "g" + strconv.Itoa(i)
}

// escapeToken percent-encodes the bytes of a value that temoto would split
// at or mangle: whitespace, control characters and invalid UTF-8. Those
// cannot appear in a URL as sent, so a Sitemap URL only gets closer to one.
func escapeToken(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || r <= ' ' || r == 0x7f {
			b.WriteByte('%')
			b.WriteByte(upperHex[s[i]>>4])
			b.WriteByte(upperHex[s[i]&0xF])
			i++
			continue
		}
		b.WriteString(s[i : i+n])
		i += n
	}
	return b.String()
}

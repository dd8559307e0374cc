package robots

import (
	"bytes"
	"strings"
)

// maxLineLen is Google's line buffer: eight times the longest URL browsers
// accept. One byte of it holds the terminator, so a line keeps at most
// maxLineLen-1 bytes and the rest of it is dropped.
const maxLineLen = 2083 * 8

// utf8BOM is skipped at the start of a body, also when only its first bytes
// are there.
var utf8BOM = [3]byte{0xEF, 0xBB, 0xBF}

// eachLine calls fn with the 1-based number and the bytes of every line of
// body. CR, LF and CRLF all end a line; the last line is passed even when it is
// empty, so line numbers agree with what an editor shows.
func eachLine(body []byte, fn func(num int, line []byte)) {
	i := 0
	for i < len(body) && i < len(utf8BOM) && body[i] == utf8BOM[i] {
		i++
	}
	num, start, lastCR := 0, i, false
	for ; i < len(body); i++ {
		c := body[i]
		if c != '\n' && c != '\r' {
			continue
		}
		// The LF of a CRLF only finishes the line its CR ended.
		if !(c == '\n' && lastCR && start == i) {
			num++
			fn(num, clipLine(body[start:i]))
		}
		start, lastCR = i+1, c == '\r'
	}
	fn(num+1, clipLine(body[start:]))
}

// clipLine applies the line length cap, and ends the line at a NUL byte as the
// reference parser's C strings do.
func clipLine(line []byte) []byte {
	if len(line) > maxLineLen-1 {
		line = line[:maxLineLen-1]
	}
	if k := bytes.IndexByte(line, 0); k >= 0 {
		line = line[:k]
	}
	return line
}

// keyKind is what a line's key means.
type keyKind int

const (
	keyUnknown keyKind = iota
	keyUserAgent
	keyAllow
	keyDisallow
	keySitemap
	keyCrawlDelay
)

// The reference parser matches keys by case-insensitive prefix and accepts
// these frequent misspellings.
var (
	userAgentKeys = []string{"user-agent", "useragent", "user agent"}
	allowKeys     = []string{"allow"}
	disallowKeys  = []string{"disallow", "dissallow", "dissalow", "disalow", "diasllow", "disallaw"}
	sitemapKeys   = []string{"sitemap", "site-map"}
)

// kindOf classifies a key in the reference's order of checks. Crawl-delay is
// not part of the protocol; it is recognised by its two usual spellings only.
func kindOf(key string) keyKind {
	switch {
	case hasAnyPrefixFold(key, userAgentKeys):
		return keyUserAgent
	case hasAnyPrefixFold(key, allowKeys):
		return keyAllow
	case hasAnyPrefixFold(key, disallowKeys):
		return keyDisallow
	case hasAnyPrefixFold(key, sitemapKeys):
		return keySitemap
	case strings.EqualFold(key, "crawl-delay"), strings.EqualFold(key, "crawldelay"):
		return keyCrawlDelay
	}
	return keyUnknown
}

func hasAnyPrefixFold(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			return true
		}
	}
	return false
}

// splitLine cuts the comment off a line and splits the rest into key and
// value. text is the line without its comment, trimmed: what a verdict quotes.
// ok is false for a line with no usable key and value; a blank line or a
// comment leaves text empty.
func splitLine(line []byte) (key, value, text string, ok bool) {
	if k := bytes.IndexByte(line, '#'); k >= 0 {
		line = line[:k]
	}
	text = trimSpace(string(line))
	sep := strings.IndexByte(text, ':')
	if sep < 0 {
		// Google accepts whitespace instead of the colon when the line has
		// exactly two words ("disallow /").
		sep = strings.IndexAny(text, " \t")
		if sep < 0 || strings.ContainsAny(strings.TrimLeft(text[sep:], " \t"), " \t") {
			return "", "", text, false
		}
	}
	key = trimSpace(text[:sep])
	if key == "" {
		return "", "", text, false
	}
	return key, trimSpace(text[sep+1:]), text, true
}

// trimSpace trims ASCII whitespace only: other bytes are part of a value.
func trimSpace(s string) string {
	return strings.Trim(s, " \t\n\v\f\r")
}

// agentName reduces a User-agent value to the name that is compared with a
// crawler's product token: its leading run of letters, '-' and '_'. Google
// cuts "Googlebot Images" and "Googlebot/2.1" to "Googlebot" this way. global
// is true for "*", alone or followed by whitespace.
func agentName(value string) (name string, global bool) {
	if value == "*" || (len(value) > 1 && value[0] == '*' && isSpace(value[1])) {
		return "", true
	}
	end := 0
	for end < len(value) && isTokenByte(value[end]) {
		end++
	}
	return lowerASCII(value[:end]), false
}

func isTokenByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '-' || c == '_'
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// lowerASCII folds ASCII letters only, so a token never matches a name
// through Unicode case folding (the Kelvin sign would fold to 'k').
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

package audit

import "bytes"

// The soft-wall reading (softWallPage) and the paywall check each tokenize
// a whole page, and most pages are neither: a byte scan first tells the
// pages on which they cannot match, so the common page is tokenized once
// (for its links, by the crawler) instead of three times.
//
// The scans are exact, not guesses. softWallPage matches only on a page
// with a login-form marker or a password field (every marker and the
// type="password" contain a word of softWallWords) or with a link that
// loginRedirect takes for a login page (every pattern and login word
// contains a word of loginLinkWords: TestLoginLinkWordsCoverPatterns).
// paywall matches only on a JSON-LD key or an itemprop that reads
// isAccessibleForFree. Those values are read decoded and case-folded, and
// decoded text differs from the raw bytes only through HTML character
// references, JSON \u escapes and URL %-escapes, while case folding maps
// non-ASCII to ASCII only for U+0130 (İ → i), U+017F (ſ ~ s) and U+212A
// (K → k). So a page whose bytes hold none of the words (ASCII case
// ignored) and none of those disguises (disguised) cannot match.

// bodyWord is a lower-case ASCII word searched for in a body, ignoring
// ASCII case, through one of its rarer bytes (its anchor, see wordSet).
type bodyWord struct {
	word   string
	anchor int // index in word of the byte searched for
}

// softWallWords: the login-form markers (j_security_check,
// post-password-form, post_password, ...) and type="password".
var softWallWords = []bodyWord{{"password", 4}, {"j_security_check", 1}}

// loginLinkWords: what every login page URL that loginRedirect knows
// contains, in its host, path or query.
var loginLinkWords = []bodyWord{
	{"login", 2}, {"signin", 2}, {"sign_in", 2}, {"sign-in", 2}, {"log-in", 2}, {"log_in", 2}, {"logon", 2}, {"log-on", 2},
	{"cloudflareaccess", 5}, {"accounts.google", 9}, {"amazoncognito", 3}, {"oauth2", 5}, {"openid", 1}, {"saml", 2}, {"authorize", 7},
}

// paywallWords: the key and itemprop paywall reads.
var paywallWords = []bodyWord{{"isaccessibleforfree", 9}}

var (
	softWallSet = newWordSet(softWallWords, loginLinkWords)
	paywallSet  = newWordSet(paywallWords)
)

// maySoftWall is false only for a body on which softWallPage cannot match.
func maySoftWall(body []byte) bool {
	return softWallSet.in(body) || disguised(body)
}

// mayDeclarePaywall is false only for a body on which paywall cannot match.
func mayDeclarePaywall(body []byte) bool {
	return paywallSet.in(body) || disguised(body)
}

// wordSet finds words in one pass over a body: at each byte that is some
// word's anchor (in either case), the byte after it must be one that
// follows the anchor in one of those words before the words themselves are
// compared. Most anchor bytes of ordinary text ("g" in "-ing ") stop at
// that check: a page costs about a nanosecond a byte.
type wordSet struct {
	anchor   [256]bool // the bytes that are some word's anchor
	byAnchor [256][]bodyWord
	follow   [256][4]uint64 // bytes that may follow each anchor, a bit each
	// few holds the anchor bytes when there are at most fewAnchors of them:
	// bytes.IndexByte then finds each faster than the loop over every byte.
	few []byte
}

const fewAnchors = 4

func newWordSet(lists ...[]bodyWord) *wordSet {
	ws := &wordSet{}
	for _, words := range lists {
		for _, w := range words {
			for _, c := range bothCases(w.word[w.anchor]) {
				if !ws.anchor[c] {
					ws.anchor[c] = true
					ws.few = append(ws.few, c)
				}
				ws.byAnchor[c] = append(ws.byAnchor[c], w)
				if w.anchor == len(w.word)-1 {
					// The anchor ends the word: anything may follow.
					ws.follow[c] = [4]uint64{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}
					continue
				}
				for _, n := range bothCases(w.word[w.anchor+1]) {
					ws.follow[c][n>>6] |= 1 << (n & 63)
				}
			}
		}
	}
	if len(ws.few) > fewAnchors {
		ws.few = nil
	}
	return ws
}

// bothCases is c, and its upper case when c is a lower-case ASCII letter.
func bothCases(c byte) []byte {
	if 'a' <= c && c <= 'z' {
		return []byte{c, c - 'a' + 'A'}
	}
	return []byte{c}
}

// in reports whether b contains one of the words, ignoring ASCII case.
func (ws *wordSet) in(b []byte) bool {
	if ws.few != nil {
		for _, c := range ws.few {
			for from := 0; ; {
				i := bytes.IndexByte(b[from:], c)
				if i < 0 {
					break
				}
				if ws.at(b, from+i) {
					return true
				}
				from += i + 1
			}
		}
		return false
	}
	for at, c := range b {
		if ws.anchor[c] && ws.at(b, at) {
			return true
		}
	}
	return false
}

// at reports whether a word of ws has its anchor at b[at].
func (ws *wordSet) at(b []byte, at int) bool {
	c := b[at]
	if at+1 < len(b) {
		if n := b[at+1]; ws.follow[c][n>>6]&(1<<(n&63)) == 0 {
			return false
		}
	}
	for _, w := range ws.byAnchor[c] {
		start := at - w.anchor
		if start >= 0 && start+len(w.word) <= len(b) && equalFoldASCII(b[start:start+len(w.word)], w.word) {
			return true
		}
	}
	return false
}

func equalFoldASCII(b []byte, lower string) bool {
	for i := 0; i < len(lower); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// foldsToASCII are the UTF-8 encodings of the non-ASCII runes that
// strings.ToLower, strings.EqualFold or a (?i) regexp take to an ASCII
// letter (TestFoldsToASCIIComplete).
var foldsToASCII = []string{"\u0130", "\u017f", "\u212a"}

// revealingRefs are the named character references that decode to a
// character of the words that is not a letter: '_' and '.', and İ.
var revealingRefs = []string{"lowbar", "UnderBar", "period", "Idot"}

// disguised reports whether b holds something that decodes or folds to a
// character of the words without being it: a numeric character reference,
// a JSON \u escape or a URL %-escape of such a character, a named
// reference of revealingRefs, or a rune of foldsToASCII (or its first byte
// followed by a %-escape, which a URL decodes into the rest of it).
func disguised(b []byte) bool {
	for _, c := range []byte{'&', '\\', '%', 0xc4, 0xc5, 0xe2} {
		for from := 0; ; {
			i := bytes.IndexByte(b[from:], c)
			if i < 0 {
				break
			}
			if disguiseAt(b[from+i:]) {
				return true
			}
			from += i + 1
		}
	}
	return false
}

// disguiseAt reports whether b starts with a disguise (see disguised).
func disguiseAt(b []byte) bool {
	rest := b[1:]
	switch b[0] {
	case '&':
		if len(rest) > 0 && rest[0] == '#' {
			v, ok := numericRef(rest[1:])
			return ok && revealing(v)
		}
		for _, name := range revealingRefs {
			if bytes.HasPrefix(rest, []byte(name)) {
				return true
			}
		}
	case '\\':
		if len(rest) >= 5 && rest[0] == 'u' {
			v, ok := hexValue(rest[1:5])
			return ok && revealing(v)
		}
	case '%':
		if len(rest) >= 2 {
			v, ok := hexValue(rest[:2])
			return ok && urlRevealing(v)
		}
	default:
		if len(rest) > 0 && rest[0] == '%' {
			return true
		}
		for _, r := range foldsToASCII {
			if bytes.HasPrefix(b, []byte(r)) {
				return true
			}
		}
	}
	return false
}

// revealing reports code points that may decode to a character of the
// words: all of ASCII and the C1 range (which character references map to
// Windows-1252), and the runes of foldsToASCII.
func revealing(v int) bool {
	return v < 0xa0 || v == 0x130 || v == 0x17f || v == 0x212a
}

// urlRevealing reports the %-escapes that may decode to a character of
// the words: letters, digits, '-', '_' and '.', and the first bytes of the
// runes of foldsToASCII.
func urlRevealing(v int) bool {
	switch {
	case 'a' <= v && v <= 'z', 'A' <= v && v <= 'Z', '0' <= v && v <= '9':
		return true
	}
	return v == '-' || v == '_' || v == '.' || v == 0xc4 || v == 0xc5 || v == 0xe2
}

// numericRef reads the digits after "&#": decimal, or hex after x or X.
// ok is false when no digit follows (the tokenizer leaves it as text).
func numericRef(s []byte) (int, bool) {
	hex := len(s) > 0 && (s[0] == 'x' || s[0] == 'X')
	base := 10
	if hex {
		s, base = s[1:], 16
	}
	v, n := 0, 0
	for ; n < len(s); n++ {
		d := digit(s[n], hex)
		if d < 0 {
			break
		}
		if v < 1<<24 {
			v = v*base + d
		}
	}
	return v, n > 0
}

func hexValue(s []byte) (int, bool) {
	v := 0
	for _, c := range s {
		d := digit(c, true)
		if d < 0 {
			return 0, false
		}
		v = v*16 + d
	}
	return v, true
}

// digit is c's value as a decimal (or hex) digit, -1 when it is none.
func digit(c byte, hex bool) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case hex && 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case hex && 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

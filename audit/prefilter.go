package audit

import "bytes"

// The login-form and paywall checks each tokenize a whole page, and most
// pages hold neither: a byte scan first tells the pages on which they
// cannot match, so the common page is tokenized once (for its links, by
// the crawler) instead of three times.
//
// The scan is exact, not a guess. Each check matches only on an attribute
// value or a JSON-LD key that, decoded and case-folded, contains one of
// the words below. Decoded text differs from the raw bytes only through
// HTML character references and JSON \u escapes, and case folding maps
// non-ASCII to ASCII only for U+0130 (İ → i), U+017F (ſ ~ s) and U+212A
// (K → k). So a page whose bytes hold none of the words (ASCII case
// ignored) and none of those disguises cannot match, and the check is
// skipped.

// bodyWord is a lower-case ASCII word searched for in a body, ignoring
// ASCII case, through one of its rarer letters: bytes.IndexByte finds
// those fast, a plain loop over every byte would cost more than the
// tokenizer pass it spares.
type bodyWord struct {
	word   string
	anchor int // index in word of the byte searched for
}

// loginWordsInBody are the words every positive of loginForm contains:
// the product markers (j_security_check, post-password-form, post_password,
// ...) and the generic type="password".
var loginWordsInBody = []bodyWord{{"password", 4}, {"j_security_check", 1}}

// paywallWordsInBody is the key and itemprop paywall reads.
var paywallWordsInBody = []bodyWord{{"isaccessibleforfree", 9}}

// bodyChecks says which full checks a body needs: false only where the
// check cannot match.
type bodyChecks struct {
	loginForm, paywall bool
}

func checksFor(body []byte) bodyChecks {
	if disguised(body) {
		return bodyChecks{loginForm: true, paywall: true}
	}
	return bodyChecks{loginForm: containsAnyFold(body, loginWordsInBody), paywall: containsAnyFold(body, paywallWordsInBody)}
}

// containsAnyFold reports whether b contains one of words, ignoring ASCII case.
func containsAnyFold(b []byte, words []bodyWord) bool {
	for _, w := range words {
		c := w.word[w.anchor]
		cases := []byte{c}
		if 'a' <= c && c <= 'z' {
			cases = append(cases, c-'a'+'A')
		}
		for _, c := range cases {
			for from := 0; ; {
				i := bytes.IndexByte(b[from:], c)
				if i < 0 {
					break
				}
				start := from + i - w.anchor
				if start >= 0 && start+len(w.word) <= len(b) && equalFoldASCII(b[start:start+len(w.word)], w.word) {
					return true
				}
				from += i + 1
			}
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
// strings.ToLower or strings.EqualFold take to an ASCII letter.
var foldsToASCII = []string{"\u0130", "\u017f", "\u212a"}

// disguised reports whether b holds something that decodes or folds to an
// ASCII letter or '_' without being one: a numeric character reference or
// a JSON \u escape of such a character (or of a rune in foldsToASCII), one
// of the named references that decode to one (&lowbar; &UnderBar; &Idot;),
// or a rune of foldsToASCII itself.
func disguised(b []byte) bool {
	for _, c := range []byte{'&', '\\', 0xc4, 0xc5, 0xe2} {
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
		for _, name := range []string{"lowbar", "UnderBar", "Idot"} {
			if bytes.HasPrefix(rest, []byte(name)) {
				return true
			}
		}
	case '\\':
		if len(rest) >= 5 && rest[0] == 'u' {
			v, ok := hexValue(rest[1:5])
			return ok && revealing(v)
		}
	default:
		for _, r := range foldsToASCII {
			if bytes.HasPrefix(b, []byte(r)) {
				return true
			}
		}
	}
	return false
}

// revealing reports code points that may decode to a letter of the words:
// all of ASCII and the C1 range (which character references map to
// Windows-1252), and the runes of foldsToASCII.
func revealing(v int) bool {
	return v < 0xa0 || v == 0x130 || v == 0x17f || v == 0x212a
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

package robots

import (
	"strings"

	"authwall/internal/percent"
)

// pattern is a compiled Allow or Disallow value.
type pattern struct {
	// length is the escaped value's length in octets, '*' and '$' included:
	// the rule's specificity. Longer wins, whatever the wildcards.
	length int
	// parts are the literal runs between '*'s; parts[0] is anchored at the
	// start of the path.
	parts []string
	// anchored is set by a '$' at the very end: the match must end the path.
	// A '$' anywhere else is a literal byte.
	anchored bool
}

func compilePattern(escaped string) pattern {
	p := pattern{length: len(escaped)}
	if strings.HasSuffix(escaped, "$") {
		p.anchored = true
		escaped = escaped[:len(escaped)-1]
	}
	p.parts = strings.Split(escaped, "*")
	return p
}

// match reports whether the pattern matches path from its start. Placing each
// literal run at its leftmost possible position is optimal for patterns whose
// only wildcard is '*', so this never backtracks: adversarial patterns
// ("/*a*a*a*...") cost one scan of the path per literal run at most.
func (p *pattern) match(path string) bool {
	if !strings.HasPrefix(path, p.parts[0]) {
		return false
	}
	pos, last := len(p.parts[0]), len(p.parts)-1
	if last == 0 {
		return !p.anchored || pos == len(path)
	}
	for _, lit := range p.parts[1:last] {
		if lit == "" {
			continue
		}
		k := strings.Index(path[pos:], lit)
		if k < 0 {
			return false
		}
		pos += k + len(lit)
	}
	tail := p.parts[last]
	if p.anchored {
		return len(path)-len(tail) >= pos && strings.HasSuffix(path, tail)
	}
	return strings.Contains(path[pos:], tail)
}

const upperHex = "0123456789ABCDEF"

// escapePattern percent-encodes octets outside US-ASCII and upper-cases the
// hex digits of existing escapes, so "/café/" and "/caf%c3%a9/" both compare
// equal to the request path "/caf%C3%A9/".
func escapePattern(s string) string {
	if !needsEscape(s, true) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && percent.IsHex(s[i+1]) && percent.IsHex(s[i+2]):
			b.WriteByte('%')
			b.WriteByte(upperASCII(s[i+1]))
			b.WriteByte(upperASCII(s[i+2]))
			i += 2
		case c >= 0x80:
			b.WriteByte('%')
			b.WriteByte(upperHex[c>>4])
			b.WriteByte(upperHex[c&0xF])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// needsEscape reports whether s has an escape with lower-case hex digits or,
// if highBytes, an octet outside US-ASCII.
func needsEscape(s string, highBytes bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) && percent.IsHex(s[i+1]) && percent.IsHex(s[i+2]) {
			if isLowerHex(s[i+1]) || isLowerHex(s[i+2]) {
				return true
			}
			i += 2
		} else if highBytes && c >= 0x80 {
			return true
		}
	}
	return false
}

// upperEscapes upper-cases the hex digits of the escapes in a request path.
// It leaves every other byte alone: the caller passes the path escaped, as
// it is sent, and the reference compares raw octets as they come.
func upperEscapes(s string) string {
	if !needsEscape(s, false) {
		return s
	}
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' && percent.IsHex(b[i+1]) && percent.IsHex(b[i+2]) {
			b[i+1], b[i+2] = upperASCII(b[i+1]), upperASCII(b[i+2])
			i += 2
		}
	}
	return string(b)
}

func isLowerHex(c byte) bool { return 'a' <= c && c <= 'f' }

func upperASCII(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

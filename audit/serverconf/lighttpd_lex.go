package serverconf

import (
	"fmt"
	"strings"
)

// Token kinds of lighttpd's config language.
const (
	ltEOF = iota
	ltEOL
	ltString
	ltInteger
	ltKey
	ltSrvVar // the name after $ in a condition
	ltDollar
	ltLBracket
	ltRBracket
	ltLParen
	ltRParen
	ltLCurly
	ltRCurly
	ltComma
	ltPlus
	ltAssign // =
	ltForce  // :=
	ltAppend // +=
	ltArrow  // =>
	ltCondOp // == != =~ !~ =^ =$
)

type lighttpdTok struct {
	kind int
	text string
	line int
}

func (t lighttpdTok) describe() string {
	switch t.kind {
	case ltEOF:
		return "the end of the file"
	case ltEOL:
		return "the end of the line"
	case ltString:
		return fmt.Sprintf("string %q", t.text)
	}
	return fmt.Sprintf("%q", t.text)
}

// lighttpdTokenize splits a config file as lighttpd's tokenizer does:
// `#` comments to the end of the line anywhere outside strings, newlines
// end statements except inside parentheses, strings in double quotes where
// only \" is an escape, `=` means => inside parentheses and starts an
// operator inside a condition, and a `}` followed by more on its line ends
// a statement.
func lighttpdTokenize(file, src string) ([]lighttpdTok, error) {
	var toks []lighttpdTok
	line, parens, inCond := 1, 0, false
	errAt := func(format string, args ...any) error {
		p := &ParseError{File: file, Line: line, Problem: fmt.Sprintf(format, args...)}
		if m := lighttpdPlaceholder.FindString(lighttpdLineOf(src, line)); m != "" {
			p.Problem = fmt.Sprintf("%q looks like an unrendered template placeholder; render the template first (%s)", m, p.Problem)
		}
		return p
	}
	emit := func(kind int, text string) { toks = append(toks, lighttpdTok{kind: kind, text: text, line: line}) }
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '\r' || c == '\n':
			if c == '\r' && i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			i++
			if parens == 0 {
				emit(ltEOL, "")
			}
			line++
		case c == '#':
			for i < len(src) && src[i] != '\n' && src[i] != '\r' {
				i++
			}
		case c == '"':
			var b strings.Builder
			start, j := line, i+1
			for ; j < len(src) && src[j] != '"'; j++ {
				if src[j] == '\\' && j+1 < len(src) && src[j+1] == '"' {
					j++
				}
				if src[j] == '\n' {
					line++
				}
				b.WriteByte(src[j])
			}
			if j >= len(src) {
				line = start
				return nil, errAt("missing closing quote")
			}
			toks = append(toks, lighttpdTok{kind: ltString, text: b.String(), line: start})
			i = j + 1
		case c == '=':
			next := byte(0)
			if i+1 < len(src) {
				next = src[i+1]
			}
			switch {
			case parens > 0:
				if next != '>' {
					return nil, errAt("use => for assignments in arrays")
				}
				emit(ltArrow, "=>")
				i += 2
			case inCond:
				if !strings.ContainsRune("=~^$", rune(next)) || next == 0 {
					return nil, errAt("only == =~ =^ =$ are allowed in a condition")
				}
				emit(ltCondOp, src[i:i+2])
				i += 2
				inCond = false
			default:
				emit(ltAssign, "=")
				i++
			}
		case c == '!':
			if !inCond || i+1 >= len(src) || (src[i+1] != '=' && src[i+1] != '~') {
				return nil, errAt("unexpected !")
			}
			emit(ltCondOp, src[i:i+2])
			i += 2
			inCond = false
		case c == ',':
			i++
			if parens > 0 {
				emit(ltComma, ",")
			}
		case c == '(':
			if parens == lighttpdMaxNesting {
				return nil, errAt("arrays nested deeper than %d", lighttpdMaxNesting)
			}
			parens++
			emit(ltLParen, "(")
			i++
		case c == ')':
			if parens == 0 {
				return nil, errAt("closing parenthesis without an opening one")
			}
			parens--
			emit(ltRParen, ")")
			i++
		case c == '$':
			inCond = true
			emit(ltDollar, "$")
			i++
		case c == '+':
			if i+1 < len(src) && src[i+1] == '=' {
				emit(ltAppend, "+=")
				i += 2
			} else {
				emit(ltPlus, "+")
				i++
			}
		case c == ':':
			if i+1 >= len(src) || src[i+1] != '=' {
				return nil, errAt("unexpected :")
			}
			emit(ltForce, ":=")
			i += 2
		case c == '{':
			if i+1 < len(src) && src[i+1] == '{' {
				return nil, errAt("unexpected {")
			}
			emit(ltLCurly, "{")
			i++
		case c == '}':
			emit(ltRCurly, "}")
			i++
			j := i
			for j < len(src) && (src[j] == ' ' || src[j] == '\t') {
				j++
			}
			if j < len(src) && src[j] != '\n' && src[j] != '\r' && src[j] != '#' {
				emit(ltEOL, "")
			}
		case c == '[':
			emit(ltLBracket, "[")
			i++
		case c == ']':
			emit(ltRBracket, "]")
			i++
		case c == 0:
			return nil, errAt("stray NUL byte")
		case inCond:
			j := i
			for j < len(src) && (lighttpdIsLetter(src[j]) || src[j] == '_') {
				j++
			}
			if j == i {
				return nil, errAt("invalid character %q in a condition", c)
			}
			emit(ltSrvVar, src[i:j])
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && src[j] >= '0' && src[j] <= '9' {
				j++
			}
			emit(ltInteger, src[i:j])
			i = j
		case c == 0xc2 && i+1 < len(src) && src[i+1] == 0xa0:
			i += 2 // U+00A0 NO-BREAK SPACE counts as a blank
		default:
			j := i
			for j < len(src) && (lighttpdIsLetter(src[j]) || (src[j] >= '0' && src[j] <= '9') || strings.IndexByte("._-", src[j]) >= 0) {
				j++
			}
			if j == i {
				return nil, errAt("invalid character %q", c)
			}
			emit(ltKey, src[i:j])
			i = j
		}
	}
	if parens > 0 {
		return nil, errAt("array not closed")
	}
	return toks, nil
}

func lighttpdIsLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// lighttpdLineOf returns line n (1-based) of src.
func lighttpdLineOf(src string, n int) string {
	lines := strings.Split(src, "\n")
	if n >= 1 && n <= len(lines) {
		return lines[n-1]
	}
	return ""
}

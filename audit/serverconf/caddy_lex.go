package serverconf

import (
	"fmt"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"
)

// caddyToken is one Caddyfile token with the place it was read from.
type caddyToken struct {
	text   string
	file   string
	line   int
	quoted bool // written in "..." or `...` (a quoted "{" opens no block)
	// newLine: the token starts a line of its own source (file or snippet),
	// which is how Caddy tells one directive from the next.
	newLine bool
	// span is how many line breaks the token covers (quoted text, heredocs).
	span int
	// chain is the import chain that pulled the token in, outermost first.
	chain []Pos
}

// caddyLex splits a Caddyfile into tokens as Caddy 2.6's lexer does:
// whitespace separates tokens; "..." keeps spaces and lets \" escape a
// quote (any other backslash stays); `...` keeps everything; outside
// quotes a backslash before a newline joins the lines, and "#" starts a
// comment only at the start of a token. Heredocs (<<MARKER, a later
// Caddy's syntax) are read too, so such a file does not come apart.
func caddyLex(file string, input []byte) ([]caddyToken, error) {
	src := strings.TrimPrefix(string(caddyExpandEnv(input)), "\uFEFF")
	var out []caddyToken
	line, skipped := 1, 0
	i := 0
	next := func() (rune, bool) {
		if i >= len(src) {
			return 0, false
		}
		r, n := utf8.DecodeRuneInString(src[i:])
		i += n
		return r, true
	}
	for {
		var val []rune
		var comment, quoted, btQuoted, escaped, started bool
		tok := caddyToken{file: file}
		emit := func(q bool) {
			tok.text = string(val)
			tok.quoted = q
			tok.span = strings.Count(tok.text, "\n")
			out = append(out, tok)
		}
		done := false
		for !done {
			ch, ok := next()
			if !ok {
				if quoted || btQuoted {
					return nil, &ParseError{File: file, Line: tok.line, Problem: "a quoted token is not closed"}
				}
				if len(val) > 0 {
					emit(false)
				}
				return caddyMarkLines(out), nil
			}
			if !escaped && !btQuoted && ch == '\\' {
				escaped = true
				continue
			}
			if quoted || btQuoted {
				if quoted && escaped {
					if ch != '"' {
						val = append(val, '\\')
					}
					escaped = false
				} else if quoted && ch == '"' || btQuoted && ch == '`' {
					emit(true)
					done = true
					continue
				}
				if ch == '\n' {
					line += 1 + skipped
					skipped = 0
				}
				val = append(val, ch)
				continue
			}
			if unicode.IsSpace(ch) {
				if ch == '\r' {
					continue
				}
				if ch == '\n' {
					if escaped {
						skipped++
						escaped = false
					} else {
						line += 1 + skipped
						skipped = 0
					}
					comment = false
				}
				if len(val) > 0 {
					text := string(val)
					if ch == '\n' && caddyHeredocStart(text) {
						body, lines, err := caddyHeredoc(src[i:], text[2:])
						if err != nil {
							return nil, &ParseError{File: file, Line: tok.line, Problem: err.Error()}
						}
						i += len(body.raw)
						tok.text, tok.quoted = body.text, true
						line += lines
						tok.span = line - tok.line
						out = append(out, tok)
						done = true
						continue
					}
					emit(false)
					done = true
				}
				continue
			}
			if ch == '#' && len(val) == 0 {
				comment = true
			}
			if comment {
				continue
			}
			if len(val) == 0 && !started {
				started = true
				tok.line = line
				if ch == '"' {
					quoted = true
					continue
				}
				if ch == '`' {
					btQuoted = true
					continue
				}
			}
			if escaped {
				val = append(val, '\\')
				escaped = false
			}
			val = append(val, ch)
		}
	}
}

// caddyMarkLines sets newLine on each token that starts a line: the
// first, and any whose line is past the previous token's last line.
func caddyMarkLines(toks []caddyToken) []caddyToken {
	for k := range toks {
		if k == 0 {
			toks[k].newLine = true
			continue
		}
		prev := toks[k-1]
		toks[k].newLine = prev.file != toks[k].file || prev.line+prev.span < toks[k].line
	}
	return toks
}

// caddyHeredocStart: "<<MARKER" alone at the end of a line.
func caddyHeredocStart(text string) bool {
	if len(text) < 3 || !strings.HasPrefix(text, "<<") {
		return false
	}
	for _, r := range text[2:] {
		if !(r == '_' || r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}

type caddyHeredocBody struct {
	raw  string // what was consumed, closing line included
	text string
}

// caddyHeredoc reads a heredoc's body up to the line whose first word is
// the marker (more tokens may follow it on that line); the marker's
// indentation is removed from every body line.
func caddyHeredoc(rest, marker string) (caddyHeredocBody, int, error) {
	lines := strings.SplitAfter(rest, "\n")
	consumed := 0
	for n, l := range lines {
		trimmed := strings.TrimRight(l, "\r\n")
		body := strings.TrimLeft(trimmed, " \t")
		after := strings.TrimPrefix(body, marker)
		if !strings.HasPrefix(body, marker) || after != "" && after[0] != ' ' && after[0] != '\t' {
			consumed += len(l)
			continue
		}
		indent := trimmed[:len(trimmed)-len(body)]
		var out []string
		for _, b := range lines[:n] {
			b = strings.TrimRight(b, "\r\n")
			if !strings.HasPrefix(b, indent) && strings.TrimSpace(b) != "" {
				return caddyHeredocBody{}, 0, fmt.Errorf("heredoc line %q is not indented like its closing marker", b)
			}
			out = append(out, strings.TrimPrefix(b, indent))
		}
		raw := rest[:consumed+len(indent)+len(marker)]
		return caddyHeredocBody{raw: raw, text: strings.Join(out, "\n")}, strings.Count(raw, "\n"), nil
	}
	return caddyHeredocBody{}, 0, fmt.Errorf("heredoc <<%s is not closed", marker)
}

// caddyExpandEnv replaces {$NAME} and {$NAME:default} before lexing, as
// Caddy 2.6 does, so a value with spaces becomes several tokens.
func caddyExpandEnv(input []byte) []byte {
	s := string(input)
	var b strings.Builder
	for {
		start := strings.Index(s, "{$")
		if start < 0 {
			break
		}
		end := strings.Index(s[start+2:], "}")
		if end < 0 {
			break
		}
		name := s[start+2 : start+2+end]
		b.WriteString(s[:start])
		if name == "" {
			b.WriteString("{$}")
		} else {
			key, def, hasDef := strings.Cut(name, ":")
			v, found := os.LookupEnv(key)
			if !found && hasDef {
				v = def
			}
			b.WriteString(v)
		}
		s = s[start+2+end+1:]
	}
	b.WriteString(s)
	return []byte(b.String())
}

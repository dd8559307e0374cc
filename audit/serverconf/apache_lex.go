package serverconf

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
)

// apacheLine is one logical line of an Apache config: continuation lines
// joined, with the number of its last physical line, as httpd counts it
// (its own error messages and DUMP_CONFIG name that line).
type apacheLine struct {
	text string
	line int
}

// apacheLines splits a config file into logical lines as httpd's
// ap_cfg_getline does: trailing blanks dropped, a `\` at the end joins the
// next line, blank lines and lines whose first non-blank character is `#`
// skipped. A `#` anywhere else is part of the line.
// A line longer than httpd would read is an error, not the end of the file.
func apacheLines(data []byte) ([]apacheLine, error) {
	var out []apacheLine
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 8*1024*1024)
	var cur strings.Builder
	n := 0
	for sc.Scan() {
		n++
		raw := strings.TrimRight(sc.Text(), " \t\r\f\v")
		if strings.HasSuffix(raw, `\`) {
			cur.WriteString(raw[:len(raw)-1])
			continue
		}
		cur.WriteString(raw)
		text := strings.TrimSpace(cur.String())
		cur.Reset()
		if text == "" || text[0] == '#' {
			continue
		}
		out = append(out, apacheLine{text: text, line: n})
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("line %d: %w", n+1, err)
	}
	if text := strings.TrimSpace(cur.String()); text != "" && text[0] != '#' {
		out = append(out, apacheLine{text: text, line: n})
	}
	return out, nil
}

// apacheWords splits arguments as ap_getword_conf does: words are separated
// by blanks; a word starting with " or ' runs to the matching quote, in
// which \" (or \') and \\ stand for the character; outside quotes \\ is a
// backslash.
func apacheWords(s string) []string {
	var out []string
	i := 0
	for {
		for i < len(s) && isApacheSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			return out
		}
		var quote byte
		if s[i] == '"' || s[i] == '\'' {
			quote = s[i]
			i++
		}
		var w strings.Builder
		for i < len(s) {
			c := s[i]
			if quote != 0 && c == quote {
				i++
				break
			}
			if quote == 0 && isApacheSpace(c) {
				break
			}
			if c == '\\' && i+1 < len(s) && (s[i+1] == '\\' || (quote != 0 && s[i+1] == quote)) {
				w.WriteByte(s[i+1])
				i += 2
				continue
			}
			w.WriteByte(c)
			i++
		}
		out = append(out, w.String())
	}
}

func isApacheSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// apacheResolveVars replaces ${NAME} by its definition, as ap_resolve_env
// does; an undefined variable stays as written (httpd warns and keeps it).
func apacheResolveVars(s string, lookup func(string) (string, bool)) string {
	if !strings.Contains(s, "${") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i+2:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		name := s[i+2 : i+2+j]
		b.WriteString(s[:i])
		if v, ok := lookup(name); ok && name != "" {
			b.WriteString(v)
		} else {
			b.WriteString(s[i : i+3+j])
		}
		s = s[i+3+j:]
	}
}

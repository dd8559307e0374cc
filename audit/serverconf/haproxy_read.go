package serverconf

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"authwall/internal/percent"
)

// haproxySections are the keywords that open a section; every other line
// belongs to the section above it.
var haproxySections = map[string]bool{
	"global": true, "defaults": true, "frontend": true, "backend": true, "listen": true,
	"userlist": true, "peers": true, "resolvers": true, "mailers": true, "program": true,
	"http-errors": true, "ring": true, "cache": true, "fcgi-app": true, "log-forward": true,
}

// ReadHAProxy reads an HAProxy configuration as haproxy -f does: a file, or
// a directory whose non-hidden *.cfg files are read in C-collation (byte)
// order. Each section becomes a block node whose children are its lines;
// words are unquoted as HAProxy does (single quotes strong, double quotes
// expanding environment variables, backslash escapes, # starting a comment
// anywhere outside quotes) and .if/.elif/.else/.endif blocks are resolved.
// HAProxy has no include directive, so IncludedFrom stays empty.
func ReadHAProxy(path string) ([]*Node, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, &ParseError{File: path, Problem: err.Error()}
	}
	files := []string{path}
	if info.IsDir() {
		files, err = haproxyDirFiles(path)
		if err != nil {
			return nil, err
		}
	}
	var nodes []*Node
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, &ParseError{File: f, Problem: err.Error()}
		}
		fileNodes, err := haproxyParse(f, string(data))
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, fileNodes...)
	}
	return nodes, nil
}

// haproxyDirFiles lists a config directory the way haproxy does: regular
// files ending in .cfg, not starting with a dot, in byte order.
func haproxyDirFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, &ParseError{File: dir, Problem: err.Error()}
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".cfg") || !e.Type().IsRegular() {
			continue
		}
		names = append(names, name)
	}
	slices.Sort(names) // byte order is C collation
	if len(names) == 0 {
		return nil, &ParseError{File: dir, Problem: "the directory holds no *.cfg file"}
	}
	files := make([]string, len(names))
	for i, n := range names {
		files[i] = filepath.Join(dir, n)
	}
	return files, nil
}

// haproxyCondFrame is one open .if block.
type haproxyCondFrame struct {
	line      int
	outer     bool // the enclosing block is active
	active    bool // the current branch is taken
	taken     bool // some branch was taken
	seenElse  bool
	directive string
}

// haproxyParse reads one file. A section ends where the next one starts or
// at the end of the file: haproxy starts each file outside any section.
func haproxyParse(file, text string) ([]*Node, error) {
	var nodes []*Node
	var section *Node
	var conds []*haproxyCondFrame
	active := func() bool { return len(conds) == 0 || conds[len(conds)-1].active }
	for i, line := range strings.Split(text, "\n") {
		lineNo := i + 1
		line = strings.TrimSuffix(line, "\r")
		if m := mustachePlaceholder.FindString(haproxyUncommented(line)); m != "" {
			return nil, &ParseError{File: file, Line: lineNo, Problem: fmt.Sprintf("%q looks like an unrendered template placeholder; render the template first", m)}
		}
		words, err := haproxyWords(line)
		if err != nil {
			return nil, &ParseError{File: file, Line: lineNo, Problem: err.Error()}
		}
		if len(words) == 0 {
			continue
		}
		if strings.HasPrefix(words[0], ".") {
			var err error
			conds, err = haproxyDirective(conds, words, active(), lineNo)
			if err != nil {
				return nil, &ParseError{File: file, Line: lineNo, Problem: err.Error()}
			}
			continue
		}
		if !active() {
			continue
		}
		n := &Node{Name: words[0], Args: words[1:], File: file, Line: lineNo}
		if haproxySections[n.Name] {
			n.Block = true
			section = n
			nodes = append(nodes, n)
			continue
		}
		if section == nil {
			return nil, &ParseError{File: file, Line: lineNo, Problem: fmt.Sprintf("unknown keyword %q out of section", n.Name)}
		}
		section.Children = append(section.Children, n)
	}
	if len(conds) > 0 {
		c := conds[len(conds)-1]
		return nil, &ParseError{File: file, Line: c.line, Problem: c.directive + " without a matching .endif"}
	}
	return nodes, nil
}

// haproxyDirective applies one of the dot-directives of the
// conditional blocks and diagnostics.
func haproxyDirective(conds []*haproxyCondFrame, words []string, active bool, line int) ([]*haproxyCondFrame, error) {
	var top *haproxyCondFrame
	if len(conds) > 0 {
		top = conds[len(conds)-1]
	}
	switch words[0] {
	case ".if":
		f := &haproxyCondFrame{line: line, outer: active, directive: ".if"}
		if active {
			ok, err := haproxyEvalCond(strings.Join(words[1:], " "))
			if err != nil {
				return nil, err
			}
			f.active, f.taken = ok, ok
		}
		return append(conds, f), nil
	case ".elif":
		if top == nil || top.seenElse {
			return nil, fmt.Errorf(".elif without a matching .if")
		}
		top.active = false
		if top.outer && !top.taken {
			ok, err := haproxyEvalCond(strings.Join(words[1:], " "))
			if err != nil {
				return nil, err
			}
			top.active, top.taken = ok, ok
		}
		return conds, nil
	case ".else":
		if top == nil || top.seenElse {
			return nil, fmt.Errorf(".else without a matching .if")
		}
		top.seenElse = true
		top.active = top.outer && !top.taken
		top.taken = true
		return conds, nil
	case ".endif":
		if top == nil {
			return nil, fmt.Errorf(".endif without a matching .if")
		}
		return conds[:len(conds)-1], nil
	case ".diag", ".notice", ".warning":
		return conds, nil
	case ".alert":
		if active {
			return nil, fmt.Errorf(".alert: haproxy stops here: %s", strings.Join(words[1:], " "))
		}
		return conds, nil
	}
	if !active {
		return conds, nil
	}
	return nil, fmt.Errorf("unknown directive %q", words[0])
}

// haproxyUncommented is line without its comment, for the template check
// (a # inside quotes is kept; a mistake here only costs the check).
func haproxyUncommented(line string) string {
	quote := byte(0)
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\\' && quote != '\'':
			i++
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '#':
			return line[:i]
		}
	}
	return line
}

// haproxyWords splits a line into words as HAProxy's parse_line does:
// blanks separate words; '…' keeps everything literal; "…" expands $NAME
// and ${NAME} from the environment (empty when unset; haproxy 2.6 leaves
// them alone outside double quotes); "…" and bare text honour backslash
// escapes (\ , \#, \\, \', \", \$, \r, \n, \t, \xHH; any other
// backslash is kept with the byte after it); a quoted part and its
// neighbours form one word; # outside quotes starts a comment.
func haproxyWords(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	quote := byte(0)
	end := func() {
		if inWord {
			words = append(words, cur.String())
			cur.Reset()
			inWord = false
		}
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		if quote == '\'' {
			if c == '\'' {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
			continue
		}
		switch {
		case c == '\\':
			if i+1 >= len(line) {
				return nil, fmt.Errorf("a backslash ends the line (haproxy does not continue lines)")
			}
			i++
			inWord = true
			switch e := line[i]; e {
			case 'r':
				cur.WriteByte('\r')
			case 'n':
				cur.WriteByte('\n')
			case 't':
				cur.WriteByte('\t')
			case 'x':
				if i+2 >= len(line) || !percent.IsHex(line[i+1]) || !percent.IsHex(line[i+2]) {
					return nil, fmt.Errorf(`\x needs two hexadecimal digits`)
				}
				cur.WriteByte(percent.Unhex(line[i+1])<<4 | percent.Unhex(line[i+2]))
				i += 2
			case ' ', '\\', '#', '\'', '"', '$':
				cur.WriteByte(e)
			default:
				// Any other backslash stays, as regexes need it (\.html$).
				cur.WriteByte('\\')
				cur.WriteByte(e)
			}
		case c == '"':
			inWord = true
			if quote == '"' {
				quote = 0
			} else {
				quote = '"'
			}
		case c == '\'' && quote == 0:
			inWord = true
			quote = '\''
		case c == '$' && quote == '"':
			if i+1 >= len(line) || line[i+1] != '{' && !haproxyEnvByte(line[i+1], true) {
				return nil, fmt.Errorf(`forbidden first character after "$" inside double quotes (write \$ for a dollar)`)
			}
			name, n, err := haproxyEnvName(line[i+1:])
			if err != nil {
				return nil, err
			}
			inWord = true
			cur.WriteString(os.Getenv(name))
			i += n
		case quote == '"':
			cur.WriteByte(c)
		case c == '#':
			end()
			return words, nil
		case c == ' ' || c == '\t':
			end()
		default:
			inWord = true
			cur.WriteByte(c)
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unmatched quote %c", quote)
	}
	end()
	return words, nil
}

// haproxyEnvName reads NAME or {NAME} after a $ and how many bytes it took.
func haproxyEnvName(s string) (string, int, error) {
	if strings.HasPrefix(s, "{") {
		j := strings.IndexByte(s, '}')
		if j < 0 {
			return "", 0, fmt.Errorf("unterminated ${ variable")
		}
		return s[1:j], j + 1, nil
	}
	n := 0
	for n < len(s) && haproxyEnvByte(s[n], n == 0) {
		n++
	}
	return s[:n], n, nil
}

func haproxyEnvByte(c byte, first bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && c >= '0' && c <= '9'
}

// haproxyText writes a line back as HAProxy reads it: words that need it
// in double quotes (with ", \ and $ escaped), braces and the rest bare.
func haproxyText(n *Node) string {
	parts := []string{n.Name}
	for _, a := range n.Args {
		if a == "" || strings.ContainsAny(a, " \t#'\"\\$") {
			a = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`).Replace(a) + `"`
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

package serverconf

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// ApacheOptions says how to read an Apache httpd configuration.
type ApacheOptions struct {
	// ServerRoot resolves relative Include, IfFile and user-file paths until
	// the config sets its own ServerRoot; default: the main file's directory.
	ServerRoot string
	// Root is prepended to every absolute path the config names before it is
	// read from disk, for a copy of a server's tree (a config copied from
	// /etc/apache2 to ./copy/etc/apache2 is read with Root "./copy").
	Root string
	// Modules are the loaded modules that <IfModule> sees, by either of
	// their names ("rewrite_module" or "mod_rewrite.c"); nil means
	// DebianApacheModules(). LoadModule lines in the config add to them.
	Modules []string
	// Defines are the names given with -D on the command line.
	Defines []string
	// Vars resolve ${NAME} besides Define (Debian sets APACHE_LOG_DIR and
	// friends in /etc/apache2/envvars).
	Vars map[string]string
}

// DebianApacheModules are the modules Debian's apache2 package enables by
// default, plus the authentication and authorisation modules a protected
// site loads.
func DebianApacheModules() []string {
	return []string{
		"mpm_event", "access_compat", "alias", "auth_basic", "authn_core", "authn_file",
		"authz_core", "authz_host", "authz_user", "autoindex", "deflate", "dir", "env",
		"filter", "mime", "negotiation", "reqtimeout", "setenvif", "status",
		"auth_digest", "authz_groupfile", "core", "http", "so", "unixd", "log_config", "logio", "version",
	}
}

// The httpd version <IfVersion> is evaluated against: the Debian build the
// evaluator was checked against.
const (
	apacheMajor = 2
	apacheMinor = 4
	apachePatch = 71
)

// ApacheConfig is a parsed httpd configuration: the main file with its
// includes inlined in place and the conditional sections resolved.
type ApacheConfig struct {
	File       string
	Nodes      []*Node
	ServerRoot string
	Root       string
	modules    map[string]bool
	// Warnings are what httpd would warn about at start (an undefined
	// ${VAR} left as written).
	Warnings []string
}

// apacheModuleKey reduces "mod_rewrite.c" and "rewrite_module" to "rewrite".
func apacheModuleKey(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	if strings.HasSuffix(name, ".c") {
		return strings.TrimPrefix(strings.TrimSuffix(name, ".c"), "mod_")
	}
	return strings.TrimSuffix(name, "_module")
}

// HasModule says whether <IfModule name> would see the module loaded.
func (c *ApacheConfig) HasModule(name string) bool { return c.modules[apacheModuleKey(name)] }

// DiskPath is where a path the config names is read from: relative to
// ServerRoot, under Root when absolute.
func (c *ApacheConfig) DiskPath(p string) string {
	return diskPath(c.Root, c.ServerRoot, p)
}

func diskPath(root, serverRoot, p string) string {
	if !filepath.IsAbs(p) {
		p = filepath.Join(serverRoot, p)
	}
	if root != "" && filepath.IsAbs(p) {
		return filepath.Join(root, p)
	}
	return filepath.Clean(p)
}

// apacheReader holds the state of one read: what is defined and loaded so
// far, in config order, as httpd sees it while it reads.
type apacheReader struct {
	root       string
	serverRoot string
	modules    map[string]bool
	defines    map[string]string
	vars       map[string]string
	warnings   []string
	files      int
}

// apacheMaxIncludeDepth bounds include nesting (httpd stops at 128).
const apacheMaxIncludeDepth = 128

// apacheMaxFiles bounds how many files one read opens.
const apacheMaxFiles = 10000

// ReadApache reads an httpd config file and everything it includes.
func ReadApache(file string, opts ApacheOptions) (*ApacheConfig, error) {
	r := &apacheReader{
		root:       opts.Root,
		serverRoot: opts.ServerRoot,
		modules:    map[string]bool{},
		defines:    map[string]string{},
		vars:       opts.Vars,
	}
	if r.serverRoot == "" {
		r.serverRoot = filepath.Dir(file)
	}
	mods := opts.Modules
	if mods == nil {
		mods = DebianApacheModules()
	}
	for _, m := range mods {
		r.modules[apacheModuleKey(m)] = true
	}
	for _, d := range opts.Defines {
		r.defines[d] = ""
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read apache config %s: %w", file, err)
	}
	nodes, err := r.parseFile(file, data, nil, true)
	if err != nil {
		return nil, err
	}
	return &ApacheConfig{File: file, Nodes: nodes, ServerRoot: r.serverRoot, Root: r.root, modules: r.modules, Warnings: r.warnings}, nil
}

// ParseHtaccess parses an .htaccess file (no Include, no
// ServerRoot); conditional sections are resolved with the config's modules.
func (c *ApacheConfig) ParseHtaccess(file string, data []byte) ([]*Node, error) {
	r := &apacheReader{root: c.Root, serverRoot: c.ServerRoot, modules: c.modules, defines: map[string]string{}}
	return r.parseFile(file, data, nil, false)
}

func (r *apacheReader) lookupVar(name string) (string, bool) {
	if v, ok := r.defines[name]; ok {
		return v, true
	}
	v, ok := r.vars[name]
	return v, ok
}

// parseFile parses one file's lines; main says Include and ServerRoot are
// honoured (the server config) rather than left as directives (.htaccess).
func (r *apacheReader) parseFile(file string, data []byte, chain []Pos, main bool) ([]*Node, error) {
	r.files++
	if r.files > apacheMaxFiles {
		return nil, &ParseError{File: file, Problem: fmt.Sprintf("more than %d files included", apacheMaxFiles)}
	}
	lines, err := apacheLines(data)
	if err != nil {
		return nil, &ParseError{File: file, Problem: err.Error()}
	}
	p := &apacheFileParser{r: r, file: file, lines: lines, chain: chain, main: main}
	nodes, err := p.block("", 0, true)
	if err != nil {
		return nil, err
	}
	return nodes, nil
}

type apacheFileParser struct {
	r     *apacheReader
	file  string
	lines []apacheLine
	i     int
	chain []Pos
	main  bool
	depth int // sections open around the current line
}

// Bounds on what one config may ask of the reader: sections nested
// deeper, or a line that variables expand beyond, is refused rather than
// followed into a stack overflow or an exponential expansion.
const (
	apacheMaxNesting  = 128
	apacheMaxLineSize = 1 << 20
)

func (p *apacheFileParser) errf(line int, format string, args ...any) error {
	return &ParseError{File: p.file, Line: line, Problem: fmt.Sprintf(format, args...)}
}

// block reads nodes until `</closing>` (or the end of the file when
// closing is ""). active is false inside a conditional section that does
// not hold: its content is checked for nesting but has no effect.
func (p *apacheFileParser) block(closing string, openLine int, active bool) ([]*Node, error) {
	var out []*Node
	for p.i < len(p.lines) {
		ln := p.lines[p.i]
		p.i++
		text := ln.text
		if active {
			text = apacheResolveVars(text, p.r.lookupVar)
			if len(text) > apacheMaxLineSize {
				return nil, p.errf(ln.line, "line expands to more than %d bytes (Define values that grow on every use?)", apacheMaxLineSize)
			}
			if strings.Contains(text, "${") && strings.Contains(text, "}") {
				p.r.warnings = append(p.r.warnings, fmt.Sprintf("%s:%d: undefined variable left as written: %s", p.file, ln.line, text))
			}
		}
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		if strings.HasPrefix(text, "</") {
			name := strings.TrimSpace(strings.TrimSuffix(text[2:], ">"))
			if !strings.HasSuffix(text, ">") {
				return nil, p.errf(ln.line, "%s> directive missing closing '>'", text)
			}
			if closing == "" {
				return nil, p.errf(ln.line, "</%s> without matching <%s> section", name, name)
			}
			if !strings.EqualFold(name, closing) {
				return nil, p.errf(ln.line, "expected </%s> but saw </%s> (section opened at line %d)", closing, name, openLine)
			}
			return out, nil
		}
		if text[0] == '<' {
			nodes, err := p.section(ln, text, active)
			if err != nil {
				return nil, err
			}
			out = append(out, nodes...)
			continue
		}
		words := apacheWords(text)
		if len(words) == 0 {
			continue
		}
		n := &Node{Name: words[0], Args: words[1:], File: p.file, Line: ln.line, IncludedFrom: p.chain}
		if !active {
			continue
		}
		nodes, err := p.directive(n)
		if err != nil {
			return nil, err
		}
		out = append(out, nodes...)
	}
	if closing != "" {
		return nil, p.errf(openLine, "<%s> section is never closed", closing)
	}
	return out, nil
}

// section reads `<Name args>` and its content up to `</Name>`.
func (p *apacheFileParser) section(ln apacheLine, text string, active bool) ([]*Node, error) {
	if p.depth >= apacheMaxNesting {
		return nil, p.errf(ln.line, "sections nested deeper than %d", apacheMaxNesting)
	}
	p.depth++
	defer func() { p.depth-- }()
	if !strings.HasSuffix(text, ">") {
		return nil, p.errf(ln.line, "%s directive missing closing '>'", strings.Fields(text)[0])
	}
	inner := strings.TrimSuffix(text[1:], ">")
	nameEnd := strings.IndexFunc(inner, func(c rune) bool { return c < 128 && isApacheSpace(byte(c)) })
	name, rest := inner, ""
	if nameEnd >= 0 {
		name, rest = inner[:nameEnd], inner[nameEnd:]
	}
	if name == "" {
		return nil, p.errf(ln.line, "empty section name")
	}
	args := apacheWords(rest)
	n := &Node{Name: name, Args: args, File: p.file, Line: ln.line, Block: true, IncludedFrom: p.chain}
	cond, isCond, err := p.condition(n, active)
	if err != nil {
		return nil, err
	}
	children, err := p.block(name, ln.line, active && (!isCond || cond))
	if err != nil {
		return nil, err
	}
	if !active {
		return nil, nil
	}
	if isCond {
		if cond {
			return children, nil
		}
		return nil, nil
	}
	n.Children = children
	return []*Node{n}, nil
}

// condition evaluates <IfModule>, <IfDefine>, <IfVersion>, <IfFile>.
func (p *apacheFileParser) condition(n *Node, active bool) (holds, isCond bool, err error) {
	kind := strings.ToLower(n.Name)
	switch kind {
	case "ifmodule", "ifdefine", "iffile", "ifversion":
	default:
		return false, false, nil
	}
	if !active {
		return false, true, nil
	}
	if len(n.Args) == 0 {
		return false, true, p.errf(n.Line, "<%s> needs an argument", n.Name)
	}
	arg, negate := n.Args[0], false
	if kind != "ifversion" && strings.HasPrefix(arg, "!") {
		arg, negate = arg[1:], true
	}
	switch kind {
	case "ifmodule":
		holds = p.r.modules[apacheModuleKey(arg)]
	case "ifdefine":
		_, holds = p.r.defines[arg]
	case "iffile":
		_, statErr := os.Stat(diskPath(p.r.root, p.r.serverRoot, arg))
		holds = statErr == nil
	case "ifversion":
		holds, err = apacheVersionHolds(n.Args)
		if err != nil {
			return false, true, p.errf(n.Line, "%v", err)
		}
	}
	return holds != negate, true, nil
}

// apacheVersionHolds evaluates <IfVersion [[!]op] version>.
func apacheVersionHolds(args []string) (bool, error) {
	op, v := "=", args[0]
	if len(args) >= 2 {
		op, v = args[0], args[1]
	}
	negate := strings.HasPrefix(op, "!")
	op = strings.TrimPrefix(op, "!")
	version := [3]int{apacheMajor, apacheMinor, apachePatch}
	have := fmt.Sprintf("%d.%d.%d", apacheMajor, apacheMinor, apachePatch)
	if op == "~" || (op == "=" && strings.HasPrefix(v, "/") && strings.HasSuffix(v, "/") && len(v) > 1) {
		re, err := regexp.Compile(strings.Trim(v, "/"))
		if err != nil {
			return false, fmt.Errorf("<IfVersion> regex %q: %w", v, err)
		}
		return re.MatchString(have) != negate, nil
	}
	want := [3]int{}
	for i, part := range strings.SplitN(v, ".", 3) {
		n, err := strconv.Atoi(part)
		if err != nil {
			return false, fmt.Errorf("<IfVersion> version %q is not numeric", v)
		}
		want[i] = n
	}
	cmp := 0
	parts := len(strings.Split(v, "."))
	for i := 0; i < parts && i < 3 && cmp == 0; i++ {
		switch {
		case version[i] < want[i]:
			cmp = -1
		case version[i] > want[i]:
			cmp = 1
		}
	}
	var holds bool
	switch op {
	case "=", "==":
		holds = cmp == 0
	case ">":
		holds = cmp > 0
	case ">=":
		holds = cmp >= 0
	case "<":
		holds = cmp < 0
	case "<=":
		holds = cmp <= 0
	default:
		return false, fmt.Errorf("<IfVersion> operator %q is unknown", op)
	}
	return holds != negate, nil
}

// directive applies the directives httpd runs while reading (Include,
// Define, LoadModule, ServerRoot) and keeps every directive as a node.
func (p *apacheFileParser) directive(n *Node) ([]*Node, error) {
	switch strings.ToLower(n.Name) {
	case "define":
		if len(n.Args) == 0 {
			return nil, p.errf(n.Line, "Define needs a name")
		}
		v := ""
		if len(n.Args) > 1 {
			v = n.Args[1]
		}
		p.r.defines[n.Args[0]] = v
	case "undefine":
		if len(n.Args) > 0 {
			delete(p.r.defines, n.Args[0])
		}
	case "loadmodule":
		if len(n.Args) > 0 {
			p.r.modules[apacheModuleKey(n.Args[0])] = true
		}
	case "serverroot":
		if p.main && len(n.Args) > 0 {
			p.r.serverRoot = n.Args[0]
		}
	case "include", "includeoptional":
		if !p.main {
			break
		}
		if len(n.Args) != 1 {
			return nil, p.errf(n.Line, "%s needs one path", n.Name)
		}
		return p.include(n, strings.EqualFold(n.Name, "IncludeOptional"))
	}
	return []*Node{n}, nil
}

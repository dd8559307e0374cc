package serverconf

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// hapACL is one ACL expression: a fetch, its converters, a match method
// and patterns (configuration manual §7.1).
type hapACL struct {
	node     *Node
	text     string // as written, e.g. "path_beg /admin/"
	fetch    string // path, url, base, pathq, query, method, hdr, src, auth, const
	header   string // for hdr: the header name, lower case
	split    bool   // hdr: the value is split on commas (hdr, req.hdr; not req.fhdr)
	convs    []string
	mode     string // str, beg, end, sub, dir, dom, reg, found, len
	icase    bool
	patterns []string
	regexes  []*pcreRegex
	constant bool   // for fetch "const": the value
	unknown  string // why the request cannot tell; "" when it can
}

// parseHAProxyACL reads "criterion [flags] [patterns]".
func parseHAProxyACL(c *Node, words []string) (*hapACL, error) {
	bad := func(format string, args ...any) error {
		return &ParseError{File: c.File, Line: c.Line, Problem: fmt.Sprintf(format, args...)}
	}
	a := &hapACL{node: c, text: strings.Join(words, " ")}
	parts := haproxySplitConverters(words[0])
	name, arg, _ := strings.Cut(parts[0], "(")
	arg = strings.TrimSuffix(arg, ")")
	a.convs = parts[1:]
	src, mode, known := haproxyFetch(name)
	a.fetch, a.mode = src, mode
	switch {
	case known:
	case haproxyClientFetch(name):
		// Counters and tables keyed on the client: its address or how
		// often it came decide, as an address list does.
		a.fetch, a.mode = "src", "int"
	default:
		a.fetch, a.mode = "other", "str"
		a.unknown = fmt.Sprintf("the fetch %s is not modelled", name)
	}
	if src == "hdr" {
		a.split = name != "req.fhdr"
		hname, occ, _ := strings.Cut(arg, ",")
		a.header = strings.ToLower(strings.TrimSpace(hname))
		if a.header == "" {
			return nil, bad("%s needs a header name", name)
		}
		if occ != "" {
			a.unknown = fmt.Sprintf("%s picks one occurrence of the header", words[0])
		}
	}
	i := 1
flags:
	for ; i < len(words) && strings.HasPrefix(words[i], "-"); i++ {
		switch words[i] {
		case "-i":
			a.icase = true
		case "-n":
		case "--":
			i++
			break flags
		case "-m":
			if i+1 >= len(words) {
				return nil, bad("-m needs a match method")
			}
			i++
			a.mode = words[i]
		case "-f", "-M", "-u":
			if i+1 >= len(words) {
				return nil, bad("%s needs an argument", words[i])
			}
			if words[i] == "-f" {
				a.patterns = append(a.patterns, haproxyPatternFile(a, c, words[i+1])...)
			}
			i++
		default:
			return nil, bad("unknown ACL flag %q", words[i])
		}
	}
	a.patterns = append(a.patterns, words[i:]...)
	switch a.mode {
	case "str", "beg", "end", "sub", "dir", "dom", "found", "bool":
	case "reg":
		for _, p := range a.patterns {
			re, err := compilePCRE(p, a.icase)
			if err != nil {
				return nil, bad("regex %q: %v", p, err)
			}
			a.regexes = append(a.regexes, re)
		}
	case "len":
		for _, p := range a.patterns {
			if _, _, ok := haproxyRange(p); !ok {
				return nil, bad("length %q is not an integer or range", p)
			}
		}
	case "int":
		a.patterns = haproxyIntOperator(a.patterns)
		for _, p := range a.patterns {
			if _, _, ok := haproxyRange(p); !ok && a.fetch != "src" {
				return nil, bad("%q is not an integer or range", p)
			}
		}
		if a.fetch != "port" && a.fetch != "src" && a.unknown == "" {
			a.unknown = fmt.Sprintf("-m int on %s is not modelled", name)
		}
	case "ip", "bin", "regm":
		if a.fetch != "src" && a.unknown == "" {
			a.unknown = fmt.Sprintf("-m %s is not modelled", a.mode)
		}
	default:
		return nil, bad("unknown match method %q", a.mode)
	}
	for _, conv := range a.convs {
		switch strings.SplitN(conv, "(", 2)[0] {
		case "lower", "upper", "url_dec":
		default:
			if a.unknown == "" {
				a.unknown = fmt.Sprintf("the converter %s is not modelled", conv)
			}
		}
	}
	return a, nil
}

// haproxyPatternFile reads the patterns of "-f FILE": one a line, leading
// blanks dropped, empty lines and lines starting with # skipped. haproxy
// opens a relative name from its working directory, which the config does
// not tell; it is taken from the config file's directory. A file that
// cannot be read leaves the ACL undecidable.
func haproxyPatternFile(a *hapACL, c *Node, name string) []string {
	p := name
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(c.File), p)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		if a.unknown == "" {
			a.unknown = fmt.Sprintf("patterns are read from %s, which cannot be read here", name)
		}
		return nil
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(strings.TrimLeft(line, " \t"), "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out
}

// haproxyIntOperator turns "gt 20" and its kin into the range it means.
func haproxyIntOperator(patterns []string) []string {
	if len(patterns) != 2 {
		return patterns
	}
	n, err := strconv.Atoi(patterns[1])
	if err != nil {
		return patterns
	}
	switch patterns[0] {
	case "eq":
		return []string{strconv.Itoa(n)}
	case "ge":
		return []string{strconv.Itoa(n) + ":"}
	case "gt":
		return []string{strconv.Itoa(n+1) + ":"}
	case "le":
		return []string{":" + strconv.Itoa(n)}
	case "lt":
		return []string{":" + strconv.Itoa(n-1)}
	}
	return patterns
}

// haproxyPredefinedACL returns the built-in ACLs (§7.4) as expressions.
func haproxyPredefinedACL(name string) (*hapACL, bool) {
	a := &hapACL{text: name, mode: "str"}
	switch name {
	case "TRUE", "HTTP", "HTTP_1.1":
		a.fetch, a.constant = "const", true
	case "FALSE", "HTTP_1.0", "HTTP_2.0", "HTTP_URL_ABS":
		a.fetch = "const"
	case "HTTP_URL_SLASH":
		a.fetch, a.mode, a.patterns = "url", "beg", []string{"/"}
	case "HTTP_URL_STAR":
		a.fetch, a.patterns = "url", []string{"*"}
	case "LOCALHOST":
		a.fetch, a.mode, a.patterns = "src", "ip", []string{"127.0.0.1/8", "::1"}
	case "METH_CONNECT", "METH_DELETE", "METH_HEAD", "METH_OPTIONS", "METH_POST", "METH_PUT", "METH_TRACE":
		a.fetch, a.patterns = "method", []string{strings.TrimPrefix(name, "METH_")}
	case "METH_GET":
		a.fetch, a.patterns = "method", []string{"GET", "HEAD"}
	case "HTTP_CONTENT", "REQ_CONTENT", "WAIT_END", "RDP_COOKIE":
		a.fetch, a.unknown = "other", fmt.Sprintf("the predefined ACL %s is not modelled", name)
	default:
		return nil, false
	}
	return a, true
}

// hapTri is a three-valued truth: an ACL the request cannot decide (the
// client's address, an unmodelled fetch) is unknown.
type hapTri int

const (
	hapNo hapTri = iota
	hapYes
	hapUnknown
)

// eval decides the expression for a request; why says what is unknown.
func (a *hapACL) eval(f hapFacts) (hapTri, string) {
	switch {
	case a.fetch == "const":
		return hapTriOf(a.constant), ""
	case a.fetch == "auth":
		return hapNo, "" // an anonymous request carries no credentials
	case a.fetch == "tls" && a.mode == "bool":
		return hapTriOf(f.tls), ""
	case a.fetch == "src":
		return hapUnknown, "address"
	case a.unknown != "":
		return hapUnknown, a.unknown
	}
	vals, ok := a.values(f)
	if !ok {
		return hapUnknown, fmt.Sprintf("what the crawler sends in %s is not known", a.text)
	}
	var convOK bool
	if vals, convOK = a.convert(vals); !convOK {
		return hapNo, ""
	}
	if a.mode == "found" {
		return hapTriOf(len(vals) > 0), ""
	}
	for _, v := range vals {
		for i, p := range a.patterns {
			if m, sure := a.matchOne(v, p, i); !sure {
				return hapUnknown, fmt.Sprintf("the regex %q could not be run to the end", p)
			} else if m {
				return hapYes, ""
			}
		}
	}
	return hapNo, ""
}

func hapTriOf(b bool) hapTri {
	if b {
		return hapYes
	}
	return hapNo
}

// matchOne matches one value against pattern i; sure is false when a
// regex could not be run to the end.
func (a *hapACL) matchOne(v, p string, i int) (matched, sure bool) {
	if a.icase && a.mode != "reg" {
		v, p = haproxyASCIILower(v), haproxyASCIILower(p)
	}
	switch a.mode {
	case "str", "bool":
		return v == p, true
	case "beg":
		return strings.HasPrefix(v, p), true
	case "end":
		return strings.HasSuffix(v, p), true
	case "sub":
		return strings.Contains(v, p), true
	case "dir":
		return haproxyMatchWord(v, p, "/?"), true
	case "dom":
		return haproxyMatchWord(v, p, "/?.:"), true
	case "reg":
		return a.regexes[i].match(v)
	case "len":
		lo, hi, _ := haproxyRange(p)
		return len(v) >= lo && len(v) <= hi, true
	case "int":
		n, err := strconv.Atoi(v)
		lo, hi, _ := haproxyRange(p)
		return err == nil && n >= lo && n <= hi, true
	}
	return false, true
}

// haproxyMatchWord is HAProxy's match_word: the pattern, stripped of
// delimiters at both ends, appears in v between delimiters or the ends.
func haproxyMatchWord(v, p, delims string) bool {
	p = strings.Trim(p, delims)
	if len(p) > len(v) {
		return false
	}
	mayMatch := true
	for i := 0; i+len(p) <= len(v); i++ {
		if strings.IndexByte(delims, v[i]) >= 0 {
			mayMatch = true
			continue
		}
		if !mayMatch {
			continue
		}
		end := i + len(p)
		if v[i:end] == p && (end == len(v) || strings.IndexByte(delims, v[end]) >= 0) {
			return true
		}
		mayMatch = false
	}
	return false
}

// haproxyRange reads an integer or a range "lo:hi" (either side may be
// empty) as -m len and -m int take them.
func haproxyRange(p string) (lo, hi int, ok bool) {
	const maxInt = int(^uint(0) >> 1)
	a, b, isRange := strings.Cut(p, ":")
	lo, hi = 0, maxInt
	var err error
	if a != "" {
		if lo, err = strconv.Atoi(a); err != nil {
			return 0, 0, false
		}
	}
	if !isRange {
		return lo, lo, true
	}
	if b != "" {
		if hi, err = strconv.Atoi(b); err != nil {
			return 0, 0, false
		}
	}
	return lo, hi, true
}

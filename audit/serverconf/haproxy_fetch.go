package serverconf

import (
	"strconv"
	"strings"

	"authwall/internal/percent"
)

// HAProxy's sample fetches: what each one reads from a request, and the
// converters applied to what it read.

// hapFetches maps a fetch name to what it reads and its default match
// method; the _beg/_end... variants of path, url and base are added by
// haproxyFetch.
var hapFetches = map[string][2]string{
	"path": {"path", "str"}, "url": {"url", "str"}, "base": {"base", "str"},
	"pathq": {"pathq", "str"}, "query": {"query", "str"}, "method": {"method", "str"},
	"hdr": {"hdr", "str"}, "req.hdr": {"hdr", "str"}, "req.fhdr": {"hdr", "str"},
	"src": {"src", "ip"}, "http_auth": {"auth", "bool"}, "http_auth_group": {"auth", "str"},
	"cook": {"absent", "str"}, "req.cook": {"absent", "str"},
	"ssl_fc": {"tls", "bool"}, "dst_port": {"port", "int"},
}

var hapSuffixModes = map[string]string{
	"_beg": "beg", "_end": "end", "_sub": "sub", "_dir": "dir", "_dom": "dom", "_reg": "reg", "_len": "len", "_cnt": "int",
}

// haproxyFetch returns what a fetch name reads and its default match.
func haproxyFetch(name string) (src, mode string, ok bool) {
	if f, ok := hapFetches[name]; ok {
		return f[0], f[1], true
	}
	for suffix, mode := range hapSuffixModes {
		base, found := strings.CutSuffix(name, suffix)
		if !found {
			continue
		}
		switch base {
		case "path", "url", "base", "hdr":
			if mode == "int" && base != "hdr" {
				return "", "", false
			}
			return base, mode, true
		}
	}
	return "", "", false
}

// haproxyClientFetch: the fetches that read the client's address or the
// stick-table counters kept for it (src_*, sc_*, sc0_* to sc2_*).
func haproxyClientFetch(name string) bool {
	for _, p := range []string{"src_", "sc_", "sc0_", "sc1_", "sc2_"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// haproxySplitConverters splits "fetch(a,b),conv1,conv2(x)" at the commas
// outside parentheses.
func haproxySplitConverters(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// hapFacts is what the request tells about itself, as HAProxy sees it.
type hapFacts struct {
	target string // the request target as sent
	path   string
	query  *string // nil: no '?'
	method string
	host   string // the Host header
	agent  string
	port   int
	tls    bool // the connection came in on a bind with ssl
}

func newHAProxyFacts(req Request) hapFacts {
	f := hapFacts{target: req.Path, method: strings.ToUpper(req.Method), agent: req.UserAgent}
	if f.method == "" {
		f.method = "GET"
	}
	f.host, f.port = req.Host, req.Port
	if f.port == 0 {
		f.port = 80
	}
	if req.Port != 0 && req.Port != 80 && req.Port != 443 {
		f.host += ":" + strconv.Itoa(req.Port)
	}
	path := req.Path
	// An absolute-form target: the path starts after the authority.
	if i := strings.Index(path, "://"); i > 0 && !strings.HasPrefix(path, "/") {
		rest := path[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			path = rest[j:]
		} else {
			path = ""
		}
	}
	if p, q, ok := strings.Cut(path, "?"); ok {
		path = p
		f.query = &q
	}
	f.path = path
	return f
}

// values returns what the fetch yields (none when absent); ok is false
// when the request cannot tell.
func (a *hapACL) values(f hapFacts) (vals []string, ok bool) {
	switch a.fetch {
	case "path":
		return []string{f.path}, true
	case "url", "pathq":
		if a.fetch == "pathq" && f.query == nil {
			return []string{f.path}, true
		}
		if a.fetch == "pathq" {
			return []string{f.path + "?" + *f.query}, true
		}
		return []string{f.target}, true
	case "base":
		return []string{f.host + f.path}, true
	case "query":
		if f.query == nil {
			return nil, true
		}
		return []string{*f.query}, true
	case "method":
		return []string{f.method}, true
	case "hdr":
		var v string
		switch a.header {
		case "host":
			if f.host == "" {
				return nil, true
			}
			v = f.host
		case "user-agent":
			if f.agent == "" {
				return nil, true
			}
			v = f.agent
		case "authorization", "cookie", "proxy-authorization":
			return nil, true // an anonymous crawler sends none
		default:
			return nil, false
		}
		if !a.split {
			return []string{v}, true
		}
		var out []string
		for _, part := range strings.Split(v, ",") {
			out = append(out, strings.Trim(part, " \t"))
		}
		return out, true
	case "absent":
		return nil, true
	case "port":
		return []string{strconv.Itoa(f.port)}, true
	}
	return nil, false
}

// convert applies the converters; a failed conversion drops the sample.
func (a *hapACL) convert(vals []string) ([]string, bool) {
	for _, conv := range a.convs {
		name := strings.SplitN(conv, "(", 2)[0]
		for i, v := range vals {
			switch name {
			case "lower":
				vals[i] = haproxyASCIILower(v)
			case "upper":
				vals[i] = strings.ToUpper(v)
			case "url_dec":
				d, ok := haproxyURLDecode(v)
				if !ok {
					return nil, false
				}
				vals[i] = d
			}
		}
	}
	return vals, true
}

func haproxyASCIILower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// haproxyURLDecode is the url_dec converter: %XX decoded, '+' a space
// only after a '?'; a malformed escape fails the conversion.
func haproxyURLDecode(s string) (string, bool) {
	var b strings.Builder
	inQuery := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '?':
			inQuery = true
			b.WriteByte(c)
		case c == '+' && inQuery:
			b.WriteByte(' ')
		case c == '%':
			if i+2 >= len(s) || !percent.IsHex(s[i+1]) || !percent.IsHex(s[i+2]) {
				return "", false
			}
			b.WriteByte(percent.Unhex(s[i+1])<<4 | percent.Unhex(s[i+2]))
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

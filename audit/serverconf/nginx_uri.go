package serverconf

import (
	"encoding/hex"
	"strings"
)

// normalizeNginxURI turns a request target's path into the URI nginx
// matches locations against (ngx_http_parse_complex_uri): %XX decoded, the
// query cut off, slashes merged, "." and ".." segments resolved. ok is false
// where nginx answers 400: a bad escape, a decoded NUL, or ".." above the
// root.
//
// Decoding first and resolving afterwards is what nginx does: a decoded
// "%2F" or "%2E" takes part in slash merging and dot segments.
func normalizeNginxURI(target string) (uri, query string, ok bool) {
	path := target
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path, query = path[:i], path[i+1:]
	}
	if !strings.HasPrefix(path, "/") {
		return "", query, false
	}
	decoded, ok := nginxPercentDecode(path)
	if !ok {
		return "", query, false
	}
	var out []string
	trailing := false
	for _, seg := range strings.Split(decoded[1:], "/") {
		trailing = true
		switch seg {
		case "", ".":
		case "..":
			if len(out) == 0 {
				return "", query, false
			}
			out = out[:len(out)-1]
		default:
			out = append(out, seg)
			trailing = false
		}
	}
	uri = "/" + strings.Join(out, "/")
	if trailing && len(out) > 0 {
		uri += "/"
	}
	return uri, query, true
}

func nginxPercentDecode(s string) (string, bool) {
	if !strings.Contains(s, "%") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		var d [1]byte
		if i+2 >= len(s) {
			return "", false
		}
		if _, err := hex.Decode(d[:], []byte(s[i+1:i+3])); err != nil || d[0] == 0 {
			return "", false
		}
		b.WriteByte(d[0])
		i += 2
	}
	return b.String(), true
}

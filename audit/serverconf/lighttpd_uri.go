package serverconf

import (
	"fmt"
	"strings"

	"authwall/internal/percent"
)

// How lighttpd cleans a request target before matching it: percent
// decoding, dot segments and doubled slashes.

// lighttpdNormalize turns a request target into what lighttpd's
// conditions and handlers see, with its default server.http-parseopts:
// the whole target is normalised first (%XX of unreserved characters
// decoded, other escapes upper-cased, characters that need it escaped, a
// stray % kept as %25, the fragment dropped), then %2F in the path becomes
// /, then "//", "." and ".." are collapsed (never above the root), and the
// path is decoded. A problem is returned where lighttpd answers 400: a
// control character, raw or escaped, or a byte that is never UTF-8.
func lighttpdNormalize(target string) (uri lighttpdURI, problem string) {
	if i := strings.Index(target, "://"); i > 0 && !strings.HasPrefix(target, "/") {
		rest := target[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			target = rest[j:]
		} else {
			target = "/"
		}
	}
	if i := strings.IndexByte(target, '#'); i >= 0 {
		target = target[:i]
	}
	var b strings.Builder
	qs := -1
	for i := 0; i < len(target); i++ {
		c := target[i]
		switch {
		case c == '%' && i+2 < len(target) && percent.IsHex(target[i+1]) && percent.IsHex(target[i+2]):
			x := percent.Unhex(target[i+1])<<4 | percent.Unhex(target[i+2])
			i += 2
			if lighttpdIsLetter(x) || x >= '0' && x <= '9' || strings.IndexByte("-._~", x) >= 0 {
				b.WriteByte(x)
				continue
			}
			if lighttpdNeverUTF8(x) {
				return uri, fmt.Sprintf("the escape %%%02X is never UTF-8", x)
			}
			fmt.Fprintf(&b, "%%%02X", x)
		case c <= 0x20 || c >= 0x7f || strings.IndexByte("\"%<>[\\]^`{|}", c) >= 0:
			if lighttpdNeverUTF8(c) {
				return uri, fmt.Sprintf("the byte %#x is never UTF-8", c)
			}
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			if c == '?' && qs < 0 {
				qs = b.Len()
			}
			b.WriteByte(c)
		}
	}
	norm := b.String()
	for i := 0; i+2 < len(norm); i++ {
		if norm[i] == '%' && (norm[i+1] < '2' || norm[i+1:i+3] == "7F") {
			return uri, "a control character in the target"
		}
	}
	path := norm
	if qs >= 0 {
		path, uri.query, uri.hasQuery = norm[:qs], norm[qs+1:], true
	}
	if !strings.HasPrefix(path, "/") {
		return uri, "the request target does not start with /"
	}
	uri.encoded = lighttpdSimplify(strings.ReplaceAll(path, "%2F", "/"))
	var out strings.Builder
	for i := 0; i < len(uri.encoded); i++ {
		if uri.encoded[i] == '%' && i+2 < len(uri.encoded) {
			out.WriteByte(percent.Unhex(uri.encoded[i+1])<<4 | percent.Unhex(uri.encoded[i+2]))
			i += 2
			continue
		}
		out.WriteByte(uri.encoded[i])
	}
	uri.path = lighttpdSimplify(out.String())
	return uri, ""
}

// lighttpdNeverUTF8 is a byte no UTF-8 text holds; lighttpd refuses a
// target with one.
func lighttpdNeverUTF8(c byte) bool { return c >= 0xf5 || c|1 == 0xc1 }

// lighttpdURI is a request target as lighttpd keeps it: the decoded path
// the conditions and mod_auth see, the still-encoded path, and the query.
type lighttpdURI struct {
	path, encoded, query string
	hasQuery             bool
}

// target is the normalised request target that mod_redirect matches.
func (u lighttpdURI) target() string {
	if u.hasQuery {
		return u.encoded + "?" + u.query
	}
	return u.encoded
}

// lighttpdSimplify collapses repeated slashes and resolves "." and ".."
// segments, keeping a trailing slash.
func lighttpdSimplify(p string) string {
	segs := strings.Split(p, "/")
	var out []string
	trailing := false
	for i, s := range segs[1:] {
		lastSeg := i == len(segs)-2
		switch s {
		case "", ".":
			trailing = lastSeg
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
			trailing = lastSeg
		default:
			out = append(out, s)
			trailing = false
		}
	}
	r := "/" + strings.Join(out, "/")
	if trailing && len(out) > 0 {
		r += "/"
	}
	return r
}

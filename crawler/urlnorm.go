package crawler

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/idna"

	"authwall/internal/percent"
)

// maxURLLength caps the URLs the crawler accepts (crawler traps grow URLs).
const maxURLLength = 4096

// errTooLong is normalize's error for a URL over maxURLLength, which the
// crawl counts in a note rather than dropping in silence.
var errTooLong = fmt.Errorf("longer than %d bytes", maxURLLength)

// normalize resolves raw against base (base may be nil when raw is absolute)
// and returns the canonical form, so that one page is one URL:
//
//   - scheme and host lower-cased, non-ASCII host names converted to
//     punycode, IPv6 literals in their canonical text form;
//   - the default port (:80 for http, :443 for https) and an empty port removed;
//   - userinfo dropped: the crawler is an anonymous client, and credentials in
//     a link would make it authenticate and hide the very walls it looks for;
//   - dot segments removed (RFC 3986 5.2.4), empty path made "/";
//   - fragment dropped;
//   - percent-encoded unreserved characters (ALPHA DIGIT - . _ ~) decoded,
//     other escapes upper-cased and never decoded (%2f -> %2F), a '%' that
//     starts no escape encoded as %25, and characters that may not appear in
//     a URL (space, controls, non-ASCII, "<>^`{|}) percent-encoded, in path
//     and query alike;
//   - as browsers do for http(s): surrounding whitespace trimmed, tabs and
//     newlines removed, '\' before the query read as '/';
//   - the query otherwise kept as written (not re-sorted); a '?' with an
//     empty query dropped.
//
// It fails on unparseable input, on schemes other than http and https
// (javascript:, mailto:, tel:, data:, ftp: ...), on an empty host, on a
// relative reference without a base and on results longer than maxURLLength.
func normalize(base *url.URL, raw string) (*url.URL, error) {
	if base != nil && !isCanonicalURL(base) {
		// The path and query of the result may come from base: make them
		// canonical first, or "/a/%2E%2E/" in base would survive resolution.
		nb, err := normalize(nil, base.String())
		if err != nil {
			return nil, fmt.Errorf("normalize %q: base: %w", clip(raw), err)
		}
		base = nb
	}
	return normalizeCanonicalBase(base, raw)
}

// normalizeCanonicalBase is normalize for a base already in canonical form,
// which extractLinks guarantees once per page instead of once per link.
func normalizeCanonicalBase(base *url.URL, raw string) (*url.URL, error) {
	s, ok := prepareRef(raw)
	if !ok {
		return nil, fmt.Errorf("normalize %q: %w", clip(raw), errTooLong)
	}
	ref, err := url.Parse(s)
	if err != nil {
		// url.Error would quote the prepared string, not what was given.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("normalize %q: %w", clip(raw), err)
	}
	var u *url.URL
	switch {
	case base != nil:
		u = base.ResolveReference(ref)
	case ref.Scheme == "":
		return nil, fmt.Errorf("normalize %q: relative URL without a base", clip(raw))
	default:
		// Resolving an absolute reference removes its dot segments.
		u = ref.ResolveReference(ref)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		if u.Scheme == "" {
			return nil, fmt.Errorf("normalize %q: no scheme", clip(raw))
		}
		return nil, fmt.Errorf("normalize %q: scheme %q is not http or https", clip(raw), u.Scheme)
	}
	host := u.Host
	if base == nil || u.Host != base.Host || u.Scheme != base.Scheme {
		// The base is canonical already, and so is the host of a reference
		// relative to it (most links): canonicalHost would give it back.
		var err error
		if host, err = canonicalHost(u.Scheme, u.Host); err != nil {
			return nil, fmt.Errorf("normalize %q: %w", clip(raw), err)
		}
	}
	// u is a fresh copy made by ResolveReference: shape it in place.
	*u = url.URL{Scheme: u.Scheme, Host: host, Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery}
	if u.Path == "" {
		u.Path, u.RawPath = "/", ""
	}
	n := len(u.Scheme) + len("://") + len(host) + 2*strings.Count(host, "%") + len(u.EscapedPath())
	if u.RawQuery != "" {
		n += 1 + len(u.RawQuery)
	}
	if n > maxURLLength {
		return nil, fmt.Errorf("normalize %q: %w", clip(raw), errTooLong)
	}
	return u, nil
}

// isCanonicalURL reports whether u's path and query are already in the form
// normalize produces, so that resolving against u needs no clean-up.
func isCanonicalURL(u *url.URL) bool {
	if u.Opaque != "" || u.User != nil || u.ForceQuery {
		return false
	}
	if host, err := canonicalHost(u.Scheme, u.Host); err != nil || host != u.Host {
		return false
	}
	p := u.EscapedPath()
	return !hasDotSegment(p) && escapesCanonical(p) && escapesCanonical(u.RawQuery)
}

// hasDotSegment reports whether path has a "." or ".." segment.
func hasDotSegment(path string) bool {
	for path != "" {
		var seg string
		seg, path, _ = strings.Cut(path, "/")
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// escapesCanonical reports whether s contains only bytes that may stand in a
// URL and only upper-case escapes of characters that are not unreserved.
func escapesCanonical(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%':
			if i+2 >= len(s) || !isUpperHex(s[i+1]) || !isUpperHex(s[i+2]) {
				return false
			}
			if isUnreserved(percent.Unhex(s[i+1])<<4 | percent.Unhex(s[i+2])) {
				return false
			}
			i += 2
		case mustEscape(c), c == '\\', c == '#':
			return false
		}
	}
	return true
}

// prepareRef applies to a raw reference what browsers do before parsing,
// cuts the fragment and canonicalises percent-encoding, so that url.Parse
// accepts what a browser accepts and keeps the escapes as written. It is
// false when the input is too long to be worth the work.
func prepareRef(raw string) (string, bool) {
	// Leading and trailing C0 controls and spaces are stripped (WHATWG URL).
	start, end := 0, len(raw)
	for start < end && raw[start] <= ' ' {
		start++
	}
	for end > start && raw[end-1] <= ' ' {
		end--
	}
	s := raw[start:end]
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	// Escaping at most triples the length: anything longer cannot come back
	// under the cap, except through dot segments, which traps don't shrink.
	if len(s) > 3*maxURLLength {
		return "", false
	}
	if !needsPrepare(s) {
		return s, true
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	inQuery := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\t' || c == '\n' || c == '\r':
			// Browsers drop these anywhere in a URL.
		case c == '?':
			inQuery = true
			b.WriteByte(c)
		case c == '\\' && !inQuery:
			b.WriteByte('/')
		case c == '%':
			if i+2 < len(s) && percent.IsHex(s[i+1]) && percent.IsHex(s[i+2]) {
				v := percent.Unhex(s[i+1])<<4 | percent.Unhex(s[i+2])
				if isUnreserved(v) {
					b.WriteByte(v)
				} else {
					writeEscape(&b, v)
				}
				i += 2
			} else {
				writeEscape(&b, '%')
			}
		case mustEscape(c) || c == '\\':
			writeEscape(&b, c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

// needsPrepare reports whether prepareRef would change s.
func needsPrepare(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' {
			if i+2 >= len(s) || !isUpperHex(s[i+1]) || !isUpperHex(s[i+2]) {
				return true
			}
			if isUnreserved(percent.Unhex(s[i+1])<<4 | percent.Unhex(s[i+2])) {
				return true
			}
			i += 2
			continue
		}
		if mustEscape(c) || c == '\\' {
			return true
		}
	}
	return false
}

// canonicalHost lower-cases host, converts an internationalised name to
// punycode, writes an IPv6 literal in its canonical form and drops an empty
// or default port. host is url.URL.Host: percent-decoded, port included.
func canonicalHost(scheme, host string) (string, error) {
	name, port := host, ""
	if strings.HasPrefix(host, "[") {
		i := strings.LastIndexByte(host, ']')
		if i < 0 {
			return "", fmt.Errorf("host %q: missing ']'", host)
		}
		name, port = host[:i+1], host[i+1:]
		if port != "" && port[0] != ':' {
			return "", fmt.Errorf("host %q: junk after ']'", host)
		}
	} else if i := strings.IndexByte(host, ':'); i >= 0 {
		name, port = host[:i], host[i:]
	}
	if port != "" {
		port = port[1:]
	}
	if port != "" {
		n, err := strconv.ParseUint(port, 10, 16)
		if err != nil {
			return "", fmt.Errorf("host %q: bad port %q", host, port)
		}
		port = strconv.FormatUint(n, 10)
		if (scheme == "http" && n == 80) || (scheme == "https" && n == 443) {
			port = ""
		}
	}
	if name == "" {
		return "", errors.New("empty host")
	}
	if name[0] == '[' {
		a, err := netip.ParseAddr(name[1 : len(name)-1])
		if err != nil || !a.Is6() {
			return "", fmt.Errorf("host %q: bad IPv6 address", host)
		}
		// A zone ("%25eth0") only ever names a local interface; keep it
		// plain so the URL's length is what it looks like.
		for _, c := range []byte(a.Zone()) {
			if !isUnreserved(c) {
				return "", fmt.Errorf("host %q: bad IPv6 zone", host)
			}
		}
		name = "[" + a.String() + "]"
	} else if !isASCII(name) {
		a, err := idna.Lookup.ToASCII(name)
		if err != nil {
			return "", fmt.Errorf("host %q: %w", host, err)
		}
		name = a
	} else {
		name = lowerASCII(name)
	}
	if name == "" || name[0] != '[' && !validHostName(name) {
		return "", fmt.Errorf("host %q: not a valid host name", host)
	}
	if port != "" {
		return name + ":" + port, nil
	}
	return name, nil
}

// clip shortens raw input quoted in an error message.
func clip(s string) string {
	const n = 120
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// validHostName accepts the characters of DNS names and IPv4 addresses; the
// sub-delimiters RFC 3986 also allows in a host name no HTTP client resolves.
func validHostName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// mustEscape reports whether c may not appear unescaped in a URL (RFC 3986
// allows neither controls, space, non-ASCII nor these punctuation marks).
func mustEscape(c byte) bool {
	if c <= ' ' || c >= 0x7f {
		return true
	}
	switch c {
	case '"', '<', '>', '^', '`', '{', '|', '}':
		return true
	}
	return false
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func isUpperHex(c byte) bool {
	return '0' <= c && c <= '9' || 'A' <= c && c <= 'F'
}

func writeEscape(b *strings.Builder, c byte) {
	const hexDigits = "0123456789ABCDEF"
	b.WriteByte('%')
	b.WriteByte(hexDigits[c>>4])
	b.WriteByte(hexDigits[c&15])
}

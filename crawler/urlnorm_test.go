package crawler

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustParse(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}

func TestNormalize(t *testing.T) {
	const page = "http://example.com/dir/page?x=1"
	const dir = "http://example.com/dir/"
	tests := []struct {
		name    string
		base    string // "" for none
		raw     string
		want    string
		wantErr string
	}{
		// case and ports
		{name: "scheme and host lower-cased", raw: "HTTP://Example.COM/Path", want: "http://example.com/Path"},
		{name: "default http port dropped", raw: "http://example.com:80/a", want: "http://example.com/a"},
		{name: "default https port dropped", raw: "https://example.com:443/a", want: "https://example.com/a"},
		{name: "port 80 kept for https", raw: "https://example.com:80/a", want: "https://example.com:80/a"},
		{name: "other port kept", raw: "http://example.com:8080/a", want: "http://example.com:8080/a"},
		{name: "empty port dropped", raw: "http://example.com:/a", want: "http://example.com/a"},
		{name: "port leading zeros", raw: "http://example.com:0080/a", want: "http://example.com/a"},
		{name: "empty path", raw: "http://example.com", want: "http://example.com/"},
		// dot segments
		{name: "dot segments", raw: "http://example.com/a/./b/../c", want: "http://example.com/a/c"},
		{name: "dot segments above root", raw: "http://example.com/a/../../b", want: "http://example.com/b"},
		{name: "trailing dot-dot keeps slash", raw: "http://example.com/a/b/..", want: "http://example.com/a/"},
		{name: "encoded dot segments", raw: "http://example.com/a/%2E%2e/b", want: "http://example.com/b"},
		{name: "dot file is no dot segment", raw: "http://example.com/.well-known/x", want: "http://example.com/.well-known/x"},
		{name: "double slashes kept", raw: "http://example.com//a//b/", want: "http://example.com//a//b/"},
		// percent-encoding
		{name: "unreserved decoded", raw: "http://example.com/%7euser/%41%2D%5F", want: "http://example.com/~user/A-_"},
		{name: "reserved escape upper-cased, not decoded", raw: "http://example.com/a%2fb%3a", want: "http://example.com/a%2Fb%3A"},
		{name: "query escapes", raw: "http://example.com/?a=%7e&b=%2f", want: "http://example.com/?a=~&b=%2F"},
		{name: "spaces escaped", raw: "http://example.com/a b?q=c d", want: "http://example.com/a%20b?q=c%20d"},
		{name: "non-ASCII escaped", raw: "http://example.com/café?q=é", want: "http://example.com/caf%C3%A9?q=%C3%A9"},
		{name: "unsafe punctuation escaped", raw: "http://example.com/a|b{c}\"<>", want: "http://example.com/a%7Cb%7Bc%7D%22%3C%3E"},
		{name: "stray percent escaped", raw: "http://example.com/100%/%zz", want: "http://example.com/100%25/%25zz"},
		{name: "query order kept", raw: "http://example.com/?b=2&a=1&b=1", want: "http://example.com/?b=2&a=1&b=1"},
		{name: "empty query dropped", raw: "http://example.com/a?", want: "http://example.com/a"},
		{name: "fragment dropped", raw: "http://example.com/a?q#frag", want: "http://example.com/a?q"},
		// hosts
		{name: "IPv6 default port", raw: "http://[::1]:80/", want: "http://[::1]/"},
		{name: "IPv6 other port", raw: "http://[::1]:8080/x", want: "http://[::1]:8080/x"},
		{name: "IPv6 canonical form", raw: "http://[0:0:0::1]/", want: "http://[::1]/"},
		{name: "IPv6 upper case", raw: "http://[FE80::A]/", want: "http://[fe80::a]/"},
		{name: "IDN to punycode", raw: "http://Bücher.example/", want: "http://xn--bcher-kva.example/"},
		{name: "encoded host decoded", raw: "http://%65xample.com/", want: "http://example.com/"},
		{name: "userinfo dropped", raw: "http://user:secret@example.com/a", want: "http://example.com/a"},
		// whitespace, as browsers read hrefs
		{name: "surrounding whitespace trimmed", base: page, raw: " \n /a \t", want: "http://example.com/a"},
		{name: "newline inside removed", base: page, raw: "/a\n/b", want: "http://example.com/a/b"},
		{name: "backslash is a slash", raw: `http:\\example.com\a\b?c\d`, want: "http://example.com/a/b?c%5Cd"},
		// relative references
		{name: "relative against file", base: page, raw: "other", want: "http://example.com/dir/other"},
		{name: "relative against directory", base: dir, raw: "other", want: "http://example.com/dir/other"},
		{name: "dot-dot against file", base: page, raw: "../up", want: "http://example.com/up"},
		{name: "dot-dot against directory", base: dir, raw: "../up", want: "http://example.com/up"},
		{name: "dot against file", base: page, raw: "./", want: "http://example.com/dir/"},
		{name: "absolute path", base: page, raw: "/root", want: "http://example.com/root"},
		{name: "protocol-relative", base: "https://example.com/a", raw: "//cdn.example.org/p", want: "https://cdn.example.org/p"},
		{name: "query only", base: page, raw: "?y=2", want: "http://example.com/dir/page?y=2"},
		{name: "fragment only is the page", base: page, raw: "#top", want: "http://example.com/dir/page?x=1"},
		{name: "empty reference is the page", base: page, raw: "", want: "http://example.com/dir/page?x=1"},
		{name: "absolute ignores base", base: page, raw: "https://other.org:443", want: "https://other.org/"},
		{name: "base itself not canonical", base: "HTTP://Example.com:80/a/%7e/b/", raw: "c", want: "http://example.com/a/~/b/c"},
		{name: "base with encoded dot segment", base: "http://example.com/a/%2E%2E/b/", raw: "c", want: "http://example.com/b/c"},
		// errors
		{name: "javascript", base: page, raw: "javascript:void(0)", wantErr: `scheme "javascript" is not http or https`},
		{name: "JavaScript upper case", base: page, raw: " JavaScript:alert(1)", wantErr: "not http or https"},
		{name: "mailto", base: page, raw: "mailto:a@example.com", wantErr: "not http or https"},
		{name: "tel", base: page, raw: "tel:+4912345", wantErr: "not http or https"},
		{name: "data", base: page, raw: "data:text/html,hi", wantErr: "not http or https"},
		{name: "ftp", raw: "ftp://example.com/f", wantErr: `scheme "ftp"`},
		{name: "relative without base", raw: "/a", wantErr: "relative URL without a base"},
		{name: "empty host", raw: "http:///a", wantErr: "empty host"},
		{name: "opaque http", raw: "http:foo", wantErr: "empty host"},
		{name: "bad port", raw: "http://example.com:99999/", wantErr: "bad port"},
		{name: "port not numeric", raw: "http://example.com:x/", wantErr: "normalize"},
		{name: "space in host", raw: "http://exa mple.com/", wantErr: "normalize"},
		{name: "odd host characters", raw: "http://a!b.example/", wantErr: "not a valid host name"},
		{name: "bad IPv6", raw: "http://[1.2.3.4]/", wantErr: "normalize"},
		{name: "IPv6 zone kept", raw: "http://[fe80::1%25en0]:8080/", want: "http://[fe80::1%25en0]:8080/"},
		{name: "odd IPv6 zone", raw: "http://[fe80::1%25a+b]/", wantErr: "bad IPv6 zone"},
		{name: "too long", raw: "http://example.com/" + strings.Repeat("a", maxURLLength), wantErr: "longer than 4096"},
		{name: "too long once escaped", raw: "http://example.com/" + strings.Repeat("a ", maxURLLength/3), wantErr: "longer than 4096"},
		{name: "too long with base", base: page, raw: strings.Repeat("a", maxURLLength-10), wantErr: "longer than 4096"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var base *url.URL
			if tt.base != "" {
				base = mustParse(t, tt.base)
			}
			got, err := normalize(base, tt.raw)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.String())
			again, err := normalize(nil, got.String())
			require.NoError(t, err)
			assert.Equal(t, got, again, "idempotent")
		})
	}
}

func TestNormalizeLengthBoundary(t *testing.T) {
	prefix := "http://example.com/"
	ok := prefix + strings.Repeat("a", maxURLLength-len(prefix))
	u, err := normalize(nil, ok)
	require.NoError(t, err)
	assert.Len(t, u.String(), maxURLLength)

	_, err = normalize(nil, ok+"a")
	assert.ErrorContains(t, err, "longer than")
}

func TestNormalizeDoesNotModifyBase(t *testing.T) {
	base := mustParse(t, "HTTP://Example.com:80/a/b")
	before := *base
	_, err := normalize(base, "../c")
	require.NoError(t, err)
	assert.Equal(t, before, *base)
}

// A relative reference takes the base's host, canonical even when the
// base's was not (the host is only canonicalised again when it differs
// from a canonical base's).
func TestNormalizeRelativeToNonCanonicalHost(t *testing.T) {
	for base, want := range map[string]string{
		"HTTP://Example.com:80/a/b":  "http://example.com/a/c",
		"http://EXAMPLE.com/a/b":     "http://example.com/a/c",
		"https://example.com:443/a/": "https://example.com/a/c",
		"http://example.com:8080/a/": "http://example.com:8080/a/c",
	} {
		u, err := normalize(mustParse(t, base), "c")
		require.NoError(t, err, base)
		assert.Equal(t, want, u.String(), base)
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []struct{ base, raw string }{
		{"", "HTTP://Example.COM:80/a/./b/../c?q=1#f"},
		{"", "https://[::1]:443/%7e%2f%zz"},
		{"", "http://user:pass@Bücher.example/ä ö?x=ü"},
		{"http://example.com/dir/page", "../../x"},
		{"http://example.com/dir/", "//other.org"},
		{"http://example.com/a/%2E%2E/", "?"},
		{"https://example.com", " \t\n#top"},
		{"https://example.com/", `\\evil.com\a`},
		{"http://example.com/", "javascript:alert(1)"},
		{"http://example.com/", "http:foo"},
		{"http://[fe80::1%25en0]:8080/", "a%2e%2E/b"},
		{"", "http://ＥＸＡＭＰＬＥ.com/faß?%41%2f%zz"},
		{"", "http://a?b@c/a?b?c"},
		{"", "http://[::ffff:1.2.3.4]:0/[a]?[b]"},
		{"", "http://%C3%A4.com/%25%32%66"},
	} {
		f.Add(s.base, s.raw)
	}
	f.Fuzz(func(t *testing.T, baseStr, raw string) {
		var base *url.URL
		if baseStr != "" {
			b, err := url.Parse(baseStr)
			if err != nil {
				return
			}
			base = b
		}
		u, err := normalize(base, raw)
		if err != nil {
			return
		}
		s := u.String()
		if len(s) > maxURLLength {
			t.Fatalf("%q: %d bytes, over the cap", s, len(s))
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.User != nil || u.Fragment != "" || u.ForceQuery {
			t.Fatalf("%q: not an absolute http(s) URL without userinfo and fragment: %#v", s, *u)
		}
		if !strings.HasPrefix(u.EscapedPath(), "/") || hasDotSegment(u.EscapedPath()) {
			t.Fatalf("%q: path %q not absolute or has dot segments", s, u.EscapedPath())
		}
		if !escapesCanonical(u.EscapedPath()) || !escapesCanonical(u.RawQuery) {
			t.Fatalf("%q: escapes not canonical", s)
		}
		again, err := normalize(nil, s)
		if err != nil {
			t.Fatalf("normalize(%q) = %q, which does not normalise again: %v", raw, s, err)
		}
		if *again != *u {
			t.Fatalf("not idempotent:\n  first  %#v\n  second %#v", *u, *again)
		}
		if reparsed, err := url.Parse(s); err != nil || reparsed.String() != s {
			t.Fatalf("%q does not survive url.Parse: %v", s, err)
		}
	})
}

func TestTooLongIsErrTooLong(t *testing.T) {
	_, err := normalize(nil, "http://example.com/"+strings.Repeat("a", maxURLLength))
	assert.ErrorIs(t, err, errTooLong)
	assert.Equal(t, fmt.Sprintf("longer than %d bytes", maxURLLength), errTooLong.Error())
}

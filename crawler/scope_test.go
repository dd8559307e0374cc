package crawler

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestScopeAllows(t *testing.T) {
	tests := []struct {
		name             string
		start            string
		include, exclude []string
		allowed, denied  []string
	}{
		{
			name:    "whole host",
			start:   "https://example.com/",
			allowed: []string{"https://example.com/", "https://example.com/a/b?q=1", "https://EXAMPLE.com:443/x", "HTTPS://example.com"},
			denied: []string{
				"http://example.com/",       // scheme
				"https://www.example.com/",  // host
				"https://example.com:8443/", // port
				"https://example.com.evil.org/",
				"https://user@evil.org/",
				"ftp://example.com/",
			},
		},
		{
			name:    "non-default port is part of the host",
			start:   "http://127.0.0.1:8080/start",
			allowed: []string{"http://127.0.0.1:8080/", "http://127.0.0.1:08080/a"},
			denied:  []string{"http://127.0.0.1/", "http://127.0.0.1:80/", "http://localhost:8080/"},
		},
		{
			name:    "start with the default port written out",
			start:   "http://example.com:80/",
			allowed: []string{"http://example.com/a"},
			denied:  []string{"http://example.com:8080/a"},
		},
		{
			name:    "IPv6 host",
			start:   "http://[::1]:8080/",
			allowed: []string{"http://[::1]:8080/a", "http://[0:0::1]:8080/b"},
			denied:  []string{"http://[::1]/a", "http://[::2]:8080/a"},
		},
		{
			name:    "include subtree",
			start:   "https://example.com/blog/",
			include: []string{"/blog/**"},
			allowed: []string{"https://example.com/blog", "https://example.com/blog/", "https://example.com/blog/2024/post"},
			denied:  []string{"https://example.com/", "https://example.com/blogger", "https://example.com/docs/blog/"},
		},
		{
			name:    "single star does not cross slashes",
			start:   "https://example.com/",
			include: []string{"/docs/*.html"},
			allowed: []string{"https://example.com/docs/a.html", "https://example.com/docs/a.html?x=/b/c"},
			denied:  []string{"https://example.com/docs/sub/a.html", "https://example.com/docs/a.htm"},
		},
		{
			name:    "several includes",
			start:   "https://example.com/",
			include: []string{"/", "/blog/**", "/docs/**"},
			allowed: []string{"https://example.com/", "https://example.com/docs/x"},
			denied:  []string{"https://example.com/shop/", "https://example.com/index.html"},
		},
		{
			name:    "exclude",
			start:   "https://example.com/",
			exclude: []string{"/account/**", "**/*.pdf"},
			allowed: []string{"https://example.com/", "https://example.com/accounts"},
			denied:  []string{"https://example.com/account", "https://example.com/account/settings", "https://example.com/files/a/report.pdf"},
		},
		{
			name:    "exclude wins over include",
			start:   "https://example.com/blog/",
			include: []string{"/blog/**"},
			exclude: []string{"/blog/drafts/**"},
			allowed: []string{"https://example.com/blog/post"},
			denied:  []string{"https://example.com/blog/drafts/x", "https://example.com/other"},
		},
		{
			name:    "start URL is not exempt",
			start:   "https://example.com/private/",
			exclude: []string{"/private/**"},
			denied:  []string{"https://example.com/private/"},
		},
		{
			name:    "decoded, dot-segment-free path",
			start:   "https://example.com/",
			exclude: []string{"/admin/**", "/caf\u00e9/*"},
			allowed: []string{"https://example.com/public/x"},
			denied: []string{
				"https://example.com/public/../admin/x",
				"https://example.com/%61dmin/x",
				"https://example.com/caf%C3%A9/menu",
			},
		},
		{
			name:    "braces and classes",
			start:   "https://example.com/",
			include: []string{"/{en,de}/**", "/v[0-9]/*"},
			allowed: []string{"https://example.com/de/x", "https://example.com/v2/api"},
			denied:  []string{"https://example.com/fr/x", "https://example.com/vx/api"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := newScope(mustParse(t, tt.start), tt.include, tt.exclude)
			require.NoError(t, err)
			for _, u := range tt.allowed {
				assert.True(t, s.allows(mustParse(t, u)), "allowed: %s", u)
				if n, err := normalize(nil, u); assert.NoError(t, err) {
					assert.True(t, s.allows(n), "allowed once normalised: %s", u)
				}
			}
			for _, u := range tt.denied {
				assert.False(t, s.allows(mustParse(t, u)), "denied: %s", u)
			}
		})
	}
}

func TestScopeAllowsNil(t *testing.T) {
	s, err := newScope(mustParse(t, "https://example.com/"), nil, nil)
	require.NoError(t, err)
	assert.False(t, s.allows(nil))
}

func TestNewScopeErrors(t *testing.T) {
	start := mustParse(t, "https://example.com/")
	tests := []struct {
		name             string
		start            string
		include, exclude []string
		wantErr          string
	}{
		{name: "bad include", include: []string{"/ok/**", "/a/[b"}, wantErr: `scope: bad include glob "/a/[b": syntax error in pattern`},
		{name: "bad exclude", exclude: []string{"/{a,b"}, wantErr: `scope: bad exclude glob "/{a,b": syntax error in pattern`},
		{name: "trailing backslash", exclude: []string{`/a\`}, wantErr: `scope: bad exclude glob "/a\\"`},
		{name: "empty glob", include: []string{""}, wantErr: "scope: empty include glob"},
		{name: "glob without leading slash", include: []string{"blog/**"}, wantErr: `scope: include glob "blog/**" never matches: paths start with '/' (try "/blog/**")`},
		{name: "start not http", start: "ftp://example.com/", wantErr: `scope: start URL "ftp://example.com/" is not http or https`},
		{name: "start without host", start: "https:///x", wantErr: "scope: start URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := start
			if tt.start != "" {
				u = mustParse(t, tt.start)
			}
			_, err := newScope(u, tt.include, tt.exclude)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
	_, err := newScope(nil, nil, nil)
	assert.EqualError(t, err, "scope: no start URL")
}

package report

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRelativeURL(t *testing.T) {
	origin := originOf("https://example.org/start")
	require.Equal(t, "https://example.org", origin)
	tests := []struct {
		name, url, path, want string
	}{
		{"same origin", "https://example.org/blog/", "", "/blog/"},
		{"origin only", "https://example.org", "", "/"},
		{"query on root", "https://example.org?a=1", "", "/?a=1"},
		{"host case", "https://EXAMPLE.org/a", "", "/a"},
		{"other host", "https://cdn.example.org/a", "", "https://cdn.example.org/a"},
		{"host suffix trick", "https://example.org.evil.test/a", "", "https://example.org.evil.test/a"},
		{"userinfo trick", "https://example.org@evil.test/a", "", "https://example.org@evil.test/a"},
		{"other port", "https://example.org:8443/a", "", "https://example.org:8443/a"},
		{"other scheme", "http://example.org/a", "", "http://example.org/a"},
		{"no URL", "", "/from-path", "/from-path"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, relativeURL(origin, tc.url, tc.path))
		})
	}
	assert.Equal(t, "https://example.org/a", relativeURL(originOf("not a url"), "https://example.org/a", ""))
}

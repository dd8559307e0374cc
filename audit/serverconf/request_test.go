package serverconf

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRequestFor(t *testing.T) {
	tests := []struct {
		url  string
		want Request
		err  string
	}{
		{url: "https://example.org/blog/", want: Request{Host: "example.org", Port: 443, Path: "/blog/"}},
		{url: "http://example.org", want: Request{Host: "example.org", Port: 80, Path: "/"}},
		{url: "http://Example.org:8080/a/%2e%2e/b?q=1#frag", want: Request{Host: "Example.org", Port: 8080, Path: "/a/%2e%2e/b?q=1"}},
		{url: "http://[::1]:81/x", want: Request{Host: "::1", Port: 81, Path: "/x"}},
		{url: "example.org/blog/", err: "want http:// or https://"},
		{url: "ftp://example.org/", err: "want http:// or https://"},
		{url: "http://example.org:99999/", err: `bad port "99999"`},
		{url: "http://exa mple.org/", err: "invalid character"},
	}
	for _, tt := range tests {
		got, err := RequestFor(tt.url, "UA")
		if tt.err != "" {
			require.Error(t, err, tt.url)
			assert.Contains(t, err.Error(), tt.err, tt.url)
			continue
		}
		require.NoError(t, err, tt.url)
		tt.want.UserAgent = "UA"
		assert.Equal(t, tt.want, got, tt.url)
	}
}

func FuzzRequestFor(f *testing.F) {
	for _, s := range []string{"https://example.org/blog/", "http://[::1]:81/x?y", "http://a:0/", "http://%zz/", "//x/y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		req, err := RequestFor(raw, "UA")
		if err != nil {
			return
		}
		if req.Port < 1 || req.Port > 65535 || req.Host == "" || req.Path == "" {
			t.Fatalf("RequestFor(%q) = %+v", raw, req)
		}
	})
}

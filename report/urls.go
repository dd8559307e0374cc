package report

import (
	"net/url"
	"strings"
)

// originOf returns "scheme://host[:port]" of the target, or "" when the
// target has no host.
func originOf(target string) string {
	u, err := url.Parse(target)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// relativeURL shortens a URL on the target's origin to its path, to keep
// reports narrow; other URLs stay whole. The origin must be followed by
// '/', '?', '#' or nothing, so "https://example.org.evil.test/" and
// "https://example.org@evil.test/" are never shortened. Without a URL the
// path stands for it.
func relativeURL(origin, u, path string) string {
	if u == "" {
		return path
	}
	if origin == "" || len(u) < len(origin) || !strings.EqualFold(u[:len(origin)], origin) {
		return u
	}
	rest := u[len(origin):]
	switch {
	case rest == "":
		return "/"
	case rest[0] == '/':
		return rest
	case rest[0] == '?' || rest[0] == '#':
		return "/" + rest
	}
	return u
}

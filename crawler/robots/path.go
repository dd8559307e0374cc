package robots

import "strings"

// requestPath returns the part of a request that rules are matched against:
// the path, params and query exactly as requested, without scheme, authority
// or fragment, always starting with "/". It takes a path ("/a?b"), an absolute
// URL, or a URL without scheme ("example.com/a"), as Google's matcher does;
// anything without a path is "/".
func requestPath(s string) string {
	start := 0
	if strings.HasPrefix(s, "//") {
		start = 2
	}
	// "://" marks a scheme only when no path, params or query begin before it
	// ("/go?to=http://x" is a path).
	early := indexAnyFrom(s, start, "/?;")
	authority := start
	if k := strings.Index(s[start:], "://"); k >= 0 && (early < 0 || early > start+k) {
		authority = start + k + len("://")
	}
	begin := indexAnyFrom(s, authority, "/?;")
	if begin < 0 {
		return "/"
	}
	end := len(s)
	if k := strings.IndexByte(s[start:], '#'); k >= 0 {
		if start+k < begin {
			return "/"
		}
		end = start + k
	}
	p := s[begin:end]
	if p[0] != '/' {
		p = "/" + p
	}
	return upperEscapes(p)
}

func indexAnyFrom(s string, from int, chars string) int {
	if k := strings.IndexAny(s[from:], chars); k >= 0 {
		return from + k
	}
	return -1
}

// isRobotsTxt reports whether path is the robots.txt file itself, which RFC
// 9309 always allows, whatever the rules say.
func isRobotsTxt(path string) bool {
	if k := strings.IndexByte(path, '?'); k >= 0 {
		path = path[:k]
	}
	return path == "/robots.txt"
}

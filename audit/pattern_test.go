package audit

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRemoveDotSegments(t *testing.T) {
	for in, want := range map[string]string{
		"":                 "/",
		"/":                "/",
		"a/b":              "/a/b",
		"/a/b/c/./../../g": "/a/g",
		"/a/b/..":          "/a/",
		"/a/b/.":           "/a/b/",
		"/..":              "/",
		"/../a":            "/a",
		"/a//../b":         "/a/b",
		"/a/.b/..c/":       "/a/.b/..c/",
		"/.well-known/":    "/.well-known/",
	} {
		assert.Equal(t, want, removeDotSegments(in), in)
	}
}

func TestPercentDecode(t *testing.T) {
	for in, want := range map[string]string{
		"/caf%C3%A9":  "/café",
		"/a%2fb":      "/a/b",
		"/100%":       "/100%",
		"/%zz%4":      "/%zz%4",
		"/%25%32%35":  "/%25",
		"/plain+path": "/plain+path",
	} {
		assert.Equal(t, want, percentDecode(in), in)
	}
}

// TestDoubleStarAdaptation checks the doublestar patterns built from
// declared patterns against a reference written from the pattern syntax
// documented on Paths ('*' stays in a segment, '**' crosses '/') as
// regular expressions, on every short path over a small alphabet.
func TestDoubleStarAdaptation(t *testing.T) {
	patterns := []string{
		"/a/**", "/a/**/", "/**", "/**/b", "/a/**/b", "/a**", "/a**b", "/**b", "/a/**b",
		"/a**/b", "/a*", "/a/*", "/*/b", "/a?b", "/?", "/a***", "/a/**/b/**", "/**/a**", "/a**/b**", "/*", "/**/", "/a**/**/b", "/a/***/b",
	}
	var paths []string
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		paths = append(paths, prefix)
		if n == 0 {
			return
		}
		for _, c := range []string{"a", "b", "/"} {
			gen(prefix+c, n-1)
		}
	}
	gen("/", 5)

	for _, pat := range patterns {
		ref := regexp.MustCompile("^" + referenceRegexp(pat) + "$")
		p := mustParsePaths(t, pat)
		for _, path := range paths {
			got, _ := p.Match(path)
			// Match removes dot segments, which these paths have none of.
			assert.Equal(t, ref.MatchString(path), got == Public, "pattern %s, path %s", pat, path)
		}
	}
}

// referenceRegexp translates the meta characters the adaptation test uses:
// '*' stays in a segment, a whole-segment '**' is zero or more segments
// (and a trailing "/**" or "/**/" also matches the bare prefix), any other
// '**' is any run of characters.
func referenceRegexp(pat string) string {
	var b strings.Builder
	for i := 0; i < len(pat); i++ {
		switch c := pat[i]; c {
		case '*':
			j := i
			for j < len(pat) && pat[j] == '*' {
				j++
			}
			switch {
			case j-i == 1:
				b.WriteString("[^/]*")
			case pat[i-1] == '/' && j == len(pat):
				// "/x/**": drop the slash already written, it is optional.
				s := strings.TrimSuffix(b.String(), "/")
				b.Reset()
				b.WriteString(s + "(/.*)?")
			case pat[i-1] == '/' && j == len(pat)-1 && pat[j] == '/':
				s := strings.TrimSuffix(b.String(), "/")
				b.Reset()
				b.WriteString(s + "(/|/.*/)?")
				j++
			case pat[i-1] == '/' && pat[j] == '/':
				b.WriteString("(.*/)?")
				j++
			default:
				b.WriteString(".*")
			}
			i = j - 1
		case '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return b.String()
}

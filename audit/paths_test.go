package audit

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustParsePaths(t *testing.T, text string) *Paths {
	t.Helper()
	p, err := ParsePaths(strings.NewReader(text), "paths.txt")
	require.NoError(t, err)
	return p
}

// rulesOf lists p's rules in order.
func rulesOf(p *Paths) []Rule {
	out := make([]Rule, len(p.rules))
	for i, r := range p.rules {
		out[i] = r.Rule
	}
	return out
}

func TestPathsMatch(t *testing.T) {
	const file = `
# a site with a blog, docs and a private account area
/                       exactly the home page
/blog/**                the whole subtree
/docs/*.html            one level
!/docs/internal.html    overrides the line above
/docs/internal.html?    one more character
/account/**
!/account/**            a later line wins: private
/account/help
/press/
/pricing
/v?/api/**
/files/[a-c]*.pdf
/files/[!a-c]*.txt
/{en,fr}/guide/**
/café/**
/shop/**/checkout
!/shop/**/admin/**
/Team/
/assets/**.css          '**' inside a segment crosses '/'
/search**
/a\*b
/100%25/
/raw%zz/
`
	p := mustParsePaths(t, file)
	tests := []struct {
		name    string
		path    string
		want    Declared
		pattern string // "" when undeclared
	}{
		{"home page", "/", Public, "/"},
		{"empty path is the home page", "", Public, "/"},
		{"slash pattern is not a prefix", "/about", Undeclared, ""},
		{"subtree root with slash", "/blog/", Public, "/blog/**"},
		{"subtree root without slash", "/blog", Public, "/blog/**"},
		{"subtree one level", "/blog/a", Public, "/blog/**"},
		{"subtree two levels", "/blog/a/b", Public, "/blog/**"},
		{"subtree is not a string prefix", "/blogger", Undeclared, ""},
		{"star one level", "/docs/install.html", Public, "/docs/*.html"},
		{"star does not cross slash", "/docs/a/b.html", Undeclared, ""},
		{"private line overrides earlier public", "/docs/internal.html", Private, "/docs/internal.html"},
		{"question mark, later public line wins", "/docs/internal.htmlx", Public, "/docs/internal.html?"},
		{"question mark needs one character", "/docs/internal.htm", Undeclared, ""},
		{"later private overrides earlier public subtree", "/account/billing", Private, "/account/**"},
		{"later public overrides earlier private", "/account/help", Public, "/account/help"},
		{"literal is exact", "/account/help/more", Private, "/account/**"},
		{"trailing slash literal", "/press/", Public, "/press/"},
		{"trailing slash is significant", "/press", Undeclared, ""},
		{"no trailing slash literal", "/pricing/", Undeclared, ""},
		{"question mark does not match slash", "/v//api/x", Undeclared, ""},
		{"question mark in a segment", "/v2/api/status", Public, "/v?/api/**"},
		{"character class", "/files/b-report.pdf", Public, "/files/[a-c]*.pdf"},
		{"character class miss", "/files/d-report.pdf", Undeclared, ""},
		{"negated class", "/files/d.txt", Public, "/files/[!a-c]*.txt"},
		{"negated class miss", "/files/a.txt", Undeclared, ""},
		{"alternatives", "/fr/guide/start", Public, "/{en,fr}/guide/**"},
		{"alternatives miss", "/de/guide/start", Undeclared, ""},
		{"encoded path matches decoded pattern", "/caf%C3%A9/", Public, "/café/**"},
		{"encoded lower-case hex", "/caf%c3%a9/menu", Public, "/café/**"},
		{"raw UTF-8 path", "/café/menu", Public, "/café/**"},
		{"double star between segments, zero", "/shop/checkout", Public, "/shop/**/checkout"},
		{"double star between segments, many", "/shop/eu/de/checkout", Public, "/shop/**/checkout"},
		{"private subtree inside public pattern", "/shop/eu/admin/users", Private, "/shop/**/admin/**"},
		{"case-sensitive miss", "/team/", Undeclared, ""},
		{"case-sensitive hit", "/Team/", Public, "/Team/"},
		{"case-sensitive subtree", "/BLOG/a", Undeclared, ""},
		{"mid-segment double star crosses slash", "/assets/css/site/main.css", Public, "/assets/**.css"},
		{"mid-segment double star, one level", "/assets/main.css", Public, "/assets/**.css"},
		{"trailing mid-segment double star", "/search/a/b", Public, "/search**"},
		{"trailing mid-segment double star, bare", "/search", Public, "/search**"},
		{"trailing mid-segment double star, slash", "/search/", Public, "/search**"},
		{"escaped star is literal", "/a*b", Public, `/a\*b`},
		{"escaped star does not glob", "/axb", Undeclared, ""},
		{"percent-encoded percent in pattern", "/100%25/", Public, "/100%25/"},
		{"stray percent in pattern and path", "/raw%zz/", Public, "/raw%zz/"},
		{"dot segment", "/blog/./a", Public, "/blog/**"},
		{"dot-dot leaves the subtree", "/blog/../account/x", Private, "/account/**"},
		{"encoded dot-dot", "/blog/%2e%2e/account/x", Private, "/account/**"},
		{"dot-dot above the root", "/../../pricing", Public, "/pricing"},
		{"trailing dot-dot keeps directory slash", "/press/x/..", Public, "/press/"},
		{"encoded slash is a slash", "/blog%2Fpost", Public, "/blog/**"},
		{"dots inside names are not segments", "/docs/a..b.html", Public, "/docs/*.html"},
	}
	require.GreaterOrEqual(t, len(tests), 30)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, rule := p.Match(tt.path)
			assert.Equal(t, tt.want, got)
			if tt.pattern == "" {
				assert.Nil(t, rule)
				return
			}
			require.NotNil(t, rule)
			assert.Equal(t, tt.pattern, rule.Pattern)
			assert.Equal(t, tt.want == Private, rule.Private)
			assert.Equal(t, "paths.txt", rule.File)
		})
	}
}

func TestPathsMatchReportsLine(t *testing.T) {
	p := mustParsePaths(t, "# comment\n\n/blog/**\n  !/blog/drafts/**   not yet\n")
	d, rule := p.Match("/blog/drafts/x")
	assert.Equal(t, Private, d)
	assert.Equal(t, &Rule{Pattern: "/blog/drafts/**", Private: true, File: "paths.txt", Line: 4}, rule)
	assert.Equal(t, "!/blog/drafts/**", rule.String())

	// The returned rule is a copy: changing it changes nothing.
	rule.Pattern = "/changed"
	_, again := p.Match("/blog/drafts/x")
	assert.Equal(t, "/blog/drafts/**", again.Pattern)
}

func TestPathsZeroValue(t *testing.T) {
	var zero Paths
	d, rule := zero.Match("/anything")
	assert.Equal(t, Undeclared, d)
	assert.Nil(t, rule)
	assert.Equal(t, 0, zero.Len())
	assert.Empty(t, zero.Literals())

	var nilPaths *Paths
	d, rule = nilPaths.Match("/")
	assert.Equal(t, Undeclared, d)
	assert.Nil(t, rule)
	assert.Equal(t, 0, nilPaths.Len())
	assert.Nil(t, nilPaths.Literals())
}

func TestParsePathsFormat(t *testing.T) {
	// BOM, CRLF line ends, indented comments, tabs before trailing comments.
	text := "\uFEFF/\r\n   # indented comment\r\n\t\r\n/blog/**\tthe blog\r\n!/admin/** # private\r\n"
	p := mustParsePaths(t, text)
	assert.Equal(t, []Rule{
		{Pattern: "/", File: "paths.txt", Line: 1},
		{Pattern: "/blog/**", File: "paths.txt", Line: 4},
		{Pattern: "/admin/**", Private: true, File: "paths.txt", Line: 5},
	}, rulesOf(p))
}

func TestParsePathsErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string
	}{
		{"no leading slash", "/\nblog/**\n", "paths.txt:2: pattern must start with /, write /blog/**: blog/**"},
		{"bare star", "*.pdf", "paths.txt:1: pattern must start with /, write /**/*.pdf to match at any depth: *.pdf"},
		{"relative dot", "\n\n./docs/", "paths.txt:3: pattern must start with /, write /docs/: ./docs/"},
		{"full URL", "# public\nhttps://example.org/blog/**  the blog", "paths.txt:2: a full URL instead of a path, write /blog/**: https://example.org/blog/**  the blog"},
		{"full URL without path", "http://example.org", "paths.txt:1: a full URL instead of a path, write /: http://example.org"},
		{"private full URL", "!https://example.org/account/**", "paths.txt:1: a full URL instead of a path, write /account/**: !https://example.org/account/**"},
		{"scheme-relative URL", "//example.org/blog/", "paths.txt:1: a pattern starting with // names a host, not a path, write /blog/: //example.org/blog/"},
		{"bang alone", "/\n!\n", "paths.txt:2: '!' without a pattern: !"},
		{"bang then space", "! /account/**", "paths.txt:1: '!' must be followed directly by the pattern, write !/account/**: ! /account/**"},
		{"double bang", "!!/account/**", "paths.txt:1: pattern must start with /, write /!/account/**: !!/account/**"},
		{"unclosed class", "/a\n/b\n/files/[abc.pdf\n", "paths.txt:3: unclosed [: /files/[abc.pdf"},
		{"empty class", "/files/[]x", "paths.txt:1: empty character class []: /files/[]x"},
		{"unclosed brace", "/{en,fr/guide", "paths.txt:1: unclosed {: /{en,fr/guide"},
		{"stray closing brace", "/en}/guide", "paths.txt:1: } without {: /en}/guide"},
		{"trailing backslash", `/path\`, `paths.txt:1: '\' at the end escapes nothing: /path\`},
		{"hash in pattern", "/pricing#plans", "paths.txt:1: '#' in a pattern: put comments after a space, or write %23: /pricing#plans"},
		{"dot segment", "/blog/../admin", "paths.txt:1: dot segment in a pattern: paths are matched after . and .. are removed: /blog/../admin"},
		{"encoded dot segment", "/blog/%2E%2E/admin", "paths.txt:1: dot segment in a pattern: paths are matched after . and .. are removed: /blog/%2E%2E/admin"},
		{"NUL byte", "/ok\n/a\x00b\n", `paths.txt:2: NUL byte: "/a\x00b"`},
		{"control character", "/a\x1bb", `paths.txt:1: control character U+001B: "/a\x1bb"`},
		{"bare CR inside a line", "/a\rb\n", `paths.txt:1: control character U+000D: "/a\rb"`},
		{"control character in a comment", "# note\x07\n", `paths.txt:1: control character U+0007: "# note\a"`},
		{"invalid UTF-8", "/caf\xe9/", `paths.txt:1: invalid UTF-8: "/caf\xe9/"`},
		{"too many alternatives", "/{a,b,c,d}{a,b,c,d}{a,b,c,d}{a,b,c,d}{a,b}", "paths.txt:1: too many {...} alternatives (more than 256 combinations): /{a,b,c,d}{a,b,c,d}{a,b,c,d}{a,b,c,d}{a,b}"},
		{"too long", "/" + strings.Repeat("a", maxPatternLen), "paths.txt:1: pattern longer than 4096 bytes: /" + strings.Repeat("a", maxPatternLen)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePaths(strings.NewReader(tt.text), "paths.txt")
			require.Error(t, err)
			assert.Nil(t, p)
			assert.Equal(t, tt.want, err.Error())
			var pe *PathsError
			assert.True(t, errors.As(err, &pe), "a *PathsError, so callers can map it to exit code 2")
		})
	}
}

func TestParsePathsLineTooLong(t *testing.T) {
	text := "/\n/" + strings.Repeat("a", maxPathsLine) + "\n"
	_, err := ParsePaths(strings.NewReader(text), "big.txt")
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "big.txt:2: line longer than 65536 bytes"), err.Error())
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestParsePathsReadError(t *testing.T) {
	_, err := ParsePaths(failingReader{}, "paths.txt")
	assert.EqualError(t, err, "read paths file paths.txt: disk on fire")
}

func TestLoadPaths(t *testing.T) {
	p, err := LoadPaths(filepath.Join("testdata", "paths", "site.txt"))
	require.NoError(t, err)
	d, rule := p.Match("/account/settings")
	assert.Equal(t, Private, d)
	assert.Equal(t, filepath.Join("testdata", "paths", "site.txt"), rule.File)

	_, err = LoadPaths(filepath.Join("testdata", "paths", "bad.txt"))
	require.Error(t, err)
	assert.Equal(t, filepath.Join("testdata", "paths", "bad.txt")+":5: unclosed {: /{en,de/docs/**", err.Error())

	_, err = LoadPaths(filepath.Join("testdata", "paths", "missing.txt"))
	require.Error(t, err)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.Contains(t, err.Error(), "missing.txt")
}

// The example shipped to users must parse and mean what its comments say.
func TestExamplePublicPaths(t *testing.T) {
	p, err := LoadPaths(filepath.Join("..", "examples", "public.txt"))
	require.NoError(t, err)
	for path, want := range map[string]Declared{
		"/":                     Public,
		"/blog":                 Public,
		"/blog/2024/launch":     Public,
		"/blog/drafts/next":     Private,
		"/docs/":                Public,
		"/docs/v2/install":      Public,
		"/pricing":              Public,
		"/api/v1/status":        Public,
		"/api/v1/users":         Private,
		"/account/":             Private,
		"/account/settings":     Private,
		"/login":                Public,
		"/admin/":               Private,
		"/sitemap.xml":          Public,
		"/cart/":                Undeclared,
		"/docs/internal/oncall": Private,
	} {
		got, _ := p.Match(path)
		assert.Equal(t, want, got, path)
	}
	assert.Contains(t, p.Literals(), "/pricing")
}

func TestPathsAdd(t *testing.T) {
	p := mustParsePaths(t, "/blog/**\n")
	require.NoError(t, p.Add("/blog/drafts/**", true, "authwall.yaml private[0]", 12))
	require.NoError(t, p.Add("/pricing", false, "authwall.yaml public[1]", 0))

	d, rule := p.Match("/blog/drafts/a")
	assert.Equal(t, Private, d)
	assert.Equal(t, &Rule{Pattern: "/blog/drafts/**", Private: true, File: "authwall.yaml private[0]", Line: 12}, rule)
	assert.Equal(t, 3, p.Len())

	for _, tt := range []struct {
		pattern string
		line    int
		want    string
	}{
		{"blog/**", 7, "authwall.yaml public[2]:7: pattern must start with /, write /blog/**: blog/**"},
		{"!/admin/**", 0, "authwall.yaml public[2]: '!' belongs in paths files; list the pattern under private: instead: !/admin/**"},
		{"/blog/** the blog", 0, "authwall.yaml public[2]: space in a pattern, write it as %20: /blog/** the blog"},
		{"https://example.org/x", 0, "authwall.yaml public[2]: a full URL instead of a path, write /x: https://example.org/x"},
		{"/a[", 0, "authwall.yaml public[2]: unclosed [: /a["},
		{"/a\x00", 0, `authwall.yaml public[2]: control character: "/a\x00"`},
		{"/\xff", 0, `authwall.yaml public[2]: invalid UTF-8: "/\xff"`},
	} {
		err := p.Add(tt.pattern, false, "authwall.yaml public[2]", tt.line)
		assert.EqualError(t, err, tt.want)
	}
	assert.Equal(t, 3, p.Len(), "a rejected pattern is not added")
}

func TestPathsMerge(t *testing.T) {
	file := mustParsePaths(t, "/docs/**\n")
	cfg := &Paths{}
	require.NoError(t, cfg.Add("/docs/internal/**", true, "authwall.yaml private[0]", 0))

	// The second list's rules come after, so they win.
	merged := &Paths{}
	merged.Merge(file)
	merged.Merge(cfg)
	merged.Merge(nil)
	d, _ := merged.Match("/docs/internal/a")
	assert.Equal(t, Private, d)
	d, _ = merged.Match("/docs/a")
	assert.Equal(t, Public, d)
	assert.Equal(t, 2, merged.Len())

	// Merging does not change the merged-in list.
	assert.Equal(t, 1, file.Len())
	d, _ = file.Match("/docs/internal/a")
	assert.Equal(t, Public, d)
}

func TestPathsLiterals(t *testing.T) {
	p := mustParsePaths(t, `
/
/pricing
/blog/**
/docs/*.html
/v?/
/files/[ab].pdf
/{en,fr}/
/press/
!/account/settings
/pricing
/caf%C3%A9/
/a\*b
/why\?
/100\%
/raw%zz
/%\00
`)
	// An escaped wildcard is none: /a\*b is the page /a*b. An escaped '?'
	// or '%' is encoded, or the seed would name another URL.
	lits := p.Literals()
	assert.Equal(t, []string{"/", "/pricing", "/press/", "/caf%C3%A9/", "/a*b", "/why%3F", "/100%25", "/raw%25zz", "/%2500"}, lits)
	for _, lit := range lits {
		d, _ := p.Match(lit)
		assert.Equal(t, Public, d, lit)
	}
}

func FuzzParsePaths(f *testing.F) {
	for _, seed := range []string{
		"/\n/blog/**\n!/account/**\n",
		"# comment\n/docs/*.html  one level\n",
		"/{en,fr}/guide/**\n/files/[a-c]*.pdf\n/files/[!a]?.txt\n",
		"/caf%C3%A9/**\n/100%25/\n/a\\*b\n",
		"/assets/**.css\n/search**\n/a/**/b/**/c\n",
		"https://example.org/x\n",
		"!\n",
		"/a[\n",
		"/{a,{b,c}}/\n",
		"\uFEFF/\r\n",
		"/a/%2e%2e/b\n",
		"/x\x00\n",
	} {
		f.Add([]byte(seed))
	}
	probes := []string{
		"", "/", "/blog", "/blog/", "/blog/a/b", "/caf%C3%A9/", "/a/../b", "/%", "/%zz",
		"/%2e%2e/%2e", "//", "/a//b", "/\xff", "/a*b", "/" + strings.Repeat("a/", 200),
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// The fuzzer has no per-input timeout: turn a pathological pattern
		// (each input takes microseconds) into a crasher that names it.
		tm := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("ParsePaths or Match too slow on %q", data)) })
		defer tm.Stop()
		p, err := ParsePaths(bytes.NewReader(data), "fuzz.txt")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.txt:") {
				t.Fatalf("error does not name the file and line: %v", err)
			}
			return
		}
		for _, r := range rulesOf(p) {
			if !strings.HasPrefix(r.Pattern, "/") || r.Line <= 0 {
				t.Fatalf("accepted rule %+v", r)
			}
			// Any accepted pattern, taken as a path, must be matchable.
			p.Match(r.Pattern)
			p.Match(strings.ReplaceAll(r.Pattern, "*", "x/y"))
		}
		for _, path := range probes {
			d, rule := p.Match(path)
			if (d == Undeclared) != (rule == nil) {
				t.Fatalf("Match(%q) = %q, %v", path, d, rule)
			}
		}
		// A literal public pattern names a page some rule declares.
		for _, lit := range p.Literals() {
			if _, rule := p.Match(lit); rule == nil {
				t.Fatalf("literal %q matches no rule", lit)
			}
		}
	})
}

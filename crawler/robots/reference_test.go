package robots

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// referenceCase is one allow/disallow check of the published tests of
// Google's open-source robots.txt parser (robots_test.cc in
// github.com/google/robotstxt), written down as data. Tokens are passed as
// the reference test passes them: "Foo Bar" in
// GoogleOnly_AcceptUserAgentUpToFirstSpace is a crawler name with a space,
// which must not match the group "Foo Bar" (read as "Foo").
type referenceCase struct {
	Name      string `json:"name"`
	Robotstxt string `json:"robotstxt"`
	Token     string `json:"token"`
	URL       string `json:"url"`
	Allowed   bool   `json:"allowed"`
}

func loadReferenceCases(t testing.TB) []referenceCase {
	t.Helper()
	data, err := os.ReadFile("testdata/reference.json")
	require.NoError(t, err)
	var cases []referenceCase
	require.NoError(t, json.Unmarshal(data, &cases))
	return cases
}

func TestReferenceSuite(t *testing.T) {
	cases := loadReferenceCases(t)
	require.Len(t, cases, 145, "every allow/disallow check of robots_test.cc")
	names := map[string]bool{}
	for _, c := range cases {
		require.False(t, names[c.Name], "duplicate name %s", c.Name)
		names[c.Name] = true
		t.Run(c.Name, func(t *testing.T) {
			v := Parse([]byte(c.Robotstxt)).Test(c.Token, c.URL)
			assert.Equal(t, c.Allowed, v.Allowed, "robots.txt:\n%s\ntoken %q url %q", clip(c.Robotstxt), c.Token, clip(c.URL))
			assertDecidingLine(t, c.Robotstxt, v)
		})
	}
}

// assertDecidingLine checks that a verdict quotes the line it names: the
// line of the body, comment cut, trimmed, and that a rule decided a
// disallow.
func assertDecidingLine(t *testing.T, body string, v Verdict) {
	t.Helper()
	if v.Line == 0 {
		assert.Empty(t, v.Rule)
		assert.True(t, v.Allowed, "a disallow needs a rule")
		return
	}
	var text string
	eachLine([]byte(body), func(num int, line []byte) {
		if num == v.Line {
			_, _, text, _ = splitLine(line)
		}
	})
	assert.Equal(t, text, v.Rule, "line %d", v.Line)
	assert.NotEmpty(t, v.Rule)
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

// TestReferenceDecidingLines pins the deciding line for a sample of the
// reference cases, since the reference suite only checks verdicts.
func TestReferenceDecidingLines(t *testing.T) {
	byName := map[string]referenceCase{}
	for _, c := range loadReferenceCases(t) {
		byName[c.Name] = c
	}
	tests := []struct {
		name string
		line int
		rule string
	}{
		{"GoogleOnly_SystemTest/empty-url/1", 2, "disallow: /"},
		{"GoogleOnly_SystemTest/empty-file/1", 0, ""},
		{"ID_LineSyntax_Line/missing-colon-accepted/1", 2, "disallow /"},
		{"ID_LineSyntax_Groups/1", 5, "allow: /x/"},
		{"ID_LineSyntax_Groups/2", 15, "allow: /z/"},
		{"ID_LineSyntax_Groups/5", 11, "allow: /w/"},
		{"ID_LineSyntax_Groups/8", 4, "disallow: /"},
		{"ID_LineSyntax_Groups_OtherRules/unknown/1", 4, "Disallow: /"},
		{"ID_UserAgentValueCaseInsensitive/camel/1", 2, "Allow: /x/"},
		{"GoogleOnly_AcceptUserAgentUpToFirstSpace/2", 2, "Disallow: /"},
		{"ID_LongestMatch/both-root/1", 3, "allow: /"},
		{"ID_LongestMatch/equal-patterns/1", 3, "allow: /x/page.html"},
		{"ID_LongestMatch/both-empty/1", 0, ""},
		{"ID_LongestMatch/wildcard-longer/1", 3, "disallow: /*.html"},
		{"ID_LongestMatch/plain-longer/1", 2, "allow: /x/page."},
		{"ID_Encoding/utf8-rule/1", 3, "Allow: /foo/bar/ツ"},
		{"ID_SpecialCharacters/comment/2", 3, "Disallow: /foo/quz"},
		{"GoogleOnly_IndexHTMLisDirectory/1", 2, "Allow: /allowed-slash/index.html"},
		{"GoogleOnly_IndexHTMLisDirectory/2", 3, "Disallow: /"},
		{"GoogleOnly_DocumentationChecks/precedence-folder/1", 2, "allow: /folder"},
		{"GoogleOnly_DocumentationChecks/precedence-dollar/1", 2, "allow: /$"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := byName[tt.name]
			require.True(t, ok)
			v := Parse([]byte(c.Robotstxt)).Test(c.Token, c.URL)
			assert.Equal(t, Verdict{Allowed: c.Allowed, Line: tt.line, Rule: tt.rule}, v)
		})
	}
}

// TestReferenceLongLineCut checks the cut rule of GoogleOnly_LineTooLong is
// quoted as cut: the line keeps 16,663 bytes, the reference's buffer less its
// terminator.
func TestReferenceLongLineCut(t *testing.T) {
	for _, c := range loadReferenceCases(t) {
		if !strings.HasPrefix(c.Name, "GoogleOnly_LineTooLong/disallow/2") {
			continue
		}
		v := Parse([]byte(c.Robotstxt)).Test(c.Token, c.URL)
		require.False(t, v.Allowed)
		assert.Equal(t, 2, v.Line)
		assert.Len(t, v.Rule, maxLineLen-1)
		assert.True(t, strings.HasSuffix(v.Rule, "a/"), "cut right after the slash before qux")
		return
	}
	t.Fatal("case not found")
}

package serverconf

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readCaddyText reads one Caddyfile (plus extra files) from a temp dir.
func readCaddyText(t testing.TB, text string, extra map[string]string) ([]*Node, string, error) {
	t.Helper()
	files := map[string]string{"Caddyfile": text}
	for k, v := range extra {
		files[k] = v
	}
	dir := writeFiles(t, files)
	nodes, err := ReadCaddy(filepath.Join(dir, "Caddyfile"))
	return nodes, dir, err
}

func TestReadCaddyTokens(t *testing.T) {
	tests := []struct {
		name, text string
		args       []string
	}{
		{"double quotes keep spaces", `respond "a b" 200`, []string{"a b", "200"}},
		{"escaped quote", `respond "say \"hi\"" 200`, []string{`say "hi"`, "200"}},
		{"other escapes stay in quotes", `respond "a\nb"`, []string{`a\nb`}},
		{"backticks keep everything", "respond `a \"b\" \\c`", []string{`a "b" \c`}},
		{"hash inside a token", `respond a#b`, []string{"a#b"}},
		{"hash at a token start", `respond a #b c`, []string{"a"}},
		{"backslash newline joins lines", "respond a \\\n  b", []string{"a", "b"}},
		{"unquoted backslash stays", `respond a\b`, []string{`a\b`}},
		{"heredoc", "respond <<TXT\n    one\n    two\n    TXT 200", []string{"one\ntwo", "200"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nodes, _, err := readCaddyText(t, "example.org {\n"+tt.text+"\n}\n", nil)
			require.NoError(t, err)
			require.Len(t, nodes, 1)
			require.NotEmpty(t, nodes[0].Children)
			assert.Equal(t, "respond", nodes[0].Children[0].Name)
			assert.Equal(t, tt.args, nodes[0].Children[0].Args)
		})
	}
}

func TestReadCaddyBlocks(t *testing.T) {
	text := "# global\n{\n\tadmin off\n}\n\nexample.org, www.example.org\t:8080 {\n\t@bots {\n\t\theader User-Agent *bot*\n\t}\n\trespond @bots 403\n}\n"
	nodes, dir, err := readCaddyText(t, text, nil)
	require.NoError(t, err)
	require.Len(t, nodes, 2)
	assert.Equal(t, "", nodes[0].Name, "the global options block has no name")
	assert.Equal(t, 2, nodes[0].Line)
	assert.Equal(t, "admin", nodes[0].Children[0].Name)
	site := nodes[1]
	assert.Equal(t, "example.org", site.Name)
	assert.Equal(t, []string{"www.example.org", ":8080"}, site.Args, "commas and spaces both separate addresses")
	assert.Equal(t, 6, site.Line)
	assert.Equal(t, filepath.Join(dir, "Caddyfile"), site.File)
	m := site.Children[0]
	assert.Equal(t, "@bots", m.Name)
	assert.True(t, m.Block)
	require.Len(t, m.Children, 1)
	assert.Equal(t, 8, m.Children[0].Line)
	assert.Equal(t, []string{"User-Agent", "*bot*"}, m.Children[0].Args)
	assert.Equal(t, 10, site.Children[1].Line)

	nodes, _, err = readCaddyText(t, "localhost\n\nrespond 403\nfile_server\n", nil)
	require.NoError(t, err)
	require.Len(t, nodes, 1, "a single site may go without braces")
	assert.Len(t, nodes[0].Children, 2)
}

func TestReadCaddyEnv(t *testing.T) {
	t.Setenv("AUTHWALL_TEST_SITE", "example.org")
	nodes, _, err := readCaddyText(t, "{$AUTHWALL_TEST_SITE} {\n\trespond {$AUTHWALL_TEST_UNSET:fallback}\n}\n", nil)
	require.NoError(t, err)
	assert.Equal(t, "example.org", nodes[0].Name)
	assert.Equal(t, []string{"fallback"}, nodes[0].Children[0].Args)
}

func TestReadCaddyImports(t *testing.T) {
	text := "(auth) {\n\tbasicauth {args.0} bcrypt \"{args[1]}\" {\n\t\teditor x\n\t}\n}\n" +
		"example.org {\n\timport auth /admin/* Staff\n\timport conf.d/*.caddy\n\timport conf.d/none-*.caddy\n}\n"
	nodes, dir, err := readCaddyText(t, text, map[string]string{
		"conf.d/b.caddy":      "respond /b 403\n",
		"conf.d/a.caddy":      "import ../snippets/deny.caddy\n",
		"snippets/deny.caddy": "\n\nrespond /a 403\n",
		"conf.d/skip.txt":     "respond /skip 403\n",
	})
	require.NoError(t, err)
	require.Len(t, nodes, 1)
	kids := nodes[0].Children
	require.Len(t, kids, 3)
	main := filepath.Join(dir, "Caddyfile")

	assert.Equal(t, "basicauth", kids[0].Name)
	assert.Equal(t, []string{"/admin/*", "bcrypt", "Staff"}, kids[0].Args, "snippet arguments, both spellings")
	assert.Equal(t, Pos{File: main, Line: 2}, kids[0].Pos(), "a snippet's nodes point at its definition")
	assert.Equal(t, []Pos{{File: main, Line: 7}}, kids[0].IncludedFrom)

	assert.Equal(t, []string{"/a", "403"}, kids[1].Args, "glob matches in order, relative to the importing file")
	assert.Equal(t, Pos{File: filepath.Join(dir, "snippets/deny.caddy"), Line: 3}, kids[1].Pos())
	assert.Equal(t, []Pos{{File: main, Line: 8}, {File: filepath.Join(dir, "conf.d/a.caddy"), Line: 1}}, kids[1].IncludedFrom)
	assert.Equal(t, []string{"/b", "403"}, kids[2].Args)
}

func TestReadCaddyErrors(t *testing.T) {
	tests := []struct {
		name, text string
		extra      map[string]string
		line       int
		want       string
	}{
		{"unclosed block", "example.org {\n\trespond 403\n", nil, 2, "not closed"},
		{"token after brace", "example.org {\n\thandle { respond 403 }\n}\n", nil, 2, "after '{'"},
		{"stray brace", "example.org {\n}\n}\n", nil, 3, "no block is open"},
		{"unclosed quote", "example.org {\n\trespond \"x\n}\n", nil, 2, "not closed"},
		{"missing import", "example.org {\n\timport nothing.caddy\n}\n", nil, 2, "no such snippet or file"},
		{"two wildcards", "example.org {\n\timport */*.caddy\n}\n", nil, 2, "one wildcard"},
		{"import cycle", "example.org {\n\timport a.caddy\n}\n", map[string]string{"a.caddy": "import b.caddy\n", "b.caddy": "import a.caddy\n"}, 1, "cycle"},
		{"template placeholder", "http://127.0.0.1:{{PORT}} {\n\trespond 403\n}\n", nil, 1, "unrendered template"},
		{"brace glued to an address", "example.org{\n}\n", nil, 1, "ends with '{'"},
		{"duplicate snippet", "(a) {\n}\n(a) {\n}\n", nil, 3, "defined twice"},
		{"blocks nested too deep", "example.org {\n" + strings.Repeat("a {\n", 100) + strings.Repeat("}\n", 100) + "}\n", nil, 66, "nested deeper than 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := readCaddyText(t, tt.text, tt.extra)
			var perr *ParseError
			require.ErrorAs(t, err, &perr)
			assert.Equal(t, tt.line, perr.Line, perr.Error())
			assert.Contains(t, perr.Problem, tt.want)
		})
	}
}

func FuzzReadCaddy(f *testing.F) {
	for _, seed := range []string{
		"example.org {\n\tbasicauth /a/* {\n\t\tu h\n\t}\n}\n",
		"{\n\tadmin off\n}\n(s) {\n\trespond {args.0}\n}\n:80 {\n\timport s 403\n}\n",
		"a, b {\n\t@m {\n\t\tnot path /x\n\t\theader User-Agent *bot*\n\t}\n\thandle_path /p/* {\n\t\trespond @m 403\n\t}\n\troute {\n\t\trespond 200\n\t}\n}\n",
		"x {\n\trespond <<E\n\ta\n\tE\n}\n",
		"\"a\\\"b\" `c` #d\n",
		"}",
		"{",
		"{$X:y} {\n}\n",
		"(a) {\n\timport a\n}\nb {\n\timport a\n}\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if strings.Contains(text, "import") && strings.ContainsAny(text, "/\\.") {
			// Only imports of snippets: a file import could reach /dev/zero.
			t.Skip()
		}
		nodes, ok := fuzzRead(t, "Caddyfile", text, ReadCaddy)
		if !ok {
			return
		}
		if c, err := NewCaddy(nodes); err == nil {
			fuzzEvaluate(t, c, Request{Host: "a", Port: 80, UserAgent: googlebot}, "/", "/a/b", "/%zz", "/../x")
		}
	})
}

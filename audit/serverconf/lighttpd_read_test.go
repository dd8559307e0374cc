package serverconf

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readLighttpdFiles(t *testing.T, files map[string]string) ([]*Node, string) {
	t.Helper()
	dir := writeFiles(t, files)
	nodes, err := ReadLighttpd(filepath.Join(dir, "lighttpd.conf"))
	require.NoError(t, err)
	return nodes, dir
}

func TestReadLighttpdValues(t *testing.T) {
	nodes, _ := readLighttpdFiles(t, map[string]string{"lighttpd.conf": `# comment
server.port = 8080 # trailing comment
name = "a\"b" + "c"
server.tag = var.name + 1
n = 2 + 3
auth.require = ( "/b" => ( "method" => "basic",
                           "realm" => "Beta" ),   # a comment inside parentheses
  "/c/" =>
     ( "method" => "digest", ),
)
url.access-deny = ( "~", ".inc" )
url.access-deny += ( ".bak" )
url.access-deny := ( ".x" )
`})
	byName := map[string]*Node{}
	for _, n := range nodes {
		byName[n.Name] = n
	}
	assert.Equal(t, []string{"=", "8080"}, byName["server.port"].Args)
	assert.Equal(t, 2, byName["server.port"].Line)
	assert.Equal(t, []string{"=", `a"bc`}, byName["var.name"].Args, `only \" is an escape; + concatenates`)
	assert.Equal(t, []string{"=", `a"bc1`}, byName["server.tag"].Args, "a string plus an integer")
	assert.Equal(t, []string{"=", "5"}, byName["var.n"].Args)

	auth := byName["auth.require"]
	require.True(t, auth.Block)
	require.Len(t, auth.Children, 2)
	assert.Equal(t, "/b", auth.Children[0].Name)
	assert.Equal(t, 6, auth.Children[0].Line)
	assert.Equal(t, "/c/", auth.Children[1].Name)
	assert.Equal(t, 8, auth.Children[1].Line, "an element's line is where its key is")
	assert.Equal(t, "Beta", lighttpdOption(auth.Children[0], "realm"))
	assert.Equal(t, `auth.require = ( "/b" => ( "method" => "basic", "realm" => "Beta" ), "/c/" => ( "method" => "digest" ) )`, lighttpdText(auth))

	var deny []*Node
	for _, n := range nodes {
		if n.Name == "url.access-deny" {
			deny = append(deny, n)
		}
	}
	require.Len(t, deny, 3)
	assert.Equal(t, `url.access-deny += ( "~", ".inc", ".bak" )`, lighttpdText(deny[1]), "+= merges with the value so far")
	assert.Equal(t, 12, deny[1].Children[2].Line)
	assert.Equal(t, `url.access-deny := ( ".x" )`, lighttpdText(deny[2]))
}

func TestReadLighttpdConditions(t *testing.T) {
	nodes, _ := readLighttpdFiles(t, map[string]string{"lighttpd.conf": `auth.require = ( "/a/" => ( "method" => "basic" ) )
$HTTP["host"] == "example.org" {
  $HTTP["url"] =~ "^/x" { url.access-deny = ( "" ) }
  else $HTTP["url"] =^ "/y" {
    auth.require += ( "/y/" => ( "method" => "basic" ) )
  }
  else {
    server.tag = "z"
  }
} $HTTP["useragent"] !~ "bot" { }
$SERVER["socket"] == ":8080" {}
$REQUEST_HEADER["X-Test"] =$ "1" {}
`})
	require.Len(t, nodes, 5)
	host := nodes[1]
	assert.Equal(t, `$HTTP["host"]`, host.Name)
	assert.Equal(t, []string{"==", "example.org"}, host.Args)
	require.Len(t, host.Children, 3)
	assert.Equal(t, `$HTTP["url"]`, host.Children[0].Name)
	assert.Equal(t, "else", host.Children[1].Name)
	assert.Equal(t, []string{`$HTTP["url"]`, "=^", "/y"}, host.Children[1].Args)
	assert.Equal(t, `auth.require += ( "/a/" => ( "method" => "basic" ), "/y/" => ( "method" => "basic" ) )`, lighttpdText(host.Children[1].Children[0]), "+= reads the enclosing block's value")
	assert.Equal(t, "else", host.Children[2].Name)
	assert.Empty(t, host.Children[2].Args)
	assert.Equal(t, 7, host.Children[2].Line)
	assert.Equal(t, `$HTTP["useragent"]`, nodes[2].Name, "a } followed by more on its line ends the statement")
	assert.Equal(t, 10, nodes[2].Line)
	assert.Equal(t, `$SERVER["socket"]`, nodes[3].Name)
	assert.Equal(t, []string{"=$", "1"}, nodes[4].Args)
}

func TestReadLighttpdIncludes(t *testing.T) {
	nodes, dir := readLighttpdFiles(t, map[string]string{
		"lighttpd.conf":       "server.port = 80\ninclude \"conf.d/*.conf\"\ninclude \"none/*.conf\"\n$HTTP[\"url\"] =^ \"/p/\" {\n  include \"inner.conf\"\n}\ninclude_shell \"/usr/share/lighttpd/create-mime.conf.pl\"\ninclude \"{x,y}.conf\"\n",
		"conf.d/b.conf":       "b = 2\n",
		"conf.d/a.conf":       "\na = 1\ninclude \"conf.d/nested.inc\"\n",
		"conf.d/nested.inc":   "nested = 3\n",
		"conf.d/.hidden.conf": "hidden = 1\n",
		"conf.d/skip.txt":     "skip = 1\n",
		"inner.conf":          "url.access-deny = ( \"\" )\n",
		"y.conf":              "y = 1\n",
		"x.conf":              "x = 1\n",
	})
	var names []string
	for _, n := range nodes {
		names = append(names, n.Name)
	}
	assert.Equal(t, []string{"server.port", "var.a", "var.nested", "var.b", `$HTTP["url"]`, "include_shell", "var.x", "var.y"}, names,
		"globs sorted and expanded in place, dot-files skipped, an unmatched wildcard is fine, braces in order")
	main := filepath.Join(dir, "lighttpd.conf")
	assert.Equal(t, filepath.Join(dir, "conf.d/a.conf"), nodes[1].File)
	assert.Equal(t, 2, nodes[1].Line)
	assert.Equal(t, []Pos{{File: main, Line: 2}}, nodes[1].IncludedFrom)
	assert.Equal(t, []Pos{{File: main, Line: 2}, {File: filepath.Join(dir, "conf.d/a.conf"), Line: 3}}, nodes[2].IncludedFrom,
		"a nested include is relative to the main config's directory and records the chain")
	inner := nodes[4].Children
	require.Len(t, inner, 1)
	assert.Equal(t, "url.access-deny", inner[0].Name, "an included file's statements land in the enclosing block")
	assert.Equal(t, []string{"/usr/share/lighttpd/create-mime.conf.pl"}, nodes[5].Args)
}

func TestReadLighttpdErrors(t *testing.T) {
	cases := []struct {
		name, conf string
		line       int
		problem    string
	}{
		{"missing quote", "a = 1\nb = \"x\n", 2, "missing closing quote"},
		{"unclosed block", "$HTTP[\"url\"] =~ \"x\" {\n a = 1\n", 2, "missing closing brace"},
		{"stray brace", "a = 1\n}\n", 2, "closing brace"},
		{"duplicate", "a = 1\n\na = 2\n", 3, "duplicate config variable var.a"},
		{"undefined variable", "a = b\n", 1, "undefined config variable var.b"},
		{"bad operator in condition", "$HTTP[\"url\"] = \"x\" {}\n", 1, "only =="},
		{"unknown condition", "$HTTP[\"path\"] == \"x\" {}\n", 1, "unknown condition"},
		{"bad regex", "$HTTP[\"url\"] =~ \"(\" {}\n", 1, "regex"},
		{"array arrow", "a = ( \"k\" = 1 )\n", 1, "=>"},
		{"missing include", "include \"nothere.conf\"\n", 1, "include file not found"},
		{"unrendered port", "server.port = {{PORT}}\n", 1, "unrendered template placeholder"},
		{"unrendered string", "server.document-root = \"{{PREFIX}}/site\"\n", 1, "unrendered template placeholder"},
		{"else alone", "else { }\n", 1, "else without"},
		{"else repeating its branch", "$HTTP[\"url\"] == \"/a\" { }\nelse $HTTP[\"url\"] == \"/a\" { }\n", 2, "unreachable else condition"},
		{"else whose negation exists", "$HTTP[\"url\"] != \"/a\" { }\n$HTTP[\"url\"] == \"/a\" { }\nelse { }\n", 3, "unreachable else condition"},
		{"merge mismatch", "a = ( 1 ) + \"x\"\n", 1, "cannot merge"},
		{"duplicate key", "a = ( \"k\" => 1, \"k\" => 2 )\n", 1, "duplicate array key"},
		{"keys ignore case", "a = ( \"/Admin/\" => 1,\n \"/admin/\" => 2 )\n", 2, "duplicate array key"},
		{"variables ignore case", "A = 1\na = 2\n", 2, "duplicate config variable"},
		{"unclosed array", "a = ( 1,\n 2\n", 3, "array not closed"},
		// Hostile inputs end in an error, not a crash or exhausted memory.
		{"conditions nested too deep", strings.Repeat("$HTTP[\"url\"] =~ \"^/a\" {\n", 100) + strings.Repeat("}\n", 100), 65, "nested deeper than 64"},
		{"arrays nested too deep", "a = " + strings.Repeat("(", 100) + strings.Repeat(")", 100) + "\n", 1, "nested deeper than 64"},
		{"a value that doubles", lighttpdDoubling(24), 17, "value grows beyond"},
		{"braces that explode", "include \"{" + strings.Repeat("{a,b}", 9) + "}" + strings.Repeat("{a,b}", 9) + "\"\n", 1, "braces expand to more than 256"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"lighttpd.conf": tt.conf})
			_, err := ReadLighttpd(filepath.Join(dir, "lighttpd.conf"))
			var perr *ParseError
			require.ErrorAs(t, err, &perr)
			assert.Equal(t, filepath.Join(dir, "lighttpd.conf"), perr.File)
			assert.Equal(t, tt.line, perr.Line, "%v", err)
			assert.Contains(t, perr.Problem, tt.problem)
		})
	}
}

func FuzzReadLighttpd(f *testing.F) {
	for _, seed := range []string{
		"server.modules = ( \"mod_auth\" )\nauth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"r\" ) )\n",
		"$HTTP[\"url\"] =~ \"^/a\" { url.access-deny = ( \"\" ) } else $HTTP[\"host\"] == \"x\" { } else { }\n",
		"a = \"x\\\"y\" + 1\nb = a + \"z\"\nc = ( 1, 2, ) + ( 3 )\n",
		"$HTTP[\"remoteip\"] != \"10.0.0.0/8\" {\n $HTTP[\"useragent\"] =^ \"Google\" { a := 1 }\n}\n",
		"include_shell \"x\"\n", "}", "{", "(", "$", "= =", "a += ( \"k\" => ( ) )\na += ( \"j\" => 1 )\n",
	} {
		f.Add(seed, "/a/x", "example.org", "Googlebot")
	}
	f.Fuzz(func(t *testing.T, conf, path, host, agent string) {
		if strings.Contains(conf, "include") {
			// Only includes inside the temp dir: an absolute one could
			// reach /dev/zero and read forever.
			t.Skip()
		}
		nodes, ok := fuzzRead(t, "lighttpd.conf", conf, ReadLighttpd)
		if !ok {
			return
		}
		if l, err := NewLighttpd(nodes); err == nil {
			fuzzEvaluate(t, l, Request{Host: host, Port: 80, UserAgent: agent}, path)
		}
	})
}

// lighttpdDoubling is n assignments, each value twice the one before.
func lighttpdDoubling(n int) string {
	var b strings.Builder
	b.WriteString("v0 = \"xxxxxxxxxxxxxxxx\"\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "v%d = v%d + v%d\n", i, i-1, i-1)
	}
	return b.String()
}

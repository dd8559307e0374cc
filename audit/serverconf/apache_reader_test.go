package serverconf

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestApacheWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`AuthName "Shop Admin"`, []string{"AuthName", "Shop Admin"}},
		{`AuthName 'it''s'`, []string{"AuthName", "it", "s"}},
		{`X "a \"b\" c" d`, []string{"X", `a "b" c`, "d"}},
		{`X 'a \'b' "\\"`, []string{"X", "a 'b", `\`}},
		{`X a\\b a\b`, []string{"X", `a\b`, `a\b`}},
		{`X "unterminated`, []string{"X", "unterminated"}},
		{"X\ta  b", []string{"X", "a", "b"}},
		{`Require all granted # not a comment`, []string{"Require", "all", "granted", "#", "not", "a", "comment"}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, apacheWords(tt.in), tt.in)
	}
}

func TestApacheLines(t *testing.T) {
	in := "# comment\n  # indented comment\n\nAuthName \\\n  \"Two Lines\"\nRequire all granted \t\nX a#b\n"
	got, err := apacheLines([]byte(in))
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, apacheLine{text: `AuthName   "Two Lines"`, line: 5}, got[0], "httpd names the last line")
	assert.Equal(t, apacheLine{text: "Require all granted", line: 6}, got[1])
	assert.Equal(t, apacheLine{text: "X a#b", line: 7}, got[2])
}

func TestApacheResolveVars(t *testing.T) {
	lookup := func(n string) (string, bool) { v, ok := map[string]string{"A": "x", "E": ""}[n]; return v, ok }
	assert.Equal(t, "/x/y", apacheResolveVars("/${A}/y", lookup))
	assert.Equal(t, "/${B}/y", apacheResolveVars("/${B}/y", lookup), "undefined stays")
	assert.Equal(t, "//", apacheResolveVars("/${E}/", lookup))
	assert.Equal(t, "${A", apacheResolveVars("${A", lookup))
}

func names(nodes []*Node) []string {
	var out []string
	for _, n := range nodes {
		out = append(out, n.Name)
	}
	return out
}

func TestReadApacheSections(t *testing.T) {
	dir := writeFiles(t, map[string]string{"main.conf": "<Directory /srv>\n  <files x>\n  Require all denied\n  </FILES>\n</directory>\n"})
	cfg, err := ReadApache(filepath.Join(dir, "main.conf"), ApacheOptions{})
	require.NoError(t, err)
	require.Len(t, cfg.Nodes, 1)
	d := cfg.Nodes[0]
	assert.Equal(t, "Directory", d.Name)
	assert.True(t, d.Block)
	assert.Equal(t, []string{"/srv"}, d.Args)
	require.Len(t, d.Children, 1)
	assert.Equal(t, 2, d.Children[0].Line)
	assert.Equal(t, []string{"Require"}, names(d.Children[0].Children))
}

func TestReadApacheErrors(t *testing.T) {
	tests := []struct{ conf, want string }{
		{"<Directory /x>\nRequire all denied\n", "main.conf:1: <Directory> section is never closed"},
		{"<Directory /x>\n</Location>\n", "main.conf:2: expected </Directory> but saw </Location>"},
		{"</Directory>\n", "main.conf:1: </Directory> without matching <Directory> section"},
		{"<Directory /x\n</Directory>\n", "main.conf:1: <Directory directive missing closing '>'"},
		{"Include nothing-*.conf\n", "main.conf:1: Include nothing-*.conf: no file matches the wildcard"},
		{"Include missing.conf\n", "main.conf:1: Include missing.conf"},
		{"<IfModule>\n</IfModule>\n", "main.conf:1: <IfModule> needs an argument"},
		// Hostile inputs end in an error, not a crash or a lost tail.
		{"AuthType Basic\nFoo " + strings.Repeat("x", 9<<20) + "\nRequire valid-user\n", "main.conf: line 2: bufio.Scanner: token too long"},
		{strings.Repeat("<Location /a>\n", 200) + strings.Repeat("</Location>\n", 200), "main.conf:129: sections nested deeper than 128"},
		{apacheDoublingDefines(24), "line expands to more than 1048576 bytes"},
	}
	for _, tt := range tests {
		dir := writeFiles(t, map[string]string{"main.conf": tt.conf})
		_, err := ReadApache(filepath.Join(dir, "main.conf"), ApacheOptions{})
		require.Error(t, err, tt.conf)
		var pe *ParseError
		require.ErrorAs(t, err, &pe)
		assert.Contains(t, err.Error(), tt.want)
	}
}

func TestReadApacheIncludes(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"main.conf":           "A 1\nInclude conf.d/*.conf\nIncludeOptional none/*.conf\nInclude sites\nB 2\n",
		"conf.d/b.conf":       "InB\n",
		"conf.d/a.conf":       "InA\n",
		"conf.d/.hidden.conf": "Hidden\n",
		"conf.d/c.txt":        "NotConf\n",
		"sites/x/one.conf":    "One\n",
		"sites/.dot":          "Dot\n",
		"sites/two.conf":      "Two\n",
	})
	cfg, err := ReadApache(filepath.Join(dir, "main.conf"), ApacheOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"A", "InA", "InB", "Dot", "Two", "One", "B"}, names(cfg.Nodes))
	inA := cfg.Nodes[1]
	assert.Equal(t, filepath.Join(dir, "conf.d/a.conf"), inA.File)
	assert.Equal(t, []Pos{{File: filepath.Join(dir, "main.conf"), Line: 2}}, inA.IncludedFrom)
	assert.Empty(t, cfg.Nodes[0].IncludedFrom)
}

func TestReadApacheIncludeGlobInDirectory(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"main.conf":    "Include */site.conf\n",
		"b/site.conf":  "B\n",
		"a/site.conf":  "A\n",
		".h/site.conf": "H\n",
	})
	cfg, err := ReadApache(filepath.Join(dir, "main.conf"), ApacheOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"A", "B"}, names(cfg.Nodes))
}

func TestReadApacheRootRemap(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"etc/apache2/apache2.conf":         "Include /etc/apache2/sites-enabled/*.conf\n",
		"etc/apache2/sites-enabled/x.conf": "Site\n",
	})
	cfg, err := ReadApache(filepath.Join(dir, "etc/apache2/apache2.conf"), ApacheOptions{Root: dir})
	require.NoError(t, err)
	assert.Equal(t, []string{"Site"}, names(cfg.Nodes))
}

func TestReadApacheServerRootDirective(t *testing.T) {
	dir := writeFiles(t, map[string]string{"conf/main.conf": "ServerRoot " + "ROOT" + "\nInclude extra.conf\n", "extra.conf": "Extra\n"})
	main := filepath.Join(dir, "conf/main.conf")
	data, _ := os.ReadFile(main)
	require.NoError(t, os.WriteFile(main, []byte(string(data[:11])+dir+string(data[15:])), 0o644))
	cfg, err := ReadApache(main, ApacheOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"ServerRoot", "Extra"}, names(cfg.Nodes))
}

func TestReadApacheConditionals(t *testing.T) {
	conf := `Define ON
Define DIR /srv/${ON}x
<IfDefine ON>
  A ${DIR}
</IfDefine>
<IfDefine !ON>
  Define NEVER
  B
</IfDefine>
<IfDefine NEVER>
  C
</IfDefine>
<IfModule mod_rewrite.c>
  D
</IfModule>
LoadModule rewrite_module modules/mod_rewrite.so
<IfModule rewrite_module>
  E
</IfModule>
<IfModule !authz_core_module>
  F
</IfModule>
<IfVersion >= 2.4>
  G
</IfVersion>
<IfVersion < 2.4>
  H
</IfVersion>
<IfFile main.conf>
  I
</IfFile>
<IfFile !main.conf>
  J
</IfFile>
K ${UNDEFINED}
`
	dir := writeFiles(t, map[string]string{"main.conf": conf})
	cfg, err := ReadApache(filepath.Join(dir, "main.conf"), ApacheOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{"Define", "Define", "A", "LoadModule", "E", "G", "I", "K"}, names(cfg.Nodes))
	assert.Equal(t, []string{"/srv/x"}, cfg.Nodes[2].Args)
	assert.Equal(t, []string{"${UNDEFINED}"}, cfg.Nodes[7].Args)
	assert.Len(t, cfg.Warnings, 1)
	assert.True(t, cfg.HasModule("mod_rewrite.c"))
}

func FuzzApacheParse(f *testing.F) {
	f.Add("<Directory /x>\nRequire all denied\n</Directory>\n")
	f.Add("AuthName \"a \\\" b\" \\\n  c\n<IfModule !x>\n</IfModule>\n")
	f.Add("<If \"%{HTTP_HOST} == 'a'\">\n</If>\n</x>")
	f.Add("Define A\n${A}${\n<IfVersion ~ ^2>\n</IfVersion>")
	cfg := &ApacheConfig{modules: map[string]bool{}}
	f.Fuzz(func(t *testing.T, s string) {
		nodes, err := cfg.ParseHtaccess("fuzz", []byte(s))
		if err != nil {
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			return
		}
		_ = nodes
	})
}

// apacheDoublingDefines is n Define lines, each value twice the one before.
func apacheDoublingDefines(n int) string {
	var b strings.Builder
	b.WriteString("Define v0 xxxxxxxxxxxxxxxx\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "Define v%d ${v%d}${v%d}\n", i, i-1, i-1)
	}
	return b.String()
}

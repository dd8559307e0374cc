package serverconf

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHAProxyWords(t *testing.T) {
	t.Setenv("HAP_TEST_NAME", "from env")
	tests := []struct {
		line string
		want []string
	}{
		{"  http-request deny if { path_beg /a }", []string{"http-request", "deny", "if", "{", "path_beg", "/a", "}"}},
		{"a b # comment", []string{"a", "b"}},
		{"a b#c", []string{"a", "b"}},
		{`a b\#c`, []string{"a", "b#c"}},
		{`realm 'it''s'`, []string{"realm", "its"}},
		{`realm "x\"y"`, []string{"realm", `x"y`}},
		{`realm a\ b`, []string{"realm", "a b"}},
		{`'a # b' "c # d"`, []string{"a # b", "c # d"}},
		{`x '$HAP_TEST_NAME' "$HAP_TEST_NAME" ${HAP_TEST_NAME}`, []string{"x", "$HAP_TEST_NAME", "from env", "${HAP_TEST_NAME}"}},
		{`"${HAP_TEST_NAME}!"`, []string{"from env!"}},
		{`x "$HAP_TEST_UNSET_VAR"`, []string{"x", ""}},
		{`\x41\t`, []string{"A\t"}},
		{`^/(?!pub/)\w+\.html$ \$x`, []string{`^/(?!pub/)\w+\.html$`, "$x"}},
		{`a"b c"d`, []string{"ab cd"}},
		{"", nil},
		{"# only a comment", nil},
	}
	for _, tt := range tests {
		got, err := haproxyWords(tt.line)
		require.NoError(t, err, tt.line)
		assert.Equal(t, tt.want, got, tt.line)
	}
	for _, bad := range []string{`a "b`, `a 'b`, `a \`, `\xZZ`, `"${NAME"`, `"a$"`, `"^/x$"`} {
		_, err := haproxyWords(bad)
		assert.Error(t, err, bad)
	}
}

func TestHAProxyText(t *testing.T) {
	words, err := haproxyWords(`http-request auth realm "Press Kit" if { path_reg '^/a\.b$' } !{ path "" }`)
	require.NoError(t, err)
	text := haproxyText(&Node{Name: words[0], Args: words[1:]})
	assert.Equal(t, `http-request auth realm "Press Kit" if { path_reg "^/a\\.b\$" } !{ path "" }`, text)
	again, err := haproxyWords(text)
	require.NoError(t, err)
	assert.Equal(t, words, again, "reads back the same")
}

func TestReadHAProxySections(t *testing.T) {
	dir := writeFiles(t, map[string]string{"haproxy.cfg": "global\n    log stderr local0\n\ndefaults base\n    mode http\nfrontend www from base\n    bind :80\n    http-request deny if { path /x }\n"})
	nodes, err := ReadHAProxy(filepath.Join(dir, "haproxy.cfg"))
	require.NoError(t, err)
	require.Len(t, nodes, 3)
	assert.Equal(t, "frontend", nodes[2].Name)
	assert.Equal(t, []string{"www", "from", "base"}, nodes[2].Args)
	assert.True(t, nodes[2].Block)
	assert.Equal(t, 6, nodes[2].Line)
	require.Len(t, nodes[2].Children, 2)
	deny := nodes[2].Children[1]
	assert.Equal(t, "http-request", deny.Name)
	assert.Equal(t, 8, deny.Line)
	assert.Equal(t, filepath.Join(dir, "haproxy.cfg"), deny.File)
	assert.Empty(t, deny.IncludedFrom)
}

func TestReadHAProxyDirectory(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"conf/B.cfg":       "backend b\n",
		"conf/a.cfg":       "backend a\n",
		"conf/_x.cfg":      "backend underscore\n",
		"conf/.hidden.cfg": "backend hidden\n",
		"conf/c.conf":      "backend notcfg\n",
		"conf/sub/d.cfg":   "backend sub\n",
	})
	nodes, err := ReadHAProxy(filepath.Join(dir, "conf"))
	require.NoError(t, err)
	var names []string
	for _, n := range nodes {
		names = append(names, n.Args[0])
	}
	assert.Equal(t, []string{"b", "underscore", "a"}, names, "C collation: upper case, then _, then lower case; hidden, non-.cfg and subdirectories skipped")
}

func TestReadHAProxyConditionalBlocks(t *testing.T) {
	t.Setenv("HAP_TEST_DEFINED", "1")
	conf := strings.Join([]string{
		"frontend www",
		".if version_atleast(2.5)",
		"    acl a1 path /1",
		".else",
		"    acl a2 path /2",
		".endif",
		".if defined(HAP_TEST_DEFINED) && !defined(HAP_TEST_NOT_DEFINED)",
		"    acl a3 path /3",
		".elif 1",
		"    acl a4 path /4",
		".endif",
		".if 0",
		".if 1",
		"    acl a5 path /5",
		".endif",
		".elif streq(x,x) || feature(NOPE)",
		"    acl a6 path /6",
		".endif",
		".if feature(PCRE2) && version_before(2.7) && (strneq(a,b))",
		"    acl a7 path /7",
		".endif",
		".if \"$HAP_TEST_UNSET_VAR\"",
		"    acl a8 path /8",
		".endif",
		".if version_before(2.6.2)",
		"    acl a9 path /9",
		".endif",
	}, "\n")
	dir := writeFiles(t, map[string]string{"haproxy.cfg": conf})
	nodes, err := ReadHAProxy(filepath.Join(dir, "haproxy.cfg"))
	require.NoError(t, err)
	var names []string
	for _, n := range nodes[0].Children {
		names = append(names, n.Args[0])
	}
	assert.Equal(t, []string{"a1", "a3", "a6", "a7"}, names)
}

// haproxyErrorCase is a config that must fail at line with a problem
// containing want.
type haproxyErrorCase struct {
	name string
	conf string
	line int
	want string
}

func TestReadHAProxyErrors(t *testing.T) {
	tests := []haproxyErrorCase{
		{"outside a section", "\nbind :80\n", 2, "out of section"},
		{"unmatched quote", "frontend a\n  acl x path \"/a\n", 2, "unmatched quote"},
		{"missing endif", "frontend a\n.if 1\n", 2, "without a matching .endif"},
		{"stray endif", "frontend a\n.endif\n", 2, ".endif without"},
		{"else twice", "frontend a\n.if 1\n.else\n.else\n.endif\n", 4, ".else without"},
		{"bad predicate", "frontend a\n.if nope(1)\n.endif\n", 2, "unknown predicate"},
		{"bad condition", "frontend a\n.if 1 &&\n.endif\n", 2, "ends early"},
		{"alert", "frontend a\n.alert stop\n", 2, "stop"},
		{"unknown dot directive", "frontend a\n.include x\n", 2, "unknown directive"},
		{"template", "frontend a\n  bind {{ addr }}:80\n", 2, "unrendered template"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertHAProxyParseError(t, tt.conf, tt.line, tt.want, func(path string) error {
				_, err := ReadHAProxy(path)
				return err
			})
		})
	}
	_, err := ReadHAProxy(filepath.Join(t.TempDir(), "missing.cfg"))
	var perr *ParseError
	assert.ErrorAs(t, err, &perr)
	_, err = ReadHAProxy(t.TempDir())
	assert.ErrorContains(t, err, "no *.cfg file")
}

// assertHAProxyParseError writes conf as haproxy.cfg, runs load on it and
// requires a ParseError naming that file, line and problem.
func assertHAProxyParseError(t *testing.T, conf string, line int, problem string, load func(path string) error) {
	t.Helper()
	path := filepath.Join(writeFiles(t, map[string]string{"haproxy.cfg": conf}), "haproxy.cfg")
	var perr *ParseError
	require.ErrorAs(t, load(path), &perr)
	assert.Equal(t, path, perr.File)
	assert.Equal(t, line, perr.Line)
	assert.Contains(t, perr.Error(), problem)
}

func FuzzReadHAProxy(f *testing.F) {
	for _, seed := range []string{
		"frontend www\n  bind :80\n  acl a path_beg /a\n  http-request deny if a || { hdr(user-agent) -m sub -i bot }\n",
		"defaults d\n  mode http\n  http-request auth realm 'x''y' unless { src 10.0.0.0/8 }\nfrontend f from d\n  bind 127.0.0.1:80\n",
		".if version_atleast(2.5) && !(feature(LUA))\nlisten l\n.else\n.endif\n",
		"listen l :80\n  use_backend b if { path_reg ^/(?!x) }\nbackend b\n  redirect location /x code 301\n",
		"frontend a\n  http-request deny if !\n",
		"frontend a\n  http-request deny if {\n",
		"a \"b\\\"c\" '$x' ${y} \\x4",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, conf string) {
		if strings.Contains(conf, "-f") {
			// An ACL's pattern file could be /dev/zero and read forever.
			t.Skip()
		}
		nodes, ok := fuzzRead(t, "haproxy.cfg", conf, ReadHAProxy)
		if !ok {
			return
		}
		if h, err := NewHAProxy(nodes); err == nil {
			fuzzEvaluate(t, h, Request{Host: "example.org", Port: 80, UserAgent: googlebot}, "/", "/a", "/x?y", "http://h/p")
		}
	})
}

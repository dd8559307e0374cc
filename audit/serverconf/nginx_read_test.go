package serverconf

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadNginxIncludes(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"nginx.conf":          "events {}\nhttp {\n    include conf.d/*.conf;\n    server { listen 81; }\n}\n",
		"conf.d/b.conf":       "server {\n    listen 80;\n    include snippets/auth.conf;\n}\n",
		"conf.d/a.conf":       "server { listen 79; }\n",
		"conf.d/.hidden.conf": "server { listen 1; }\n",
		"conf.d/skip.txt":     "server { listen 2; }\n",
		"snippets/auth.conf":  "\n\nauth_basic \"Staff\";\n",
	})
	nodes, err := ReadNginx(filepath.Join(dir, "nginx.conf"))
	require.NoError(t, err)

	var listens []string
	for _, n := range findNodes(nodes, "listen") {
		listens = append(listens, n.Args[0])
	}
	assert.Equal(t, []string{"79", "80", "81"}, listens, "glob sorted, expanded in place, dot-file and non-matching skipped")

	auth := findNodes(nodes, "auth_basic")
	require.Len(t, auth, 1)
	assert.Equal(t, []string{"Staff"}, auth[0].Args, "unquoted")
	assert.Equal(t, filepath.Join(dir, "snippets/auth.conf"), auth[0].File)
	assert.Equal(t, 3, auth[0].Line)
	assert.Equal(t, []Pos{
		{File: filepath.Join(dir, "nginx.conf"), Line: 3},
		{File: filepath.Join(dir, "conf.d/b.conf"), Line: 3},
	}, auth[0].IncludedFrom, "outermost first")

	servers := findNodes(nodes, "server")
	require.Len(t, servers, 3)
	assert.True(t, servers[0].Block)
	assert.Equal(t, 1, servers[0].Line)
	assert.Len(t, servers[0].IncludedFrom, 1)
	assert.Empty(t, servers[2].IncludedFrom, "main file")
}

func TestReadNginxLuaBlockWithBrace(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"nginx.conf": "http {\n  server {\n    location /lua {\n      content_by_lua_block { ngx.say(\"}\") }\n    }\n    location /after { auth_basic x; }\n  }\n}\n",
	})
	nodes, err := ReadNginx(filepath.Join(dir, "nginx.conf"))
	require.NoError(t, err)
	locs := findNodes(nodes, "location")
	require.Len(t, locs, 2)
	assert.Equal(t, []string{"/after"}, locs[1].Args)
	assert.Equal(t, 6, locs[1].Line)
	require.Len(t, findNodes(nodes, "auth_basic"), 1)
}

func TestReadNginxKeepsMisplacedDirectives(t *testing.T) {
	// With crossplane's checks on, auth_basic inside if would vanish.
	dir := writeFiles(t, map[string]string{
		"nginx.conf": "http { server { if ($x) { auth_basic x; } more_set_headers a; } }\n",
	})
	nodes, err := ReadNginx(filepath.Join(dir, "nginx.conf"))
	require.NoError(t, err)
	assert.Len(t, findNodes(nodes, "auth_basic"), 1)
	assert.Len(t, findNodes(nodes, "more_set_headers"), 1)
}

func TestReadNginxErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		file  string
		line  int
		want  string
	}{
		{"unclosed block", map[string]string{"nginx.conf": "http {\n  server {\n"}, "nginx.conf", 3, "unexpected end of file"},
		{"stray brace", map[string]string{"nginx.conf": "http {\n}\n}\n"}, "nginx.conf", 3, "unexpected"},
		{"error in an include", map[string]string{"nginx.conf": "include x.conf;\n", "x.conf": "a;\nb {\n"}, "x.conf", 3, "unexpected end of file"},
		{"missing include", map[string]string{"nginx.conf": "\ninclude nope.conf;\n"}, "nginx.conf", 2, "no such file"},
		{"cycle", map[string]string{"nginx.conf": "include a.conf;\n", "a.conf": "include nginx.conf;\n"}, "nginx.conf", 0, "cycle"},
		{"mustache placeholder", map[string]string{"nginx.conf": "http {\n  server {\n    server_name {{ domain }};\n  }\n}\n"}, "nginx.conf", 3, "unrendered template"},
		{"quoted mustache", map[string]string{"nginx.conf": "http {\n  server {\n    root \"/srv/{{site}}\";\n  }\n}\n"}, "nginx.conf", 3, "unrendered template"},
		{"empty if", map[string]string{"nginx.conf": "include x.conf;\n", "x.conf": "server {\n  if () { return 403; }\n}\n"}, "x.conf", 2, "empty if"},
		{"env placeholder", map[string]string{"nginx.conf": "http {\n  server {\n    listen ${PORT};\n  }\n}\n"}, "nginx.conf", 3, "unrendered template"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, tt.files)
			_, err := ReadNginx(filepath.Join(dir, "nginx.conf"))
			require.Error(t, err)
			var perr *ParseError
			require.ErrorAs(t, err, &perr)
			assert.Equal(t, filepath.Join(dir, tt.file), perr.File)
			assert.Equal(t, tt.line, perr.Line)
			assert.Contains(t, perr.Error(), tt.want)
		})
	}
}

func TestReadNginxBoundsIncludeExplosion(t *testing.T) {
	// Each level includes the next eight times: 8^8 directives if expanded.
	files := map[string]string{}
	for i := range 8 {
		files[fmt.Sprintf("l%d.conf", i)] = strings.Repeat(fmt.Sprintf("include l%d.conf;\n", i+1), 8)
	}
	files["l8.conf"] = "a;\n"
	files["nginx.conf"] = "include l0.conf;\n"
	dir := writeFiles(t, files)
	_, err := ReadNginx(filepath.Join(dir, "nginx.conf"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "expand to more than")
}

func TestReadNginxAllowsOwnVariables(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"nginx.conf": "http {\n map $http_user_agent $BOT { default 0; }\n server { return 200 \"${host} $BOT\"; }\n}\n",
	})
	_, err := ReadNginx(filepath.Join(dir, "nginx.conf"))
	require.NoError(t, err)
}

func FuzzReadNginx(f *testing.F) {
	for _, seed := range []string{
		"http { server { listen 80; location / { auth_basic x; } } }",
		"events {}\nhttp {\n include *.conf;\n}\n",
		"content_by_lua_block { ngx.say(\"}\") }",
		"a \"b\\\"c\" 'd' { e; }",
		"server_name {{x}};",
		"if ($a ~* \"(x)\") { return 403; }",
		"}",
		"{",
		"map $a $b { '' 1; }",
		"http { map $http_user_agent $b { default 0; ~bot 1; } server { if ($b) { return 403; } location / { try_files $uri @n; } location @n { index x; } } }",
		"server { listen 80 default_server; location ~ (?!x)y { limit_except GET { deny all; } error_page 403 =302 /a; } }",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, conf string) {
		if strings.Contains(conf, "include") && strings.ContainsAny(conf, "/\\") {
			// Only includes inside the temp dir: an absolute one could
			// reach /dev/zero and read forever.
			t.Skip()
		}
		nodes, ok := fuzzRead(t, "nginx.conf", conf, ReadNginx)
		if !ok {
			return
		}
		if ev, err := NewNginx(nodes); err == nil {
			fuzzEvaluate(t, ev, Request{Host: "example.org", Port: 80, UserAgent: "Googlebot"}, "/", "/a/b.css", "/x/../y/", "/@n")
		}
	})
}

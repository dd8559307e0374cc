package serverconf

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const loadSite = "server {\n    listen 8080;\n    location /blog/ {\n        auth_basic \"Staging\";\n        auth_basic_user_file htpasswd;\n    }\n}\n"

func TestLoad(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"etc/nginx/nginx.conf":                  "events {}\nhttp {\n    include sites-enabled/*;\n}\n",
		"etc/nginx/sites-enabled/site":          loadSite,
		"fragment.conf":                         "# a sites-enabled file\n" + loadSite,
		"site.txt":                              loadSite,
		"commented.conf":                        "# server {\n# }\n",
		"apache.conf":                           "Listen 8080\n<VirtualHost *:8080>\n    DocumentRoot /srv\n    <Location /blog/>\n        AuthType Basic\n        AuthName \"Staging\"\n        AuthUserFile /srv/htpasswd\n        Require valid-user\n    </Location>\n</VirtualHost>\n",
		"etc/apache2/apache2.conf":              "Listen 8080\n<Location /blog/>\n    AuthType Basic\n    AuthName \"Staging\"\n    AuthUserFile /srv/htpasswd\n    Require valid-user\n</Location>\n",
		"haproxy.cfg":                           "defaults\n    mode http\nfrontend web\n    bind :8080\n    acl blog path_beg /blog/\n    http-request auth realm Staging if blog\n    default_backend app\nbackend app\n    server a 127.0.0.1:9000\n",
		"lighttpd/lighttpd.conf":                "server.modules = ( \"mod_auth\", \"mod_authn_file\" )\nserver.port = 8080\nserver.document-root = \"/srv\"\nauth.backend = \"htpasswd\"\nauth.backend.htpasswd.userfile = \"/srv/htpasswd\"\nauth.require = ( \"/blog/\" => ( \"method\" => \"basic\", \"realm\" => \"Staging\", \"require\" => \"valid-user\" ) )\n",
		"site.caddy":                            ":8080 {\n\troot * /srv\n\tbasicauth /blog/* {\n\t\tjoe $2a$14$Zkx19XLiW6VYouLHR5NmfOFU0z2GTNmpkT/5qqR7hx4IjWJPDhjvG\n\t}\n\tfile_server\n}\n",
		"www/.htaccess":                         "AuthType Basic\nRequire valid-user\n",
		"empty/readme":                          "",
		"bad/nginx.conf":                        "http {\n    server {\n        location ~ ( { }\n    }\n}\n",
		"unbalanced.conf":                       "http {\n    server {\n",
		"etc/nginx/sites-enabled/.hidden-notes": "not a config",
	})
	at := func(p string) string { return filepath.Join(dir, p) }
	tests := []struct {
		name, path string
		server     string // "" when an error is expected
		line       int    // the DecidedBy line for /blog/ on port 8080
		err        string
	}{
		{name: "a config directory", path: "etc/nginx", server: "nginx", line: 4},
		{name: "the main file", path: "etc/nginx/nginx.conf", server: "nginx", line: 4},
		{name: "a fragment by its content", path: "fragment.conf", server: "nginx", line: 5},
		{name: "any name, nginx content", path: "site.txt", server: "nginx", line: 4},
		{name: "comments only", path: "commented.conf", err: "commented.conf: not a config of a server authwall reads (supported: nginx, apache, haproxy, lighttpd, caddy)"},
		{name: "an Apache site by its content", path: "apache.conf", server: "apache", line: 8},
		{name: "an Apache config directory", path: "etc/apache2", server: "apache", line: 6},
		{name: "HAProxy by its name", path: "haproxy.cfg", server: "haproxy", line: 6},
		{name: "a lighttpd config directory", path: "lighttpd", server: "lighttpd", line: 6},
		{name: "a Caddyfile by its content", path: "site.caddy", server: "caddy", line: 3},
		{name: "an .htaccess alone", path: "www/.htaccess", err: "counts only under the Apache config whose AllowOverride allows it"},
		{name: "a directory without a main config", path: "empty", err: "looked for nginx.conf, apache2.conf, httpd.conf, haproxy.cfg, lighttpd.conf, Caddyfile; supported: nginx, apache, haproxy, lighttpd, caddy"},
		{name: "missing", path: "nowhere.conf", err: "nowhere.conf: no such file"},
		{name: "a bad regex names file and line", path: "bad/nginx.conf", err: filepath.Join("bad", "nginx.conf") + ":3: location regex"},
		{name: "unbalanced braces name the file", path: "unbalanced.conf", err: "unbalanced.conf:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := Load(at(tt.path))
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.server, ev.Server())
			v := ev.Evaluate(Request{Host: "example.org", Port: 8080, Path: "/blog/x"})
			assert.Equal(t, 401, v.Status)
			require.NotNil(t, v.DecidedBy)
			assert.Equal(t, tt.line, v.DecidedBy.Line)
		})
	}
}

func TestSniffNginx(t *testing.T) {
	tests := []struct {
		head string
		want bool
	}{
		{"http {\n}", true},
		{"server{ listen 80; }", true},
		{"  location = /x {\n  }", true},
		{"upstream app {\n server 127.0.0.1:9000;\n}", true},
		{"listen 80;\nserver_name example.org;", true},
		{"# server {\n", false},
		{"<VirtualHost *:80>\n</VirtualHost>", false},
		{"Listen 80\nServerName example.org\n", false},
		{"example.org {\n  basic_auth\n}", false},
		{"", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, sniffNginx("x.conf", []byte(tt.head)), "%q", tt.head)
	}
}

func TestSamples(t *testing.T) {
	conf := "http { server {\n" +
		" location / {}\n location = /login {}\n location ^~ /static/ {}\n" +
		" location ~* \\.(pdf|zip)$ {}\n location ~ /admin {}\n location ~ ^/api/v[0-9]+/ {}\n" +
		" location ~ (?<=x)y {}\n location @named {}\n" +
		" location /blog/ { location /blog/drafts/ {} }\n location / {}\n} }\n"
	dir := writeFiles(t, map[string]string{"nginx.conf": conf})
	ev, err := Load(filepath.Join(dir, "nginx.conf"))
	require.NoError(t, err)
	assert.Equal(t, Samples{
		Paths:    []string{"/", "/login", "/static/", "/api/v0/", "/blog/", "/blog/drafts/"},
		Suffixes: []string{"authwall-lint-sample.pdf", "admin"},
	}, SamplesOf(ev))
	assert.Equal(t, Samples{}, SamplesOf(&Nginx{}))
}

func TestRegexExample(t *testing.T) {
	tests := []struct {
		pattern, example string
		anchored, ok     bool
	}{
		{`\.(css|js)$`, ".css", false, true},
		{`^/docs/.+\.html$`, "/docs/x.html", true, true},
		{`/admin`, "/admin", false, true},
		{`^/u/[a-z]{2,3}/?$`, "/u/aa", true, true},
		{`(?i)\.PDF$`, ".PDF", false, true},
		{`(?<=a)b`, "", false, false},
		{`^$`, "", false, false},
		{`\?x`, "", false, false},
	}
	for _, tt := range tests {
		ex, anchored, ok := regexExample(tt.pattern)
		assert.Equal(t, tt.ok, ok, tt.pattern)
		if tt.ok {
			assert.Equal(t, tt.example, ex, tt.pattern)
			assert.Equal(t, tt.anchored, anchored, tt.pattern)
		}
	}
}

func FuzzRegexExample(f *testing.F) {
	for _, s := range []string{`\.(css|js)$`, `^/a{2,5}b*`, `(?i)x|y`, `[^/]+`, `a{1000}{1000}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		ex, _, ok := regexExample(pattern)
		if ok && len(ex) > maxExample {
			t.Fatalf("%q: example of %d bytes", pattern, len(ex))
		}
	})
}

package serverconf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// apacheFixture writes a config ({{ROOT}} is the temp dir, the site is
// {{ROOT}}/site) and the given site files, and returns its evaluator.
func apacheFixture(t *testing.T, conf string, site map[string]string) (*ApacheEvaluator, string) {
	t.Helper()
	files := map[string]string{}
	for _, f := range []string{"index.html", "a/index.html", "a/page.html", "a/b/secret.html", "pother/index.html", "p/index.html"} {
		files["site/"+f] = "x"
	}
	for k, v := range site {
		files["site/"+k] = v
	}
	dir := writeFiles(t, files)
	conf = strings.ReplaceAll(conf, "{{ROOT}}", dir)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.conf"), []byte(conf), 0o644))
	cfg, err := ReadApache(filepath.Join(dir, "main.conf"), ApacheOptions{})
	require.NoError(t, err)
	return NewApacheEvaluator(cfg), dir
}

const apacheBase = `DocumentRoot {{ROOT}}/site
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory {{ROOT}}/site>
    AllowOverride None
    Require all granted
</Directory>
`

const apacheAuth = "AuthType Basic\nAuthName \"Staff\"\nAuthUserFile /dev/null\n"

func TestApacheEvaluate(t *testing.T) {
	browser := "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
	tests := []struct {
		name      string
		conf      string
		site      map[string]string
		path      string
		method    string
		ua        string
		status    int
		outcome   Outcome
		mechanism string
		line      int // the deciding directive's line in main.conf (0: not checked)
	}{
		{name: "open", conf: apacheBase, path: "/a/page.html", status: 200, outcome: OutcomeOpen},
		{name: "directory auth", conf: apacheBase + "<Directory {{ROOT}}/site/a>\n" + apacheAuth + "Require valid-user\n</Directory>\n",
			path: "/a/page.html", status: 401, outcome: OutcomeAuth, mechanism: "basic", line: 14},
		{name: "directory without slash is walled before mod_dir", conf: apacheBase + "<Directory {{ROOT}}/site/a>\n" + apacheAuth + "Require valid-user\n</Directory>\n",
			path: "/a", status: 401, outcome: OutcomeAuth, mechanism: "basic"},
		{name: "location prefix", conf: apacheBase + "<Location /p>\nRequire all denied\n</Location>\n", path: "/p/", status: 403, outcome: OutcomeDeny, line: 11},
		{name: "location is not a string prefix", conf: apacheBase + "<Location /p>\nRequire all denied\n</Location>\n", path: "/pother/", status: 200, outcome: OutcomeOpen},
		{name: "location with slash needs it", conf: apacheBase + "<Location /p/>\nRequire all denied\n</Location>\n", path: "/p", status: 200, outcome: OutcomeOpen},
		{name: "location sees the decoded, merged path", conf: apacheBase + "<Location /a/b>\nRequire all denied\n</Location>\n", path: "/%61//b/./secret.html", status: 403, outcome: OutcomeDeny},
		{name: "location is case-sensitive", conf: apacheBase + "<Location /a>\nRequire all denied\n</Location>\n", path: "/A/", status: 200, outcome: OutcomeOpen},
		{name: "wildcard never matches a slash", conf: apacheBase + "<Location /a/*.html>\nRequire all denied\n</Location>\n", path: "/a/b/secret.html", status: 200, outcome: OutcomeOpen},
		{name: "wildcard", conf: apacheBase + "<Location /a/*.html>\nRequire all denied\n</Location>\n", path: "/a/page.html", status: 403, outcome: OutcomeDeny},
		{name: "RequireAll needs a user", conf: apacheBase + "<Location /a>\n" + apacheAuth + "<RequireAll>\nRequire all granted\nRequire valid-user\n</RequireAll>\n</Location>\n",
			path: "/a/", status: 401, outcome: OutcomeAuth, mechanism: "basic"},
		{name: "RequireAny with a user", conf: apacheBase + "<Location /a>\n" + apacheAuth + "<RequireAny>\nRequire all denied\nRequire valid-user\n</RequireAny>\n</Location>\n",
			path: "/a/", status: 401, outcome: OutcomeAuth, mechanism: "basic"},
		{name: "several Require are RequireAny", conf: apacheBase + "<Location /a>\n" + apacheAuth + "Require valid-user\nRequire all granted\n</Location>\n",
			path: "/a/", status: 200, outcome: OutcomeOpen},
		{name: "AuthMerging Off replaces", conf: apacheBase + "<Location /a>\nRequire all denied\n</Location>\n<Location /a/b>\nRequire all granted\n</Location>\n",
			path: "/a/b/secret.html", status: 200, outcome: OutcomeOpen},
		{name: "AuthMerging And keeps the parent's denial", conf: apacheBase + "<Location /a>\nRequire all denied\n</Location>\n<Location /a/b>\nAuthMerging And\nRequire all granted\n</Location>\n",
			path: "/a/b/secret.html", status: 403, outcome: OutcomeDeny, line: 11},
		{name: "AuthMerging Or opens", conf: apacheBase + "<Location /a>\n" + apacheAuth + "Require valid-user\n</Location>\n<Location /a/b>\nAuthMerging Or\nRequire all granted\n</Location>\n",
			path: "/a/b/secret.html", status: 200, outcome: OutcomeOpen},
		{name: "Require valid-user without AuthType", conf: apacheBase + "<Location /a>\nRequire valid-user\n</Location>\n", path: "/a/", status: 500, outcome: OutcomeDeny, line: 11},
		{name: "Basic without AuthName", conf: apacheBase + "<Location /a>\nAuthType Basic\nRequire valid-user\n</Location>\n", path: "/a/", status: 500, outcome: OutcomeDeny, line: 11},
		{name: "AuthType without Require", conf: apacheBase + "<Location /a>\n" + apacheAuth + "</Location>\n<Location /a>\nAuthMerging Off\n</Location>\n", path: "/a/", status: 500, outcome: OutcomeDeny, line: 11},
		{name: "AuthType None", conf: apacheBase + "<Location /a>\nAuthType None\nRequire valid-user\n</Location>\n", path: "/a/", status: 500, outcome: OutcomeDeny},
		{name: "Digest", conf: apacheBase + "<Location /a>\nAuthType Digest\nAuthName d\nRequire valid-user\n</Location>\n", path: "/a/", status: 401, outcome: OutcomeAuth, mechanism: "digest"},
		{name: "Require ip depends", conf: apacheBase + "<Location /a>\nRequire ip 10.0.0.0/8\n</Location>\n", path: "/a/", status: 403, outcome: OutcomeDepends, mechanism: "ip-rule", line: 11},
		{name: "Require local with valid-user depends", conf: apacheBase + "<Location /a>\n" + apacheAuth + "Require local\nRequire valid-user\n</Location>\n", path: "/a/", status: 401, outcome: OutcomeDepends, mechanism: "ip-rule", line: 14},
		{name: "LimitExcept GET spares GET", conf: apacheBase + "<Location /a>\n" + apacheAuth + "<LimitExcept GET>\nRequire valid-user\n</LimitExcept>\n</Location>\n", path: "/a/", status: 200, outcome: OutcomeOpen},
		{name: "LimitExcept GET walls POST", conf: apacheBase + "<Location /a>\n" + apacheAuth + "<LimitExcept GET>\nRequire valid-user\n</LimitExcept>\n</Location>\n", path: "/a/", method: "POST", status: 401, outcome: OutcomeAuth, mechanism: "basic"},
		{name: "Limit POST spares HEAD", conf: apacheBase + "<Location /a>\n" + apacheAuth + "<Limit POST>\nRequire valid-user\n</Limit>\n</Location>\n", path: "/a/", method: "HEAD", status: 200, outcome: OutcomeOpen},
		{name: "Deny from all", conf: apacheBase + "<Location /a>\nOrder deny,allow\nDeny from all\n</Location>\n", path: "/a/", status: 403, outcome: OutcomeDeny, line: 12},
		{name: "Satisfy Any opens", conf: apacheBase + "<Location /a>\n" + apacheAuth + "Require valid-user\nOrder allow,deny\nAllow from all\nSatisfy Any\n</Location>\n", path: "/a/", status: 200, outcome: OutcomeOpen},
		{name: "Deny from a network depends", conf: apacheBase + "<Location /a>\nOrder allow,deny\nAllow from 10.0.0.0/8\n</Location>\n", path: "/a/", status: 403, outcome: OutcomeDepends, mechanism: "ip-rule", line: 12},
		{name: "rewrite UA rule", conf: apacheBase + "RewriteEngine On\nRewriteCond %{HTTP_USER_AGENT} bot [NC]\nRewriteRule ^/a/ - [F]\n", path: "/a/page.html", status: 403, outcome: OutcomeDeny, mechanism: "ua-rule", line: 12},
		{name: "rewrite UA rule spares browsers", conf: apacheBase + "RewriteEngine On\nRewriteCond %{HTTP_USER_AGENT} bot [NC]\nRewriteRule ^/a/ - [F]\n", path: "/a/page.html", ua: browser, status: 200, outcome: OutcomeOpen},
		{name: "rewrite beats auth", conf: apacheBase + "RewriteEngine On\nRewriteRule ^/a/ - [F]\n<Location /a>\n" + apacheAuth + "Require valid-user\n</Location>\n", path: "/a/", status: 403, outcome: OutcomeDeny, line: 11},
		{name: "BrowserMatch and Require not env", conf: apacheBase + "BrowserMatchNoCase bot badbot\n<Location /a>\n<RequireAll>\nRequire all granted\nRequire not env badbot\n</RequireAll>\n</Location>\n",
			path: "/a/", status: 403, outcome: OutcomeDeny, mechanism: "ua-rule", line: 14},
		{name: "SetEnvIf Remote_Addr depends", conf: apacheBase + "SetEnvIf Remote_Addr ^10\\. office\n<Location /a>\nRequire env office\n</Location>\n", path: "/a/", status: 403, outcome: OutcomeDepends, mechanism: "ip-rule", line: 12},
		{name: "SetEnvIf Request_URI", conf: apacheBase + "SetEnvIf Request_URI ^/a/ blocked\n<Location />\n<RequireAll>\nRequire all granted\nRequire not env blocked\n</RequireAll>\n</Location>\n", path: "/a/page.html", status: 403, outcome: OutcomeDeny, line: 14},
		{name: "Files", conf: apacheBase + "<Files secret.html>\nRequire all denied\n</Files>\n", path: "/a/b/secret.html", status: 403, outcome: OutcomeDeny},
		{name: "Files in a Directory", conf: apacheBase + "<Directory {{ROOT}}/site/a>\n<Files *.html>\nRequire all denied\n</Files>\n</Directory>\n", path: "/a/b/secret.html", status: 403, outcome: OutcomeDeny},
		{name: "Location after Directory", conf: apacheBase + "<Location /a>\nRequire all granted\n</Location>\n<Directory {{ROOT}}/site/a>\nRequire all denied\n</Directory>\n", path: "/a/", status: 200, outcome: OutcomeOpen},
		{name: "index subrequest", conf: apacheBase + "<Files index.html>\nRequire all denied\n</Files>\n", path: "/a/", status: 403, outcome: OutcomeDeny},
		{name: "alias maps into a walled directory", conf: apacheBase + "Alias /docs {{ROOT}}/site/a\n<Directory {{ROOT}}/site/a>\nRequire all denied\n</Directory>\n", path: "/docs/page.html", status: 403, outcome: OutcomeDeny},
		{name: "AliasMatch with a group", conf: apacheBase + "AliasMatch ^/d(.)cs/(.*) {{ROOT}}/site/$1/$2\n<Directory {{ROOT}}/site/a>\nRequire all denied\n</Directory>\n", path: "/dacs/page.html", status: 403, outcome: OutcomeDeny},
		{name: "alias ends at a slash", conf: apacheBase + "Alias /docs {{ROOT}}/site/a\n<Directory {{ROOT}}/site/a>\nRequire all denied\n</Directory>\n", path: "/docsx", status: 200, outcome: OutcomeOpen},
		{name: "htaccess with AuthConfig", conf: strings.Replace(apacheBase, "AllowOverride None\n    Require all granted", "AllowOverride AuthConfig\n    Require all granted", 1),
			site: map[string]string{"a/.htaccess": apacheAuth + "Require valid-user\n"}, path: "/a/page.html", status: 401, outcome: OutcomeAuth, mechanism: "basic"},
		{name: "htaccess skipped with None", conf: apacheBase, site: map[string]string{"a/.htaccess": "Require all denied\n"}, path: "/a/page.html", status: 200, outcome: OutcomeOpen},
		{name: "htaccess read with AllowOverride unset", conf: strings.ReplaceAll(apacheBase, "AllowOverride None\n", ""),
			site: map[string]string{"a/.htaccess": "Require all denied\n"}, path: "/a/page.html", status: 500, outcome: OutcomeDeny},
		{name: "htaccess directive outside the override", conf: strings.Replace(apacheBase, "AllowOverride None\n    Require all granted", "AllowOverride FileInfo\n    Require all granted", 1),
			site: map[string]string{"a/.htaccess": "Require all denied\n"}, path: "/a/page.html", status: 500, outcome: OutcomeDeny},
		{name: "htaccess rewrite without FollowSymLinks", conf: strings.Replace(apacheBase, "AllowOverride None\n    Require all granted", "AllowOverride All\n    Options None\n    Require all granted", 1) + "LoadModule rewrite_module mod_rewrite.so\n",
			site: map[string]string{"a/.htaccess": "RewriteEngine On\nRewriteRule nomatch - [F]\n"}, path: "/a/page.html", status: 403, outcome: OutcomeDeny},
		{name: "Redirect before auth", conf: apacheBase + "Redirect permanent /a /elsewhere\n<Location /a>\nRequire all denied\n</Location>\n", path: "/a/page.html", status: 301, outcome: OutcomeReturn, line: 10},
		{name: "If on the User-Agent", conf: apacheBase + "<Location /a>\n<If \"%{HTTP_USER_AGENT} =~ /googlebot/i\">\nRequire all denied\n</If>\n</Location>\n", path: "/a/", status: 403, outcome: OutcomeDeny, mechanism: "ua-rule", line: 12},
		{name: "If spares browsers", conf: apacheBase + "<If \"%{HTTP_USER_AGENT} =~ /googlebot/i\">\nRequire all denied\n</If>\n", path: "/a/", ua: browser, status: 200, outcome: OutcomeOpen},
		{name: "Else", conf: apacheBase + "<If \"%{HTTP_HOST} == 'other'\">\nRequire all granted\n</If>\n<Else>\nRequire all denied\n</Else>\n", path: "/a/", status: 403, outcome: OutcomeDeny, line: 14},
		{name: "If not evaluated", conf: apacheBase + "<If \"-R '10.0.0.0/8'\">\nRequire all denied\n</If>\n", path: "/a/", status: 200, outcome: OutcomeOpen},
		{name: "htaccess that does not parse", conf: strings.Replace(apacheBase, "AllowOverride None\n    Require all granted", "AllowOverride All\n    Require all granted", 1),
			site: map[string]string{"a/.htaccess": "<Files x>\nRequire all denied\n"}, path: "/a/page.html", status: 500, outcome: OutcomeDeny},
		{name: "Directory wildcard covers the files in it", conf: apacheBase + "<Directory {{ROOT}}/site/a/b/*>\nRequire all denied\n</Directory>\n", path: "/a/b/secret.html", status: 403, outcome: OutcomeDeny},
		{name: "but not a missing file", conf: apacheBase + "<Directory {{ROOT}}/site/a/b/*>\nRequire all denied\n</Directory>\n", path: "/a/b/missing.html", status: 200, outcome: OutcomeOpen},
		{name: "nor with path info after it", conf: apacheBase + "<Directory {{ROOT}}/site/a/b/*>\nRequire all denied\n</Directory>\n", path: "/a/b/secret.html/x", status: 200, outcome: OutcomeOpen},
		{name: "nor without FollowSymLinks", conf: apacheBase + "<Directory {{ROOT}}/site/a>\nOptions None\n</Directory>\n<Directory {{ROOT}}/site/a/b/*>\nRequire all denied\n</Directory>\n", path: "/a/b/secret.html", status: 200, outcome: OutcomeOpen},
		{name: "dot segments above the root", conf: apacheBase, path: "/../a/", status: 400, outcome: OutcomeReturn},
		{name: "encoded slash", conf: apacheBase, path: "/a%2Fb/", status: 404, outcome: OutcomeReturn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, dir := apacheFixture(t, tt.conf, tt.site)
			ua := tt.ua
			if ua == "" {
				ua = googlebot
			}
			v := ev.Evaluate(Request{Host: "example.org", Port: 80, Path: tt.path, Method: tt.method, UserAgent: ua})
			assert.Equal(t, tt.status, v.Status, "status; notes: %v", v.Notes)
			assert.Equal(t, tt.outcome, v.Outcome)
			assert.Equal(t, tt.mechanism, v.Mechanism)
			if tt.line != 0 {
				require.NotNil(t, v.DecidedBy)
				assert.Equal(t, filepath.Join(dir, "main.conf"), v.DecidedBy.File)
				assert.Equal(t, tt.line, v.DecidedBy.Line, "decided by %+v", v.DecidedBy)
			}
		})
	}
}

func TestApacheDecidedByContext(t *testing.T) {
	conf := apacheBase + `<VirtualHost *:80>
    ServerName a.test
    DocumentRoot {{ROOT}}/site
    <Directory {{ROOT}}/site/a>
        AllowOverride AuthConfig
    </Directory>
</VirtualHost>
<VirtualHost *:80>
    ServerName b.test
    DocumentRoot {{ROOT}}/site
    <Location /a>
        Require all denied
    </Location>
</VirtualHost>
`
	ev, dir := apacheFixture(t, conf, map[string]string{"a/.htaccess": "# staff only\n" + apacheAuth + "Require valid-user\n"})
	v := ev.Evaluate(Request{Host: "a.test", Port: 80, Path: "/a/page.html", UserAgent: googlebot})
	require.NotNil(t, v.DecidedBy)
	assert.Equal(t, 401, v.Status)
	assert.Equal(t, "Staff", v.Realm)
	assert.Equal(t, Ref{File: filepath.Join(dir, "site/a/.htaccess"), Line: 5, Directive: "Require valid-user", Context: ".htaccess in " + filepath.Join(dir, "site/a")}, *v.DecidedBy)

	v = ev.Evaluate(Request{Host: "B.test", Port: 80, Path: "/a/", UserAgent: googlebot})
	require.NotNil(t, v.DecidedBy)
	assert.Equal(t, 403, v.Status)
	assert.Equal(t, "VirtualHost *:80 > Location /a", v.DecidedBy.Context)
	assert.Equal(t, 21, v.DecidedBy.Line)

	// An unknown name goes to the first vhost on the address.
	v = ev.Evaluate(Request{Host: "other.test", Port: 80, Path: "/a/page.html", UserAgent: googlebot})
	assert.Equal(t, 401, v.Status)
	// No vhost on the port: the main server.
	v = ev.Evaluate(Request{Host: "b.test", Port: 8080, Path: "/a/", UserAgent: googlebot})
	assert.Equal(t, 200, v.Status)
}

func TestApacheNormalizePath(t *testing.T) {
	tests := []struct {
		in     string
		want   string
		status int
	}{
		{"/a/b", "/a/b", 0},
		{"//a///b/", "/a/b/", 0},
		{"/a/./b/../c", "/a/c", 0},
		{"/a/%2e%2e/c", "/c", 0},
		{"/%61%20b", "/a b", 0},
		{"/a?x=/../..", "/a", 0},
		{"/a/..", "/", 0},
		{"/..", "", 400},
		{"/a%2fb", "", 404},
		{"/a%zz", "", 400},
		{"/a%00", "", 400},
		{"*", "", 400},
	}
	for _, tt := range tests {
		got, status, _ := apacheNormalizePath(tt.in)
		assert.Equal(t, tt.want, got, tt.in)
		assert.Equal(t, tt.status, status, tt.in)
	}
}

func TestApacheAliasMatch(t *testing.T) {
	tests := []struct {
		alias, uri, rest string
		ok               bool
	}{
		{"/docs", "/docs", "", true},
		{"/docs", "/docs/x", "/x", true},
		{"/docs", "/docsx", "", false},
		{"/docs/", "/docs", "", false},
		{"/docs/", "/docs//x", "x", true},
	}
	for _, tt := range tests {
		rest, ok := aliasMatch(tt.alias, tt.uri)
		assert.Equal(t, tt.ok, ok, "%s %s", tt.alias, tt.uri)
		if ok {
			assert.Equal(t, tt.rest, rest, "%s %s", tt.alias, tt.uri)
		}
	}
}

// TestApacheRepositorySite evaluates the config of the real-server test
// (testdata/apache/site.conf) and checks each wall against what the real
// apache2 answers there, with the deciding line.
func TestApacheRepositorySite(t *testing.T) {
	tmpl, err := os.ReadFile("../../testdata/apache/site.conf")
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(filepath.Join(dir, "site"), os.DirFS("../../testdata/apache/site")))
	conf := strings.NewReplacer("{{PREFIX}}", dir, "{{PORT}}", "8080", "{{USER}}", "").Replace(string(tmpl))
	file := filepath.Join(dir, "site.conf")
	require.NoError(t, os.WriteFile(file, []byte(conf), 0o644))
	cfg, err := ReadApache(file, ApacheOptions{Modules: []string{}})
	require.NoError(t, err)
	ev := NewApacheEvaluator(cfg)
	tests := []struct {
		path      string
		status    int
		outcome   Outcome
		mechanism string
		file      string
		line      int
	}{
		{"/team/", 401, OutcomeAuth, "basic", "site/team/.htaccess", 7},
		{"/shop/catalog.html", 401, OutcomeAuth, "basic", "site.conf", 57},
		{"/support/faq.html", 401, OutcomeAuth, "digest", "site.conf", 68},
		{"/press/", 403, OutcomeDepends, "ip-rule", "site.conf", 74},
		{"/pricing/", 403, OutcomeDeny, "ua-rule", "site.conf", 84},
		{"/blog/launch.html", 403, OutcomeDeny, "ua-rule", "site.conf", 92},
		{"/newsletter/", 500, OutcomeDeny, "", "site.conf", 99},
		{"/drafts/", 200, OutcomeOpen, "", "", 0},
		{"/about.html", 200, OutcomeOpen, "", "", 0},
	}
	for _, tt := range tests {
		v := ev.Evaluate(Request{Host: "127.0.0.1", Port: 8080, Path: tt.path, UserAgent: googlebot})
		assert.Equal(t, tt.status, v.Status, "%s: %v", tt.path, v.Notes)
		assert.Equal(t, tt.outcome, v.Outcome, tt.path)
		assert.Equal(t, tt.mechanism, v.Mechanism, tt.path)
		if tt.line == 0 {
			assert.Nil(t, v.DecidedBy, tt.path)
			continue
		}
		if assert.NotNil(t, v.DecidedBy, tt.path) {
			assert.Equal(t, filepath.Join(dir, tt.file), v.DecidedBy.File, tt.path)
			assert.Equal(t, tt.line, v.DecidedBy.Line, "%s: %+v", tt.path, v.DecidedBy)
		}
	}
}

func TestApacheVhostAddresses(t *testing.T) {
	conf := apacheBase + `Redirect /old /new
<VirtualHost 10.0.0.1:80>
    ServerName a.test
    <Location /a>
        Require all denied
    </Location>
</VirtualHost>
<VirtualHost *:80>
    ServerName b.test
</VirtualHost>
`
	ev, _ := apacheFixture(t, conf, nil)
	v := ev.Evaluate(Request{Host: "a.test", Port: 80, Path: "/a/", UserAgent: googlebot})
	assert.Equal(t, 200, v.Status, "a.test is on another address: *:80 answers")
	assert.Equal(t, Uncertain, v.Certainty)
	v = ev.Evaluate(Request{Host: "10.0.0.1", Port: 80, Path: "/a/", UserAgent: googlebot})
	assert.Equal(t, 403, v.Status, "the address itself selects its vhost")
	v = ev.Evaluate(Request{Host: "b.test", Port: 80, Path: "/old", UserAgent: googlebot})
	assert.Equal(t, 302, v.Status, "vhosts inherit the main server's Redirect")
}

func TestApacheExpr(t *testing.T) {
	req := Request{Host: "example.org", UserAgent: googlebot, Method: "HEAD"}
	tests := []struct {
		expr string
		want bool
		ua   bool
		err  bool
	}{
		{`%{HTTP_USER_AGENT} =~ /googlebot/i`, true, true, false},
		{`%{HTTP_USER_AGENT} =~ /googlebot/`, false, true, false},
		{`%{HTTP_USER_AGENT} !~ m#Googlebot#`, false, true, false},
		{`req('User-Agent') -strmatch '*Googlebot*'`, true, true, false},
		{`%{HTTP_HOST} == 'example.org' && %{REQUEST_METHOD} == 'HEAD'`, true, false, false},
		{`%{REQUEST_URI} =~ m#^/a/# || false`, true, false, false},
		{`!(%{HTTP_HOST} != "example.org")`, true, false, false},
		{`-R '10.0.0.0/8'`, false, false, true},
		{`%{REMOTE_ADDR} == '1.2.3.4'`, false, false, true},
		{`(true`, false, false, true},
	}
	for _, tt := range tests {
		got, ua, err := evalApacheExpr(tt.expr, req, "/a/x")
		if tt.err {
			assert.Error(t, err, tt.expr)
			continue
		}
		require.NoError(t, err, tt.expr)
		assert.Equal(t, tt.want, got, tt.expr)
		assert.Equal(t, tt.ua, ua, tt.expr)
	}
}

func FuzzApacheExpr(f *testing.F) {
	f.Add(`%{HTTP_USER_AGENT} =~ /bot/i && !(req('Host') -strmatch '*.test')`)
	f.Add(`(((`)
	f.Add(`m#x# == '`)
	f.Fuzz(func(t *testing.T, expr string) {
		_, _, _ = evalApacheExpr(expr, Request{UserAgent: "Googlebot"}, "/")
	})
}

func FuzzApacheNormalizePath(f *testing.F) {
	f.Add("/a/%2e%2e//b/./c%20d?x")
	f.Add("/..%2F")
	f.Fuzz(func(t *testing.T, target string) {
		uri, status, _ := apacheNormalizePath(target)
		if status == 0 && !strings.HasPrefix(uri, "/") {
			t.Fatalf("%q normalised to %q", target, uri)
		}
	})
}

func TestApacheGenSiteRoundTrip(t *testing.T) {
	for seed := range uint64(50) {
		site := genApacheSite(seed)
		assert.Equal(t, site, parseApacheGenSite(site.describe()), "seed %d", seed)
	}
}

func TestApachePCREOnlyPatternIsUncertain(t *testing.T) {
	ev, _ := apacheFixture(t, apacheBase+"<LocationMatch \"^/(?!public)\">\nRequire all denied\n</LocationMatch>\n", nil)
	v := ev.Evaluate(Request{Host: "example.org", Port: 80, Path: "/a/", UserAgent: googlebot})
	assert.Equal(t, Uncertain, v.Certainty)
	require.NotEmpty(t, v.Notes)
	assert.Contains(t, v.Notes[0], "LocationMatch")
}

package serverconf

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loadNginx reads conf (server blocks, wrapped in http {}) into an evaluator.
func loadNginx(t testing.TB, conf string) *Nginx {
	t.Helper()
	dir := writeFiles(t, map[string]string{"nginx.conf": "http {\n" + conf + "\n}\n"})
	n, err := LoadNginx(filepath.Join(dir, "nginx.conf"))
	require.NoError(t, err)
	return n
}

type nginxCase struct {
	name    string
	conf    string
	path    string
	host    string
	method  string
	agent   string
	status  int
	outcome Outcome
	mech    string
	line    int    // DecidedBy line in nginx.conf (the http line is 1); 0: no DecidedBy
	sel     string // Selected context; "" to skip
	redir   []string
	note    string // a note containing this
}

func runNginxCases(t *testing.T, cases []nginxCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			n := loadNginx(t, tt.conf)
			agent := tt.agent
			if agent == "" {
				agent = googlebot
			}
			host := tt.host
			if host == "" {
				host = "example.org"
			}
			v := n.Evaluate(Request{Host: host, Port: 80, Path: tt.path, Method: tt.method, UserAgent: agent})
			assert.Equal(t, tt.status, v.Status, "status; notes %q", v.Notes)
			assert.Equal(t, tt.outcome, v.Outcome, "outcome")
			assert.Equal(t, tt.mech, v.Mechanism, "mechanism")
			if tt.line == 0 {
				assert.Nil(t, v.DecidedBy)
			} else if assert.NotNil(t, v.DecidedBy) {
				assert.Equal(t, tt.line, v.DecidedBy.Line, "decided by %s", v.DecidedBy.Directive)
			}
			if tt.sel != "" && assert.NotNil(t, v.Selected) {
				assert.Equal(t, tt.sel, v.Selected.Context)
			}
			var got []string
			for _, rd := range v.Redirects {
				got = append(got, rd.URI)
			}
			assert.Equal(t, tt.redir, got, "redirects")
			if tt.note != "" {
				assert.Contains(t, strings.Join(v.Notes, "\n"), tt.note)
			}
		})
	}
}

// Line numbers: line 1 is "http {", so the first line of conf is line 2.

func TestNginxLocationSelection(t *testing.T) {
	conf := `server {
  listen 80;
  location / { }
  location /a/ { return 201; }
  location ^~ /a/b/ { return 202; }
  location = /exact { return 203; }
  location ~ \.css$ { return 204; }
  location ~* \.PNG$ { return 205; }
  location /d/ {
    location ^~ /d/e/ { return 206; }
    location ~ \.js$ { return 207; }
  }
  location @named { return 208; }
  location /exact { return 209; }
}`
	cases := []struct {
		path   string
		status int
		sel    string
	}{
		{"/x", 200, "server > location /"},
		{"/a/x", 201, "server > location /a/"},
		{"/a/b/x.css", 202, "server > location ^~ /a/b/"},
		{"/a/x.css", 204, "server > location ~ \\.css$"},
		{"/exact", 203, "server > location = /exact"},
		{"/exact/", 209, "server > location /exact"},
		{"/exactly", 209, "server > location /exact"},
		{"/x.png", 205, "server > location ~* \\.PNG$"},
		{"/X.Png", 205, "server > location ~* \\.PNG$"},
		{"/x.CSS", 200, "server > location /"},
		// A nested ^~ stops only its parent's regexes: the outer \.css$ still runs.
		{"/d/e/f.css", 204, "server > location ~ \\.css$"},
		{"/d/e/f.js", 206, "server > location /d/ > location ^~ /d/e/"},
		{"/d/f.js", 207, "server > location /d/ > location ~ \\.js$"},
		{"/@named", 200, "server > location /"},
		{"/A/x", 200, "server > location /"},
	}
	n := loadNginx(t, conf)
	for _, c := range cases {
		v := n.Evaluate(Request{Host: "x", Port: 80, Path: c.path, UserAgent: googlebot})
		assert.Equal(t, c.status, v.Status, c.path)
		if assert.NotNil(t, v.Selected, c.path) {
			assert.Equal(t, c.sel, v.Selected.Context, c.path)
		}
	}
}

func TestNginxURINormalisation(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"/", "/", true},
		{"/a//b", "/a/b", true},
		{"/a/./b/", "/a/b/", true},
		{"/a/b/..", "/a/", true},
		{"/a/b/../c?x=1", "/a/c", true},
		{"/%61dmin/", "/admin/", true},
		{"/a%2F%2Fb", "/a/b", true},
		{"/a/%2e%2e/b", "/b", true},
		{"/..", "", false},
		{"/a/../../b", "", false},
		{"/a%zz", "", false},
		{"/a%00", "", false},
		{"/.", "/", true},
		{"/a/.", "/a/", true},
		{"/a%25b", "/a%b", true},
		{"x", "", false},
	}
	for _, tt := range tests {
		got, _, ok := normalizeNginxURI(tt.in)
		assert.Equal(t, tt.ok, ok, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
	n := loadNginx(t, "server { location /admin/ { deny all; } }")
	assert.Equal(t, 403, n.Evaluate(Request{Host: "x", Path: "/%61dmin/x"}).Status)
	assert.Equal(t, 403, n.Evaluate(Request{Host: "x", Path: "/x/../admin//y"}).Status)
	v := n.Evaluate(Request{Host: "x", Path: "/../admin/"})
	assert.Equal(t, 400, v.Status)
	assert.Equal(t, 403, n.Evaluate(Request{Path: "http://x/%61dmin/?q=1"}).Status, "absolute form")
	assert.Equal(t, 200, n.Evaluate(Request{Host: "x", Path: ""}).Status, "empty target is /")
}

func TestNginxServerSelection(t *testing.T) {
	conf := `server { listen 80; server_name first.org; return 201; }
server { listen 80; server_name www.example.org; return 202; }
server { listen 80; server_name *.example.org; return 203; }
server { listen 80; server_name *.b.example.org; return 204; }
server { listen 80; server_name mail.*; return 205; }
server { listen 80; server_name ~^api\d+\.example\.net$; return 206; }
server { listen 80 default_server; server_name def.org; return 207; }
server { listen 8080; return 208; }
server { server_name .dot.org; return 209; }`
	n := loadNginx(t, conf)
	tests := []struct {
		host         string
		port, status int
	}{
		{"www.example.org", 80, 202},
		{"WWW.Example.org.", 80, 202},
		{"x.example.org", 80, 203},
		{"x.b.example.org", 80, 204},
		{"mail.example.com", 80, 205},
		{"api12.example.net", 80, 206},
		{"unknown", 80, 207},
		{"anything", 8080, 208},
		{"dot.org", 80, 209},
		{"a.dot.org", 80, 209},
		{"first.org", 80, 201},
	}
	for _, tt := range tests {
		v := n.Evaluate(Request{Host: tt.host, Port: tt.port, Path: "/"})
		assert.Equal(t, tt.status, v.Status, "%s:%d", tt.host, tt.port)
	}
	n = loadNginx(t, "server { listen 81; return 201; }\nserver { listen 81; server_name b; return 202; }")
	assert.Equal(t, 201, n.Evaluate(Request{Host: "c", Port: 81, Path: "/"}).Status, "first on the port is the default")
}

func TestNginxAccess(t *testing.T) {
	runNginxCases(t, []nginxCase{
		{name: "auth inherited from server", conf: "server {\n auth_basic \"Staff\";\n auth_basic_user_file /h;\n location /blog/ { }\n}", path: "/blog/x", status: 401, outcome: OutcomeAuth, mech: "basic", line: 3, sel: "server > location /blog/"},
		{name: "auth off", conf: "server {\n auth_basic \"Staff\";\n auth_basic_user_file /h;\n location / { auth_basic off; }\n}", path: "/x", status: 200, outcome: OutcomeOpen, sel: "server > location /"},
		{name: "auth needs the user file", conf: "server {\n auth_basic \"Staff\";\n location / { }\n}", path: "/x", status: 200, outcome: OutcomeOpen},
		{name: "user file and realm merge separately", conf: "server {\n auth_basic_user_file /h;\n location / {\n  auth_basic Team;\n }\n}", path: "/x", status: 401, outcome: OutcomeAuth, mech: "basic", line: 5},
		{name: "deny beats auth under satisfy all", conf: "server {\n auth_basic x;\n auth_basic_user_file /h;\n deny all;\n}", path: "/", status: 403, outcome: OutcomeDeny, mech: "ip-rule", line: 5},
		{name: "401 beats 403 under satisfy any", conf: "server {\n satisfy any;\n auth_basic x;\n auth_basic_user_file /h;\n deny all;\n}", path: "/", status: 401, outcome: OutcomeAuth, mech: "basic", line: 4},
		{name: "allow all lets any through", conf: "server {\n satisfy any;\n allow all;\n auth_basic x;\n auth_basic_user_file /h;\n}", path: "/p", status: 200, outcome: OutcomeOpen},
		{name: "allow lists replace the parent's", conf: "server {\n deny all;\n location / { allow 192.0.2.1; }\n}", path: "/p", status: 200, outcome: OutcomeOpen},
		{name: "loopback allow depends", conf: "server {\n location / {\n  allow 127.0.0.1;\n  deny all;\n }\n}", path: "/", status: 403, outcome: OutcomeDepends, mech: "ip-rule", line: 5, note: "allow 127.0.0.1 at"},
		{name: "satisfy any with an allow list depends", conf: "server {\n satisfy any;\n allow 10.0.0.0/8;\n auth_basic x;\n auth_basic_user_file /h;\n}", path: "/", status: 401, outcome: OutcomeDepends, mech: "basic", line: 5},
		{name: "deny list alone depends", conf: "server {\n deny 10.0.0.1;\n}", path: "/p", status: 200, outcome: OutcomeDepends, mech: "ip-rule", line: 3},
		{name: "auth_request is unsupported", conf: "server {\n location / {\n  auth_request /auth;\n }\n}", path: "/", status: 0, outcome: OutcomeUnsupported, mech: "auth-request", line: 4, note: "a subrequest to another service decides"},
		{name: "auth_request off", conf: "server {\n auth_request /auth;\n location / { auth_request off; }\n}", path: "/x", status: 200, outcome: OutcomeOpen},
		{name: "deny before auth_request", conf: "server {\n auth_request /auth;\n deny all;\n}", path: "/x", status: 403, outcome: OutcomeDeny, mech: "ip-rule", line: 4},
		{name: "nested location inherits", conf: "server {\n location /a/ {\n  auth_basic x;\n  auth_basic_user_file /h;\n  location /a/b/ { }\n }\n}", path: "/a/b/c", status: 401, outcome: OutcomeAuth, mech: "basic", line: 4, sel: "server > location /a/ > location /a/b/"},
		{name: "http level", conf: "auth_basic x;\nauth_basic_user_file /h;\nserver { }", path: "/x", status: 401, outcome: OutcomeAuth, mech: "basic", line: 2},
	})
}

// Directives whose decision lives in code or a module the config cannot
// show: unsupported, named, with a note, in the phase nginx runs them.
func TestNginxModuleAuth(t *testing.T) {
	runNginxCases(t, []nginxCase{
		{name: "access_by_lua_block", conf: "server {\n location / {\n  access_by_lua_block { ngx.exit(401) }\n }\n}", path: "/", status: 0, outcome: OutcomeUnsupported, mech: "unknown", line: 4, note: "Lua code decides the answer in the access phase; the config cannot show the answer"},
		{name: "access_by_lua", conf: "server {\n location / {\n  access_by_lua 'ngx.exit(403)';\n }\n}", path: "/", status: 0, outcome: OutcomeUnsupported, mech: "unknown", line: 4, note: "Lua code"},
		{name: "access_by_lua_file inherited from http", conf: "access_by_lua_file /etc/nginx/auth.lua;\nserver {\n location / { }\n}", path: "/x", status: 0, outcome: OutcomeUnsupported, mech: "unknown", line: 2, note: "Lua code in another file"},
		{name: "rewrite_by_lua_block", conf: "server {\n location / {\n  rewrite_by_lua_block { ngx.exit(403) }\n }\n}", path: "/", status: 0, outcome: OutcomeUnsupported, mech: "unknown", line: 4, note: "rewrite phase"},
		{name: "rewrite_by_lua_file inherited from server", conf: "server {\n rewrite_by_lua_file /x.lua;\n location / { }\n}", path: "/x", status: 0, outcome: OutcomeUnsupported, mech: "unknown", line: 3},
		{name: "rewrite_by_lua with no location", conf: "server {\n rewrite_by_lua 'ngx.exit(403)';\n location /a/ { }\n}", path: "/x", status: 0, outcome: OutcomeUnsupported, mech: "unknown", line: 3},
		{name: "return answers before rewrite_by_lua", conf: "server {\n location / {\n  rewrite_by_lua_block { ngx.exit(403) }\n  return 200 ok;\n }\n}", path: "/", status: 200, outcome: OutcomeReturn, mech: "return", line: 5},
		{name: "server return answers before access_by_lua", conf: "server {\n return 301 https://x/;\n access_by_lua_block { ngx.exit(401) }\n}", path: "/", status: 301, outcome: OutcomeReturn, mech: "return", line: 3},
		{name: "location return answers before access_by_lua", conf: "server {\n access_by_lua_block { ngx.exit(401) }\n location /p { return 204; }\n}", path: "/p", status: 204, outcome: OutcomeReturn, mech: "return", line: 4},
		{name: "rewrite_by_lua runs before deny", conf: "server {\n location / {\n  deny all;\n  rewrite_by_lua_block { ngx.exit(200) }\n }\n}", path: "/", status: 0, outcome: OutcomeUnsupported, mech: "unknown", line: 5},
		{name: "rewrite_by_lua runs before the location search a rewrite asks for", conf: "server {\n rewrite_by_lua 'ngx.exit(403)';\n location /old/ { rewrite ^ /new/ last; }\n location /new/ { return 204; }\n}", path: "/old/", status: 0, outcome: OutcomeUnsupported, mech: "unknown", line: 3},
		{name: "deny answers before access_by_lua", conf: "server {\n location / {\n  access_by_lua_block { ngx.exit(200) }\n  deny all;\n }\n}", path: "/", status: 403, outcome: OutcomeDeny, mech: "ip-rule", line: 5},
		{name: "auth_basic answers before access_by_lua", conf: "server {\n auth_basic x;\n auth_basic_user_file /h;\n access_by_lua_block { ngx.exit(200) }\n}", path: "/", status: 401, outcome: OutcomeAuth, mech: "basic", line: 3},
		{name: "access_by_lua under satisfy any", conf: "server {\n satisfy any;\n auth_basic x;\n auth_basic_user_file /h;\n access_by_lua_block { ngx.exit(200) }\n}", path: "/", status: 0, outcome: OutcomeUnsupported, mech: "unknown", line: 6},
		{name: "allow all lets through before access_by_lua under satisfy any", conf: "server {\n satisfy any;\n allow all;\n access_by_lua_block { ngx.exit(401) }\n}", path: "/x", status: 200, outcome: OutcomeOpen},
		{name: "access_by_lua in a location replaces the server's", conf: "server {\n access_by_lua_file /a.lua;\n location / {\n  access_by_lua_block { ngx.exit(401) }\n }\n}", path: "/", status: 0, outcome: OutcomeUnsupported, mech: "unknown", line: 5},
		{name: "auth_jwt", conf: "server {\n location /api/ {\n  auth_jwt \"api\";\n  auth_jwt_key_file /k.jwk;\n }\n}", path: "/api/x", status: 0, outcome: OutcomeUnsupported, mech: "bearer", line: 4, note: "`auth_jwt off;` turns it off"},
		{name: "auth_jwt off", conf: "server {\n auth_jwt \"api\";\n location /pub/ { auth_jwt off; }\n}", path: "/pub/x", status: 200, outcome: OutcomeOpen},
		{name: "auth_jwt off leaves another module", conf: "server {\n auth_request /auth;\n auth_jwt api;\n location /pub/ { auth_jwt off; }\n}", path: "/pub/x", status: 0, outcome: OutcomeUnsupported, mech: "auth-request", line: 3},
		{name: "auth_jwt in limit_except", conf: "server {\n location / {\n  limit_except GET { auth_jwt api; }\n }\n}", path: "/", method: "POST", status: 0, outcome: OutcomeUnsupported, mech: "bearer", line: 4},
		{name: "auth_ldap", conf: "server {\n auth_ldap \"Forbidden\";\n auth_ldap_servers corp;\n}", path: "/", status: 0, outcome: OutcomeUnsupported, mech: "basic", line: 3, note: "LDAP"},
		{name: "auth_pam", conf: "server {\n location / { auth_pam \"Secure\"; }\n}", path: "/", status: 0, outcome: OutcomeUnsupported, mech: "basic", line: 3, note: "PAM"},
		{name: "auth_gss", conf: "server {\n location / { auth_gss on; }\n}", path: "/", status: 0, outcome: OutcomeUnsupported, mech: "negotiate", line: 3, note: "SPNEGO"},
		{name: "auth_gss off", conf: "server {\n auth_gss on;\n location / { auth_gss off; }\n}", path: "/x", status: 200, outcome: OutcomeOpen},
		{name: "auth_gss under satisfy any with an allow list", conf: "server {\n satisfy any;\n allow 10.0.0.0/8;\n deny all;\n auth_gss on;\n}", path: "/", status: 0, outcome: OutcomeDepends, mech: "negotiate", line: 6, note: "a client it names gets through"},
		{name: "auth_digest", conf: "server {\n auth_digest realm;\n auth_digest_user_file /d;\n}", path: "/", status: 0, outcome: OutcomeUnsupported, mech: "digest", line: 3},
		{name: "named settings are not handlers", conf: "server {\n rewrite_by_lua_no_postpone on;\n access_by_lua_no_postpone on;\n}", path: "/x", status: 200, outcome: OutcomeOpen},
	})
}

func TestNginxLimitExcept(t *testing.T) {
	conf := "server {\n location / {\n  limit_except GET { auth_basic x; auth_basic_user_file /h; }\n }\n location /p/ {\n  limit_except POST { deny all; }\n  location /p/q/ { }\n }\n}"
	runNginxCases(t, []nginxCase{
		{name: "GET listed", conf: conf, path: "/x", status: 200, outcome: OutcomeOpen},
		{name: "HEAD implied", conf: conf, path: "/x", method: "HEAD", status: 200, outcome: OutcomeOpen},
		{name: "POST not listed", conf: conf, path: "/x", method: "POST", status: 401, outcome: OutcomeAuth, mech: "basic", line: 4},
		{name: "GET not listed", conf: conf, path: "/p/x", status: 403, outcome: OutcomeDeny, mech: "ip-rule", line: 7},
		{name: "not inherited by nested", conf: conf, path: "/p/q/x", status: 200, outcome: OutcomeOpen},
	})
}

func TestNginxRewritePhase(t *testing.T) {
	runNginxCases(t, []nginxCase{
		{name: "return bypasses auth", conf: "server {\n location / {\n  deny all;\n  auth_basic x;\n  auth_basic_user_file /h;\n  return 200 ok;\n }\n}", path: "/p", status: 200, outcome: OutcomeReturn, mech: "return", line: 7},
		{name: "server return first", conf: "server {\n return 301 https://x/;\n location / { deny all; }\n}", path: "/", status: 301, outcome: OutcomeReturn, mech: "return", line: 3},
		{name: "ua if", conf: "server {\n if ($http_user_agent ~* bot) {\n  return 403;\n }\n}", path: "/", status: 403, outcome: OutcomeReturn, mech: "ua-rule", line: 4},
		{name: "ua if other agent", conf: "server {\n if ($http_user_agent ~* bot) {\n  return 403;\n }\n}", path: "/p", agent: "Mozilla/5.0 Firefox", status: 200, outcome: OutcomeOpen},
		{name: "ua if in location", conf: "server {\n location /a/ {\n  if ($http_user_agent ~ Googlebot) { return 401; }\n }\n}", path: "/a/", status: 401, outcome: OutcomeReturn, mech: "ua-rule", line: 4},
		{name: "unknown if", conf: "server {\n location /p {\n  if ($cookie_session = \"\") { return 403; }\n }\n}", path: "/p", status: 200, outcome: OutcomeDepends, line: 4, note: "$cookie_session"},
		{name: "method if", conf: "server {\n if ($request_method = POST) { return 405; }\n}", path: "/p", status: 200, outcome: OutcomeOpen},
		{name: "rewrite last", conf: "server {\n location /old/ { rewrite ^/old/(.*)$ /new/$1 last; }\n location /new/ { deny all; }\n}", path: "/old/x", status: 403, outcome: OutcomeDeny, mech: "ip-rule", line: 4, redir: []string{"/new/x"}},
		{name: "rewrite permanent", conf: "server {\n rewrite ^/old/(.*)$ /new/$1 permanent;\n}", path: "/old/x", status: 301, outcome: OutcomeReturn, mech: "rewrite", line: 3},
		{name: "ua map", conf: "map $http_user_agent $bad {\n default 0;\n ~*googlebot 1;\n}\nserver {\n if ($bad) { return 403; }\n}", path: "/p", status: 403, outcome: OutcomeReturn, mech: "ua-rule", line: 7},
		{name: "ua map other agent", conf: "map $http_user_agent $bad {\n default 0;\n ~*googlebot 1;\n}\nserver {\n if ($bad) { return 403; }\n}", path: "/p", agent: "curl/8", status: 200, outcome: OutcomeOpen},
		{name: "exact map key", conf: "map $request_method $m {\n default 0;\n GET 1;\n}\nserver {\n if ($m) { return 405; }\n}", path: "/p", status: 405, outcome: OutcomeReturn, mech: "return", line: 7},
		{name: "address map", conf: "map $remote_addr $office {\n default 0;\n 192.0.2.1 1;\n}\nserver {\n if ($office = 0) { return 403; }\n}", path: "/p", status: 200, outcome: OutcomeDepends, line: 7, note: "$office"},
		{name: "set", conf: "server {\n set $wall 1;\n if ($wall) { return 403; }\n}", path: "/p", status: 403, outcome: OutcomeReturn, mech: "return", line: 4},
		{name: "break", conf: "server {\n location / {\n  break;\n  return 403;\n }\n}", path: "/p", status: 200, outcome: OutcomeOpen},
	})
}

func TestNginxInternalRedirects(t *testing.T) {
	runNginxCases(t, []nginxCase{
		{name: "index", conf: "server {\n location = / { }\n location /index.html { deny all; }\n}", path: "/", status: 403, outcome: OutcomeDeny, mech: "ip-rule", line: 4, sel: "server > location = /", redir: []string{"/index.html"}},
		{name: "index names", conf: "server {\n index home.htm index.html;\n location ~ home { return 403; }\n}", path: "/a/", status: 403, outcome: OutcomeReturn, mech: "return", line: 4, redir: []string{"/a/home.htm"}},
		{name: "no index for a file", conf: "server {\n location /index.html { deny all; }\n}", path: "/x", status: 200, outcome: OutcomeOpen},
		{name: "try_files uri", conf: "server {\n location / { try_files $uri /app/$uri; }\n location /app/ { auth_basic x; auth_basic_user_file /h; }\n}", path: "/p", status: 401, outcome: OutcomeAuth, mech: "basic", line: 4, redir: []string{"/app//p"}},
		{name: "try_files code", conf: "server {\n location / { try_files $uri =404; }\n}", path: "/p", status: 404, outcome: OutcomeReturn, mech: "try_files", line: 3},
		{name: "try_files after access", conf: "server {\n location / { deny all; try_files $uri /x; }\n}", path: "/p", status: 403, outcome: OutcomeDeny, mech: "ip-rule", line: 3},
		{name: "error_page keeps status", conf: "server {\n error_page 403 /403.html;\n location / { deny all; }\n location = /403.html { allow all; }\n}", path: "/p", status: 403, outcome: OutcomeDeny, mech: "ip-rule", line: 4, redir: []string{"/403.html"}},
		{name: "error_page 401 =302 url", conf: "server {\n auth_basic x;\n auth_basic_user_file /h;\n error_page 401 =302 https://login.example.org/;\n}", path: "/p", status: 302, outcome: OutcomeAuth, mech: "basic", line: 3},
		{name: "error_page url", conf: "server {\n deny all;\n error_page 403 https://x/;\n}", path: "/p", status: 302, outcome: OutcomeDeny, mech: "ip-rule", line: 3},
		{name: "error_page =200 named", conf: "server {\n error_page 401 =200 @login;\n location / { auth_basic x; auth_basic_user_file /h; }\n location @login { }\n}", path: "/p", status: 200, outcome: OutcomeAuth, mech: "basic", line: 4, redir: []string{"@login"}},
		{name: "internal", conf: "server {\n location /i/ { internal; }\n}", path: "/i/x", status: 404, outcome: OutcomeOpen},
	})
}

func TestNginxVerdictDetails(t *testing.T) {
	n := loadNginx(t, "server {\n server_name example.org;\n location /blog/ {\n  auth_basic \"Staging Area\";\n  auth_basic_user_file /h;\n }\n}")
	v := n.Evaluate(Request{Host: "example.org", Port: 80, Path: "/blog/post", UserAgent: googlebot})
	assert.Equal(t, 401, v.Status)
	assert.Equal(t, "Staging Area", v.Realm)
	assert.Equal(t, Certain, v.Certainty)
	require.NotNil(t, v.DecidedBy)
	assert.Equal(t, `auth_basic "Staging Area"`, v.DecidedBy.Directive)
	assert.Equal(t, "server example.org > location /blog/", v.DecidedBy.Context)
	assert.Equal(t, 5, v.DecidedBy.Line)
	require.NotNil(t, v.Selected)
	assert.Equal(t, Selection{File: v.DecidedBy.File, Line: 4, Context: "server example.org > location /blog/"}, *v.Selected)
	assert.Equal(t, "nginx", n.Server())
}

func TestNginxPCRERegex(t *testing.T) {
	n := loadNginx(t, "server {\n location ~ ^/(?!public/)[a-z]+/ { deny all; }\n}")
	assert.Equal(t, 403, n.Evaluate(Request{Host: "x", Path: "/private/x"}).Status)
	assert.Equal(t, 200, n.Evaluate(Request{Host: "x", Path: "/public/x"}).Status)
}

func TestNewNginxErrors(t *testing.T) {
	tests := []struct{ name, conf, want string }{
		{"no server", "events {}", "no server block"},
		{"bad regex", "http { server { location ~ ( { } } }", "location regex"},
		{"bad modifier", "http { server { location ~~ /x { } } }", "location modifier"},
		{"bad port", "http { server { listen 1.2.3.4:x; } }", "bad port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"nginx.conf": tt.conf})
			nodes, err := ReadNginx(filepath.Join(dir, "nginx.conf"))
			require.NoError(t, err)
			_, err = NewNginx(nodes)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func FuzzNginxEvaluate(f *testing.F) {
	conf := `http {
  auth_basic_user_file /h;
  server {
    listen 80; server_name example.org *.example.org ~^(?<sub>.+)\.example\.net$;
    if ($http_user_agent ~* bot) { return 403; }
    error_page 401 =302 https://login.example.org/;
    error_page 403 /403.html;
    location / { index index.html; try_files $uri $uri/ /index.php?$args; }
    location ^~ /static/ { location ~ \.css$ { deny all; } }
    location ~* \.(png|jpg)$ { satisfy any; allow 10.0.0.0/8; auth_basic img; }
    location = /403.html { internal; }
    location /old/ { rewrite ^/old/(.*)$ /new/$1 last; }
    location /new/ { limit_except GET { deny all; } if ($arg_x = 1) { return 418; } }
    location /loop/ { rewrite ^ /loop/x last; }
    location @named { return 401; }
  }
}`
	dir := writeFiles(f, map[string]string{"nginx.conf": conf})
	nodes, err := ReadNginx(filepath.Join(dir, "nginx.conf"))
	require.NoError(f, err)
	n, err := NewNginx(nodes)
	require.NoError(f, err)
	for _, seed := range []string{"/", "/static/a.css", "/x.PNG", "/old/a", "/new/?x=1", "/loop/", "/../", "/%2e%2e/", "//a//b/..", "/403.html", "/%zz"} {
		f.Add(seed, "example.org", "Googlebot", "GET")
	}
	f.Fuzz(func(t *testing.T, path, host, agent, method string) {
		v := n.Evaluate(Request{Host: host, Port: 80, Path: path, UserAgent: agent, Method: method})
		if v.Outcome == "" {
			t.Fatalf("no outcome for %q", path)
		}
		if uri, _, ok := normalizeNginxURI(path); ok {
			if !strings.HasPrefix(uri, "/") || strings.Contains(uri, "//") || strings.Contains(uri, "/./") || strings.Contains(uri, "/../") {
				t.Fatalf("normalised %q to %q", path, uri)
			}
		}
	})
}

// An inherited setting is decided by the line that sets it, in the file
// that holds it, not by the block that inherits it.
func TestNginxInheritedDecidedBy(t *testing.T) {
	tests := []struct {
		name      string
		http      string // http-level lines of nginx.conf, before the include (lines 2, 3...)
		site      string // sites/a.conf
		path      string
		status    int
		directive string
		file      string
		line      int
		context   string
		selected  string
	}{
		{
			name: "auth_basic at http", http: "auth_basic \"Staff\";\nauth_basic_user_file /h;\n",
			site: "server {\n location /blog/ { }\n}\n", path: "/blog/x", status: 401,
			directive: `auth_basic Staff`, file: "nginx.conf", line: 2, context: "http", selected: "server > location /blog/",
		},
		{
			name: "realm at http, user file in the location", http: "auth_basic Staff;\n",
			site: "server {\n location /blog/ { auth_basic_user_file /h; }\n}\n", path: "/blog/x", status: 401,
			directive: `auth_basic Staff`, file: "nginx.conf", line: 2, context: "http", selected: "server > location /blog/",
		},
		{
			name: "auth_basic at http, server block with no location", http: "\nauth_basic_user_file /h;\nauth_basic Staff;\n",
			site: "server { }\n", path: "/x", status: 401,
			directive: `auth_basic Staff`, file: "nginx.conf", line: 4, context: "http", selected: "server",
		},
		{
			name: "access_by_lua at http", http: "access_by_lua_block { ngx.exit(401) }\n",
			site: "server {\n location / { }\n}\n", path: "/x", status: 0,
			directive: `access_by_lua_block { ngx.exit(401) }`, file: "nginx.conf", line: 2, context: "http", selected: "server > location /",
		},
		{
			name: "a server-level setting in an included file", http: "auth_basic Staff;\nauth_basic_user_file /h;\n",
			site: "server {\n\n auth_basic Team;\n location / { }\n}\n", path: "/x", status: 401,
			directive: `auth_basic Team`, file: "sites/a.conf", line: 3, context: "server", selected: "server > location /",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{
				"nginx.conf":   "http {\n" + tt.http + "include sites/*.conf;\n}\n",
				"sites/a.conf": tt.site,
			})
			n, err := LoadNginx(filepath.Join(dir, "nginx.conf"))
			require.NoError(t, err)
			v := n.Evaluate(Request{Host: "example.org", Port: 80, Path: tt.path, UserAgent: googlebot})
			assert.Equal(t, tt.status, v.Status, "notes %q", v.Notes)
			require.NotNil(t, v.DecidedBy)
			assert.Equal(t, Ref{File: filepath.Join(dir, tt.file), Line: tt.line, Directive: tt.directive, Context: tt.context}, *v.DecidedBy)
			require.NotNil(t, v.Selected)
			assert.Equal(t, filepath.Join(dir, "sites/a.conf"), v.Selected.File)
			assert.Equal(t, tt.selected, v.Selected.Context)
		})
	}
}

// A map that reads itself many times over: nginx refuses it at request
// time; the evaluator must answer at once, not after k^n evaluations.
func TestNginxSelfReferencingMap(t *testing.T) {
	runNginxCases(t, []nginxCase{
		{name: "cycle", conf: "map $m$m$m$m$m$m$m$m$m$m $m {\n default x;\n}\nserver {\n if ($m) { return 403; }\n}", path: "/", status: 200, outcome: OutcomeDepends, line: 6, redir: []string{"/index.html"}},
	})
}

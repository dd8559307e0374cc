package serverconf

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loadCaddy reads text as a Caddyfile into an evaluator.
func loadCaddy(t testing.TB, text string) *Caddy {
	return loadConfig(t, "Caddyfile", text, ReadCaddy, NewCaddy)
}

type caddyCase struct {
	name    string
	conf    string // the body of "http://example.org {" (line 1), so its first line is line 2
	path    string
	agent   string
	status  int
	outcome Outcome
	mech    string
	realm   string
	line    int // DecidedBy line; 0: none
	sel     string
	note    string
}

func runCaddyCases(t *testing.T, cases []caddyCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			c := loadCaddy(t, "http://example.org {\n"+tt.conf+"\n}\n")
			agent := tt.agent
			if agent == "" {
				agent = googlebot
			}
			v := c.Evaluate(Request{Host: "example.org", Port: 80, Path: tt.path, UserAgent: agent})
			assertVerdict(t, v, wantVerdict{status: tt.status, outcome: tt.outcome, mech: tt.mech, realm: tt.realm, line: tt.line, sel: tt.sel, note: tt.note})
		})
	}
}

func TestCaddyDirectiveOrder(t *testing.T) {
	runCaddyCases(t, []caddyCase{
		{name: "site basicauth wraps every handle, wherever it is written", conf: "handle /public/* {\n file_server\n}\nbasicauth {\n u h\n}", path: "/public/x", status: 401, outcome: OutcomeAuth, mech: "basic", realm: "restricted", line: 5},
		{name: "basic_auth spelling", conf: "basic_auth * bcrypt Team {\n u h\n}", path: "/", status: 401, outcome: OutcomeAuth, mech: "basic", realm: "Team", line: 2},
		{name: "respond after basicauth", conf: "respond 200\nbasicauth /a/* {\n u h\n}", path: "/a/x", status: 401, outcome: OutcomeAuth, mech: "basic", realm: "restricted", line: 3},
		{name: "redir before basicauth", conf: "basicauth {\n u h\n}\nredir /old /new 301", path: "/old", status: 301, outcome: OutcomeReturn, mech: "redir", line: 5},
		{name: "longer path first", conf: "respond /a/* 403\nrespond /a/b/* 200", path: "/a/b/x", status: 200, outcome: OutcomeReturn, mech: "respond", line: 3},
		{name: "matcher before none", conf: "respond 200\nrespond /a/* 403", path: "/a/x", status: 403, outcome: OutcomeReturn, mech: "respond", line: 3},
		{name: "two paths keep file order", conf: "@two path /a/* /b/*\nrespond @two 403\nrespond /a/b/* 200", path: "/a/b/x", status: 403, outcome: OutcomeReturn, mech: "respond", line: 3},
		{name: "route keeps literal order", conf: "route {\n respond 200\n basicauth {\n  u h\n }\n}", path: "/", status: 200, outcome: OutcomeReturn, mech: "respond", line: 3},
		{name: "rewrite runs before basicauth matching", conf: "rewrite /old /admin/x\nbasicauth /admin/* {\n u h\n}", path: "/old", status: 401, outcome: OutcomeAuth, mech: "basic", realm: "restricted", line: 3},
		{name: "first matching rewrite only", conf: "rewrite /a /b\nrewrite * /c\nrespond /c 403", path: "/a", status: 200, outcome: OutcomeOpen},
		{name: "error", conf: "error /x \"gone\" 410", path: "/x", status: 410, outcome: OutcomeReturn, mech: "error", line: 2},
		{name: "abort", conf: "abort /x", path: "/x", status: 0, outcome: OutcomeReturn, mech: "abort", line: 2},
		{name: "forward_auth", conf: "forward_auth localhost:9091 {\n uri /verify\n}", path: "/", status: 0, outcome: OutcomeUnsupported, mech: "forward-auth", line: 2},
		{name: "file_server answers before a later respond", conf: "file_server\nrespond 403", path: "/", status: 403, outcome: OutcomeReturn, mech: "respond", line: 3},
	})
}

func TestCaddyHandle(t *testing.T) {
	runCaddyCases(t, []caddyCase{
		{name: "only the first matching handle", conf: "handle /a/* {\n respond 200\n}\nhandle {\n respond 403\n}", path: "/a/x", status: 200, outcome: OutcomeReturn, mech: "respond", line: 3, sel: "site http://example.org > handle /a/*"},
		{name: "handle fallback", conf: "handle /a/* {\n respond 200\n}\nhandle {\n respond 403\n}", path: "/b", status: 403, outcome: OutcomeReturn, mech: "respond", line: 6, sel: "site http://example.org > handle"},
		{name: "handles sorted by path length", conf: "handle /a* {\n respond 403\n}\nhandle /a/b/* {\n respond 200\n}", path: "/a/b/c", status: 200, outcome: OutcomeReturn, mech: "respond", line: 6},
		{name: "handle_path strips its prefix", conf: "handle_path /app/* {\n basicauth /admin/* {\n  u h\n }\n}", path: "/app/admin/x", status: 401, outcome: OutcomeAuth, mech: "basic", realm: "restricted", line: 3},
		{name: "handle_path groups with handle", conf: "handle_path /app/* {\n respond 200\n}\nhandle {\n respond 403\n}", path: "/app/x", status: 200, outcome: OutcomeReturn, mech: "respond", line: 3},
		{name: "the chain goes on after a handle", conf: "handle /a/* {\n header X y\n}\nrespond 403", path: "/a/x", status: 403, outcome: OutcomeReturn, mech: "respond", line: 5},
		{name: "two handles with one matcher both run", conf: "handle /a/* {\n header X y\n}\nhandle /a/* {\n respond 403\n}", path: "/a/x", status: 403, outcome: OutcomeReturn, mech: "respond", line: 6},
		{name: "one matcher is matched once for folded routes", conf: "uri /admin/* strip_prefix /a\nbasicauth /admin/* {\n u h\n}", path: "/admin/x", status: 401, outcome: OutcomeAuth, mech: "basic", realm: "restricted", line: 3},
		{name: "a different matcher sees the changed path", conf: "uri /admin/* strip_prefix /a\nbasicauth /admin* {\n u h\n}", path: "/admin/x", status: 200, outcome: OutcomeOpen},
		{name: "handle_path strips on the escaped path", conf: "handle_path /admin* {\n basicauth /admin/* {\n  u h\n }\n}", path: "/blog/..%2F..%2Fadmin/", status: 401, outcome: OutcomeAuth, mech: "basic", realm: "restricted", line: 3},
		{name: "a path stripped whole is empty", conf: "uri /a strip_prefix /a\nbasicauth /blog/* {\n u h\n}\nbasicauth /a {\n u h\n}", path: "/a", status: 200, outcome: OutcomeOpen},
		{name: "nested matchers see site matchers", conf: "@adm path /admin/*\nhandle {\n respond @adm 403\n}", path: "/admin/x", status: 403, outcome: OutcomeReturn, mech: "respond", line: 4},
	})
}

func TestCaddyMatchers(t *testing.T) {
	runCaddyCases(t, []caddyCase{
		{name: "path ignores case", conf: "respond /admin/* 403", path: "/ADMIN/x", status: 403, outcome: OutcomeReturn, mech: "respond", line: 2},
		{name: "/foo/* needs the slash", conf: "respond /foo/* 403", path: "/foo", status: 200, outcome: OutcomeOpen},
		{name: "/foo* is a prefix", conf: "respond /foo* 403", path: "/foobar", status: 403, outcome: OutcomeReturn, mech: "respond", line: 2},
		{name: "exact path", conf: "respond /account 403", path: "/account/", status: 200, outcome: OutcomeOpen},
		{name: "trailing dot ignored", conf: "respond /secret.txt 403", path: "/secret.txt.", status: 403, outcome: OutcomeReturn, mech: "respond", line: 2},
		{name: "cleaned path", conf: "respond /admin/* 403", path: "/x/..//admin/y", status: 403, outcome: OutcomeReturn, mech: "respond", line: 2},
		{name: "decoded path", conf: "respond /admin/* 403", path: "/%61dmin/y", status: 403, outcome: OutcomeReturn, mech: "respond", line: 2},
		{name: "glob star stays in a segment", conf: "@m path /x/*/c.css\nrespond @m 403", path: "/x/a/b/c.css", status: 200, outcome: OutcomeOpen},
		{name: "suffix", conf: "@m path *.css\nrespond @m 403", path: "/a/S.CSS", status: 403, outcome: OutcomeReturn, mech: "respond", line: 3},
		{name: "types AND", conf: "@m {\n path /docs/*\n header User-Agent *bot*\n}\nrespond @m 403", path: "/docs/", status: 403, outcome: OutcomeReturn, mech: "ua-rule", line: 6},
		{name: "types AND, other agent", conf: "@m {\n path /docs/*\n header User-Agent *bot*\n}\nrespond @m 403", path: "/docs/", agent: "Mozilla/5.0 Firefox", status: 200, outcome: OutcomeOpen},
		{name: "header values are case-sensitive", conf: "@m header User-Agent *googlebot*\nrespond @m 403", path: "/", status: 200, outcome: OutcomeOpen},
		{name: "not", conf: "@m {\n not path /public/*\n}\nbasicauth @m {\n u h\n}", path: "/public/x", status: 200, outcome: OutcomeOpen},
		{name: "not, outside", conf: "@m {\n not path /public/*\n}\nbasicauth @m {\n u h\n}", path: "/x", status: 401, outcome: OutcomeAuth, mech: "basic", realm: "restricted", line: 5},
		{name: "path_regexp is case-sensitive", conf: "@m path_regexp ^/Admin\nrespond @m 403", path: "/admin", status: 200, outcome: OutcomeOpen},
		{name: "path_regexp", conf: "@m path_regexp \\.png$\nrespond @m 403", path: "/a/b.png", status: 403, outcome: OutcomeReturn, mech: "respond", line: 3},
		{name: "remote_ip depends", conf: "@m not remote_ip 192.0.2.0/24\nrespond @m 403", path: "/", status: 403, outcome: OutcomeDepends, mech: "respond", line: 3},
		{name: "remote_ip left open depends", conf: "@m remote_ip 192.0.2.0/24\nrespond @m 403", path: "/", status: 200, outcome: OutcomeDepends, mech: "ip-rule", line: 2},
		{name: "a file matcher is uncertain", conf: "@m file\nrespond @m 403", path: "/", status: 200, outcome: OutcomeOpen},
	})
}

func TestCaddySiteSelection(t *testing.T) {
	c := loadCaddy(t, `{
	http_port 8080
}
http://example.org, http://www.example.org {
	respond 201
}
http://*.example.org {
	respond 202
}
http:// {
	respond 203
}
http://www.example.org/docs/* {
	respond 204
}
:9000 {
	respond 205
}
secure.example.org {
	respond 206
}
`)
	tests := []struct {
		host   string
		port   int
		path   string
		status int
	}{
		{"example.org", 8080, "/", 201},
		{"WWW.Example.org", 8080, "/", 201},
		{"x.example.org", 8080, "/", 202},
		{"a.b.example.org", 8080, "/", 203},
		{"other", 8080, "/", 203},
		{"www.example.org", 8080, "/docs/x", 204},
		{"example.org", 8080, "/docs/x", 201},
		{"anything", 9000, "/", 205},
		{"secure.example.org", 443, "/", 206},
		{"nothing", 7000, "/", 200},
	}
	for _, tt := range tests {
		v := c.Evaluate(Request{Host: tt.host, Port: tt.port, Path: tt.path})
		assert.Equal(t, tt.status, v.Status, "%s:%d%s", tt.host, tt.port, tt.path)
	}
	assert.Equal(t, "caddy", c.Server())

	c = loadCaddy(t, "example.org {\n\trespond 403\n}\n")
	v := c.Evaluate(Request{Host: "example.org", Port: 80, Path: "/"})
	assert.Equal(t, 308, v.Status, "automatic HTTPS redirects port 80")
	assert.Equal(t, OutcomeReturn, v.Outcome)
	v = c.Evaluate(Request{Host: "example.org", Port: 443, Path: "/"})
	assert.Equal(t, 403, v.Status)
}

func TestCaddyVerdictDetails(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"Caddyfile": "(auth) {\n\tbasicauth {args.0} bcrypt \"Staging Area\" {\n\t\tu h\n\t}\n}\nhttp://example.org {\n\thandle /blog/* {\n\t\timport auth *\n\t}\n\thandle_errors {\n\t\trespond 404\n\t}\n}\n",
	})
	nodes, err := ReadCaddy(filepath.Join(dir, "Caddyfile"))
	require.NoError(t, err)
	c, err := NewCaddy(nodes)
	require.NoError(t, err)
	v := c.Evaluate(Request{Host: "example.org", Port: 80, Path: "/blog/post", UserAgent: googlebot})
	assert.Equal(t, 401, v.Status)
	assert.Equal(t, "Staging Area", v.Realm)
	require.NotNil(t, v.DecidedBy)
	assert.Equal(t, `basicauth * bcrypt "Staging Area"`, v.DecidedBy.Directive)
	assert.Equal(t, 2, v.DecidedBy.Line, "the snippet's line")
	assert.Equal(t, "site http://example.org > handle /blog/*", v.DecidedBy.Context)
	assert.Equal(t, Uncertain, v.Certainty, "handle_errors may change the 401")
	assert.Equal(t, &Selection{File: filepath.Join(dir, "Caddyfile"), Line: 7, Context: "site http://example.org > handle /blog/*"}, v.Selected)

	v = c.Evaluate(Request{Host: "example.org", Port: 80, Path: "/a%zz"})
	assert.Equal(t, 400, v.Status)
}

func TestNewCaddyErrors(t *testing.T) {
	tests := []struct{ name, conf, want string }{
		{"no site", "{\n\tadmin off\n}\n", "no site block"},
		{"unknown matcher", "x {\n\trespond @nope 403\n}\n", "unknown matcher @nope"},
		{"bad regexp", "x {\n\t@m path_regexp (\n\trespond @m 403\n}\n", "path_regexp"},
		{"bad port", "x:y {\n}\n", "bad port"},
		{"handle_path without a prefix", "x {\n\thandle_path {\n\t}\n}\n", "handle_path needs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"Caddyfile": tt.conf})
			nodes, err := ReadCaddy(filepath.Join(dir, "Caddyfile"))
			require.NoError(t, err)
			_, err = NewCaddy(nodes)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// strip_suffix compares without case; a suffix whose lower case has
// another length (the Kelvin sign) must not cut the path out of range.
func TestCaddyStripSuffixCaseFolding(t *testing.T) {
	c := loadCaddy(t, "example.org:80 {\n\turi strip_suffix \u212a\n\trespond 200\n}\n")
	for _, p := range []string{"/k", "/K", "/\u212a", "/x\xff"} {
		v := c.Evaluate(Request{Host: "example.org", Port: 80, Path: p, UserAgent: googlebot})
		assert.Equal(t, 200, v.Status, p)
	}
}

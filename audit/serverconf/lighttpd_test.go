package serverconf

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lighttpdHead loads mod_access and mod_auth with a backend; it is lines
// 1-2, so a case's conf starts at line 3.
const lighttpdHead = `server.modules = ( "mod_access", "mod_auth", "mod_authn_file" )
auth.backend = "plain"
`

func loadLighttpd(t testing.TB, conf string) *Lighttpd {
	return loadConfig(t, "lighttpd.conf", conf, ReadLighttpd, NewLighttpd)
}

type lighttpdCase struct {
	name    string
	conf    string // after lighttpdHead unless bare
	bare    bool
	path    string
	host    string
	port    int
	agent   string
	status  int
	outcome Outcome
	mech    string
	realm   string
	line    int    // DecidedBy line; 0: no DecidedBy
	sel     string // Selected context; "" to skip
	note    string // a note containing this
	certain Certainty
}

func runLighttpdCases(t *testing.T, cases []lighttpdCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			conf := lighttpdHead + tt.conf
			if tt.bare {
				conf = tt.conf
			}
			l := loadLighttpd(t, conf)
			agent, host, port := tt.agent, tt.host, tt.port
			if agent == "" {
				agent = googlebot
			}
			if host == "" {
				host = "example.org"
			}
			if port == 0 {
				port = 80
			}
			v := l.Evaluate(Request{Host: host, Port: port, Path: tt.path, UserAgent: agent})
			assertVerdict(t, v, wantVerdict{status: tt.status, outcome: tt.outcome, mech: tt.mech, realm: tt.realm, line: tt.line, sel: tt.sel, note: tt.note})
			if tt.certain != "" {
				assert.Equal(t, tt.certain, v.Certainty)
			}
		})
	}
}

func TestLighttpdAuthRequire(t *testing.T) {
	runLighttpdCases(t, []lighttpdCase{
		{name: "first key in array order wins, not the longest",
			conf: "auth.require = (\n  \"/\" => ( \"method\" => \"basic\", \"realm\" => \"root\", \"require\" => \"valid-user\" ),\n  \"/a/\" => ( \"method\" => \"digest\", \"realm\" => \"A\", \"require\" => \"valid-user\" ),\n)\n",
			path: "/a/x", status: 401, outcome: OutcomeAuth, mech: "basic", realm: "root", line: 4, sel: "global"},
		{name: "a key is a plain prefix: /b covers /blog/",
			conf: `auth.require = ( "/b" => ( "method" => "basic", "realm" => "Beta", "require" => "valid-user" ) )` + "\n",
			path: "/blog/post.html", status: 401, outcome: OutcomeAuth, mech: "basic", realm: "Beta", line: 3},
		{name: "digest",
			conf: `auth.require = ( "/press/" => ( "method" => "digest", "realm" => "Press", "require" => "valid-user" ) )` + "\n",
			path: "/press/", status: 401, outcome: OutcomeAuth, mech: "digest", realm: "Press", line: 3},
		{name: "case matters",
			conf: `auth.require = ( "/admin/" => ( "method" => "basic", "realm" => "", "require" => "valid-user" ) )` + "\n",
			path: "/Admin/", status: 200, outcome: OutcomeOpen},
		{name: "force-lowercase-filenames ignores case",
			conf: "server.force-lowercase-filenames = \"enable\"\n" + `auth.require = ( "/admin/" => ( "method" => "basic", "realm" => "", "require" => "valid-user" ) )` + "\n",
			path: "/Admin/", status: 401, outcome: OutcomeAuth, mech: "basic", line: 4},
		{name: "a matching block's auth.require replaces the global one whole",
			conf: "auth.require = ( \"/a/\" => ( \"method\" => \"basic\", \"realm\" => \"G\", \"require\" => \"valid-user\" ) )\n$HTTP[\"url\"] =^ \"/b/\" {\n  auth.require = ( \"/b/\" => ( \"method\" => \"basic\", \"realm\" => \"B\", \"require\" => \"valid-user\" ) )\n}\n",
			path: "/b/x", status: 401, outcome: OutcomeAuth, mech: "basic", realm: "B", line: 5, sel: `$HTTP["url"] =^ "/b/"`},
		{name: "so the global /a/ is gone where the block applies",
			conf: "auth.require = ( \"/a/\" => ( \"method\" => \"basic\", \"realm\" => \"\", \"require\" => \"valid-user\" ) )\n$HTTP[\"host\"] == \"example.org\" {\n  auth.require = ( \"/b/\" => ( \"method\" => \"basic\", \"realm\" => \"\", \"require\" => \"valid-user\" ) )\n}\n",
			path: "/a/x", status: 200, outcome: OutcomeOpen},
		{name: "host == ignores the port",
			conf: "$HTTP[\"host\"] == \"example.org\" {\n  auth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"\", \"require\" => \"valid-user\" ) )\n}\n",
			path: "/", port: 8080, status: 401, outcome: OutcomeAuth, mech: "basic", line: 4},
		{name: "host =~ sees the port",
			conf: "$HTTP[\"host\"] =~ \"^example\\.org$\" {\n  auth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"\", \"require\" => \"valid-user\" ) )\n}\n",
			path: "/", port: 8080, status: 200, outcome: OutcomeOpen},
		{name: "conditions run in order of first appearance: a repeated one joins the first",
			conf: "$HTTP[\"url\"] =^ \"/a\" { auth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"one\", \"require\" => \"valid-user\" ) ) }\n$HTTP[\"host\"] == \"example.org\" { auth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"host\", \"require\" => \"valid-user\" ) ) }\n$HTTP[\"url\"] =^ \"/a\" { auth.require := ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"again\", \"require\" => \"valid-user\" ) ) }\n",
			path: "/a", status: 401, outcome: OutcomeAuth, mech: "basic", realm: "host", line: 4},
		{name: "without mod_auth auth.require is ignored", bare: true,
			conf: "server.modules = ( \"mod_access\" )\nauth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"\", \"require\" => \"valid-user\" ) )\n",
			path: "/", status: 200, outcome: OutcomeOpen, note: "auth.require at", certain: Certain},
		{name: "an authn module alone loads mod_auth", bare: true,
			conf: "server.modules = ( \"mod_authn_file\" )\nauth.backend = \"plain\"\nauth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"\", \"require\" => \"valid-user\" ) )\n",
			path: "/", status: 401, outcome: OutcomeAuth, mech: "basic", line: 3},
		{name: "no backend answers 500", bare: true,
			conf: "server.modules = ( \"mod_auth\" )\nauth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"\", \"require\" => \"valid-user\" ) )\n",
			path: "/", status: 500, outcome: OutcomeOpen, line: 2, note: "auth.backend is not set"},
		{name: "extern is decided elsewhere",
			conf: `auth.require = ( "/" => ( "method" => "extern", "realm" => "", "require" => "valid-user" ) )` + "\n",
			path: "/", status: 0, outcome: OutcomeUnsupported, mech: "extern", line: 3},
		{name: "the url condition sees the decoded, cleaned path",
			conf: "$HTTP[\"url\"] == \"/a/b\" { auth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"\", \"require\" => \"valid-user\" ) ) }\n",
			path: "/x/..%2F%61//./b?q=1", status: 401, outcome: OutcomeAuth, mech: "basic", line: 3},
		{name: "else branch",
			conf: "$HTTP[\"url\"] =^ \"/pub/\" { }\nelse $HTTP[\"url\"] =^ \"/p\" { auth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"elif\", \"require\" => \"valid-user\" ) ) }\nelse { auth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"else\", \"require\" => \"valid-user\" ) ) }\n",
			path: "/pub/x", status: 200, outcome: OutcomeOpen},
		{name: "else-if taken",
			conf: "$HTTP[\"url\"] =^ \"/pub/\" { }\nelse $HTTP[\"url\"] =^ \"/p\" { auth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"elif\", \"require\" => \"valid-user\" ) ) }\nelse { auth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"else\", \"require\" => \"valid-user\" ) ) }\n",
			path: "/priv", status: 401, outcome: OutcomeAuth, mech: "basic", realm: "elif", line: 4},
		{name: "else taken",
			conf: "$HTTP[\"url\"] =^ \"/pub/\" { }\nelse $HTTP[\"url\"] =^ \"/p\" { auth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"elif\", \"require\" => \"valid-user\" ) ) }\nelse { auth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"else\", \"require\" => \"valid-user\" ) ) }\n",
			path: "/x", status: 401, outcome: OutcomeAuth, mech: "basic", realm: "else", line: 5, sel: "else"},
		{name: "a condition written again after an else branch is that branch",
			conf: "$HTTP[\"useragent\"] =~ \"Googlebot\" { }\nelse $HTTP[\"request-method\"] == \"GET\" { }\n$HTTP[\"request-method\"] == \"GET\" {\n  auth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"\", \"require\" => \"valid-user\" ) )\n}\n",
			path: "/", status: 200, outcome: OutcomeOpen},
		{name: "... which other agents reach",
			conf: "$HTTP[\"useragent\"] =~ \"Googlebot\" { }\nelse $HTTP[\"request-method\"] == \"GET\" { }\n$HTTP[\"request-method\"] == \"GET\" {\n  auth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"\", \"require\" => \"valid-user\" ) )\n}\n",
			path: "/", agent: bingbot, status: 401, outcome: OutcomeAuth, mech: "basic", line: 6},
		{name: "conditions that differ only in case are one block, testing the first",
			conf: "$HTTP[\"url\"] =^ \"/a/\" { auth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"lower\", \"require\" => \"valid-user\" ) ) }\n$HTTP[\"url\"] =^ \"/A/\" { auth.require := ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"upper\", \"require\" => \"valid-user\" ) ) }\n",
			path: "/a/x", status: 401, outcome: OutcomeAuth, mech: "basic", realm: "upper", line: 4},
		{name: "... so the upper-case one never matches its own text",
			conf: "$HTTP[\"url\"] =^ \"/a/\" { auth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"lower\", \"require\" => \"valid-user\" ) ) }\n$HTTP[\"url\"] =^ \"/A/\" { auth.require := ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"upper\", \"require\" => \"valid-user\" ) ) }\n",
			path: "/A/x", status: 200, outcome: OutcomeOpen},
		{name: "a simple regex is the plain test it amounts to, and one block with it",
			conf: "$HTTP[\"url\"] =~ \"^/a/\" { auth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"re\", \"require\" => \"valid-user\" ) ) }\n$HTTP[\"host\"] == \"example.org\" { }\n$HTTP[\"url\"] =^ \"/a/\" { auth.require := ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"prefix\", \"require\" => \"valid-user\" ) ) }\n",
			path: "/a/x", status: 401, outcome: OutcomeAuth, mech: "basic", realm: "prefix", line: 5},
		{name: "an escaped control character is a 400",
			conf: `auth.require = ( "/" => ( "method" => "basic", "realm" => "", "require" => "valid-user" ) )` + "\n",
			path: "/a%0a", status: 400, outcome: OutcomeOpen, note: "400"},
	})
}

func TestLighttpdAccess(t *testing.T) {
	runLighttpdCases(t, []lighttpdCase{
		{name: "suffix match",
			conf: "url.access-deny = ( \"~\", \".inc\" )\n",
			path: "/lib/x.inc", status: 403, outcome: OutcomeDeny, mech: "deny", line: 3},
		{name: "the empty suffix denies everything",
			conf: "$HTTP[\"url\"] == \"/careers.html\" {\n  url.access-deny = ( \"\" )\n}\n",
			path: "/careers.html", status: 403, outcome: OutcomeDeny, mech: "deny", line: 4, sel: `$HTTP["url"] == "/careers.html"`},
		{name: "ua-rule",
			conf: "$HTTP[\"useragent\"] =~ \"bot\" {\n  $HTTP[\"url\"] =~ \"^/docs/\" {\n    url.access-deny = ( \"\" )\n  }\n}\n",
			path: "/docs/", status: 403, outcome: OutcomeDeny, mech: "ua-rule", line: 5, sel: `$HTTP["useragent"] =~ "bot" > $HTTP["url"] =~ "^/docs/"`},
		{name: "ua-rule spares other agents",
			conf: "$HTTP[\"useragent\"] =~ \"Googlebot\" { url.access-deny = ( \"\" ) }\n",
			path: "/", agent: bingbot, status: 200, outcome: OutcomeOpen},
		{name: "a directory path is checked again with its index file",
			conf: "index-file.names = ( \"index.html\" )\nurl.access-deny = ( \".html\" )\n",
			path: "/blog/", status: 403, outcome: OutcomeDeny, mech: "deny", line: 4, note: "index file", certain: Uncertain},
		{name: "after every module's first look: mod_auth later in the list still answers first", bare: true,
			conf: "server.modules = ( \"mod_access\", \"mod_auth\" )\nauth.backend = \"plain\"\nindex-file.names = ( \"index.html\" )\nurl.access-deny = ( \".html\" )\nauth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"\", \"require\" => \"valid-user\" ) )\n",
			path: "/blog/", status: 401, outcome: OutcomeAuth, mech: "basic", line: 5},
		{name: "access-allow lets only its suffixes through",
			conf: "url.access-allow = ( \".html\" )\n",
			path: "/x.css", status: 403, outcome: OutcomeDeny, mech: "deny", line: 3},
		{name: "module order: mod_auth first answers 401", bare: true,
			conf: "server.modules = ( \"mod_auth\", \"mod_access\" )\nauth.backend = \"plain\"\nurl.access-deny = ( \"\" )\nauth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"\", \"require\" => \"valid-user\" ) )\n",
			path: "/", status: 401, outcome: OutcomeAuth, mech: "basic", line: 4},
		{name: "module order: mod_access first answers 403",
			conf: "url.access-deny = ( \"\" )\nauth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"\", \"require\" => \"valid-user\" ) )\n",
			path: "/", status: 403, outcome: OutcomeDeny, mech: "deny", line: 3},
		{name: "without mod_access url.access-deny is ignored", bare: true,
			conf: "url.access-deny = ( \"\" )\n",
			path: "/", status: 200, outcome: OutcomeOpen},
	})
}

func TestLighttpdRedirect(t *testing.T) {
	const mods = "server.modules = ( \"mod_redirect\", \"mod_auth\", \"mod_authn_file\" )\nauth.backend = \"plain\"\n"
	runLighttpdCases(t, []lighttpdCase{
		{name: "the first matching regex redirects before mod_auth", bare: true,
			conf: mods + "auth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"\", \"require\" => \"valid-user\" ) )\nurl.redirect = (\n  \"^/old/\" => \"/new/\",\n  \"^/o\" => \"/other/\",\n)\n",
			path: "/old/x", status: 301, outcome: OutcomeReturn, mech: "redirect", line: 5, certain: Certain},
		{name: "no regex matches: mod_auth answers", bare: true,
			conf: mods + "auth.require = ( \"/\" => ( \"method\" => \"basic\", \"realm\" => \"\", \"require\" => \"valid-user\" ) )\nurl.redirect = ( \"^/old/\" => \"/new/\" )\n",
			path: "/x", status: 401, outcome: OutcomeAuth, mech: "basic", line: 3},
		{name: "url.redirect-code", bare: true,
			conf: mods + "url.redirect-code = 302\nurl.redirect = ( \"\\?x=\" => \"/q\" )\n",
			path: "/a?x=1", status: 302, outcome: OutcomeReturn, mech: "redirect", line: 4},
		{name: "an empty replacement stops without redirecting", bare: true,
			conf: mods + "url.redirect = ( \"^/keep/\" => \"\", \"^/\" => \"/elsewhere\" )\n",
			path: "/keep/x", status: 200, outcome: OutcomeOpen},
		{name: "the regex sees the target still encoded", bare: true,
			conf: mods + "url.redirect = ( \"%20\" => \"/nospace\" )\n",
			path: "/a%20b", status: 301, outcome: OutcomeReturn, mech: "redirect", line: 3},
	})
}

func TestLighttpdDepends(t *testing.T) {
	runLighttpdCases(t, []lighttpdCase{
		{name: "an address list that would let some clients in",
			conf: "url.access-deny = ( \"\" )\n$HTTP[\"remoteip\"] == \"10.0.0.0/8\" {\n  url.access-deny = ( )\n}\n",
			path: "/", status: 403, outcome: OutcomeDepends, mech: "ip-rule", line: 4, note: "is 10.0.0.0/8"},
		{name: "a negative address rule holds for the crawler",
			conf: "$HTTP[\"remoteip\"] != \"192.0.2.1\" {\n  auth.require = ( \"/admin/\" => ( \"method\" => \"basic\", \"realm\" => \"\", \"require\" => \"valid-user\" ) )\n}\n",
			path: "/admin/", status: 401, outcome: OutcomeDepends, mech: "ip-rule", line: 3},
		{name: "an address rule that changes nothing",
			conf: "$HTTP[\"remoteip\"] == \"10.0.0.0/8\" { server.tag = \"x\" }\n",
			path: "/", status: 200, outcome: OutcomeOpen},
		{name: "include_shell makes every verdict uncertain",
			conf: "include_shell \"/usr/share/lighttpd/create-mime.conf.pl\"\n",
			path: "/", status: 200, outcome: OutcomeOpen, note: "could not be run", certain: Uncertain},
		{name: "an unmodelled module that answers first",
			conf: "server.modules += ( \"mod_rewrite\" )\nurl.rewrite-once = ( \"^/old\" => \"/new\" )\n",
			path: "/", status: 200, outcome: OutcomeOpen, note: "url.rewrite-once", certain: Uncertain},
	})
}

func TestLighttpdAuthRequireRefused(t *testing.T) {
	for _, tt := range []struct{ conf, problem string }{
		{`auth.require = ( "/" => ( "realm" => "r", "require" => "valid-user" ) )`, "no method"},
		{`auth.require = ( "/" => ( "method" => "ntlm", "realm" => "r", "require" => "valid-user" ) )`, "not basic, digest or extern"},
		{`auth.require = ( "/" => ( "method" => "basic", "require" => "valid-user" ) )`, "no realm"},
		{`auth.require = ( "/" => ( "method" => "basic", "realm" => "r" ) )`, "no require"},
		{`auth.require = ( "/" => ( "method" => "basic", "realm" => "r", "require" => "valid-user", "x" => "y" ) )`, "unknown option"},
		{`auth.require = ( "/" => "basic" )`, "array of options"},
		{`auth.require = "/"`, "must be an array"},
	} {
		dir := writeFiles(t, map[string]string{"lighttpd.conf": lighttpdHead + tt.conf + "\n"})
		nodes, err := ReadLighttpd(filepath.Join(dir, "lighttpd.conf"))
		require.NoError(t, err)
		_, err = NewLighttpd(nodes)
		var perr *ParseError
		if assert.ErrorAs(t, err, &perr, tt.conf) {
			assert.Equal(t, 3, perr.Line)
			assert.Contains(t, perr.Problem, tt.problem)
		}
	}
}

func TestLighttpdSimplifyRegex(t *testing.T) {
	for _, c := range []struct{ re, op, value string }{
		{"^/a/", "=^", "/a/"}, {"^/a$", "==", "/a"}, {`\.css$`, "=$", ".css"}, {"css$", "=$", "css"},
		{"^/a.b", "=~", "^/a.b"}, {"/a/", "=~", "/a/"}, {`^/a\.b$`, "=~", `^/a\.b$`}, {"", "=~", ""}, {"$", "=$", ""},
	} {
		op, value := lighttpdSimplifyRegex(c.re)
		assert.Equal(t, c.op+" "+c.value, op+" "+value, c.re)
	}
}

func TestLighttpdNormalize(t *testing.T) {
	cases := []struct{ in, path, query, problem string }{
		{"/a/b", "/a/b", "", ""},
		{"/a//b/./c/../d?x=1&y", "/a/b/d", "x=1&y", ""},
		{"/../a/", "/a/", "", ""},
		{"/%61/x%2Fy", "/a/x/y", "", ""},
		{"/a/b%2F..%2Fx.html", "/a/x.html", "", ""},
		{"/%2e%2e/a/", "/a/", "", ""},
		{"/a/%2e", "/a/", "", ""},
		{"/a/%20b", "/a/ b", "", ""},
		{"/a/%25%32%65%32%65/", "/a/%2e2e/", "", ""},
		{"/%zz", "/%zz", "", ""},
		{"/caf%e9", "/caf\xe9", "", ""},
		{"/a b", "/a b", "", ""},
		{"/a?q=%7e#frag", "/a", "q=~", ""},
		{"/%00", "", "", "control"},
		{"/a?%1f", "", "", "control"},
		{"/%ff", "", "", "UTF-8"},
		{"/%c0%af", "", "", "UTF-8"},
		{"x", "", "", "does not start"},
		{"http://example.org/a?b", "/a", "b", ""},
	}
	for _, c := range cases {
		uri, problem := lighttpdNormalize(c.in)
		if c.problem != "" {
			assert.Contains(t, problem, c.problem, c.in)
			continue
		}
		assert.Empty(t, problem, c.in)
		assert.Equal(t, c.path, uri.path, c.in)
		assert.Equal(t, c.query, uri.query, c.in)
	}
	uri, _ := lighttpdNormalize("/a//%62/%3F?x=%41")
	assert.Equal(t, "/a/b/%3F?x=A", uri.target(), "mod_redirect sees the normalised target, with its query")
}

// TestLighttpdDebianLayout: Debian's lighttpd.conf loads mod_access,
// mod_alias and mod_redirect, runs two include_shell scripts and includes
// conf-enabled/*.conf, where 05-auth.conf appends mod_auth: so mod_access
// comes first, auth.require applies once 05-auth.conf is enabled, and
// every verdict is uncertain (what the scripts print is not known).
func TestLighttpdDebianLayout(t *testing.T) {
	files := map[string]string{
		"lighttpd.conf": `server.modules = (
	"mod_indexfile",
	"mod_access",
	"mod_alias",
	"mod_redirect",
)
server.document-root = "/var/www/html"
server.port = 80
index-file.names = ( "index.php", "index.html" )
url.access-deny = ( "~", ".inc" )
include_shell "/usr/share/lighttpd/use-ipv6.pl " + server.port
include_shell "/usr/share/lighttpd/create-mime.conf.pl"
include "conf-enabled/*.conf"
server.modules += (
	"mod_dirlisting",
	"mod_staticfile",
)
`,
		"conf-enabled/05-auth.conf": "server.modules += ( \"mod_auth\" )\n",
		"conf-enabled/50-site.conf": "auth.backend = \"htpasswd\"\nauth.require = ( \"/private/\" => ( \"method\" => \"basic\", \"realm\" => \"Private\", \"require\" => \"valid-user\" ) )\n",
		"conf-available/10-x.conf":  "url.access-deny = ( \"\" )\n",
	}
	dir := writeFiles(t, files)
	nodes, err := ReadLighttpd(filepath.Join(dir, "lighttpd.conf"))
	require.NoError(t, err)
	l, err := NewLighttpd(nodes)
	require.NoError(t, err)
	assert.Equal(t, []string{"mod_indexfile", "mod_access", "mod_alias", "mod_redirect", "mod_auth", "mod_dirlisting", "mod_staticfile"}, l.modules)

	v := l.Evaluate(Request{Host: "example.org", Port: 80, Path: "/private/x.html", UserAgent: googlebot})
	assert.Equal(t, 401, v.Status)
	assert.Equal(t, "Private", v.Realm)
	assert.Equal(t, Uncertain, v.Certainty)
	require.NotNil(t, v.DecidedBy)
	assert.Equal(t, filepath.Join(dir, "conf-enabled/50-site.conf"), v.DecidedBy.File)
	assert.Equal(t, 2, v.DecidedBy.Line)
	assert.Contains(t, strings.Join(v.Notes, "\n"), "create-mime.conf.pl")

	v = l.Evaluate(Request{Host: "example.org", Port: 80, Path: "/private/x.inc", UserAgent: googlebot})
	assert.Equal(t, 403, v.Status, "mod_access is listed before mod_auth")
	require.NotNil(t, v.DecidedBy)
	assert.Equal(t, 10, v.DecidedBy.Line)
}

package serverconf

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hapHead is the start of every test config: line 1 is "defaults base",
// the frontend starts at line 3 and its first rule is line 5.
const hapHead = "defaults base\n    mode http\nfrontend www from base\n    bind :80\n"

func loadHAProxy(t testing.TB, conf string) *HAProxy {
	return loadConfig(t, "haproxy.cfg", conf, ReadHAProxy, NewHAProxy)
}

type haproxyCase struct {
	name    string
	conf    string // after hapHead
	path    string
	method  string
	agent   string
	port    int
	status  int
	outcome Outcome
	mech    string
	realm   string
	line    int    // DecidedBy line; 0: no DecidedBy
	ctx     string // DecidedBy context; "" to skip
	sel     string // Selected context; "" to skip
	note    string // a note containing this
	unsure  bool   // Certainty uncertain
}

func runHAProxyCases(t *testing.T, cases []haproxyCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			h := loadHAProxy(t, hapHead+tt.conf)
			agent := tt.agent
			if agent == "" {
				agent = googlebot
			}
			port := tt.port
			if port == 0 {
				port = 80
			}
			v := h.Evaluate(Request{Host: "example.org", Port: port, Path: tt.path, Method: tt.method, UserAgent: agent})
			assertVerdict(t, v, wantVerdict{status: tt.status, outcome: tt.outcome, mech: tt.mech, realm: tt.realm, line: tt.line, ctx: tt.ctx, sel: tt.sel, note: tt.note})
			assert.Equal(t, tt.unsure, v.Certainty == Uncertain, "certainty; notes %q", v.Notes)
		})
	}
}

func TestHAProxyFinalActions(t *testing.T) {
	runHAProxyCases(t, []haproxyCase{
		{name: "no rule", conf: "", path: "/", status: 200, outcome: OutcomeOpen, sel: "frontend www", note: "picks no backend"},
		{name: "auth realm defaults to the proxy's name", conf: "    http-request auth\n", path: "/", status: 401, outcome: OutcomeAuth, mech: "basic", realm: "www", line: 5, ctx: "frontend www"},
		{name: "auth realm", conf: "    http-request auth realm \"Press Kit\" if { path_beg /press/ }\n", path: "/press/x", status: 401, outcome: OutcomeAuth, mech: "basic", realm: "Press Kit", line: 5},
		{name: "deny", conf: "    http-request deny if { path /careers.html }\n", path: "/careers.html", status: 403, outcome: OutcomeDeny, mech: "unknown", line: 5},
		{name: "deny_status", conf: "    http-request deny deny_status 404\n", path: "/x", status: 404, outcome: OutcomeDeny, mech: "unknown", line: 5},
		{name: "tarpit", conf: "    http-request tarpit\n", path: "/x", status: 500, outcome: OutcomeDeny, mech: "unknown", line: 5},
		{name: "return", conf: "    http-request return status 418 if { path / }\n", path: "/", status: 418, outcome: OutcomeReturn, mech: "return", line: 5},
		{name: "return defaults to 200", conf: "    http-request return string ok\n", path: "/", status: 200, outcome: OutcomeReturn, mech: "return", line: 5},
		{name: "http-request redirect", conf: "    http-request redirect location /x code 301\n", path: "/", status: 301, outcome: OutcomeReturn, mech: "redirect", line: 5},
		{name: "redirect rule defaults to 302", conf: "    redirect prefix https://example.org\n", path: "/", status: 302, outcome: OutcomeReturn, mech: "redirect", line: 5},
		{name: "first final rule wins", conf: "    http-request deny if { path_beg /a }\n    http-request auth if { path_beg /a/b }\n", path: "/a/b", status: 403, outcome: OutcomeDeny, mech: "unknown", line: 5},
		{name: "allow ends the frontend's rules", conf: "    http-request allow if { path_beg /pub/ }\n    http-request deny\n", path: "/pub/x", status: 200, outcome: OutcomeOpen},
		{name: "redirect rules run after http-request", conf: "    redirect location /r\n    http-request deny\n", path: "/", status: 403, outcome: OutcomeDeny, mech: "unknown", line: 6},
		{name: "redirect rules run after allow", conf: "    http-request allow\n    redirect location /r code 307\n", path: "/", status: 307, outcome: OutcomeReturn, mech: "redirect", line: 6},
		{name: "use-service", conf: "    http-request use-service prometheus-exporter if { path /metrics }\n", path: "/metrics", status: 0, outcome: OutcomeUnsupported, mech: "use-service", line: 5},
		{name: "use-service after an address rule", conf: "    http-request deny if { src 192.0.2.1 }\n    http-request use-service prometheus-exporter\n", path: "/", status: 0, outcome: OutcomeUnsupported, mech: "use-service", line: 6},
		{name: "monitor-uri before the rules", conf: "    monitor-uri /health\n    http-request deny\n", path: "/health", status: 200, outcome: OutcomeReturn, mech: "monitor-uri", line: 5},
		{name: "monitor-uri is exact", conf: "    monitor-uri /health\n    http-request deny\n", path: "/health?x", status: 403, outcome: OutcomeDeny, mech: "unknown", line: 6},
		{name: "lua action", conf: "    http-request lua.check\n", path: "/", status: 200, outcome: OutcomeOpen, note: "runs Lua", unsure: true},
		{name: "set-path", conf: "    http-request set-path /x\n    http-request deny if { path /x }\n", path: "/", status: 200, outcome: OutcomeOpen, note: "rewrites the request", unsure: true},
		{name: "harmless action", conf: "    http-request set-var(txn.x) str(1)\n    http-request set-header X-Y 1\n", path: "/", status: 200, outcome: OutcomeOpen},
		{name: "unknown action", conf: "    http-request frobnicate\n", path: "/", status: 200, outcome: OutcomeOpen, note: "not modelled", unsure: true},
		{name: "unless", conf: "    http-request deny unless { path_beg /pub/ }\n", path: "/priv", status: 403, outcome: OutcomeDeny, mech: "unknown", line: 5},
		{name: "other port", conf: "    http-request deny\n", path: "/", port: 8080, status: 200, outcome: OutcomeOpen, note: "no frontend or listen section binds port 8080", unsure: true},
	})
}

func TestHAProxyOrder(t *testing.T) {
	conf := "    http-request auth if { path_beg /d/ }\n" + // 5 (a second defaults follows)
		"    acl late path_beg /late/\n" + // 6
		"    http-request deny if late\n" + // 7
		"    acl late path_beg /late2/\n" + // 8
		"    use_backend be if { path_beg /be/ } || { path_beg /allow/ }\n" + // 9
		"defaults plain\n" + // 10
		"    mode http\n" + // 11
		"    http-request auth realm Plain if { path_beg /be/p }\n" + // 12
		"backend be from plain\n" + // 13
		"    http-request auth if { path_beg /be/b }\n" + // 14
		"    http-request deny if { path_beg /allow/x }\n" + // 15
		"defaults none\n" + // 16
		"    mode http\n" + // 17
		"frontend other\n" + // 18: implicitly from "none", which has no rules
		"    bind :81\n" + // 19
		"    default_backend be\n" // 20
	runHAProxyCases(t, []haproxyCase{
		{name: "named acl", conf: conf, path: "/late/x", status: 403, outcome: OutcomeDeny, mech: "unknown", line: 7, note: "acl late path_beg /late/ at"},
		{name: "a later line of the same acl counts", conf: conf, path: "/late2/x", status: 403, outcome: OutcomeDeny, mech: "unknown", line: 7, note: "haproxy.cfg:8 matched"},
		{name: "backend rules run after the switch", conf: conf, path: "/be/b", status: 401, outcome: OutcomeAuth, mech: "basic", realm: "be", line: 14, ctx: "backend be", sel: "frontend www > backend be"},
		{name: "the backend's defaults run first", conf: conf, path: "/be/p", status: 401, outcome: OutcomeAuth, mech: "basic", realm: "Plain", line: 12, ctx: "defaults plain, run by backend be"},
		{name: "or", conf: conf, path: "/allow/x", status: 403, outcome: OutcomeDeny, mech: "unknown", line: 15},
		{name: "no backend", conf: conf, path: "/nothing", status: 200, outcome: OutcomeOpen, sel: "frontend www"},
		{name: "default_backend", conf: conf, port: 81, path: "/be/b", status: 401, outcome: OutcomeAuth, mech: "basic", realm: "be", line: 14, sel: "frontend other > backend be"},
	})
	// A named defaults' rules run first, with the proxy's name as realm.
	h := loadHAProxy(t, "defaults base\n    mode http\n    http-request auth if { path_beg /d/ }\nfrontend www from base\n    bind :80\n    http-request deny\n")
	v := h.Evaluate(Request{Host: "example.org", Port: 80, Path: "/d/x", UserAgent: googlebot})
	assert.Equal(t, 401, v.Status)
	assert.Equal(t, "www", v.Realm)
	assert.Equal(t, 3, v.DecidedBy.Line)
	assert.Equal(t, "defaults base, run by frontend www", v.DecidedBy.Context)
}

func TestHAProxyListen(t *testing.T) {
	h := loadHAProxy(t, "defaults d\n    mode http\nlisten site 127.0.0.1:8080\n    http-request auth if { path_beg /a/ }\n    use_backend be if { path_beg /b/ }\nbackend be\n    http-request deny\n")
	v := h.Evaluate(Request{Host: "example.org", Port: 8080, Path: "/a/", UserAgent: googlebot})
	assert.Equal(t, 401, v.Status)
	assert.Equal(t, "site", v.Realm)
	v = h.Evaluate(Request{Host: "example.org", Port: 8080, Path: "/x", UserAgent: googlebot})
	assert.Equal(t, 200, v.Status, "a listen is its own backend")
	assert.Equal(t, "listen site", v.Selected.Context)
	v = h.Evaluate(Request{Host: "example.org", Port: 8080, Path: "/b/", UserAgent: googlebot})
	assert.Equal(t, 403, v.Status)
}

func TestHAProxySSLBind(t *testing.T) {
	h := loadHAProxy(t, "defaults d\n    mode http\nfrontend f from d\n    bind :80\n    bind :443 ssl crt /etc/ssl/site.pem\n    http-request redirect scheme https unless { ssl_fc }\n    http-request deny\n")
	assert.Equal(t, 302, h.Evaluate(Request{Host: "example.org", Port: 80, Path: "/"}).Status)
	assert.Equal(t, 403, h.Evaluate(Request{Host: "example.org", Port: 443, Path: "/"}).Status)
}

func TestHAProxyPatternFile(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"haproxy.cfg": hapHead + "    http-request deny if { hdr_sub(user-agent) -i -f bots.lst } !{ path -f " + "/nonexistent.lst } || { path_beg -f paths.lst /extra/ }\n",
		"bots.lst":    "# crawlers\n\n   googlebot\r\nbingbot\n",
		"paths.lst":   "/private/\n",
	})
	nodes, err := ReadHAProxy(filepath.Join(dir, "haproxy.cfg"))
	require.NoError(t, err)
	h, err := NewHAProxy(nodes)
	require.NoError(t, err)
	for _, tt := range []struct {
		path, agent string
		status      int
		certain     bool
	}{
		{"/", googlebot, 403, false}, // the missing file decides, taken as not matching
		{"/private/x", "curl/8", 403, true},
		{"/extra/x", "curl/8", 403, true},
		{"/", "curl/8", 200, true},
	} {
		v := h.Evaluate(Request{Host: "example.org", Port: 80, Path: tt.path, UserAgent: tt.agent})
		assert.Equal(t, tt.status, v.Status, "%s as %s: %q", tt.path, tt.agent, v.Notes)
		assert.Equal(t, tt.certain, v.Certainty == Certain, "%s as %s: %q", tt.path, tt.agent, v.Notes)
	}
}

func TestHAProxyStats(t *testing.T) {
	conf := "defaults d\n" + // 1
		"    mode http\n" + // 2
		"    stats enable\n" + // 3
		"frontend www from d\n" + // 4
		"    bind :80\n" + // 5
		"    stats uri /st\n" + // 6
		"    stats auth admin:secret\n" + // 7
		"    http-request deny if { path /st/x }\n" + // 8
		"    default_backend be\n" + // 9
		"backend be from d\n" + // 10
		"    stats realm Back\\ Stats\n" + // 11
		"    stats auth admin:secret\n" + // 12
		"    http-request return status 200 if { path /ok }\n" // 13
	h := loadHAProxy(t, conf)
	tests := []struct {
		path   string
		status int
		realm  string
		line   int
	}{
		{"/st", 401, "HAProxy Statistics", 7},
		{"/stx?y", 401, "HAProxy Statistics", 7},
		{"/st/x", 403, "", 8},
		{"/haproxy?stats", 401, "Back Stats", 12},
		{"/ok", 200, "", 13},
	}
	for _, tt := range tests {
		v := h.Evaluate(Request{Host: "example.org", Port: 80, Path: tt.path, UserAgent: googlebot})
		assert.Equal(t, tt.status, v.Status, tt.path)
		assert.Equal(t, tt.realm, v.Realm, tt.path)
		if assert.NotNil(t, v.DecidedBy, tt.path) {
			assert.Equal(t, tt.line, v.DecidedBy.Line, tt.path)
		}
	}
	h = loadHAProxy(t, "defaults d\n    mode http\nlisten l from d\n    bind :80\n    stats enable\n")
	v := h.Evaluate(Request{Host: "example.org", Port: 80, Path: "/haproxy?stats", UserAgent: googlebot})
	assert.Equal(t, 200, v.Status)
	assert.Equal(t, OutcomeReturn, v.Outcome)
	assert.Equal(t, 5, v.DecidedBy.Line)
}

func TestHAProxyTCPMode(t *testing.T) {
	h := loadHAProxy(t, "frontend f\n    bind :80\n    http-request deny\n")
	v := h.Evaluate(Request{Host: "example.org", Port: 80, Path: "/", UserAgent: googlebot})
	assert.Equal(t, OutcomeOpen, v.Outcome)
	assert.Contains(t, strings.Join(v.Notes, "\n"), "tcp mode")
}

func TestHAProxyFetches(t *testing.T) {
	const bing = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"
	const chromeBot = "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; Googlebot/2.1; +http://www.google.com/bot.html) Chrome/120.0 Safari/537.36"
	deny := func(cond string) string { return "    http-request deny if " + cond + "\n" }
	cases := []struct {
		cond  string
		path  string
		agent string
		want  bool
	}{
		{"{ path /a }", "/a", "", true},
		{"{ path /a }", "/a?x=1", "", true},
		{"{ path /a }", "/A", "", false},
		{"{ path -i /a }", "/A", "", true},
		{"{ path_beg /a/ }", "/a//b", "", true},
		{"{ path_beg /a/ }", "/%61/", "", false},
		{"{ path,url_dec -m beg /a/ }", "/%61/", "", true},
		{"{ path,lower -m beg /a/ }", "/A/", "", true},
		{"{ path_beg /admin }", "/x/../admin", "", false},
		{"{ path_end .html }", "/x.html?y", "", true},
		{"{ path_sub priv }", "/a/private/", "", true},
		{"{ path_dir admin }", "/x/admin/y", "", true},
		{"{ path_dir admin }", "/x/administrator/", "", false},
		{"{ path_dir /a/b/ }", "/x/a/b", "", true},
		{"{ path_dom example }", "/www.example.org", "", true},
		{"{ path_reg ^/blog/.*\\.html$ }", "/blog/x.html", "", true},
		{"{ path_reg -i ^/BLOG/ }", "/blog/x", "", true},
		{"{ path_reg ^/(?!pub/) }", "/pub/x", "", false},
		{"{ path_reg ^/(?!pub/) }", "/priv/x", "", true},
		{"{ path_len 3 }", "/ab", "", true},
		{"{ path -m len 10: }", "/ab", "", false},
		{"{ url /a?x=1 }", "/a?x=1", "", true},
		{"{ url_beg /a? }", "/a?x=1", "", true},
		{"{ pathq /a?x=1 }", "/a?x=1", "", true},
		{"{ query x=1 }", "/a?x=1", "", true},
		{"{ query -m found }", "/a", "", false},
		{"{ base example.org/a }", "/a?q", "", true},
		{"{ base_beg example.org/ }", "/", "", true},
		{"{ hdr(host) example.org }", "/", "", true},
		{"{ hdr(Host) -i EXAMPLE.ORG }", "/", "", true},
		{"{ hdr_end(host) .org }", "/", "", true},
		{"{ hdr_dom(host) example }", "/", "", true},
		{"{ req.hdr(host),lower -m str example.org }", "/", "", true},
		{"{ hdr(user-agent) -m sub Googlebot }", "/", "", true},
		{"{ hdr(user-agent) -m sub Googlebot }", "/", bing, false},
		{"{ req.hdr(User-Agent) -m sub -i bot }", "/", bing, true},
		{"{ hdr_sub(user-agent) -i bot }", "/", "", true},
		{"{ hdr_reg(user-agent) (?i)googlebot|bingbot }", "/", bing, true},
		{"{ hdr(user-agent) -m beg Mozilla/5.0 }", "/", "", true},
		{"{ hdr(user-agent) -m beg like }", "/", chromeBot, true},
		{"{ req.fhdr(user-agent) -m beg like }", "/", chromeBot, false},
		{"{ hdr(user-agent) -m found }", "/", "", true},
		{"{ hdr(authorization) -m found }", "/", "", false},
		{"!{ hdr(authorization) -m found }", "/", "", true},
		{"{ req.cook(session) -m found }", "/", "", false},
		{"{ method GET }", "/", "", true},
		{"METH_GET", "/", "", true},
		{"METH_POST", "/", "", false},
		{"TRUE", "/", "", true},
		{"! TRUE", "/", "", false},
		{"FALSE or TRUE", "/", "", true},
		{"FALSE || TRUE", "/", "", true},
		{"TRUE FALSE", "/", "", false},
		{"HTTP_URL_SLASH", "/", "", true},
		{"{ http_auth(users) }", "/", "", false},
		{"!{ http_auth(users) }", "/", "", true},
		{"{ path_end -- -x }", "/a-x", "", true},
		{"{ path /a /b }", "/b", "", true},
	}
	for _, tt := range cases {
		h := loadHAProxy(t, hapHead+deny(tt.cond))
		agent := tt.agent
		if agent == "" {
			agent = googlebot
		}
		v := h.Evaluate(Request{Host: "example.org", Port: 80, Path: tt.path, UserAgent: agent})
		assert.Equal(t, tt.want, v.Status == 403, "%s on %s (%s); notes %q", tt.cond, tt.path, agent, v.Notes)
		assert.Equal(t, Certain, v.Certainty, "%s: notes %q", tt.cond, v.Notes)
	}
	// The Host header carries the port when it is not the default one.
	h := loadHAProxy(t, "defaults d\n    mode http\nfrontend f from d\n    bind :8080\n"+deny("{ hdr(host) example.org:8080 }"))
	assert.Equal(t, 403, h.Evaluate(Request{Host: "example.org", Port: 8080, Path: "/"}).Status)
}

func TestHAProxyMechanisms(t *testing.T) {
	runHAProxyCases(t, []haproxyCase{
		{name: "ua deny", conf: "    http-request deny if { req.hdr(user-agent) -m sub -i bot } { path_beg /docs/ }\n", path: "/docs/", status: 403, outcome: OutcomeDeny, mech: "ua-rule", line: 5},
		{name: "ua deny other agent", conf: "    http-request deny if { req.hdr(user-agent) -m sub -i bot } { path_beg /docs/ }\n", path: "/docs/", agent: "Mozilla/5.0 Firefox", status: 200, outcome: OutcomeOpen},
		{name: "ua acl named", conf: "    acl bots hdr_sub(user-agent) -i googlebot\n    acl bots hdr_sub(user-agent) -i bingbot\n    http-request return status 403 if bots\n", path: "/", status: 403, outcome: OutcomeReturn, mech: "ua-rule", line: 7, note: "acl bots hdr_sub(user-agent) -i googlebot at"},
		{name: "negated named acl", conf: "    acl authenticated http_auth(editors)\n    http-request auth realm Beta if { path_beg /beta/ } !authenticated\n", path: "/beta/", status: 401, outcome: OutcomeAuth, mech: "basic", realm: "Beta", line: 6, note: "acl authenticated ("},
		{name: "src deny depends", conf: "    http-request deny unless { src 10.0.0.0/8 }\n", path: "/", status: 403, outcome: OutcomeDepends, mech: "ip-rule", line: 5, note: "tests the client's address"},
		{name: "src allow list depends", conf: "    http-request deny if { src 192.0.2.1 }\n", path: "/", status: 200, outcome: OutcomeDepends, mech: "ip-rule", line: 5},
		{name: "src then auth", conf: "    http-request allow if { src 192.0.2.0/24 }\n    http-request auth\n", path: "/", status: 401, outcome: OutcomeDepends, mech: "basic", realm: "www", line: 6},
		{name: "rate limit depends", conf: "    http-request track-sc0 src\n    http-request deny deny_status 429 if { sc_http_req_rate(0) gt 20 }\n", path: "/", status: 200, outcome: OutcomeDepends, mech: "ip-rule", line: 6, note: "request counters"},
		{name: "dst_port gt", conf: "    http-request deny if { dst_port gt 79 }\n", path: "/", status: 403, outcome: OutcomeDeny, mech: "unknown", line: 5},
		{name: "dst_port lt", conf: "    http-request deny if { dst_port lt 80 }\n", path: "/", status: 200, outcome: OutcomeOpen},
		{name: "LOCALHOST depends", conf: "    http-request deny if !LOCALHOST\n", path: "/", status: 403, outcome: OutcomeDepends, mech: "ip-rule", line: 5},
		{name: "src that does not decide", conf: "    http-request deny if { src 192.0.2.1 } { path_beg /admin/ }\n", path: "/blog/", status: 200, outcome: OutcomeOpen},
		{name: "unknown fetch is uncertain", conf: "    http-request deny if { var(txn.flag) -m found }\n", path: "/", status: 200, outcome: OutcomeOpen, note: "var is not modelled", unsure: true},
		{name: "plain http is not ssl_fc", conf: "    redirect scheme https code 301 unless { ssl_fc }\n", path: "/", status: 301, outcome: OutcomeReturn, mech: "redirect", line: 5},
		{name: "dst_port", conf: "    http-request deny if { dst_port 80 }\n", path: "/", status: 403, outcome: OutcomeDeny, mech: "unknown", line: 5},
		{name: "dst_port range", conf: "    http-request deny if { dst_port 1:79 }\n", path: "/", status: 200, outcome: OutcomeOpen},
		{name: "other header is uncertain", conf: "    http-request deny if { hdr(x-forwarded-for) -m found }\n", path: "/", status: 200, outcome: OutcomeOpen, note: "hdr(x-forwarded-for)", unsure: true},
		{name: "patterns from a missing file", conf: "    http-request deny if { path -f /nonexistent/blocked.lst }\n", path: "/", status: 200, outcome: OutcomeOpen, note: "patterns are read from /nonexistent/blocked.lst, which cannot be read", unsure: true},
		{name: "unknown term that does not decide", conf: "    http-request deny if { var(txn.flag) -m found } { path /x }\n", path: "/y", status: 200, outcome: OutcomeOpen},
	})
}

func TestNewHAProxyErrors(t *testing.T) {
	tests := []haproxyErrorCase{
		{"acl used before its declaration", "frontend f\n    http-request deny if late\n    acl late path /x\n", 2, "no such ACL"},
		{"rules in an anonymous defaults", "defaults\n    http-request deny\n", 2, "anonymous defaults"},
		{"missing defaults", "frontend f from nope\n", 1, "not found"},
		{"missing backend", "frontend f\n    use_backend nope if TRUE\n", 2, "unable to find the backend"},
		{"missing default backend", "frontend f\n    default_backend nope\n", 2, "unable to find the backend"},
		{"unclosed brace", "frontend f\n    http-request deny if { path /x\n", 2, "missing closing '}'"},
		{"bad match method", "frontend f\n    acl a path -m nope x\n", 2, "unknown match method"},
		{"bad regex", "frontend f\n    acl a path_reg (\n", 2, "regex"},
		{"bad bind", "frontend f\n    bind :http\n", 2, "bad port"},
		{"listen inheriting rules", "defaults d\n    http-request deny\nlisten l from d\n", 3, "listen section cannot inherit"},
		{"frontend and backend sharing rules", "defaults d\n    http-request deny\nfrontend f from d\nbackend b from d\n", 4, "frontends and backends cannot inherit"},
		{"lone or", "frontend f\n    http-request deny if or TRUE\n", 2, "no term before"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertHAProxyParseError(t, tt.conf, tt.line, tt.want, func(path string) error {
				nodes, err := ReadHAProxy(path)
				require.NoError(t, err)
				_, err = NewHAProxy(nodes)
				return err
			})
		})
	}
}

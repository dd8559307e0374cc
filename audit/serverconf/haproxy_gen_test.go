package serverconf

import (
	"strings"
)

// haproxyGen writes random valid HAProxy configs for the differential
// test: named defaults with rules for the frontend and for the backends,
// named ACLs declared on several lines, anonymous ACLs, if/unless with
// and/or/!, every final action, allow, redirect rules, use_backend and
// default_backend, quoting and .if blocks.
//
// Address ACLs never name 127.0.0.1: the test reaches haproxy from there,
// and a crawler never comes from it.
type haproxyGen struct {
	configGen
	acls []string // named ACLs declared in the frontend so far
}

func generateHAProxyConfig(seed uint64) string {
	g := &haproxyGen{configGen: newConfigGen(seed, 0x2545f4914f6cdd1d, "")}
	g.line("global")
	g.line("    log stderr format raw local0 emerg")
	// A listen section may not inherit rules from its defaults.
	listen := g.chance(3)
	g.defaults("fe_defaults", !listen)
	g.defaults("be_defaults", true)
	g.line("userlist editors")
	g.line("    user editor insecure-password not-a-real-secret")
	g.line("")
	// A listen section is its own backend when no use_backend or
	// default_backend sends the request elsewhere.
	if listen {
		g.line("listen www from fe_defaults")
	} else {
		g.line("frontend www from fe_defaults")
	}
	g.line("    bind 127.0.0.1:{{PORT}}")
	g.line("    acl authenticated http_auth(editors)")
	g.acls = append(g.acls, "authenticated")
	for range 1 + g.rnd.IntN(3) {
		name := g.pick("bots", "private", "static", "hosts")
		for range 1 + g.rnd.IntN(2) {
			g.line("    acl " + name + " " + g.term())
		}
		g.acls = append(g.acls, name)
	}
	if g.chance(3) {
		g.line(".if version_atleast(2.5)")
		g.line("    http-request " + g.action(true) + " " + g.cond())
		g.line(".else")
		g.line("    http-request deny")
		g.line(".endif")
	}
	for range g.rnd.IntN(6) {
		g.line("    http-request " + g.action(true) + " " + g.cond())
	}
	if len(g.acls) > 1 && g.chance(2) {
		// A later line adds to an ACL that rules above already use.
		g.line("    acl " + g.acls[1+g.rnd.IntN(len(g.acls)-1)] + " " + g.term())
	}
	if g.chance(3) {
		g.line(".if defined(AUTHWALL_UNSET_VARIABLE) || streq(a,b)")
		g.line("    http-request deny")
		g.line(`.elif !version_before(2.6) && feature(PCRE2)`)
		g.line("    http-request " + g.action(true) + " " + g.cond())
		g.line(".endif")
	}
	if g.chance(4) {
		g.line("    monitor-uri " + g.pick("/blog/", "/a", "/pub/"))
	}
	if g.chance(4) {
		g.stats(g.pick("/admin", "/admin/stats", "/st"))
	}
	if g.chance(3) {
		g.line("    redirect location /moved code " + g.pick("301", "302", "303", "307", "308") + " " + g.cond())
	}
	for range g.rnd.IntN(3) {
		g.line("    use_backend " + g.pick("app", "static") + " " + g.cond())
	}
	if !g.chance(3) {
		g.line("    default_backend app")
	}
	g.line("")
	g.acls = nil
	for _, be := range []string{"app", "static"} {
		g.line("backend " + be + " from be_defaults")
		for range g.rnd.IntN(4) {
			g.line("    http-request " + g.action(true) + " " + g.cond())
		}
		if g.chance(5) {
			g.stats("")
		}
		g.line(`    http-request return status 200 content-type text/plain string "backend ` + be + `"`)
		g.line("")
	}
	return g.b.String()
}

// line writes s as it is: the generator writes its own indentation.
func (g *haproxyGen) line(s string) { g.configGen.line(0, s) }

// stats turns the statistics page on, at uri ("" keeps the default
// /haproxy?stats), maybe behind a password.
func (g *haproxyGen) stats(uri string) {
	if uri == "" {
		g.line("    stats enable")
	} else {
		g.line("    stats uri " + uri)
	}
	if g.chance(2) {
		g.line("    stats auth admin:not-a-real-secret")
		if g.chance(2) {
			g.line(`    stats realm "Ops Area"`)
		}
	}
}

func (g *haproxyGen) defaults(name string, rules bool) {
	g.line("defaults " + name)
	g.line("    mode http")
	g.line("    timeout connect 5s")
	g.line("    timeout client 10s")
	g.line("    timeout server 10s")
	if rules && g.chance(2) {
		g.line("    http-request " + g.action(false) + " " + g.anonCond())
	}
	g.line("")
}

// action is a final action or allow; named says ACL names may follow.
func (g *haproxyGen) action(named bool) string {
	switch g.rnd.IntN(9) {
	case 0, 1:
		return g.pick("deny", "deny deny_status 404", "deny deny_status 429", "deny deny_status 503")
	case 2, 3:
		return g.pick("auth", `auth realm "Staff Only"`, "auth realm 'it''s'", `auth realm Team\ A`)
	case 4:
		return g.pick("return status 418", "return status 403 content-type text/plain string blocked", "return status 401", "return status 200 content-type text/plain string ok")
	case 5:
		return g.pick("redirect location /login", "redirect location /login code 301", "redirect prefix /new code 307")
	}
	return "allow"
}

// cond is a condition that may use named ACLs.
func (g *haproxyGen) cond() string {
	kw := "if"
	if g.chance(5) {
		kw = "unless"
	}
	var groups []string
	for range 1 + g.rnd.IntN(2) {
		var terms []string
		for range 1 + g.rnd.IntN(2) {
			t := ""
			if len(g.acls) > 0 && g.chance(2) {
				t = g.acls[g.rnd.IntN(len(g.acls))]
			} else {
				t = "{ " + g.term() + " }"
			}
			if g.chance(4) {
				t = "!" + t
			}
			terms = append(terms, t)
		}
		groups = append(groups, strings.Join(terms, " "))
	}
	return kw + " " + strings.Join(groups, " "+g.pick("or", "||")+" ")
}

// anonCond is a condition of anonymous ACLs only (defaults sections have
// no named ones).
func (g *haproxyGen) anonCond() string {
	saved := g.acls
	g.acls = nil
	defer func() { g.acls = saved }()
	return g.cond()
}

var haproxyGenTerms = []string{
	"path_beg '/a/'", `path "/admin/"`, `path_reg '^/blog/.*\.html$'`, "path_end '.html'",
	`hdr(user-agent) -m sub "Googlebot/2.1; +http"`, "path_dom example", "url_dir admin", "hdr_dom(host) example",
	`base_reg ^other\.example(:[0-9]+)?/`, "path_end -i .PNG", `url_reg \?x=`, "path_reg (?i)^/admin",
	"hdr(user-agent) -m reg -i googlebot|bingbot", "hdr(user-agent),lower -m sub bot", "hdr(user-agent) -m beg like",
	"req.fhdr(user-agent) -m beg like", "hdr(user-agent) -m end .html)", "path -m len 1:4", "path -m found",
	"url_beg //", "path_beg /a//", "path_sub ..", "path_sub %2", "path,url_dec -m sub ../",
	"path /", "path /admin/", "path -i /admin/", "path_beg /a/", "path_beg /admin", "path_beg -i /admin",
	"path_beg /blog/", "path_beg /b", "path_end .html", "path_end -i .png", "path_sub priv", "path_dir admin",
	"path_dir blog", `path_reg ^/blog/.*\.html$`, "path_reg -i ^/BLOG/", `path_reg ^/(?!pub/)\w+/x`,
	"url_beg /a?", "url_sub x=1", "base_beg example.org", "hdr(host) -i example.org", "hdr_beg(host) other.",
	"hdr(user-agent) -m sub Googlebot", "req.hdr(User-Agent) -m sub -i bingbot", "hdr_sub(user-agent) -i bot",
	"path,url_dec -m beg /a/", "path,lower -m beg /admin", "method GET", "method POST", "query -m found",
	"src 192.0.2.0/24", "src 198.51.100.7", "path /docs/ /press/", "path_len 1", "path -m beg -i /pub/ /press",
	"method HEAD", "path_dir a/b", "path_dom a", "dst_port {{PORT}}", "dst_port 1:1024", "ssl_fc", "dst_port gt 1024", "dst_port le 1024",
}

func (g *haproxyGen) term() string { return haproxyGenTerms[g.rnd.IntN(len(haproxyGenTerms))] }

// haproxyGenURLs are the request targets every generated config is asked
// for.
var haproxyGenURLs = []string{
	"/", "/a", "/a/", "/a/x.html", "/A/x.html", "/a//b", "/%61/x.html", "/a%2Fb", "/x/../admin/",
	"/admin", "/admin/", "/Admin/x", "/ADMIN/", "/administrator/", "/blog/", "/blog/x.html", "/BLOG/x.html",
	"/blog/private/x", "/pub/x", "/priv/x", "/docs/", "/docs", "/press/kit", "/a?x=1", "/x.html", "/img/x.PNG",
	"/a/b/", "/./a/", "/%2e%2e/admin/", "/blog/..%2Fadmin/", "/pub/", "/b", "/haproxy?stats", "/admin/stats",
	"/stats",
}

// haproxyGenAgents are the crawlers every URL is asked as.
var haproxyGenAgents = []string{
	googlebot,
	"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
	// Googlebot Smartphone: the comma in it splits the value hdr() sees.
	"Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
}

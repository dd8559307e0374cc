package serverconf

import (
	"fmt"
	"strings"
)

// nginxGen writes random valid nginx configs for the differential test:
// two or three server blocks on one port (exact, wildcard and regex
// names, default_server), nested locations with every modifier,
// inherited and overridden auth_basic, allow/deny lists, satisfy,
// limit_except, return, rewrite, a User-Agent if, index and try_files redirects,
// error_page, and a glob include (with a dot-file nginx must skip).
//
// Address rules never name 127.0.0.1: the test reaches nginx from there,
// and a crawler never comes from it.
type nginxGen struct {
	configGen
}

// nginxHiddenInclude is a dot-file beside the included files: nginx skips
// it, and so must the reader, or /hidden/ would answer 418.
const nginxHiddenInclude = "location /hidden/ { return 418; }\n"

// nginxGenConfig is one generated config.
type nginxGenConfig struct {
	Template string            // the main file, with realserver's placeholders
	Files    map[string]string // extra files under the site dir (includes)
}

func generateNginxConfig(seed uint64) nginxGenConfig {
	g := &nginxGen{configGen: newConfigGen(seed, 0x9e3779b97f4a7c15, "    ")}
	g.line(0, "{{USER}}")
	g.line(0, "worker_processes 1;")
	g.line(0, "pid {{PREFIX}}/nginx.pid;")
	g.line(0, "error_log {{PREFIX}}/error.log warn;")
	g.line(0, "events { worker_connections 64; }")
	g.line(0, "http {")
	g.line(1, "access_log off;")
	for _, p := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		g.line(1, fmt.Sprintf("%s_temp_path {{PREFIX}}/%s;", p, p))
	}
	g.line(1, "default_type text/html;")
	g.line(1, "map $http_user_agent $is_bot { default 0; ~*googlebot 1; }")
	g.line(1, "map $http_user_agent $is_bing { default 0; \"~bingbot\" 1; }")
	if g.chance(4) {
		g.line(1, `auth_basic "Whole Site";`)
		g.line(1, "auth_basic_user_file {{PREFIX}}/htpasswd;")
	}
	g.server("example.org", false)
	g.server("other.example", g.chance(2))
	if g.chance(2) {
		// Wildcard and regex names: www.example.org and api7.example.net
		// come here, example.org itself does not.
		g.server(`*.example.org ~^api\d+\.example\.net$`, false)
	}
	g.line(0, "}")
	files := map[string]string{
		// A glob include, and a dot-file beside it that nginx skips.
		"_inc/extra.conf":   "location /inc/ {\n    " + g.pick(`auth_basic "Included";`, "deny all;", "return 302 /blog/;", "allow all;") + "\n}\n",
		"_inc/.hidden.conf": nginxHiddenInclude,
	}
	return nginxGenConfig{Template: g.b.String(), Files: files}
}

func (g *nginxGen) server(name string, defaultServer bool) {
	g.line(1, "server {")
	listen := "listen 127.0.0.1:{{PORT}};"
	if defaultServer {
		listen = "listen 127.0.0.1:{{PORT}} default_server;"
	}
	g.line(2, listen)
	g.line(2, "server_name "+name+";")
	g.line(2, "root {{PREFIX}}/site;")
	if name == "example.org" {
		g.line(2, "include site/_inc/*.conf;")
	}
	g.body(2, map[string]bool{}, true)
	if g.chance(3) {
		g.line(2, g.pick("error_page 403 /err/403.html;", "error_page 401 =302 https://login.example/;", "error_page 401 403 /err/403.html;", "error_page 403 =200 /err/403.html;"))
		g.line(2, "location /err/ { auth_basic off; allow all; }")
	}
	used := map[string]bool{}
	for range 2 + g.rnd.IntN(6) {
		g.location(2, "", used, 0)
	}
	// try_files may name it.
	g.line(2, "location @fallback { "+g.pick("return 403;", `auth_basic "Named"; auth_basic_user_file {{PREFIX}}/htpasswd;`, "allow all;")+" }")
	g.line(1, "}")
}

// prefixes are the prefix locations to draw from; nested ones extend
// their parent's.
var nginxGenPrefixes = []string{"/", "/a/", "/a/b/", "/blog/", "/blog/private/", "/admin/", "/img/", "/exact", "/inc"}

var nginxGenRegexes = []string{
	`~ \.css$`, `~* \.png$`, `~ ^/blog/.*\.html$`, `~* ^/admin`, `~ /b/`, `~ \.html$`, `~* /PRIVATE/`,
	// PCRE only (lookahead): Go's regexp refuses it.
	`~ ^/(?!blog/)\w+/x\.html$`,
}

// location writes one location, maybe with nested ones, at a level whose
// used names are in used; parent is the enclosing prefix ("" at server
// level).
func (g *nginxGen) location(depth int, parent string, used map[string]bool, nest int) {
	var head string
	prefix := ""
	switch g.rnd.IntN(6) {
	case 0, 1, 2:
		var opts []string
		for _, p := range nginxGenPrefixes {
			if strings.HasPrefix(p, parent) && p != parent {
				opts = append(opts, p)
			}
		}
		if len(opts) == 0 {
			return
		}
		prefix = opts[g.rnd.IntN(len(opts))]
		head = prefix
		if g.chance(3) {
			head = "^~ " + prefix
		}
	case 3:
		var opts []string
		for _, p := range []string{"/", "/a/", "/exact", "/blog/post.html", "/index.html"} {
			if strings.HasPrefix(p, parent) {
				opts = append(opts, p)
			}
		}
		if len(opts) == 0 {
			return
		}
		head = "= " + opts[g.rnd.IntN(len(opts))]
	default:
		head = nginxGenRegexes[g.rnd.IntN(len(nginxGenRegexes))]
	}
	// nginx refuses a second location with the same name at one level,
	// whatever its modifier between prefix and ^~.
	key := strings.TrimPrefix(head, "^~ ")
	if used[key] {
		return
	}
	used[key] = true
	g.line(depth, "location "+head+" {")
	g.body(depth+1, map[string]bool{}, false)
	if prefix != "" && nest < 2 && g.chance(2) {
		inner := map[string]bool{}
		for range 1 + g.rnd.IntN(2) {
			g.location(depth+1, prefix, inner, nest+1)
		}
	}
	g.line(depth, "}")
}

// body writes a block's directives; once holds the ones nginx allows once.
func (g *nginxGen) body(depth int, once map[string]bool, server bool) {
	add := func(name, text string) {
		if !once[name] {
			once[name] = true
			g.line(depth, text)
		}
	}
	for range g.rnd.IntN(4) {
		switch g.rnd.IntN(12) {
		case 0:
			add("auth_basic", g.pick(`auth_basic "Staff";`, "auth_basic Team;"))
			if !g.chance(4) {
				add("auth_basic_user_file", "auth_basic_user_file {{PREFIX}}/htpasswd;")
			}
		case 1:
			add("auth_basic", "auth_basic off;")
		case 2:
			add("access", g.pick("deny all;", "allow 192.0.2.1;\n"+strings.Repeat("    ", depth)+"deny all;", "allow all;", "deny 198.51.100.0/24;", "allow 192.0.2.0/24;"))
		case 3:
			add("satisfy", g.pick("satisfy any;", "satisfy all;"))
		case 4:
			if g.chance(3) {
				add("return", g.pick("return 200 ok;", "return 302 /blog/;", "return 404;", "return 403;", "return 401;", "return 301 https://example.org/;"))
			}
		case 5:
			add("if", g.pick(
				"if ($http_user_agent ~* googlebot) { return 403; }",
				"if ($http_user_agent ~ Bingbot) { return 403; }",
				"if ($http_user_agent ~ bingbot) { return 403; }",
				`if ($http_user_agent ~* "bot") { return 401; }`,
				"if ($request_method = POST) { return 405; }",
				"if ($is_bot) { return 403; }",
				"if ($is_bing) { return 401; }",
				"set $gate 1;\n"+strings.Repeat("    ", depth)+"if ($gate = 1) { return 404; }",
			))
		case 6:
			if !server {
				add("limit_except", g.pick(
					"limit_except GET { deny all; }",
					"limit_except POST { deny all; }",
					`limit_except POST { auth_basic "Writers"; auth_basic_user_file {{PREFIX}}/htpasswd; }`,
				))
			}
		case 7:
			add("try_files", g.pick("try_files $uri.none /blog/post.html;", "try_files $uri.none =404;", "try_files $uri.none /admin/x.html;", "try_files $uri.none @fallback;"))
		case 8:
			add("index", "index index.html;")
		case 9:
			add("auth_basic_user_file", "auth_basic_user_file {{PREFIX}}/htpasswd;")
		case 10:
			add("rewrite", g.pick(
				"rewrite ^/a/(.*)$ /blog/$1 last;",
				"rewrite ^/admin/(.*)$ /blog/$1;",
				"rewrite ^/blog/private/ /admin/x.html break;",
				"rewrite ^/exact$ /blog/ permanent;",
				"rewrite ^/img/(.*)$ https://cdn.example/$1 redirect;",
			))
		}
	}
}

// nginxGenURLs are the request targets every generated config is asked for.
var nginxGenURLs = []string{
	"/", "/a", "/a/", "/a/x.html", "/a/b/", "/a/b/c.css", "/A/x.html", "/A/",
	"/a//b/c.css", "/a/./b/", "/x/../a/b/", "/%61/x.html", "/a%2Fb/c.css", "/a/b%2F..%2Fx.html",
	"/blog/", "/blog/post.html", "/blog/private/", "/blog/private/x.png", "/BLOG/post.html", "/blog/PRIVATE/x.html",
	"/img/x.PNG", "/img/x.png", "/s.css", "/index.html", "/exact", "/exact/", "/exactly",
	"/admin", "/admin/", "/admin/x.html", "/Admin/x.html", "/inc/", "/inc/x.html", "/hidden/",
	"/../a/", "/blog/..%2F..%2Fadmin/",
	"/blog/post.html?x=1", "/blog/private", "/a/b", "/%2e%2e/a/", "/a/%2e%2e/admin/", "/ADMIN/x.html", "/a/b/C.CSS",
}

// nginxGenSiteFiles are the files of the generated site: every directory the
// URLs name exists with an index.html, so nginx's index module redirects
// as the evaluator assumes.
var nginxGenSiteFiles = []string{
	"index.html", "a/index.html", "a/x.html", "a/b/index.html", "a/b/c.css", "A/index.html", "A/x.html",
	"blog/index.html", "blog/post.html", "blog/b/index.html", "blog/private/index.html", "blog/private/x.png",
	"img/x.png", "s.css", "exact/index.html", "admin/index.html", "admin/x.html",
	"inc/index.html", "inc/x.html", "hidden/index.html", "err/403.html",
}

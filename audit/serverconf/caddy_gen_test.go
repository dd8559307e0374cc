package serverconf

import (
	"fmt"
	"strings"
)

// caddyGen writes random valid Caddyfiles for the differential test: two
// site blocks on one port (one by host, one a catch-all or the loopback
// address), basicauth at site level and under matchers (both spellings of
// the path wildcard), named matchers with path, path_regexp, a
// User-Agent header and not, uri, respond/error/abort/redir walls, sibling
// handle and handle_path blocks, route, rewrite, a snippet with
// {args.0} and a glob import.
type caddyGen struct {
	configGen
	named int
}

type caddyGenConfig struct {
	Template string
	Files    map[string]string // beside the Caddyfile in the prefix
}

const caddyGenHash = "$2a$14$R2Z9D9T0mqq8PtMSMMXlBe6aimfOirWNMfL821r9E3yO6Kb5jLDWC"

func generateCaddyConfig(seed uint64) caddyGenConfig {
	g := &caddyGen{configGen: newConfigGen(seed, 0x5bd1e995, "\t")}
	g.line(0, "{")
	g.line(1, "admin off")
	g.line(1, "auto_https off")
	g.line(0, "}")
	g.line(0, "(walled) {")
	g.line(1, "basicauth {args.0} bcrypt Snippet {")
	g.line(2, "editor "+caddyGenHash)
	g.line(1, "}")
	g.line(0, "}")
	g.site("http://example.org:{{PORT}}, http://www.example.org:{{PORT}}", true)
	g.site(g.pick("http://:{{PORT}}", "http://127.0.0.1:{{PORT}}", ":{{PORT}}"), false)
	if g.chance(2) {
		// A wildcard host sorts after the exact ones, before the catch-all.
		g.site("http://*.example.org:{{PORT}}", false)
	}
	files := map[string]string{
		"conf.d/extra.caddy": "respond /inc/* " + g.pick("403", "\"included\" 200", "401") + "\n",
	}
	return caddyGenConfig{Template: g.b.String(), Files: files}
}

var caddyGenPaths = []string{"/a/*", "/a*", "/a", "/a/b/*", "/blog/*", "/blog/private/*", "/admin*", "/admin/*", "*.css", "/B*", "/x/*/c.css", "*priv*"}

func (g *caddyGen) path() string { return caddyGenPaths[g.rnd.IntN(len(caddyGenPaths))] }

func (g *caddyGen) site(addrs string, main bool) {
	g.line(0, addrs+" {")
	g.line(1, "bind 127.0.0.1")
	g.line(1, "root * {{PREFIX}}/site")
	if main {
		g.line(1, "import site/conf.d/*.caddy")
	}
	var matchers []string
	for range g.rnd.IntN(3) {
		g.named++
		name := fmt.Sprintf("@m%d", g.named)
		matchers = append(matchers, name)
		g.matcher(1, name)
	}
	g.body(1, matchers, 2+g.rnd.IntN(5), 0)
	g.line(1, "file_server")
	g.line(0, "}")
}

func (g *caddyGen) matcher(depth int, name string) {
	switch g.rnd.IntN(6) {
	case 0:
		g.line(depth, name+" path "+g.path()+" "+g.path())
	case 1:
		g.line(depth, name+" {")
		g.line(depth+1, "header User-Agent "+g.pick("*bot*", "*Googlebot*", "*bingbot*", "Mozilla*"))
		if g.chance(2) {
			g.line(depth+1, "path "+g.path())
		}
		g.line(depth, "}")
	case 2:
		g.line(depth, name+" path_regexp "+g.pick(`^/a/.*\.css$`, `(?i)^/ADMIN`, `^/blog/`, `\.png$`))
	case 3:
		g.line(depth, name+" {")
		g.line(depth+1, "not path "+g.path())
		g.line(depth+1, "path "+g.path())
		g.line(depth, "}")
	case 4:
		g.line(depth, name+" not header User-Agent *bot*")
	default:
		g.line(depth, name+" {")
		g.line(depth+1, "path "+g.path())
		g.line(depth+1, "not remote_ip 192.0.2.0/24")
		g.line(depth, "}")
	}
}

// matcherTok is a directive's optional matcher token.
func (g *caddyGen) matcherTok(named []string) string {
	switch g.rnd.IntN(4) {
	case 0:
		return ""
	case 1:
		if len(named) > 0 {
			return named[g.rnd.IntN(len(named))] + " "
		}
	}
	p := g.path()
	for strings.HasPrefix(p, "*") {
		// Only "*" itself, "/..." and "@name" are matcher tokens.
		p = g.path()
	}
	return p + " "
}

func (g *caddyGen) body(depth int, named []string, n, nest int) {
	for range n {
		m := g.matcherTok(named)
		switch g.rnd.IntN(12) {
		case 0, 1:
			g.line(depth, "basicauth "+m+g.pick("", "bcrypt \"Staff Area\" ")+"{")
			g.line(depth+1, "editor "+caddyGenHash)
			g.line(depth, "}")
		case 2:
			g.line(depth, "respond "+m+g.pick("403", "401", "\"gone\" 410", "\"ok\"", "404"))
		case 3:
			g.line(depth, "error "+m+g.pick("403", "\"no\" 401", "500"))
		case 4:
			if m != "" {
				g.line(depth, "abort "+m)
			}
		case 5:
			if m != "" {
				g.line(depth, "redir "+m+g.pick("/blog/ 302", "https://example.net/ permanent", "/a/x.html 307"))
			}
		case 6:
			if m != "" {
				g.line(depth, "rewrite "+m+g.pick("/blog/post.html", "/admin/x.html", "/a{path}"))
			}
		case 7, 8:
			if nest < 2 {
				head := "handle " + m
				if g.chance(3) {
					head = "handle_path " + g.pick("/a/*", "/blog/*", "/admin*") + " "
				}
				g.line(depth, head+"{")
				g.body(depth+1, named, 1+g.rnd.IntN(3), nest+1)
				g.line(depth, "}")
			}
		case 9:
			if nest < 2 {
				g.line(depth, "route "+m+"{")
				g.body(depth+1, named, 1+g.rnd.IntN(3), nest+1)
				g.line(depth, "}")
			}
		case 10:
			g.line(depth, "import walled "+g.pick("/blog/private/*", "/admin/*", "*"))
		case 11:
			g.line(depth, g.pick("header "+m+"X-Test yes", "uri "+m+"strip_prefix /a", "uri "+m+"replace /blog/ /admin/"))
		}
	}
}

// caddyGenURLs are the request targets every generated config is asked for.
var caddyGenURLs = []string{
	"/", "/a", "/a/", "/a/x.html", "/a/b/", "/a/b/c.css", "/A/x.html", "/A/",
	"/a//b/c.css", "/a/./b/", "/x/../a/b/", "/%61/x.html", "/a%2Fb/c.css", "/x/b/c.css",
	"/blog/", "/blog/post.html", "/blog/private/", "/blog/private/x.png", "/BLOG/post.html", "/blog/PRIVATE/x.html",
	"/img/x.PNG", "/s.css", "/index.html", "/admin", "/admin/", "/admin/x.html", "/Admin/x.html", "/administrator",
	"/inc/", "/inc/x.html", "/../a/", "/blog/..%2F..%2Fadmin/", "/blog/post.html?x=1", "/a/x.html.", "/blog/private",
	"/Bx", "/b", "/priv", "/a%zz",
}

var caddyGenSiteFiles = []string{
	"index.html", "a/index.html", "a/x.html", "a/b/index.html", "a/b/c.css", "x/b/c.css",
	"blog/index.html", "blog/post.html", "blog/private/index.html", "blog/private/x.png",
	"img/x.png", "s.css", "admin/index.html", "admin/x.html", "inc/index.html", "inc/x.html",
}

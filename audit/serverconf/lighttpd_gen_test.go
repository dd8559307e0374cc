package serverconf

import (
	"fmt"
	"strings"
)

// lighttpdGen writes random valid lighttpd configs for the differential
// test: server.modules in different orders (mod_auth before or after
// mod_access, loaded through an authn module alone, or not at all),
// auth.require arrays whose keys overlap in random order, url.access-deny
// suffixes, url.redirect regexes (mod_redirect before or after the others), conditions on url, host, useragent, remoteip, querystring and
// request-method with every operator, nesting, else chains, a condition
// written twice or differing only in case or in regex form (one context
// in lighttpd), := and += in blocks, variables and +, and glob includes
// (a dot-file lighttpd must skip, an unmatched wildcard).
//
// Address rules never name 127.0.0.1: the test reaches lighttpd from
// there, and a crawler never comes from it.
type lighttpdGen struct {
	configGen
}

type lighttpdGenConfig struct {
	Template string            // the main file, with realserver's placeholders
	Files    map[string]string // extra files under the site dir (includes)
}

func generateLighttpdConfig(seed uint64) lighttpdGenConfig {
	g := &lighttpdGen{configGen: newConfigGen(seed, 0x6c69676874747064, "    ")}
	g.line(0, g.pick(
		`server.modules = ( "mod_access", "mod_auth", "mod_authn_file" )`,
		`server.modules = ( "mod_auth", "mod_authn_file", "mod_access" )`,
		`server.modules = ( "mod_authn_file", "mod_access" )`,
		`server.modules = ( "mod_access" )`,
		`server.modules = ( "mod_redirect", "mod_access", "mod_auth", "mod_authn_file" )`,
		`server.modules = ( "mod_auth", "mod_authn_file", "mod_access", "mod_redirect" )`,
	))
	if g.chance(4) {
		g.line(0, `url.redirect-code = 302`)
	}
	g.line(0, `server.document-root = "{{PREFIX}}/site"`)
	g.line(0, `server.bind = "127.0.0.1"`)
	g.line(0, `server.port = {{PORT}}`)
	g.line(0, `server.errorlog = "{{PREFIX}}/error.log"`)
	g.line(0, `index-file.names = ( "index.html" )`)
	g.line(0, `mimetype.assign = ( ".html" => "text/html", ".css" => "text/css", ".png" => "image/png" )`)
	g.line(0, `auth.backend = "plain"`)
	g.line(0, `auth.backend.plain.userfile = "{{PREFIX}}/plain-users"`)
	g.line(0, `realm = "Staff"`)
	if g.chance(3) {
		g.line(0, `server.force-lowercase-filenames = "enable"`)
	}
	g.line(0, `include "site/_inc/*.conf"`)
	g.line(0, `include "site/_none/*.conf"`)
	g.body(0, map[string]bool{})
	used := map[string]bool{}
	for range 1 + g.rnd.IntN(5) {
		g.condition(0, 0, used)
	}
	files := map[string]string{
		"_inc/extra.conf": g.pick(
			"$HTTP[\"url\"] =^ \"/inc/\" {\n    url.access-deny = ( \"\" )\n}\n",
			"$HTTP[\"url\"] =^ \"/inc/\" {\n    auth.require = ( \"/inc/\" => ( \"method\" => \"basic\", \"realm\" => \"Included\", \"require\" => \"valid-user\" ) )\n}\n",
			"inc = \"Included\"\n",
		),
		// A dot-file lighttpd skips; read, its duplicate would stop it.
		"_inc/.hidden.conf": "server.port = 1\n",
	}
	return lighttpdGenConfig{Template: g.b.String(), Files: files}
}

var lighttpdGenPrefixes = []string{"/", "/a/", "/a", "/b", "/blog/", "/blog/private/", "/admin/", "/Admin/", "/img/", "/exact"}

var lighttpdGenConditions = []string{
	`$HTTP["url"] =^ "/blog/"`, `$HTTP["url"] =~ "^/a/"`, `$HTTP["url"] == "/exact"`, `$HTTP["url"] =$ ".css"`,
	`$HTTP["url"] !~ "^/blog/"`, `$HTTP["url"] != "/"`, `$HTTP["url"] =~ "(?i)/private/"`, `$HTTP["url"] =~ "\.png$"`,
	// One block in lighttpd with the simple regex above: it tests "/a/".
	`$HTTP["url"] =^ "/A/"`, `$HTTP["url"] =$ ".PNG"`,
	`$HTTP["host"] == "example.org"`, `$HTTP["host"] =~ "^other\."`, `$HTTP["host"] != "other.example"`, `$HTTP["host"] =$ ".org"`,
	`$HTTP["useragent"] =~ "Googlebot"`, `$HTTP["useragent"] =~ "(?i)bingbot"`, `$HTTP["useragent"] =~ "bot"`, `$HTTP["useragent"] !~ "Google"`,
	`$HTTP["remoteip"] == "192.0.2.0/24"`, `$HTTP["remoteip"] != "198.51.100.7"`,
	`$HTTP["querystring"] =~ "x="`, `$HTTP["request-method"] == "GET"`, `$HTTP["request-method"] == "POST"`, `$HTTP["scheme"] == "http"`,
}

// condition writes one condition block, maybe with nested ones and an
// else chain; used holds the condition texts already written at this
// level. A text written again is the same lighttpd context, so its body
// only replaces (:=) and nests nothing; else branches take unused texts.
func (g *lighttpdGen) condition(depth, nest int, used map[string]bool) {
	cond := lighttpdGenConditions[g.rnd.IntN(len(lighttpdGenConditions))]
	again := used[lighttpdGenKey(cond)]
	used[lighttpdGenKey(cond)] = true
	g.line(depth, cond+" {")
	if again {
		g.body(depth+1, map[string]bool{"auth.require": true, "url.access-deny": true, "server.tag": true, "url.redirect": true})
	} else {
		g.body(depth+1, map[string]bool{})
		if nest < 2 && g.chance(3) {
			g.condition(depth+1, nest+1, map[string]bool{})
		}
	}
	g.line(depth, "}")
	prev := lighttpdGenKey(cond)
	for g.chance(3) {
		if g.chance(2) {
			// A bare else is the block of its branch's negation.
			neg := lighttpdNegate(prev)
			if used[neg] {
				return
			}
			used[neg] = true
			g.line(depth, "else {")
			g.body(depth+1, map[string]bool{})
			g.line(depth, "}")
			return
		}
		cond := lighttpdGenConditions[g.rnd.IntN(len(lighttpdGenConditions))]
		if used[lighttpdGenKey(cond)] {
			return
		}
		used[lighttpdGenKey(cond)] = true
		prev = lighttpdGenKey(cond)
		g.line(depth, "else "+cond+" {")
		g.body(depth+1, map[string]bool{})
		g.line(depth, "}")
	}
}

// lighttpdGenKey is the key lighttpd gives one of lighttpdGenConditions.
func lighttpdGenKey(cond string) string {
	i := strings.Index(cond, "] ")
	return lighttpdCondText(cond[:i+1], cond[i+2:i+4], strings.ReplaceAll(strings.Trim(cond[i+5:], `"`), `\"`, `"`))
}

// body writes a block's settings; set holds the keys already assigned in
// it (lighttpd refuses a second =, so those are replaced with :=).
func (g *lighttpdGen) body(depth int, set map[string]bool) {
	op := func(key string) string {
		if set[key] {
			return ":="
		}
		set[key] = true
		if depth > 0 && g.chance(4) {
			return ":="
		}
		return "="
	}
	for range g.rnd.IntN(3) {
		switch g.rnd.IntN(7) {
		case 0, 1, 2:
			var parts []string
			used := map[string]bool{}
			for range 1 + g.rnd.IntN(3) {
				p := lighttpdGenPrefixes[g.rnd.IntN(len(lighttpdGenPrefixes))]
				// Array keys are case-insensitive: /Admin/ and /admin/ clash.
				if used[strings.ToLower(p)] {
					continue
				}
				used[strings.ToLower(p)] = true
				realm := g.pick(`"Team"`, `var.realm`, `var.realm + " Area"`, `"`+strings.Trim(p, "/")+`"`)
				parts = append(parts, fmt.Sprintf(`"%s" => ( "method" => "%s", "realm" => %s, "require" => "valid-user" )`, p, g.pick("basic", "basic", "digest"), realm))
			}
			g.line(depth, "auth.require "+op("auth.require")+" ( "+strings.Join(parts, ",\n"+strings.Repeat("    ", depth+1))+" )")
		case 3:
			// += reads the enclosing blocks' value; a key of its own keeps
			// the merge free of duplicates.
			if !set["auth.require"] && depth > 0 {
				set["auth.require"] = true
				g.line(depth, fmt.Sprintf(`auth.require += ( "/exact%d" => ( "method" => "basic", "realm" => "Plus", "require" => "valid-user" ) )`, depth))
			}
		case 4:
			g.line(depth, "url.access-deny "+op("url.access-deny")+" "+g.pick(`( "" )`, `( ".css" )`, `( ".html", "~" )`, `( ".png", ".inc" )`, `( )`, `( "private/" )`))
		case 5:
			g.line(depth, "server.tag "+op("server.tag")+` "t"`)
		case 6:
			g.line(depth, "url.redirect "+op("url.redirect")+" "+g.pick(
				`( "^/exact$" => "/blog/" )`,
				`( "^/a/b/" => "", "^/a/" => "/blog/" )`,
				`( "\?x=" => "/q" )`,
				`( "^/img/.*\.png$" => "http://cdn.example/" )`,
				`( "%2[Ff]" => "/slash" )`,
			))
		}
	}
}

// lighttpdGenURLs are the request targets every generated config is asked for.
var lighttpdGenURLs = []string{
	"/", "/a", "/a/", "/a/x.html", "/a/b/", "/a/b/c.css", "/A/x.html", "/A/",
	"/a//b/c.css", "/a/./b/", "/x/../a/b/", "/%61/x.html", "/a%2Fb/c.css", "/a/b%2F..%2Fx.html",
	"/blog/", "/blog/post.html", "/blog/private/", "/blog/private/x.png", "/BLOG/post.html", "/blog/PRIVATE/x.html",
	"/img/x.PNG", "/img/x.png", "/s.css", "/index.html", "/exact", "/exact/", "/exactly",
	"/admin", "/admin/", "/admin/x.html", "/Admin/x.html", "/inc/", "/inc/x.html",
	"/../a/", "/blog/..%2F..%2Fadmin/", "/blog/post.html?x=1", "/blog/private", "/a/b", "/%2e%2e/a/",
	"/a/%2e%2e/admin/", "/ADMIN/x.html", "/a/b/C.CSS", "/b", "/bx", "/%7Eu/", "/x~",
	"/%zz", "/caf%E9", "/blog/%70ost.html", "/a/x.html?x=%31", "/a%00/", "/%c0%af", "/a%20b/", "/a/x.html?%0a",
}

// lighttpdGenSiteFiles are the files of the generated site: every
// directory the URLs name exists with an index.html.
var lighttpdGenSiteFiles = []string{
	"index.html", "a/index.html", "a/x.html", "a/b/index.html", "a/b/c.css", "A/index.html", "A/x.html",
	"blog/index.html", "blog/post.html", "blog/private/index.html", "blog/private/x.png",
	"img/x.png", "s.css", "exact/index.html", "admin/index.html", "admin/x.html", "Admin/x.html",
	"inc/index.html", "inc/x.html", "~u/index.html", "a b/index.html",
}

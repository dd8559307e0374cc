package robots

import (
	"strings"
	"testing"
)

// realisticRobots is shaped like the robots.txt of a large shop with a blog:
// a * group, named groups for the big crawlers, wildcards, and a tail of
// legacy paths.
var realisticRobots = `# robots.txt for www.example.com
Sitemap: https://www.example.com/sitemap_index.xml
Sitemap: https://www.example.com/news-sitemap.xml

User-agent: *
Disallow: /admin/
Disallow: /cart
Disallow: /checkout/
Disallow: /*?sessionid=
Allow: /admin/public/

User-agent: Googlebot
Disallow: /search
Disallow: /*.json$
Disallow: /account/
Disallow: /*?*sort=
Disallow: /*?*filter=
Allow: /search/about
Allow: /*.css$
Allow: /*.js$
Disallow: /tmp/
Disallow: /api/
Allow: /api/docs/

User-agent: Googlebot-Image
Disallow: /images/private/
Allow: /images/

User-agent: bingbot
Crawl-delay: 5
Disallow: /search
Disallow: /account/
Disallow: /*?*sort=
Disallow: /tmp/

User-agent: GPTBot
User-agent: CCBot
Disallow: /

User-agent: *
` + legacyRules()

func legacyRules() string {
	var b strings.Builder
	for _, section := range []string{"old-shop", "archive", "print", "preview", "beta", "intranet", "staging", "wp-admin", "cgi-bin", "includes"} {
		for _, sub := range []string{"", "index.php", "*/edit", "*.bak$", "drafts/", "export?format=", "tmp*/"} {
			b.WriteString("Disallow: /" + section + "/" + sub + "\n")
		}
	}
	b.WriteString("Allow: /archive/public/\nAllow: /wp-admin/admin-ajax.php\n")
	return b.String()
}

var benchPaths = []string{
	"/",
	"/products/shoes/running/air-zoom-42?color=blue&size=10",
	"/search?q=red+shoes&page=2",
	"/blog/2024/05/how-we-built-it.html",
	"/api/docs/v2/index.html",
	"/static/app.3f9a1c.js",
	"/account/orders/123456",
	"/archive/2019/01/post-with-a-long-slug-that-goes-on-and-on.html",
	"/wp-admin/admin-ajax.php?action=heartbeat",
	"/catalog/list?page=3&sort=price&filter=brand%3Dacme",
}

// BenchmarkTest measures one verdict on a realistic file: the cost the crawler
// pays per URL and agent.
func BenchmarkTest(b *testing.B) {
	f := Parse([]byte(realisticRobots))
	tokens := []string{"Googlebot", "bingbot", "Googlebot-Image", "Applebot"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		f.Test(tokens[i%len(tokens)], benchPaths[i%len(benchPaths)])
		i++
	}
}

// BenchmarkParse measures reading the realistic file, once per host and
// agent in a crawl.
func BenchmarkParse(b *testing.B) {
	body := []byte(realisticRobots)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		Parse(body)
	}
}

// BenchmarkParseMaxSize measures the worst case: a body of at least MaxSize.
func BenchmarkParseMaxSize(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("User-agent: *\n")
	for sb.Len() < MaxSize+1024 {
		sb.WriteString(legacyRules())
	}
	body := []byte(sb.String())
	b.ReportAllocs()
	b.SetBytes(MaxSize)
	for b.Loop() {
		Parse(body)
	}
}

package audit

import (
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/crawler"
)

// words returns n words of text.
func words(n int) string {
	return strings.TrimSpace(strings.Repeat("word ", n))
}

// The content measure: the words outside forms, page chrome and head,
// script and style. A page with a login form is a soft wall up to
// maxLoginPageWords of content, and no further.
func TestSoftWallContentMeasure(t *testing.T) {
	page := func(content, inForm, inChrome int) string {
		return fmt.Sprintf(`<html><head><title>Sign in</title><style>p { margin: 0 }</style></head><body>`+
			`<header><nav>%s</nav></header><main><p>%s</p>`+
			`<form method="post"><p>%s</p><input name="u"><input type="password" name="p"></form></main>`+
			`<footer>%s</footer><script>var s = "%s";</script></body></html>`,
			words(inChrome), words(content), words(inForm), words(inChrome), words(500))
	}
	cases := []struct {
		name                      string
		content, inForm, inChrome int
		soft                      bool
	}{
		{"bare login form", 0, 0, 0, true},
		{"at the limit", maxLoginPageWords, 0, 0, true},
		{"one word past the limit", maxLoginPageWords + 1, 0, 0, false},
		{"text inside the form does not count", 10, 1000, 0, true},
		{"page chrome does not count", 10, 0, 1000, true},
		{"an article with a login widget", 400, 20, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := []byte(page(tc.content, tc.inForm, tc.inChrome))
			assert.Equal(t, tc.content, readPage(body).content, "content words")
			marker, ok := softWallPage(body)
			assert.Equal(t, tc.soft, ok, marker)
		})
	}
}

// One password-protected post among others (an archive, a blog home that
// shows whole posts) carries content besides its form: not a soft wall.
// The same post on its own page is one.
func TestSoftWallOneProtectedPostAmongOthers(t *testing.T) {
	protected := `<article class="post-password-required"><h2>Protected: Board minutes</h2>` +
		`<form action="https://example.org/wp-login.php?action=postpass" class="post-password-form" method="post">` +
		`<p>This content is password protected. To view it please enter your password below:</p>` +
		`<p><label>Password: <input name="post_password" type="password"></label> <input type="submit" value="Enter"></p></form></article>`
	post := func(title string) string {
		return `<article><h2>` + title + `</h2><p>` + words(60) + `</p></article>`
	}
	single := `<html><body><header><nav><a href="/">Home</a></nav></header><main>` + protected + `</main></body></html>`
	archive := `<html><body><header><nav><a href="/">Home</a></nav></header><main>` +
		post("Launch notes") + protected + post("Spring sale") + post("Autumn sale") + `</main></body></html>`

	marker, ok := softWallPage([]byte(single))
	assert.True(t, ok)
	assert.Equal(t, "post-password-form", marker)
	marker, ok = softWallPage([]byte(archive))
	assert.False(t, ok, "matched %s", marker)
}

func TestLoginRequiredPage(t *testing.T) {
	page := func(title, h1, body string) string {
		return `<html><head><title>` + title + `</title></head><body><nav><a href="/">Home</a> <a href="/blog/">Blog</a></nav>` +
			`<main><h1>` + h1 + `</h1>` + body + `</main><footer>© Example</footer></body></html>`
	}
	yes := []struct{ name, body, title string }{
		{"login required", page("Login required", "Login required", `<p>Please <a href="/login?next=/docs/">log in</a> to view this page.</p>`), "Login required"},
		{"log in to view", page("Example", "Log in to view this page", `<p><a href="/users/sign_in">Sign in</a></p>`), "Log in to view this page"},
		{"members only", page("Members only – Example", "Members only", `<p><a href="https://example.org/wp-login.php?redirect_to=%2Fdocs%2F">Log in</a></p>`), "Members only – Example"},
		{"sign in to continue", page("Example", "Please sign in to continue", `<a href="/signin">Sign in</a>`), "Please sign in to continue"},
	}
	for _, tc := range yes {
		marker, ok := softWallPage([]byte(tc.body))
		assert.True(t, ok, tc.name)
		assert.Contains(t, marker, fmt.Sprintf("%q and a link to ", tc.title), tc.name)
	}
	no := []struct{ name, body string }{
		{"no link to a login page", page("Login required", "Login required", `<p>Ask the team for access.</p>`)},
		{"an article about logins", page("Why login required pages hurt", "Why login required pages hurt", `<p><a href="/login">Log in</a></p><p>`+words(maxLoginRequiredWords)+`</p>`)},
		{"a login link in the nav only", `<html><head><title>Docs</title></head><body><nav><a href="/login">Log in</a></nav><h1>Docs</h1><p>Read on.</p></body></html>`},
		{"login words outside title and headings", page("Docs", "Docs", `<p>Login required for <a href="/login">the forum</a>.</p>`)},
	}
	for _, tc := range no {
		marker, ok := softWallPage([]byte(tc.body))
		assert.False(t, ok, "%s: matched %s", tc.name, marker)
	}
}

func TestLoginPageKey(t *testing.T) {
	for raw, want := range map[string]string{
		"http://127.0.0.1:8080/wp-login.php?redirect_to=http%3A%2F%2F127.0.0.1%3A8080%2Fabout%2F&reauth=1": "http://127.0.0.1:8080/wp-login.php",
		"http://127.0.0.1:8080/wp-login.php?redirect_to=/shop/":                                            "http://127.0.0.1:8080/wp-login.php",
		"http://127.0.0.1:8080/wp-login.php?action=lostpassword":                                           "http://127.0.0.1:8080/wp-login.php?action=lostpassword",
		"http://wiki.test/index.php?title=Special:UserLogin&returnto=Getting+started&returntoquery=":       "http://wiki.test/index.php?title=Special%3AUserLogin",
		"http://wiki.test/index.php?returnto=FAQ&title=Special:UserLogin":                                  "http://wiki.test/index.php?title=Special%3AUserLogin",
		"https://example.org/accounts/login/?next=/docs/":                                                  "https://example.org/accounts/login/",
		"https://example.org/login?Next=%2F#top":                                                           "https://example.org/login",
	} {
		assert.Equal(t, want, loginPageKey(raw), raw)
	}
}

// The captures of the real applications (real_apps_test.go), replayed
// through the whole classification with the URLs they answered: walls
// found and attributed, login pages and feeds not reported, one page in
// the report per login page.
func TestAppCaptures(t *testing.T) {
	const wp, wiki = "http://127.0.0.1:18080", "http://127.0.0.1:18081"
	captured := func(rawURL, agent string, files ...string) crawler.Observation {
		o := crawler.Observation{URL: rawURL, Agent: agent, FoundVia: crawler.FoundLink}
		next := rawURL
		for _, f := range files {
			a := loadAnswer(t, f)
			h := crawler.Hop{URL: next, Status: a.Status, Header: a.Header, Location: a.Header.Get("Location")}
			o.Hops = append(o.Hops, h)
			o.Body, o.ContentType = a.Body, a.Header.Get("Content-Type")
			next = h.Location
		}
		return o
	}
	both := func(rawURL string, files ...string) []crawler.Observation {
		return []crawler.Observation{captured(rawURL, "googlebot", files...), captured(rawURL, "bingbot", files...)}
	}
	loginAbout := wp + "/wp-login.php?redirect_to=http%3A%2F%2F127.0.0.1%3A18080%2Fabout%2F&reauth=1"
	cases := []struct {
		name     string
		paths    string
		observed [][]crawler.Observation
		want     map[string]string // "kind URL" -> catalog signature
		pages    []string
	}{
		{"wordpress", "/**\n!/members/**\n!/shop/orders/**\n", [][]crawler.Observation{
			both(wp+"/board-minutes/", "wordpress-post-password.txt"),
			both(wp+"/feed/", "wordpress-feed.txt"),
			both(wp+"/about/", "wordpress-auth-redirect.txt", "wordpress-login-page.txt"),
			both(wp+"/members/", "wordpress-auth-redirect.txt", "wordpress-login-page.txt"),
			both(wp+"/shop/", "apache-rewrite-login-redirect.txt", "wordpress-login-page.txt"),
			both(loginAbout, "wordpress-login-page.txt"),
			both(wp+"/wp-login.php?redirect_to=/shop/", "wordpress-login-page.txt"),
			both(wp+"/wp-login.php", "wordpress-login-page.txt"),
		}, map[string]string{
			"public-soft-auth " + wp + "/board-minutes/": "wordpress.post_password",
			"public-login-redirect " + wp + "/about/":    "wordpress.login_redirect",
			"public-login-redirect " + wp + "/shop/":     "apache.rewrite_login_redirect",
		}, []string{"/about/", "/board-minutes/", "/feed/", "/members/", "/shop/", "/wp-login.php"}},
		{"mediawiki", "/**\n!/index.php/Team\n", [][]crawler.Observation{
			both(wiki+"/index.php/Getting_started", "mediawiki-login-required.txt"),
			both(wiki+"/index.php/Team", "mediawiki-login-required.txt"),
			both(wiki+"/index.php?title=Special:UserLogin&returnto=Getting+started", "mediawiki-login-page.txt"),
			both(wiki+"/index.php?title=Special:UserLogin&returnto=Team&returntoquery=", "mediawiki-login-page.txt"),
		}, map[string]string{
			"public-soft-auth " + wiki + "/index.php/Getting_started": "mediawiki.login_required",
		}, []string{"/index.php/Getting_started", "/index.php/Team", "/index.php?title=Special:UserLogin&returnto=Getting+started"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var all []crawler.Observation
			for _, o := range tc.observed {
				all = append(all, o...)
			}
			r := run(t, paths(t, tc.paths), all)
			got := map[string]string{}
			for _, f := range r.Findings {
				require.NotNil(t, f.Attribution, "%s %s", f.Kind, f.URL)
				got[string(f.Kind)+" "+f.URL] = f.Attribution.Signature
			}
			assert.Equal(t, tc.want, got)
			var pages []string
			for _, p := range r.Pages {
				u, err := url.Parse(p.URL)
				require.NoError(t, err)
				pages = append(pages, u.RequestURI())
			}
			assert.Equal(t, tc.pages, pages)
		})
	}
}

// The site's own redirects tell its login page even at a URL no pattern
// knows, when they carry the way back; a plain move does not make the
// target a login page.
func TestLoginPagesFromTheSitesRedirects(t *testing.T) {
	form := `<html><body><h1>Enter</h1><form method="post"><input name="u"><input type="password" name="p"></form></body></html>`
	chain := func(from, to string) crawler.Observation {
		o := obs(from, "googlebot", hop(302, "Location", site+to), crawler.Hop{URL: site + to, Status: 200, Header: http.Header{}})
		return with(o, form)
	}
	r := run(t, paths(t, "/**\n"), []crawler.Observation{
		chain("/pricing", "/enter?back=/pricing"),
		with(obs("/enter?back=/pricing", "googlebot", hop(200)), form),
		with(obs("/enter?back=/docs", "googlebot", hop(200)), form),
		chain("/old-post", "/new-post"),
		with(obs("/new-post", "googlebot", hop(200)), form),
	})
	var got []string
	for _, f := range r.Findings {
		got = append(got, string(f.Kind)+" "+strings.TrimPrefix(f.URL, site))
	}
	sort.Strings(got)
	assert.Equal(t, []string{"public-soft-auth /new-post", "public-soft-auth /old-post", "public-soft-auth /pricing"}, got)
	var pages []string
	for _, p := range r.Pages {
		pages = append(pages, strings.TrimPrefix(p.URL, site))
	}
	assert.Equal(t, []string{"/enter?back=/docs", "/new-post", "/old-post", "/pricing"}, pages, "one page for the login page")
}

func TestReturnsTo(t *testing.T) {
	for _, tc := range []struct {
		location, from string
		want           bool
	}{
		{site + "/enter?back=/pricing", site + "/pricing", true},
		{site + "/enter?back=%2Fpricing%3Fplan%3Dpro", site + "/pricing?plan=pro", true},
		{"https://sso.example.org/start?url=" + url.QueryEscape(site+"/pricing"), site + "/pricing", true},
		{site + "/new-post", site + "/old-post", false},
		{site + "/search?q=", site + "/pricing", false},
		{"", site + "/pricing", false},
	} {
		assert.Equal(t, tc.want, returnsTo(tc.location, tc.from), "%s from %s", tc.location, tc.from)
	}
}

// TestSoftWallTitleLineBreaksCapped: every heading's end adds a line break
// to the title text; past maxTitleBytes they are dropped like the text,
// so a page of 200,000 heading ends costs what 200,000 other end tags do.
func TestSoftWallTitleLineBreaksCapped(t *testing.T) {
	page := func(end string) []byte {
		return []byte("<title>Login required</title>" + strings.Repeat(end, 200_000))
	}
	headings, others := page("</h2>"), page("</h5>")
	assert.Equal(t, "Login required", readPage(headings).title)
	extra := int64(allocatedBytes(func() { readPage(headings) })) - int64(allocatedBytes(func() { readPage(others) }))
	assert.Less(t, extra, int64(64<<10), "bytes allocated beyond a page without headings")
}

// allocatedBytes is the fewest bytes f allocated in three runs.
func allocatedBytes(f func()) uint64 {
	var least uint64
	for i := range 3 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		f()
		runtime.ReadMemStats(&after)
		if n := after.TotalAlloc - before.TotalAlloc; i == 0 || n < least {
			least = n
		}
	}
	return least
}

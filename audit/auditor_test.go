package audit

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/crawler"
)

const site = "http://127.0.0.1:8080"

func paths(t *testing.T, text string) *Paths {
	p, err := ParsePaths(strings.NewReader(text), "public.txt")
	require.NoError(t, err)
	return p
}

// obs builds an observation of one response (or a chain, for redirects).
func obs(path, agent string, hops ...crawler.Hop) crawler.Observation {
	o := crawler.Observation{URL: site + path, Agent: agent, FoundVia: crawler.FoundLink, LinkedFrom: []string{site + "/"}}
	for i := range hops {
		if hops[i].URL == "" {
			hops[i].URL = site + path
		}
		if hops[i].Header == nil {
			hops[i].Header = http.Header{}
		}
	}
	o.Hops = hops
	return o
}

func hop(status int, kv ...string) crawler.Hop {
	h := crawler.Hop{Status: status, Header: http.Header{}}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i] == "Location" {
			h.Location = kv[i+1]
		}
		h.Header.Add(kv[i], kv[i+1])
	}
	return h
}

func run(t *testing.T, p *Paths, observations []crawler.Observation, robots ...crawler.RobotsFetch) *Report {
	t.Helper()
	fo, err := ParseFailOn(nil)
	require.NoError(t, err)
	a, err := NewAuditor(Options{Paths: p, FailOn: fo})
	require.NoError(t, err)
	for _, o := range observations {
		a.Add(o)
	}
	return a.Finish(crawler.Result{Start: site + "/", Robots: robots})
}

func only(t *testing.T, r *Report, k Kind) Finding {
	t.Helper()
	var found []Finding
	for _, f := range r.Findings {
		if f.Kind == k {
			found = append(found, f)
		}
	}
	require.Len(t, found, 1, "findings of kind %s in %+v", k, r.Findings)
	return found[0]
}

var nginx401 = []string{"Server", "nginx/1.22.1", "Content-Type", "text/html", "WWW-Authenticate", `Basic realm="Staging"`}

// with gives an observation its body, served as HTML unless the
// observation names another Content-Type.
func with(o crawler.Observation, body string) crawler.Observation {
	o.Body = []byte(body)
	if o.ContentType == "" {
		o.ContentType = "text/html; charset=UTF-8"
	}
	return o
}

const nginxBody = "<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n"

func TestPublic401(t *testing.T) {
	r := run(t, paths(t, "/\n/blog/**\n"), []crawler.Observation{
		with(obs("/blog/", "googlebot", hop(401, nginx401...)), nginxBody),
		with(obs("/blog/", "bingbot", hop(401, nginx401...)), nginxBody),
		with(obs("/blog/", "browser", hop(401, nginx401...)), nginxBody),
		obs("/", "googlebot", hop(200)),
	})
	f := only(t, r, PublicUnauthorized)
	assert.Equal(t, site+"/blog/", f.URL)
	assert.Equal(t, "/blog/", f.Path)
	assert.Equal(t, "/blog/**", f.DeclaredBy)
	assert.Equal(t, SeverityError, f.Severity)
	assert.Equal(t, map[string]int{"googlebot": 401, "bingbot": 401, "browser": 401}, f.Statuses)
	require.NotNil(t, f.Attribution)
	assert.Equal(t, "nginx", f.Attribution.Source)
	assert.Equal(t, "basic", f.Attribution.Mechanism)
	assert.Equal(t, "auth_basic", f.Attribution.Directive)
	assert.Equal(t, "Staging", f.Attribution.Realm)
	assert.Contains(t, f.Message, "a wall for everyone")
	assert.True(t, r.Failed)
	assert.Len(t, r.Pages, 2)
}

func TestPublic403UARule(t *testing.T) {
	r := run(t, paths(t, "/careers\n"), []crawler.Observation{
		obs("/careers", "googlebot", hop(403, "Server", "nginx")),
		obs("/careers", "bingbot", hop(403, "Server", "nginx")),
		obs("/careers", "browser", hop(200, "Content-Type", "text/html")),
	})
	f := only(t, r, PublicForbidden)
	assert.Equal(t, "ua-rule", f.Attribution.Mechanism)
	assert.Contains(t, f.Message, "bots only")
	assert.Equal(t, 200, f.Statuses["browser"])
}

func TestLoginRedirect(t *testing.T) {
	chain := []crawler.Hop{hop(302, "Location", site+"/login?next=/pricing"), {URL: site + "/login?next=/pricing", Status: 200, Header: http.Header{}}}
	r := run(t, paths(t, "/pricing\n"), []crawler.Observation{
		obs("/pricing", "googlebot", chain...),
		obs("/pricing", "bingbot", chain...),
	})
	f := only(t, r, PublicLoginRedirect)
	assert.Equal(t, 302, f.Statuses["googlebot"])
	require.Len(t, f.Redirects, 2)
	assert.Equal(t, "login-redirect", f.Attribution.Mechanism)
	assert.Contains(t, f.Message, "/login?next=/pricing")
}

func TestSoftAuthAndPaywall(t *testing.T) {
	form := `<html><body><form action="/session" method="post"><input name="user"><input type="password" name="pass"><button>Sign in</button></form></body></html>`
	paywall := `<html><head><script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","isAccessibleForFree":false,"hasPart":{"@type":"WebPageElement","isAccessibleForFree":false,"cssSelector":".paywall"}}</script></head><body><form><input type="password"></form></body></html>`
	r := run(t, paths(t, "/members\n/news/**\n"), []crawler.Observation{
		with(obs("/members", "googlebot", hop(200, "Content-Type", "text/html")), form),
		with(obs("/news/a", "googlebot", hop(200, "Content-Type", "text/html")), paywall),
	})
	f := only(t, r, PublicSoftAuth)
	assert.Equal(t, SeverityWarning, f.Severity)
	assert.Equal(t, site+"/members", f.URL)
	p := only(t, r, DeclaredPaywall)
	assert.Equal(t, site+"/news/a", p.URL)
}

// The second agent given a body the first found plain skips the body's
// readings (pageRecord.plainBody); what it finds must not change: a
// different body is read again, and walls and paywalls are never taken
// for plain.
func TestPlainBodyReadOncePerPage(t *testing.T) {
	plain := `<html><body><h1>Docs</h1><p>Install it, run it.</p></body></html>`
	form := `<html><body><form action="/session" method="post"><input name="user"><input type="password" name="pass"><button>Sign in</button></form></body></html>`
	paywall := `<html><head><script type="application/ld+json">{"@type":"NewsArticle","isAccessibleForFree":false}</script></head><body>x</body></html>`
	html := func(path, agent, body string) crawler.Observation {
		return with(obs(path, agent, hop(200, "Content-Type", "text/html")), body)
	}
	fo, err := ParseFailOn(nil)
	require.NoError(t, err)
	a, err := NewAuditor(Options{Paths: paths(t, "/**\n"), FailOn: fo})
	require.NoError(t, err)
	for _, o := range []crawler.Observation{
		html("/same", "googlebot", plain), html("/same", "bingbot", plain),
		html("/differs", "googlebot", plain), html("/differs", "bingbot", form),
		html("/form", "googlebot", form), html("/form", "bingbot", form),
		html("/paid", "googlebot", paywall), html("/paid", "bingbot", paywall),
	} {
		a.Add(o)
	}
	assert.NotZero(t, a.pages[site+"/same"].plainBody, "a plain body is remembered")
	assert.Zero(t, a.pages[site+"/form"].plainBody, "a soft-wall body is not plain")
	assert.Zero(t, a.pages[site+"/paid"].plainBody, "a paywall body is not plain")
	r := a.Finish(crawler.Result{Start: site + "/"})
	got := map[string][]string{}
	for _, f := range r.Findings {
		got[f.Path] = append(got[f.Path], string(f.Kind)+" "+strings.Join(f.Agents, ","))
	}
	assert.Equal(t, map[string][]string{
		"/differs": {"public-soft-auth bingbot"},
		"/form":    {"public-soft-auth googlebot,bingbot"},
		"/paid":    {"declared-paywall googlebot,bingbot"},
	}, got)
}

func TestPrivateExposedAndInSitemap(t *testing.T) {
	inSitemap := obs("/admin/", "googlebot", hop(401))
	inSitemap.InSitemap = true
	r := run(t, paths(t, "/\n!/account/**\n!/admin/**\n"), []crawler.Observation{
		obs("/account/settings", "googlebot", hop(200)),
		obs("/account/settings", "bingbot", hop(200)),
		obs("/account/", "googlebot", hop(401)),
		inSitemap,
	})
	f := only(t, r, PrivateExposed)
	assert.Equal(t, site+"/account/settings", f.URL)
	assert.Equal(t, "!/account/**", f.DeclaredBy)
	s := only(t, r, PrivateInSitemap)
	assert.Equal(t, site+"/admin/", s.URL)
	for _, f := range r.Findings {
		assert.NotEqual(t, site+"/account/", f.URL, "a private page answering 401 is correct")
	}
}

func TestSitemapURLsArePublicUnlessDeclared(t *testing.T) {
	o := obs("/landing", "googlebot", hop(403))
	o.InSitemap = true
	r := run(t, nil, []crawler.Observation{o})
	f := only(t, r, PublicForbidden)
	assert.Equal(t, "sitemap", f.DeclaredBy)
}

func TestRobotsFindings(t *testing.T) {
	blocked := obs("/docs/install", "bingbot")
	blocked.RobotsDisallowed, blocked.RobotsLine, blocked.RobotsRule, blocked.Skipped = true, 2, "Disallow: /docs/install", "robots"
	r := run(t, paths(t, "/docs/**\n"), []crawler.Observation{
		obs("/docs/install", "googlebot", hop(200)),
		blocked,
	},
		crawler.RobotsFetch{Agent: "googlebot", URL: site + "/robots.txt", Status: 503, State: crawler.RobotsDisallowAll},
		crawler.RobotsFetch{Agent: "bingbot", URL: site + "/robots.txt", Status: 401, State: crawler.RobotsAllowAll,
			Hops: []crawler.Hop{{URL: site + "/robots.txt", Status: 401, Header: http.Header{"Www-Authenticate": {`Basic realm="x"`}}}}},
	)
	b := only(t, r, RobotsBlocksPublic)
	assert.Contains(t, b.Message, "bingbot")
	assert.Contains(t, b.Message, "line 2: Disallow: /docs/install")
	assert.Equal(t, 0, b.Statuses["bingbot"])
	assert.Equal(t, map[string]string{"bingbot": "robots"}, b.NotFetched)
	u := only(t, r, RobotsUnavailable)
	assert.Equal(t, SeverityError, u.Severity, "a 503 robots.txt stops Google crawling the site")
	assert.Contains(t, u.Message, "stop crawling the whole site")
	assert.Equal(t, map[string]int{"googlebot": 503, "bingbot": 401}, u.Statuses)

	r = run(t, nil, nil, crawler.RobotsFetch{Agent: "googlebot", URL: site + "/robots.txt", Status: 403, State: crawler.RobotsAllowAll})
	assert.Equal(t, SeverityWarning, only(t, r, RobotsUnavailable).Severity)
	assert.False(t, r.Failed, "a warning does not fail with the default --fail-on")
}

func TestUndeclaredBlockedAndFetchError(t *testing.T) {
	loop := obs("/loop", "googlebot", hop(301, "Location", site+"/loop2"), hop(301, "Location", site+"/loop"))
	loop.Err = "redirect loop"
	r := run(t, paths(t, "/\n"), []crawler.Observation{
		obs("/", "googlebot", hop(200)),
		obs("/internal/", "googlebot", hop(401, "WWW-Authenticate", `Basic realm="Intranet"`)),
		loop,
	})
	u := only(t, r, UndeclaredBlocked)
	assert.Equal(t, SeverityInfo, u.Severity)
	assert.Equal(t, []string{site + "/"}, u.LinkedFrom)
	e := only(t, r, FetchError)
	assert.Contains(t, e.Message, "redirect loop")
	assert.Len(t, e.Redirects, 2)
	assert.False(t, r.Failed)
}

func TestPublicServerError(t *testing.T) {
	r := run(t, paths(t, "/norequire/**\n"), []crawler.Observation{
		with(obs("/norequire/", "googlebot", hop(500, "Server", "Apache/2.4.71 (Debian)")), "<title>500 Internal Server Error</title>"),
		obs("/norequire/", "bingbot", hop(200)),
		obs("/norequire/", "browser", hop(500)),
	})
	f := only(t, r, PublicServerError)
	assert.Equal(t, SeverityWarning, f.Severity)
	assert.Equal(t, map[string]int{"googlebot": 500, "bingbot": 200, "browser": 500}, f.Statuses)
	assert.Contains(t, f.Message, "googlebot got 500")
	require.NotNil(t, f.Attribution)
	assert.False(t, r.Failed, "a warning: the default --fail-on is error")
}

func TestTruncatedBodiesAreNoted(t *testing.T) {
	big := obs("/", "googlebot", hop(200))
	big.BodyTruncated = true
	r := run(t, nil, []crawler.Observation{big, obs("/a", "googlebot", hop(200))})
	require.Len(t, r.Notes, 1)
	assert.Contains(t, r.Notes[0], "responses cut at --max-body: 1")
}

func TestBlocked(t *testing.T) {
	a, err := NewAuditor(Options{})
	require.NoError(t, err)
	for _, tc := range []struct {
		o    crawler.Observation
		want bool
	}{
		{obs("/", "googlebot", hop(200)), false},
		{obs("/", "googlebot", hop(401)), true},
		{obs("/", "googlebot", hop(403)), true},
		{obs("/", "googlebot", hop(404)), false},
		{obs("/", "googlebot", hop(500)), true},
		{obs("/", "googlebot", hop(301, "Location", site+"/blog/")), false},
		{obs("/", "googlebot", hop(302, "Location", "https://accounts.google.com/o/oauth2/auth?x")), true},
		{obs("/", "googlebot", hop(301, "Location", site+"/a"), hop(401)), true},
	} {
		assert.Equal(t, tc.want, a.Blocked(&tc.o), "%+v", tc.o.Hops)
	}
}

func TestFailOn(t *testing.T) {
	f401 := Finding{Kind: PublicUnauthorized, Severity: SeverityError}
	warn := Finding{Kind: PublicSoftAuth, Severity: SeverityWarning}
	info := Finding{Kind: FetchError, Severity: SeverityInfo}
	for _, tc := range []struct {
		spec []string
		want []bool // f401, warn, info
	}{
		{nil, []bool{true, false, false}},
		{[]string{"warning"}, []bool{true, true, false}},
		{[]string{"info"}, []bool{true, true, true}},
		{[]string{"never"}, []bool{false, false, false}},
		{[]string{"public-soft-auth"}, []bool{false, true, false}},
		{[]string{"fetch-error,public-401"}, []bool{true, false, true}},
	} {
		fo, err := ParseFailOn(tc.spec)
		require.NoError(t, err)
		assert.Equal(t, tc.want, []bool{fo.Fails(f401), fo.Fails(warn), fo.Fails(info)}, "%v", tc.spec)
	}
	for _, bad := range [][]string{{"public-402"}, {"never,error"}} {
		_, err := ParseFailOn(bad)
		assert.Error(t, err, "%v", bad)
	}
}

// TestLoginPagesByAddress: a crawled URL is a login page by its address
// when it is a product's login URL or its last path segment names a login;
// a login word or a saml prefix elsewhere in the path names private
// content, which answering 200 exposes.
func TestLoginPagesByAddress(t *testing.T) {
	form := `<html><body><form method="post"><input name="u"><input type="password" name="p"></form></body></html>`
	tests := []struct {
		name    string
		decl    string // the paths file
		path    string
		body    string
		want    Kind // "" for no finding on the URL
		isLogin bool // loginURL's verdict on the URL
	}{
		{"private SAML certificates", "!/admin/**\n", "/admin/saml-certificates/", "<p>cert</p>", PrivateExposed, false},
		{"private token export under /login/", "!/login/**\n", "/login/tokens/export", "<p>tokens</p>", PrivateExposed, false},
		{"public login form", "/login\n", "/login", form, "", true},
		{"private login page answering 200", "!/login\n", "/login", form, "", true},
		{"private login page, no form", "!/**\n", "/signin.php", "<p>welcome</p>", "", true},
		{"private SAML endpoint", "!/**\n", "/auth/saml", "<p>sso</p>", "", true},
		{"private SAML 2 endpoint", "!/**\n", "/saml2", "<p>sso</p>", "", true},
		{"WordPress login page", "/**\n", "/wp-login.php", form, "", true},
		{"private WordPress login page", "!/**\n", "/wp-login.php?redirect_to=%2F", form, "", true},
		{"MediaWiki login page", "/**\n", "/index.php?title=Special:UserLogin&returnto=Main+Page", form, "", true},
		{"private MediaWiki login page", "!/**\n", "/wiki/Special:UserLogin", form, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.isLogin, loginURL(site+tt.path))
			r := run(t, paths(t, tt.decl), []crawler.Observation{with(obs(tt.path, "googlebot", hop(200)), tt.body)})
			var got []Kind
			for _, f := range r.Findings {
				if f.URL == site+tt.path {
					got = append(got, f.Kind)
				}
			}
			if tt.want == "" {
				assert.Empty(t, got)
				return
			}
			assert.Equal(t, []Kind{tt.want}, got)
		})
	}
}

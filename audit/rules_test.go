package audit

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/crawler"
)

// TestFindingAgents: each finding names the crawler agents it concerns,
// in the crawl's agent order (not the order answers arrived in), never
// the browser control, and never none.
func TestFindingAgents(t *testing.T) {
	agents := []crawler.Agent{{Name: "googlebot"}, {Name: "bingbot"}, {Name: "bingbot-mobile"}}
	robotsBlocked := func(path, agent string) crawler.Observation {
		o := obs(path, agent)
		o.RobotsDisallowed, o.RobotsLine, o.RobotsRule, o.Skipped = true, 3, "Disallow: "+path, "robots"
		return o
	}
	failed := func(path, agent string) crawler.Observation {
		o := obs(path, agent)
		o.Err = "timeout"
		return o
	}
	form := `<form><input type="password" name="p"></form>`
	paywall := `<script type="application/ld+json">{"@type":"NewsArticle","isAccessibleForFree":false}</script>`
	login := []crawler.Hop{hop(302, "Location", site+"/login?next=/x"), {URL: site + "/login?next=/x", Status: 200}}
	for _, tc := range []struct {
		kind   Kind
		obs    []crawler.Observation
		robots []crawler.RobotsFetch
		want   []string
	}{
		{PublicUnauthorized, []crawler.Observation{
			obs("/x", "bingbot-mobile", hop(401)), obs("/x", "bingbot", hop(200)), obs("/x", "googlebot", hop(401)), obs("/x", "browser", hop(401)),
		}, nil, []string{"googlebot", "bingbot-mobile"}},
		{PublicForbidden, []crawler.Observation{
			obs("/x", "bingbot", hop(403)), obs("/x", "googlebot", hop(401)), obs("/x", "bingbot-mobile", hop(200)), obs("/x", "browser", hop(200)),
		}, nil, []string{"bingbot"}},
		{PublicLoginRedirect, []crawler.Observation{
			obs("/x", "bingbot", login...), obs("/x", "googlebot", login...), obs("/x", "bingbot-mobile", hop(200)),
		}, nil, []string{"googlebot", "bingbot"}},
		{PublicServerError, []crawler.Observation{
			obs("/x", "bingbot", hop(503)), obs("/x", "googlebot", hop(200)), obs("/x", "browser", hop(503)),
		}, nil, []string{"bingbot"}},
		{PublicSoftAuth, []crawler.Observation{
			with(obs("/x", "bingbot", hop(200)), form), obs("/x", "googlebot", hop(200)),
		}, nil, []string{"bingbot"}},
		{DeclaredPaywall, []crawler.Observation{
			with(obs("/x", "bingbot", hop(200)), paywall), with(obs("/x", "googlebot", hop(200)), paywall),
		}, nil, []string{"googlebot", "bingbot"}},
		{RobotsBlocksPublic, []crawler.Observation{
			robotsBlocked("/x", "bingbot-mobile"), obs("/x", "googlebot", hop(200)), robotsBlocked("/x", "bingbot"),
		}, nil, []string{"bingbot", "bingbot-mobile"}},
		{FetchError, []crawler.Observation{
			failed("/x", "bingbot"), robotsBlocked("/x", "googlebot"), obs("/x", "bingbot-mobile", hop(200)), failed("/x", "browser"),
		}, nil, []string{"bingbot"}},
		{PrivateExposed, []crawler.Observation{
			obs("/account/", "bingbot", hop(200)), obs("/account/", "googlebot", hop(401)), obs("/account/", "bingbot-mobile", hop(204)),
		}, nil, []string{"bingbot", "bingbot-mobile"}},
		{PrivateInSitemap, []crawler.Observation{
			func() crawler.Observation { o := obs("/account/", "bingbot", hop(401)); o.InSitemap = true; return o }(),
		}, nil, []string{"googlebot", "bingbot", "bingbot-mobile"}},
		{UndeclaredBlocked, []crawler.Observation{
			obs("/internal/", "bingbot", hop(401)), obs("/internal/", "googlebot", hop(200)), obs("/internal/", "browser", hop(401)),
		}, nil, []string{"bingbot"}},
		{RobotsUnavailable, nil, []crawler.RobotsFetch{
			{Agent: "bingbot-mobile", URL: site + "/robots.txt", Status: 503, State: crawler.RobotsDisallowAll},
			{Agent: "bingbot", URL: site + "/robots.txt", Status: 200, State: crawler.RobotsRules},
			{Agent: "googlebot", URL: site + "/robots.txt", Status: 401, State: crawler.RobotsAllowAll},
		}, []string{"googlebot", "bingbot-mobile"}},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			fo, err := ParseFailOn(nil)
			require.NoError(t, err)
			a, err := NewAuditor(Options{Paths: paths(t, "/\n/x\n!/account/**\n"), FailOn: fo})
			require.NoError(t, err)
			for _, o := range tc.obs {
				a.Add(o)
			}
			r := a.Finish(crawler.Result{Start: site + "/", Agents: agents, Robots: tc.robots})
			assert.Equal(t, tc.want, only(t, r, tc.kind).Agents)
		})
	}
}

// Without the crawl's agent list (a caller that did not pass it), the
// agents keep the order they were seen in, and a site-wide finding names
// the agents seen.
func TestFindingAgentsWithoutCrawlAgents(t *testing.T) {
	o := obs("/account/", "bingbot", hop(401))
	o.InSitemap = true
	r := run(t, paths(t, "!/account/**\n/x\n"), []crawler.Observation{
		o, obs("/account/", "googlebot", hop(401)),
		obs("/x", "bingbot", hop(401)), obs("/x", "googlebot", hop(401)),
	})
	assert.Equal(t, []string{"bingbot", "googlebot"}, only(t, r, PrivateInSitemap).Agents)
	assert.Equal(t, []string{"bingbot", "googlebot"}, only(t, r, PublicUnauthorized).Agents)
	assert.Equal(t, "bingbot and googlebot got 401", only(t, r, PublicUnauthorized).Message)
}

// TestPageRules runs each page rule alone on one page: every rule has a
// case where it finds its kind (with the message that says why) and one
// where it must not.
func TestPageRules(t *testing.T) {
	const declared = "/\n/pub/**\n!/account/**\n/gone\n"
	form := `<form action="/session"><input name="u"><input type="password" name="p"></form>`
	notFree := `<script type="application/ld+json">{"@type":"NewsArticle","isAccessibleForFree":false}</script>`
	free := `<script type="application/ld+json">{"@type":"NewsArticle","isAccessibleForFree":true}</script>`
	failed := func(o crawler.Observation, err string) crawler.Observation { o.Err = err; return o }
	disallowed := func(path, agent string) crawler.Observation {
		o := obs(path, agent)
		o.RobotsDisallowed, o.RobotsLine, o.RobotsRule, o.Skipped = true, 4, "Disallow: /", "robots"
		return o
	}
	sitemap := func(o crawler.Observation) crawler.Observation { o.InSitemap = true; return o }
	linkedFrom := func(o crawler.Observation, ref string) crawler.Observation { o.LinkedFrom = []string{ref}; return o }
	feed := func(o crawler.Observation) crawler.Observation {
		o.ContentType = "application/rss+xml; charset=UTF-8"
		return o
	}
	loginRequired := `<html><head><title>Login required</title></head><body><h1>Login required</h1><p>Please <a href="/login?next=/account/a">log in</a> to view this page.</p></body></html>`
	toLogin := []crawler.Hop{hop(302, "Location", site+"/login?next=/pub/a"), {URL: site + "/login?next=/pub/a", Status: 200}}

	positive, negative := map[Kind]bool{}, map[Kind]bool{}
	for _, tc := range []struct {
		name    string
		kind    Kind
		path    string
		obs     []crawler.Observation
		found   bool
		message string // the whole message when found
		agents  []string
	}{
		{"a fetch that failed", FetchError, "/pub/a",
			[]crawler.Observation{failed(obs("/pub/a", "googlebot"), "timeout"), obs("/pub/a", "bingbot", hop(200))},
			true, "googlebot: timeout", []string{"googlebot"}},
		{"robots.txt kept the agent out: not a fetch error", FetchError, "/pub/a",
			[]crawler.Observation{disallowed("/pub/a", "googlebot"), obs("/pub/a", "bingbot", hop(200))},
			false, "", nil},

		{"a public page answered 401", PublicUnauthorized, "/pub/a",
			[]crawler.Observation{obs("/pub/a", "googlebot", hop(401, "WWW-Authenticate", `Basic realm="x"`)), obs("/pub/a", "bingbot", hop(401, "WWW-Authenticate", `Basic realm="x"`))},
			true, `googlebot and bingbot got 401 (WWW-Authenticate: Basic realm="x")`, []string{"googlebot", "bingbot"}},
		{"a private page answering 401 is correct", PublicUnauthorized, "/account/",
			[]crawler.Observation{obs("/account/", "googlebot", hop(401))},
			false, "", nil},

		{"a public page answered 403, a browser 200", PublicForbidden, "/pub/a",
			[]crawler.Observation{obs("/pub/a", "googlebot", hop(403)), obs("/pub/a", "bingbot", hop(200)), obs("/pub/a", "browser", hop(200))},
			true, "googlebot got 403; a browser got 200: the wall is for bots only", []string{"googlebot"}},
		{"a 401 is not a 403", PublicForbidden, "/pub/a",
			[]crawler.Observation{obs("/pub/a", "googlebot", hop(401))},
			false, "", nil},

		{"a public page redirected to a login page", PublicLoginRedirect, "/pub/a",
			[]crawler.Observation{obs("/pub/a", "bingbot", toLogin...)},
			true, "bingbot redirected to a login page (" + site + "/login?next=/pub/a, matched /login)", []string{"bingbot"}},
		{"a redirect to content is no wall", PublicLoginRedirect, "/pub/a",
			[]crawler.Observation{obs("/pub/a", "bingbot", hop(301, "Location", site+"/pub/a/"), hop(200))},
			false, "", nil},

		{"a public page answered 503", PublicServerError, "/pub/a",
			[]crawler.Observation{obs("/pub/a", "googlebot", hop(503)), obs("/pub/a", "browser", hop(503))},
			true, "googlebot got 503: search engines retry a server error, then drop pages that keep failing; a browser got 503 too: a wall for everyone", []string{"googlebot"}},
		{"a 5xx whose fetch then failed is a fetch error", PublicServerError, "/pub/a",
			[]crawler.Observation{failed(obs("/pub/a", "googlebot", hop(500)), "body cut")},
			false, "", nil},

		{"a declared literal path answered 404", PublicMissing, "/gone",
			[]crawler.Observation{obs("/gone", "googlebot", hop(404)), obs("/gone", "bingbot", hop(404))},
			true, "googlebot and bingbot got 404: a page declared public by /gone is missing for the crawlers", []string{"googlebot", "bingbot"}},
		{"a sitemap URL answered 410 after a redirect", PublicMissing, "/pub/a",
			[]crawler.Observation{sitemap(obs("/pub/a", "bingbot", hop(301, "Location", site+"/pub/b"), hop(410))), sitemap(obs("/pub/a", "googlebot", hop(200)))},
			true, "bingbot got 410: a page listed in a sitemap is missing for the crawlers", []string{"bingbot"}},
		{"a 404 under a wildcard pattern is a dead link, not a missing page", PublicMissing, "/pub/a",
			[]crawler.Observation{obs("/pub/a", "googlebot", hop(404)), obs("/pub/a", "bingbot", hop(404))},
			false, "", nil},
		{"a literal path with a query is another URL", PublicMissing, "/gone?x=1",
			[]crawler.Observation{obs("/gone?x=1", "googlebot", hop(404))},
			false, "", nil},

		{"a public page is a login form", PublicSoftAuth, "/pub/a",
			[]crawler.Observation{with(obs("/pub/a", "googlebot", hop(200)), form), obs("/pub/a", "bingbot", hop(200))},
			true, "googlebot got a 200 page that asks to log in (<form> with <input type=\"password\">) instead of the content", []string{"googlebot"}},
		{"a private page may be a login form", PublicSoftAuth, "/account/",
			[]crawler.Observation{with(obs("/account/", "googlebot", hop(200)), form)},
			false, "", nil},
		{"a feed that quotes a login form is not a page", PublicSoftAuth, "/pub/feed/",
			[]crawler.Observation{with(feed(obs("/pub/feed/", "googlebot", hop(200))), form)},
			false, "", nil},
		{"a public page only says to log in", PublicSoftAuth, "/pub/a",
			[]crawler.Observation{with(obs("/pub/a", "googlebot", hop(200)), loginRequired)},
			true, "googlebot got a 200 page that asks to log in (\"Login required\" and a link to /login?next=/account/a) instead of the content", []string{"googlebot"}},

		{"a public page declares a paywall", DeclaredPaywall, "/pub/a",
			[]crawler.Observation{with(obs("/pub/a", "googlebot", hop(200)), notFree)},
			true, "the page's JSON-LD marks it isAccessibleForFree: false: a declared paywall, not an auth wall", []string{"googlebot"}},
		{"free content is no paywall", DeclaredPaywall, "/pub/a",
			[]crawler.Observation{with(obs("/pub/a", "googlebot", hop(200)), free)},
			false, "", nil},

		{"robots.txt disallows a public page", RobotsBlocksPublic, "/pub/a",
			[]crawler.Observation{disallowed("/pub/a", "bingbot"), obs("/pub/a", "googlebot", hop(200))},
			true, "robots.txt disallows this public path for bingbot (line 4: Disallow: /)", []string{"bingbot"}},
		{"robots.txt may disallow an undeclared page", RobotsBlocksPublic, "/other",
			[]crawler.Observation{disallowed("/other", "bingbot")},
			false, "", nil},

		{"a private page answered 200", PrivateExposed, "/account/a",
			[]crawler.Observation{obs("/account/a", "googlebot", hop(401)), obs("/account/a", "bingbot", hop(200))},
			true, "private path answered 200 to bingbot without credentials", []string{"bingbot"}},
		{"a private page answering a login form is protected", PrivateExposed, "/account/a",
			[]crawler.Observation{with(obs("/account/a", "googlebot", hop(200)), form)},
			false, "", nil},
		{"a private page answering a login-required page is protected", PrivateExposed, "/account/a",
			[]crawler.Observation{with(obs("/account/a", "googlebot", hop(200)), loginRequired)},
			false, "", nil},

		{"a sitemap lists a private page", PrivateInSitemap, "/account/a",
			[]crawler.Observation{sitemap(obs("/account/a", "googlebot", hop(401)))},
			true, "a sitemap lists this private path, asking search engines to index it", []string{"googlebot", "bingbot"}},
		{"a sitemap lists a public page", PrivateInSitemap, "/pub/a",
			[]crawler.Observation{sitemap(obs("/pub/a", "googlebot", hop(200)))},
			false, "", nil},

		{"an undeclared URL linked from a public page answered 401", UndeclaredBlocked, "/other",
			[]crawler.Observation{obs("/other", "googlebot", hop(401))},
			true, "undeclared URL linked from a public page: googlebot got 401", []string{"googlebot"}},
		{"an undeclared URL linked from a private page only", UndeclaredBlocked, "/other",
			[]crawler.Observation{linkedFrom(obs("/other", "googlebot", hop(401)), site+"/account/")},
			false, "", nil},
	} {
		if tc.found {
			positive[tc.kind] = true
		} else {
			negative[tc.kind] = true
		}
		t.Run(tc.name, func(t *testing.T) {
			a, err := NewAuditor(Options{Paths: paths(t, declared)})
			require.NoError(t, err)
			for _, o := range tc.obs {
				a.Add(o)
			}
			p := a.pages[site+tc.path]
			require.NotNil(t, p)
			rule := pageRuleFor(t, tc.kind)
			f, ok := rule.check(a, a.facts(p, newAgentOrder([]crawler.Agent{{Name: "googlebot"}, {Name: "bingbot"}})))
			require.Equal(t, tc.found, ok, "%+v", f)
			if !ok {
				return
			}
			assert.Equal(t, tc.kind, f.Kind)
			assert.Equal(t, severityOf(tc.kind), f.Severity)
			assert.Equal(t, site+tc.path, f.URL)
			assert.Equal(t, tc.message, f.Message)
			assert.Equal(t, tc.agents, f.Agents)
		})
	}
	for _, r := range pageRules {
		assert.True(t, positive[r.kind], "no case where the %s rule finds its kind", r.kind)
		assert.True(t, negative[r.kind], "no case where the %s rule must not find its kind", r.kind)
	}
}

func pageRuleFor(t *testing.T, k Kind) pageRule {
	t.Helper()
	for _, r := range pageRules {
		if r.kind == k {
			return r
		}
	}
	require.Failf(t, "no page rule", "kind %s", k)
	return pageRule{}
}

// Every kind has a rule: a page rule, or the whole-site robots rule (the
// logs command's kind aside, which no audit makes).
func TestEveryKindHasARule(t *testing.T) {
	seen := map[Kind]bool{RobotsUnavailable: true, CrawlerBlockedInLogs: true}
	for _, r := range pageRules {
		assert.False(t, seen[r.kind], "two rules for %s", r.kind)
		seen[r.kind] = true
	}
	for _, k := range Kinds() {
		assert.True(t, seen[k.Kind], "no rule for %s", k.Kind)
	}
}

func TestRobotsUnavailableRule(t *testing.T) {
	a, err := NewAuditor(Options{})
	require.NoError(t, err)
	order := newAgentOrder([]crawler.Agent{{Name: "googlebot"}, {Name: "bingbot"}})
	fs := a.robotsFindings([]crawler.RobotsFetch{
		{Agent: "bingbot", URL: site + "/robots.txt", Status: 429, State: crawler.RobotsDisallowAll},
		{Agent: "googlebot", URL: site + "/robots.txt", Status: 200, State: crawler.RobotsRules},
	}, order)
	require.Len(t, fs, 1)
	assert.Equal(t, RobotsUnavailable, fs[0].Kind)
	assert.Equal(t, SeverityError, fs[0].Severity)
	assert.Equal(t, []string{"bingbot"}, fs[0].Agents)
	assert.Equal(t, "robots.txt unavailable: bingbot: status 429, so the search engine would stop crawling the whole site (Google: for 12 hours, then it uses its last good copy for up to 30 days). The pages were fetched anyway, so the walls behind it are reported too.", fs[0].Message)

	// A readable robots.txt, or none at all (404), is fine.
	assert.Empty(t, a.robotsFindings([]crawler.RobotsFetch{
		{Agent: "googlebot", URL: site + "/robots.txt", Status: 200, State: crawler.RobotsRules},
		{Agent: "bingbot", URL: site + "/robots.txt", Status: 404, State: crawler.RobotsAllowAll},
	}, order))
}

package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"

	"authwall/internal/realserver"
)

// Directive strings of the catalog's Caddy entries.
const (
	caddyBasicAuth = "basic_auth"
	caddyRespond   = "respond 403 (or error 403)"
	caddyUARule    = "@bots header User-Agent *bot* with respond @bots 403 (or a basic_auth under that matcher)"
)

// TestRealCaddyMatcherTooWide: `basicauth /b*`, meant for /beta/, covers
// the public blog too (Caddy's default realm "restricted"); `basicauth
// /account` is an exact path matcher, so /account/ is exposed.
func TestRealCaddyMatcherTooWide(t *testing.T) {
	srv := realserver.Caddy(t, "testdata/caddy/matcher-too-wide.Caddyfile", "testdata/caddy/site")
	ra := auditReal(t, srv.URL, "testdata/caddy/public.txt", "--server-config", filepath.Join(srv.Prefix, filepath.Base("testdata/caddy/matcher-too-wide.Caddyfile")))
	assert.Equal(t, 1, ra.code)
	all401 := map[string]int{"googlebot": 401, "bingbot": 401, "browser": 401} // the control shows a wall for everyone
	assertRealFindings(t, srv.URL, ra.findings, []realFinding{
		{ConfigFile: "matcher-too-wide.Caddyfile", ConfigLine: 15, Kind: "public-401", Path: "/blog/", Source: "caddy", Mechanism: "basic", Directive: caddyBasicAuth, Realm: "restricted", Statuses: all401},
		{ConfigFile: "matcher-too-wide.Caddyfile", ConfigLine: 15, Kind: "public-401", Path: "/blog/first-post.html", Source: "caddy", Mechanism: "basic", Directive: caddyBasicAuth, Realm: "restricted", Statuses: all401},
		{ConfigFile: "matcher-too-wide.Caddyfile", ConfigLine: 11, Kind: "private-exposed", Path: "/account/", Statuses: map[string]int{"googlebot": 200, "bingbot": 200}},
	})
	assert.Equal(t, map[string]string{
		"public-401 /blog/":                "caddy.basic_auth",
		"public-401 /blog/first-post.html": "caddy.basic_auth",
		"private-exposed /account/":        "",
	}, ra.signatures, "catalog entry per finding")
}

// TestRealCaddyBotRules: private areas guarded correctly, but `respond
// @scrapers 403` on a User-Agent matcher walls the docs for crawlers only,
// `respond /careers.html 403` walls a public page for everyone, and the
// press kit keeps its embargo `basicauth` with the realm "Press Kit".
func TestRealCaddyBotRules(t *testing.T) {
	srv := realserver.Caddy(t, "testdata/caddy/bot-rules.Caddyfile", "testdata/caddy/site")
	ra := auditReal(t, srv.URL, "testdata/caddy/public.txt", "--server-config", filepath.Join(srv.Prefix, filepath.Base("testdata/caddy/bot-rules.Caddyfile")))
	assert.Equal(t, 1, ra.code)
	assertRealFindings(t, srv.URL, ra.findings, []realFinding{
		{ConfigFile: "bot-rules.Caddyfile", ConfigLine: 20, Kind: "public-401", Path: "/press/", Source: "caddy", Mechanism: "basic", Directive: caddyBasicAuth, Realm: "Press Kit",
			Statuses: map[string]int{"googlebot": 401, "bingbot": 401, "browser": 401}},
		{ConfigFile: "bot-rules.Caddyfile", ConfigLine: 30, Kind: "public-403", Path: "/careers.html", Source: "caddy", Mechanism: "unknown", Directive: caddyRespond,
			Statuses: map[string]int{"googlebot": 403, "bingbot": 403, "browser": 403}},
		// The crawlers never reach /docs/install.html: the only link to it is on the walled /docs/.
		{ConfigFile: "bot-rules.Caddyfile", ConfigLine: 28, Kind: "public-403", Path: "/docs/", Source: "caddy", Mechanism: "ua-rule", Directive: caddyUARule,
			Statuses: map[string]int{"googlebot": 403, "bingbot": 403, "browser": 200}},
	})
	assert.Equal(t, map[string]string{
		"public-401 /press/":       "caddy.basic_auth",
		"public-403 /careers.html": "caddy.respond_403",
		"public-403 /docs/":        "ua-rule.caddy",
	}, ra.signatures, "catalog entry per finding")
}

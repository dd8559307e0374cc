package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"

	"authwall/internal/realserver"
)

// Directive strings of the catalog's HAProxy entries.
const (
	haproxyAuth   = "http-request auth"
	haproxyDeny   = "http-request deny"
	haproxyUARule = "http-request deny if { req.hdr(user-agent) -m sub ... }"
)

// TestRealHAProxyAuthTooWide: `http-request auth if { path_beg /b }`, meant
// for /beta/, covers the public blog too, and the realm is the frontend's
// name ("www"); the press kit keeps its embargo rule with realm "Press Kit".
func TestRealHAProxyAuthTooWide(t *testing.T) {
	srv := realserver.HAProxy(t, "testdata/haproxy/auth-too-wide.cfg")
	ra := auditReal(t, srv.URL, "testdata/haproxy/public.txt", "--server-config", filepath.Join(srv.Prefix, filepath.Base("testdata/haproxy/auth-too-wide.cfg")))
	assert.Equal(t, 1, ra.code)
	all401 := map[string]int{"googlebot": 401, "bingbot": 401, "browser": 401} // the control shows a wall for everyone
	assertRealFindings(t, srv.URL, ra.findings, []realFinding{
		{ConfigFile: "auth-too-wide.cfg", ConfigLine: 21, Kind: "public-401", Path: "/blog/", Source: "haproxy", Mechanism: "basic", Directive: haproxyAuth, Realm: "www", Statuses: all401},
		{ConfigFile: "auth-too-wide.cfg", ConfigLine: 21, Kind: "public-401", Path: "/blog/first-post.html", Source: "haproxy", Mechanism: "basic", Directive: haproxyAuth, Realm: "www", Statuses: all401},
		{ConfigFile: "auth-too-wide.cfg", ConfigLine: 22, Kind: "public-401", Path: "/press/", Source: "haproxy", Mechanism: "basic", Directive: haproxyAuth, Realm: "Press Kit", Statuses: all401},
	})
	assert.Equal(t, map[string]string{
		"public-401 /blog/":                "haproxy.http_request_auth",
		"public-401 /blog/first-post.html": "haproxy.http_request_auth",
		"public-401 /press/":               "haproxy.http_request_auth",
	}, ra.signatures, "catalog entry per finding")
}

// TestRealHAProxyDenyRules: `http-request deny` on a User-Agent ACL walls
// the docs for crawlers only, another deny walls a public page for
// everyone, and the account rule tests `path /account/` (exact) instead of
// `path_beg`, so the orders page is exposed.
func TestRealHAProxyDenyRules(t *testing.T) {
	srv := realserver.HAProxy(t, "testdata/haproxy/deny-rules.cfg")
	ra := auditReal(t, srv.URL, "testdata/haproxy/public.txt", "--server-config", filepath.Join(srv.Prefix, filepath.Base("testdata/haproxy/deny-rules.cfg")))
	assert.Equal(t, 1, ra.code)
	assertRealFindings(t, srv.URL, ra.findings, []realFinding{
		{ConfigFile: "deny-rules.cfg", ConfigLine: 23, Kind: "public-403", Path: "/careers.html", Source: "haproxy", Mechanism: "unknown", Directive: haproxyDeny,
			Statuses: map[string]int{"googlebot": 403, "bingbot": 403, "browser": 403}},
		// The crawlers never reach /docs/install.html: the only link to it is on the walled /docs/.
		{ConfigFile: "deny-rules.cfg", ConfigLine: 22, Kind: "public-403", Path: "/docs/", Source: "haproxy", Mechanism: "ua-rule", Directive: haproxyUARule,
			Statuses: map[string]int{"googlebot": 403, "bingbot": 403, "browser": 200}},
		{ConfigFile: "deny-rules.cfg", ConfigLine: 18, Kind: "private-exposed", Path: "/account/orders.html", Statuses: map[string]int{"googlebot": 200, "bingbot": 200}},
	})
	assert.Equal(t, map[string]string{
		"public-403 /careers.html":             "haproxy.deny",
		"public-403 /docs/":                    "ua-rule.haproxy",
		"private-exposed /account/orders.html": "",
	}, ra.signatures, "catalog entry per finding")
}

package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"

	"authwall/internal/realserver"
)

// Directive strings of the catalog's lighttpd entries.
const (
	lighttpdBasic  = `auth.require ( "method" => "basic" )`
	lighttpdDigest = `auth.require ( "method" => "digest" )`
	lighttpdDeny   = `url.access-deny (or a $HTTP["remoteip"] rule)`
	lighttpdUARule = `$HTTP["useragent"] =~ "..." { url.access-deny = ( "" ) }`
)

// TestRealLighttpdAuthTooWide: the auth.require prefix "/b", meant for
// /beta/, covers the public blog too (basic, realm "Beta"), and the press
// kit keeps its embargo rule (digest, realm "Press Kit").
func TestRealLighttpdAuthTooWide(t *testing.T) {
	srv := realserver.Lighttpd(t, "testdata/lighttpd/auth-too-wide.conf", "testdata/lighttpd/site")
	ra := auditReal(t, srv.URL, "testdata/lighttpd/public.txt", "--server-config", filepath.Join(srv.Prefix, filepath.Base("testdata/lighttpd/auth-too-wide.conf")))
	assert.Equal(t, 1, ra.code)
	all401 := map[string]int{"googlebot": 401, "bingbot": 401, "browser": 401} // the control shows a wall for everyone
	assertRealFindings(t, srv.URL, ra.findings, []realFinding{
		{ConfigFile: "auth-too-wide.conf", ConfigLine: 16, Kind: "public-401", Path: "/blog/", Source: "lighttpd", Mechanism: "basic", Directive: lighttpdBasic, Realm: "Beta", Statuses: all401},
		{ConfigFile: "auth-too-wide.conf", ConfigLine: 16, Kind: "public-401", Path: "/blog/first-post.html", Source: "lighttpd", Mechanism: "basic", Directive: lighttpdBasic, Realm: "Beta", Statuses: all401},
		{ConfigFile: "auth-too-wide.conf", ConfigLine: 17, Kind: "public-401", Path: "/press/", Source: "lighttpd", Mechanism: "digest", Directive: lighttpdDigest, Realm: "Press Kit", Statuses: all401},
	})
	assert.Equal(t, map[string]string{
		"public-401 /blog/":                "lighttpd.auth_basic",
		"public-401 /blog/first-post.html": "lighttpd.auth_basic",
		"public-401 /press/":               "lighttpd.auth_digest",
	}, ra.signatures, "catalog entry per finding")
}

// TestRealLighttpdDenyRules: `$HTTP["useragent"] =~ "bot"` with
// url.access-deny walls the docs for crawlers only, url.access-deny walls
// the careers page for everyone, and the account area is guarded only
// under one host name, so it is exposed under the one crawled.
func TestRealLighttpdDenyRules(t *testing.T) {
	srv := realserver.Lighttpd(t, "testdata/lighttpd/deny-rules.conf", "testdata/lighttpd/site")
	ra := auditReal(t, srv.URL, "testdata/lighttpd/public.txt", "--server-config", filepath.Join(srv.Prefix, filepath.Base("testdata/lighttpd/deny-rules.conf")))
	assert.Equal(t, 1, ra.code)
	exposed := map[string]int{"googlebot": 200, "bingbot": 200}
	assertRealFindings(t, srv.URL, ra.findings, []realFinding{
		{ConfigFile: "deny-rules.conf", ConfigLine: 34, Kind: "public-403", Path: "/careers.html", Source: "lighttpd", Mechanism: "unknown", Directive: lighttpdDeny,
			Statuses: map[string]int{"googlebot": 403, "bingbot": 403, "browser": 403}},
		// The crawlers never reach /docs/install.html: the only link to it is on the walled /docs/.
		{ConfigFile: "deny-rules.conf", ConfigLine: 29, Kind: "public-403", Path: "/docs/", Source: "lighttpd", Mechanism: "ua-rule", Directive: lighttpdUARule,
			Statuses: map[string]int{"googlebot": 403, "bingbot": 403, "browser": 200}},
		{Kind: "private-exposed", Path: "/account/", Statuses: exposed},
		{Kind: "private-exposed", Path: "/account/orders.html", Statuses: exposed},
	})
	assert.Equal(t, map[string]string{
		"public-403 /careers.html":             "lighttpd.deny",
		"public-403 /docs/":                    "ua-rule.lighttpd",
		"private-exposed /account/":            "",
		"private-exposed /account/orders.html": "",
	}, ra.signatures, "catalog entry per finding")
}

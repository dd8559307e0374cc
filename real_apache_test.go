package main

import (
	"crypto/md5"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/internal/realserver"
)

// Directive strings of the catalog's Apache signatures and UA rule.
const (
	apacheBasic   = "AuthType Basic + Require valid-user"
	apacheDigest  = "AuthType Digest + Require valid-user"
	apacheRequire = "Require (Require ip/host, Require all denied, or 2.2-style Deny from)"
	apacheBroken  = "AuthType/AuthName/Require block incomplete"
	apacheUARule  = "RewriteCond %{HTTP_USER_AGENT} ... [F], or SetEnvIf/BrowserMatch User-Agent with Require not env"
)

// TestRealApacheMisconfigurations starts Debian's apache2 with
// testdata/apache/site.conf, a site that collected the usual mistakes (each
// block of the config says which), audits it as Googlebot and Bingbot and
// checks every finding, its attribution and the catalog signature behind it.
func TestRealApacheMisconfigurations(t *testing.T) {
	srv := realserver.Apache(t, "testdata/apache/site.conf", "testdata/apache/site")
	// The Digest password file of the support portal (read per request, so
	// it may be written after the start): editor / not-a-real-secret.
	ha1 := md5.Sum([]byte("editor:Support Portal:not-a-real-secret"))
	require.NoError(t, os.WriteFile(filepath.Join(srv.Prefix, "htdigest"),
		[]byte(fmt.Sprintf("editor:Support Portal:%x\n", ha1)), 0o644))

	// With the config the server ran, every wall points at its line (the
	// lines below are the template's; .htaccess lines are as written).
	ra := auditReal(t, srv.URL, "testdata/apache/public.txt", "--server-config", filepath.Join(srv.Prefix, "site.conf"))
	assert.Equal(t, 1, ra.code)

	all := func(st int) map[string]int { return map[string]int{"googlebot": st, "bingbot": st, "browser": st} }
	botsOnly := map[string]int{"googlebot": 403, "bingbot": 403, "browser": 200} // the browser control passes
	bots200 := map[string]int{"googlebot": 200, "bingbot": 200}
	want := []struct {
		realFinding
		signature string
	}{
		// A stray .htaccess in a folder with AllowOverride AuthConfig.
		{realFinding{ConfigFile: ".htaccess", ConfigLine: 7, Kind: "public-401", Path: "/team/", Source: "apache", Mechanism: "basic", Directive: apacheBasic, Realm: "Team Preview", Statuses: all(401)}, "apache.auth_basic"},
		// <Location "/shop"> meant for /shop/admin/ only.
		{realFinding{ConfigFile: "site.conf", ConfigLine: 57, Kind: "public-401", Path: "/shop/", Source: "apache", Mechanism: "basic", Directive: apacheBasic, Realm: "Shop Admin", Statuses: all(401)}, "apache.auth_basic"},
		{realFinding{ConfigFile: "site.conf", ConfigLine: 57, Kind: "public-401", Path: "/shop/catalog.html", Source: "apache", Mechanism: "basic", Directive: apacheBasic, Realm: "Shop Admin", Statuses: all(401)}, "apache.auth_basic"},
		// <Directory .../support> with Digest, meant for support/tickets/.
		{realFinding{ConfigFile: "site.conf", ConfigLine: 68, Kind: "public-401", Path: "/support/", Source: "apache", Mechanism: "digest", Directive: apacheDigest, Realm: "Support Portal", Statuses: all(401)}, "apache.auth_digest"},
		{realFinding{ConfigFile: "site.conf", ConfigLine: 68, Kind: "public-401", Path: "/support/faq.html", Source: "apache", Mechanism: "digest", Directive: apacheDigest, Realm: "Support Portal", Statuses: all(401)}, "apache.auth_digest"},
		// Require ip left over from an embargo.
		{realFinding{ConfigFile: "site.conf", ConfigLine: 74, Kind: "public-403", Path: "/press/", Source: "apache", Mechanism: "ip-rule", Directive: apacheRequire, Statuses: all(403)}, "apache.require_denied"},
		// BrowserMatchNoCase "bot" + Require not env.
		{realFinding{ConfigFile: "site.conf", ConfigLine: 84, Kind: "public-403", Path: "/pricing/", Source: "apache", Mechanism: "ua-rule", Directive: apacheUARule, Statuses: botsOnly}, "ua-rule.apache"},
		// RewriteCond on the User-Agent + RewriteRule [F].
		{realFinding{ConfigFile: "site.conf", ConfigLine: 92, Kind: "public-403", Path: "/blog/", Source: "apache", Mechanism: "ua-rule", Directive: apacheUARule, Statuses: botsOnly}, "ua-rule.apache"},
		{realFinding{ConfigFile: "site.conf", ConfigLine: 92, Kind: "public-403", Path: "/blog/launch.html", Source: "apache", Mechanism: "ua-rule", Directive: apacheUARule, Statuses: botsOnly}, "ua-rule.apache"},
		// Require valid-user left without AuthType: Apache's canned 500.
		{realFinding{ConfigFile: "site.conf", ConfigLine: 99, Kind: "public-5xx", Path: "/newsletter/", Source: "apache", Mechanism: "unknown", Directive: apacheBroken, Statuses: all(500)}, "apache.auth_misconfig"},
		// <Directory .../draft> misses the drafts folder: no attribution.
		{realFinding{ConfigFile: "site.conf", ConfigLine: 46, Kind: "private-exposed", Path: "/drafts/", Statuses: bots200}, ""},
	}
	// {{USER}} (line 18) renders as User and Group lines when root, as
	// nothing otherwise: later lines of the rendered config move by that.
	shift := renderedLineShift(t, "testdata/apache/site.conf", filepath.Join(srv.Prefix, "site.conf"))
	var wantFindings []realFinding
	wantSigs := map[string]string{}
	for _, w := range want {
		if w.ConfigFile == "site.conf" {
			w.ConfigLine += shift
		}
		wantFindings = append(wantFindings, w.realFinding)
		wantSigs[w.Kind+" "+w.Path] = w.signature
	}
	assertRealFindings(t, srv.URL, ra.findings, wantFindings)
	assert.Equal(t, wantSigs, ra.signatures, "catalog signatures")

	// The private parts that are protected as meant answer 401 and make no
	// finding; the public pages without a mistake answer 200.
	for _, p := range []string{"/shop/admin/", "/support/tickets/"} {
		assert.Equal(t, all(401), ra.pages[p], "%s is behind auth", p)
	}
	for _, p := range []string{"/", "/about.html"} {
		assert.Equal(t, bots200, ra.pages[p], "%s is open", p)
	}
}

// renderedLineShift is how many lines the rendered config has more than its
// template (placeholders that expand to several lines or to none).
func renderedLineShift(t *testing.T, template, rendered string) int {
	t.Helper()
	a, err := os.ReadFile(template)
	require.NoError(t, err)
	b, err := os.ReadFile(rendered)
	require.NoError(t, err)
	return strings.Count(string(b), "\n") - strings.Count(string(a), "\n")
}

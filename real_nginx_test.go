package main

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"

	"authwall/internal/realserver"
)

// Directive strings of the catalog's nginx signatures and UA rule.
const (
	nginxAuthBasic     = "auth_basic"
	nginxAuthRequest   = "auth_request"
	nginxAuthSignin    = "auth_request + error_page 401 = <sign-in location> (ingress-nginx auth-url + auth-signin)"
	nginxDeny          = "deny"
	nginxUARule        = `if ($http_user_agent ~* "...") { return 403; } (or a map on $http_user_agent)`
	nginxMisconfigConf = "testdata/nginx/misconfig/site.conf"
)

// TestRealNginxMisconfigurations starts Debian's nginx with
// testdata/nginx/misconfig/site.conf, a site whose locations collected the
// usual mistakes (each block of the config says which), audits it as
// Googlebot and Bingbot and checks every finding, its attribution and the
// catalog signature behind it.
func TestRealNginxMisconfigurations(t *testing.T) {
	srv := realserver.Nginx(t, nginxMisconfigConf, "testdata/nginx/misconfig/site")
	ra := auditReal(t, srv.URL, "testdata/nginx/misconfig/public.txt", "--server-config", filepath.Join(srv.Prefix, "site.conf"))
	assert.Equal(t, 1, ra.code)

	all := func(st int) map[string]int { return map[string]int{"googlebot": st, "bingbot": st, "browser": st} }
	bots200 := map[string]int{"googlebot": 200, "bingbot": 200}
	want := []struct {
		realFinding
		signature string
	}{
		// location ~ /admin (unanchored) wins over location /docs/.
		{realFinding{ConfigFile: "site.conf", ConfigLine: 41, Kind: "public-401", Path: "/docs/admin-guide.html", Source: "nginx", Mechanism: "basic", Directive: nginxAuthBasic, Realm: "Admin", Statuses: all(401)}, "nginx.auth_basic"},
		// location ~* \.(...|pdf)$ wins over the protected /members/ prefix.
		{realFinding{ConfigFile: "site.conf", ConfigLine: 54, Kind: "private-exposed", Path: "/members/annual-report.pdf", Statuses: bots200}, ""},
		// allow 10.0.0.0/8; deny all; left from a migration.
		{realFinding{ConfigFile: "site.conf", ConfigLine: 62, Kind: "public-403", Path: "/downloads/", Source: "nginx", Mechanism: "ip-rule", Directive: nginxDeny, Statuses: all(403)}, "nginx.deny"},
		// if ($http_user_agent ~* (bot|crawl|spider)) { return 403; }
		{realFinding{ConfigFile: "site.conf", ConfigLine: 70, Kind: "public-403", Path: "/pricing/", Source: "nginx", Mechanism: "ua-rule", Directive: nginxUARule,
			Statuses: map[string]int{"googlebot": 403, "bingbot": 403, "browser": 200}}, "ua-rule.nginx"},
		// auth_request copied without error_page: the SSO service's 401.
		{realFinding{ConfigFile: "site.conf", ConfigLine: 84, Kind: "public-401", Path: "/help/", Source: "nginx", Mechanism: "auth-request", Directive: nginxAuthRequest, Realm: "sso", Statuses: all(401)}, "nginx.auth_request"},
		{realFinding{ConfigFile: "site.conf", ConfigLine: 84, Kind: "public-401", Path: "/help/contact.html", Source: "nginx", Mechanism: "auth-request", Directive: nginxAuthRequest, Realm: "sso", Statuses: all(401)}, "nginx.auth_request"},
		// auth_request + error_page 401 = @signin copied to a public location.
		{realFinding{ConfigFile: "site.conf", ConfigLine: 90, Kind: "public-login-redirect", Path: "/events/", Source: "nginx", Mechanism: "auth-request", Directive: nginxAuthSignin, Realm: "sso", Statuses: all(302)}, "nginx.auth_request_signin"},
	}
	var wantFindings []realFinding
	wantSigs := map[string]string{}
	for _, w := range want {
		wantFindings = append(wantFindings, w.realFinding)
		wantSigs[w.Kind+" "+w.Path] = w.signature
	}
	assertRealFindings(t, srv.URL, ra.findings, wantFindings)
	assert.Equal(t, wantSigs, ra.signatures, "catalog signatures")
	// Where the config predicts the status the site answered, the
	// attribution is certain and its fix names the line; auth_request's
	// answer comes from another service, so the HTTP evidence alone rates it.
	for _, f := range ra.findings {
		a := f.Attribution
		if a == nil || a.Location == nil {
			continue
		}
		at := fmt.Sprintf("site.conf:%d", a.Location.Line)
		assert.Contains(t, a.Fix, at, "%s %s fix names the line", f.Kind, f.Path)
		if f.Kind == "public-401" && a.Mechanism == "basic" || f.Kind == "public-403" || f.Kind == "private-exposed" {
			assert.Equal(t, "high", a.Confidence, "%s %s", f.Kind, f.Path)
		}
	}

	// The private parts protected as meant make no finding; the public
	// pages without a mistake answer 200.
	for _, p := range []string{"/admin/", "/members/"} {
		assert.Equal(t, all(401), ra.pages[p], "%s is behind auth", p)
	}
	assert.Equal(t, all(302), ra.pages["/app/"], "/app/ sends visitors to sign in")
	for _, p := range []string{"/", "/about.html", "/docs/", "/docs/install.html"} {
		assert.Equal(t, bots200, ra.pages[p], "%s is open", p)
	}
}

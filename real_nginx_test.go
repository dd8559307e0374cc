package main

import (
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
	ra := auditReal(t, srv.URL, "testdata/nginx/misconfig/public.txt")
	assert.Equal(t, 1, ra.code)

	all := func(st int) map[string]int { return map[string]int{"googlebot": st, "bingbot": st, "browser": st} }
	bots200 := map[string]int{"googlebot": 200, "bingbot": 200}
	want := []struct {
		realFinding
		signature string
	}{
		// location ~ /admin (unanchored) wins over location /docs/.
		{realFinding{Kind: "public-401", Path: "/docs/admin-guide.html", Source: "nginx", Mechanism: "basic", Directive: nginxAuthBasic, Realm: "Admin", Statuses: all(401)}, "nginx.auth_basic"},
		// location ~* \.(...|pdf)$ wins over the protected /members/ prefix.
		{realFinding{Kind: "private-exposed", Path: "/members/annual-report.pdf", Statuses: bots200}, ""},
		// allow 10.0.0.0/8; deny all; left from a migration.
		{realFinding{Kind: "public-403", Path: "/downloads/", Source: "nginx", Mechanism: "ip-rule", Directive: nginxDeny, Statuses: all(403)}, "nginx.deny"},
		// if ($http_user_agent ~* (bot|crawl|spider)) { return 403; }
		{realFinding{Kind: "public-403", Path: "/pricing/", Source: "nginx", Mechanism: "ua-rule", Directive: nginxUARule,
			Statuses: map[string]int{"googlebot": 403, "bingbot": 403, "browser": 200}}, "ua-rule.nginx"},
		// auth_request copied without error_page: the SSO service's 401.
		{realFinding{Kind: "public-401", Path: "/help/", Source: "nginx", Mechanism: "auth-request", Directive: nginxAuthRequest, Realm: "sso", Statuses: all(401)}, "nginx.auth_request"},
		{realFinding{Kind: "public-401", Path: "/help/contact.html", Source: "nginx", Mechanism: "auth-request", Directive: nginxAuthRequest, Realm: "sso", Statuses: all(401)}, "nginx.auth_request"},
		// auth_request + error_page 401 = @signin copied to a public location.
		{realFinding{Kind: "public-login-redirect", Path: "/events/", Source: "nginx", Mechanism: "auth-request", Directive: nginxAuthSignin, Realm: "sso", Statuses: all(302)}, "nginx.auth_request_signin"},
	}
	var wantFindings []realFinding
	wantSigs := map[string]string{}
	for _, w := range want {
		wantFindings = append(wantFindings, w.realFinding)
		wantSigs[w.Kind+" "+w.Path] = w.signature
	}
	assertRealFindings(t, srv.URL, ra.findings, wantFindings)
	assert.Equal(t, wantSigs, ra.signatures, "catalog signatures")

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

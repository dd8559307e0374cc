package audit

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/crawler"
)

// respFixtureDir holds raw HTTP/1.1 responses: the captures of real servers
// (kept byte for byte, see TestCapturesUnchanged) and responses written
// from the products' sources and docs. README.md there says which is which.
const respFixtureDir = "testdata/responses"

// respFixtureBase is the URL every fixture is taken to answer; relative
// Location values resolve against it.
const respFixtureBase = "https://example.org/docs/page"

// loadAnswer reads a fixture with net/http's own parser, as the crawler
// would have received it.
func loadAnswer(t *testing.T, name string) Answer {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(respFixtureDir, name))
	require.NoError(t, err)
	return parseAnswer(t, name, data)
}

// parseAnswer parses raw response bytes. A body shorter than its
// Content-Length (a fixture whose CRLFs became LFs) is kept as read.
func parseAnswer(t *testing.T, name string, data []byte) Answer {
	t.Helper()
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(data)), nil)
	require.NoError(t, err, "parse %s", name)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		require.NoError(t, err, "read body of %s", name)
	}
	a := Answer{URL: respFixtureBase, Status: resp.StatusCode, Header: resp.Header, Body: body}
	if loc := resp.Header.Get("Location"); loc != "" {
		base, _ := url.Parse(respFixtureBase)
		ref, err := url.Parse(loc)
		require.NoError(t, err)
		a.Location = base.ResolveReference(ref).String()
	}
	a.Chain = []Redirect{{URL: a.URL, Status: a.Status, Location: a.Location}}
	return a
}

// isWallAnswer is the classifier's rule, restated so that the fixture table can
// say which fixtures it attributes at all: 401/403/407, a redirect to a login
// page, a 2xx soft wall (a login form, a login-required page), or a server
// error (public-5xx).
func isWallAnswer(c *Catalog, a Answer) bool {
	switch {
	case a.Status == 401 || a.Status == 403 || a.Status == 407 || a.Status >= 500:
		return true
	case a.Status >= 300 && a.Status < 400:
		_, ok := loginRedirect(a.Location)
		return ok
	case a.Status >= 200 && a.Status < 300:
		html := crawler.Observation{ContentType: a.Header.Get("Content-Type"), Body: a.Body}.HTML()
		_, ok, _ := c.softWall(&a, true)
		return html && ok
	}
	return false
}

// respFixtureCase maps a fixture to its expected attribution. An empty sig
// means the fixture is no wall (a 200 control), so the classifier never
// calls Attribute for it. control names a fixture used as the browser
// control.
type respFixtureCase struct {
	file      string
	control   string
	sig       string
	source    string
	mechanism string
	directive string
	realm     string
	edge      string
}

// name is the case's subtest name: the fixture, and whether a control goes
// with it.
func (tc respFixtureCase) name() string {
	if tc.control != "" {
		return tc.file + "+control"
	}
	return tc.file
}

// load reads the case's fixture and its control (nil when it has none).
func (tc respFixtureCase) load(t *testing.T) (wall Answer, control *Answer) {
	t.Helper()
	wall = loadAnswer(t, tc.file)
	if tc.control != "" {
		ctl := loadAnswer(t, tc.control)
		control = &ctl
	}
	return wall, control
}

var respFixtureCases = []respFixtureCase{
	// Captured from Debian 12's servers on loopback (captured.sha256).
	{file: "apache-authtype-no-require.txt"},
	{"apache-basic-compiled-defaults.txt", "", "apache.auth_basic", "apache", "basic", "AuthType Basic + Require valid-user", "Restricted Area", ""},
	{"apache-basic.txt", "", "apache.auth_basic", "apache", "basic", "AuthType Basic + Require valid-user", "Restricted Area", ""},
	{"apache-digest.txt", "", "apache.auth_digest", "apache", "digest", "AuthType Digest + Require valid-user", "Digest Area", ""},
	{file: "apache-htaccess-not-allowed.txt"},
	{"apache-htaccess.txt", "", "apache.auth_basic", "apache", "basic", "AuthType Basic + Require valid-user", "htaccess Area", ""},
	{"apache-missing-authname.txt", "", "apache.auth_misconfig", "apache", "unknown", "AuthType/AuthName/Require block incomplete", "", ""},
	{"apache-missing-authtype.txt", "", "apache.auth_misconfig", "apache", "unknown", "AuthType/AuthName/Require block incomplete", "", ""},
	{"apache-require-ip.txt", "", "apache.require_denied", "apache", "ip-rule", "Require (Require ip/host, Require all denied, or 2.2-style Deny from)", "", ""},
	{file: "apache-sublocation-granted.txt"},
	{"caddy-basicauth-realm.txt", "", "caddy.basic_auth", "caddy", "basic", "basic_auth", "Members Only", ""},
	{"caddy-basicauth.txt", "", "caddy.basic_auth", "caddy", "basic", "basic_auth", "restricted", ""},
	{file: "caddy-public.txt"},
	{"caddy-respond-403.txt", "", "caddy.respond_403", "caddy", "unknown", "respond 403 (or error 403)", "", ""},
	{"express-basic-auth-challenge.txt", "", "express.basic_auth_challenge", "express", "basic", "app.use(basicAuth({ users, challenge: true })) (express-basic-auth)", "Members", ""},
	{"express-basic-auth.txt", "", "express.basic_auth", "express", "basic", "app.use(basicAuth({ users })) (express-basic-auth, challenge: false)", "", ""},
	{"express-passport-http-basic.txt", "", "express.passport_basic", "express", "basic", "passport.authenticate('basic') (passport-http BasicStrategy)", "Users", ""},
	{"express-passport-jwt.txt", "", "express.passport_jwt", "express", "bearer", "passport.authenticate('jwt', { session: false }) (passport-jwt, or another strategy without a challenge)", "", ""},
	{"haproxy-auth-realm.txt", "", "haproxy.http_request_auth", "haproxy", "basic", "http-request auth", "Members Only", ""},
	{"haproxy-auth.txt", "", "haproxy.http_request_auth", "haproxy", "basic", "http-request auth", "fe_main", ""},
	{"haproxy-deny.txt", "", "haproxy.deny", "haproxy", "unknown", "http-request deny", "", ""},
	{"lighttpd-basic.txt", "", "lighttpd.auth_basic", "lighttpd", "basic", `auth.require ( "method" => "basic" )`, "Restricted Area", ""},
	{"lighttpd-deny.txt", "", "lighttpd.deny", "lighttpd", "unknown", `url.access-deny (or a $HTTP["remoteip"] rule)`, "", ""},
	{"lighttpd-digest.txt", "", "lighttpd.auth_digest", "lighttpd", "digest", `auth.require ( "method" => "digest" )`, "Digest Area", ""},
	{file: "nginx-auth-basic-off.txt"},
	{"nginx-auth-request-signin.txt", "", "nginx.auth_request_signin", "nginx", "auth-request", "auth_request + error_page 401 = <sign-in location> (ingress-nginx auth-url + auth-signin)", "sso", ""},
	{"nginx-auth-request.txt", "", "nginx.auth_request", "nginx", "auth-request", "auth_request", "sso", ""},
	{"nginx-basic-smartphone.txt", "", "nginx.auth_basic", "nginx", "basic", "auth_basic", "Restricted Area", ""},
	{"nginx-basic.txt", "", "nginx.auth_basic", "nginx", "basic", "auth_basic", "Restricted Area", ""},
	{"nginx-deny.txt", "", "nginx.deny", "nginx", "ip-rule", "deny", "", ""},
	{"nginx-missing-userfile.txt", "", "nginx.auth_basic", "nginx", "basic", "auth_basic", "No File", ""},
	{"nginx-prefix-caret.txt", "", "nginx.auth_basic", "nginx", "basic", "auth_basic", "Locked", ""},
	{file: "nginx-regex-bypass.txt"},
	{"nginx-satisfy-any.txt", "", "nginx.auth_basic", "nginx", "basic", "auth_basic", "Satisfy Any", ""},
	{"nginx-server-level-tokens-off.txt", "", "nginx.auth_basic", "nginx", "basic", "auth_basic", "Staging", ""},

	// Captured from Debian 12's WordPress and MediaWiki (real_apps_test.go).
	{"wordpress-post-password.txt", "", "wordpress.post_password", "wordpress", "session", "post visibility: Password protected", "", "apache"},
	{"wordpress-auth-redirect.txt", "", "wordpress.login_redirect", "wordpress", "login-redirect", "auth_redirect() (a force-login or membership plugin, or private content)", "", "apache"},
	{"apache-rewrite-login-redirect.txt", "", "apache.rewrite_login_redirect", "apache", "login-redirect", "RewriteRule ... [R] (or Redirect) to the login page", "", ""},
	{file: "wordpress-feed.txt"}, // RSS, not a page: it quotes the form among the posts
	// Login pages read as login forms; the classifier knows them by their
	// URL and never reports them (TestAppCaptures).
	{"wordpress-login-page.txt", "", "generic.login_form", "unknown", "session", "login form served in place of the content", "", ""},
	{"mediawiki-login-page.txt", "", "generic.login_form", "unknown", "session", "login form served in place of the content", "", ""},
	{"mediawiki-login-required.txt", "", "mediawiki.login_required", "mediawiki", "session", "$wgGroupPermissions['*']['read'] = false, the page missing from $wgWhitelistRead", "", "apache"},

	// Written from the products' sources and docs.
	{"nginx-ingress-basic.txt", "", "nginx.ingress_auth_basic", "nginx", "basic", "nginx.ingress.kubernetes.io/auth-type: basic", "", ""},
	{"apache-behind-cloudflare.txt", "", "apache.auth_basic", "apache", "basic", "AuthType Basic + Require valid-user", "Restricted Area", "cloudflare"},
	{"apache-behind-nginx.txt", "", "apache.auth_basic", "apache", "basic", "AuthType Basic + Require valid-user", "Restricted Area", "nginx"},
	{"iis-basic.txt", "", "iis.basic", "iis", "basic", `<basicAuthentication enabled="true"> with <anonymousAuthentication enabled="false">`, "example.org", ""},
	{"iis-negotiate.txt", "", "iis.windows_auth", "iis", "negotiate", `<windowsAuthentication enabled="true"> with <anonymousAuthentication enabled="false">`, "", ""},
	{"bearer-invalid-token.txt", "", "rfc6750.invalid_token", "app", "bearer", "bearer-token check on the route (RFC 6750 resource server)", "api", ""},
	{"spring-bearer.txt", "", "spring.bearer", "spring", "bearer", "oauth2ResourceServer().jwt() with anyRequest().authenticated()", "", ""},
	{"spring-basic.txt", "", "spring.basic", "spring", "basic", "httpBasic() with anyRequest().authenticated()", "Realm", ""},
	{"wordpress-rest.txt", "", "wordpress.rest_not_logged_in", "wordpress", "session", "rest_authentication_errors filter (the REST handbook's 'require authentication' snippet or a plugin)", "", "apache"},
	{"wordpress-rest-password-protected.txt", "", "wordpress.rest_cannot_access", "wordpress", "session", "Password Protected plugin (REST API protection)", "", "apache"},
	{"login-redirect-wp.txt", "", "wordpress.login_redirect", "wordpress", "login-redirect", "auth_redirect() (a force-login or membership plugin, or private content)", "", "nginx"},
	{"login-redirect-wp-password-protected.txt", "", "wordpress.password_protected", "wordpress", "login-redirect", "Password Protected plugin (site-wide password)", "", ""},
	{"login-form-wp-post-password.txt", "", "wordpress.post_password", "wordpress", "session", "post visibility: Password protected", "", "apache"},
	{"login-redirect-django.txt", "", "django.login_required", "django", "login-redirect", "login_required / LoginRequiredMixin / LoginRequiredMiddleware", "", ""},
	{"login-redirect-devise.txt", "", "rails.devise", "rails", "login-redirect", "before_action :authenticate_user! (Devise)", "", ""},
	{"login-redirect-laravel.txt", "", "laravel.login_redirect", "laravel", "login-redirect", "->middleware('auth')", "", "nginx"},
	{"laravel-auth-basic.txt", "", "laravel.auth_basic", "laravel", "basic", "->middleware('auth.basic')", "", "nginx"},
	{"rails-http-basic.txt", "", "rails.http_basic", "rails", "basic", "http_basic_authenticate_with name:, password:", "Application", ""},
	{"rails-http-digest.txt", "", "rails.http_digest", "rails", "digest", "authenticate_or_request_with_http_digest", "Application", ""},
	{"rails-http-token.txt", "", "rails.http_token", "rails", "bearer", "authenticate_or_request_with_http_token", "Application", ""},
	{"drf-not-authenticated-basic.txt", "", "drf.not_authenticated", "django", "basic", "DEFAULT_PERMISSION_CLASSES = [IsAuthenticated] (Django REST framework)", "api", ""},
	{"drf-not-authenticated-session.txt", "", "drf.session_not_authenticated", "django", "session", "DEFAULT_PERMISSION_CLASSES = [IsAuthenticated] (Django REST framework, SessionAuthentication first)", "", ""},
	{"drupal-basic-auth.txt", "", "drupal.basic_auth", "drupal", "basic", "basic_auth module on the route, anonymous role lacking the permission", "Example Site", ""},
	{"tomcat-basic.txt", "", "tomcat.basic", "tomcat", "basic", "<login-config><auth-method>BASIC</auth-method> + <security-constraint>", "Authentication required", ""},
	{"java-form-login.txt", "", "java.form_login", "tomcat", "session", "<login-config><auth-method>FORM</auth-method> + <security-constraint>", "", ""},
	{"traefik-basic.txt", "", "traefik.basic_auth", "traefik", "basic", "basicAuth middleware", "traefik", ""},
	{"traefik-forward-auth.txt", "", "traefik.forward_auth", "traefik", "forward-auth", "forwardAuth middleware (the auth server's 401 passed through)", "", ""},
	{"oauth2-proxy-start.txt", "", "oauth2-proxy.start_redirect", "oauth2-proxy", "login-redirect", "sign-in redirect to oauth2-proxy (ingress-nginx auth-signin, Traefik forwardAuth)", "", ""},
	{"cloudflare-access.txt", "", "cloudflare.access", "cloudflare-access", "login-redirect", "Cloudflare Access application", "", ""},
	{"azure-easy-auth.txt", "", "azure.easy_auth", "azure-app-service", "login-redirect", "App Service Authentication: unauthenticatedClientAction RedirectToLoginPage", "", ""},
	{"aws-alb-oidc.txt", "", "aws.alb_authenticate", "aws-alb", "login-redirect", "listener rule action authenticate-oidc / authenticate-cognito", "", ""},
	{"google-iap.txt", "", "google.iap", "google-iap", "login-redirect", "IAP enabled on the backend service (or App Engine app)", "", ""},
	{"aws-apigw-missing-token.txt", "", "aws.apigw_missing_token", "aws-api-gateway", "unknown", "IAM authorization on the route (or a route that does not exist)", "", ""},
	{"aws-cloudfront-edge-auth.txt", "", "aws.cloudfront_edge_auth", "aws-cloudfront", "basic", "viewer-request function (Lambda@Edge or CloudFront Functions) on the cache behavior", "Preview", ""},
	{"envoy-jwt-missing.txt", "", "envoy.jwt_missing", "envoy", "bearer", "jwt_authn requirement (Istio RequestAuthentication + AuthorizationPolicy)", "https://example.org/docs/", ""},
	{"envoy-jwt-invalid.txt", "", "envoy.jwt_invalid", "envoy", "bearer", "jwt_authn verification of a token the request carried (Istio RequestAuthentication)", "https://example.org/docs/page", ""},
	{"envoy-rbac.txt", "", "envoy.rbac", "envoy", "unknown", "RBAC filter (Istio AuthorizationPolicy)", "", ""},
	{"kong-key-auth.txt", "", "kong.key_auth", "kong", "unknown", "key-auth plugin", "", ""},
	{"jenkins-anonymous.txt", "", "jenkins.anonymous", "app", "session", "Jenkins security realm + authorization strategy without anonymous Overall/Read", "", ""},
	{"docker-registry.txt", "", "docker.registry", "app", "bearer", "Docker registry auth: configuration", "https://auth.example.org/token", ""},
	{"prometheus-basic.txt", "", "prometheus.web_config", "app", "basic", "basic_auth_users in --web.config.file (Prometheus, exporters)", "", ""},
	{"traefik-digest.txt", "", "traefik.digest_auth", "traefik", "digest", "digestAuth middleware", "traefik", ""},
	{"kong-basic-auth.txt", "", "kong.basic_auth", "kong", "basic", "basic-auth plugin", "service", ""},
	{"kong-jwt.txt", "", "kong.jwt", "kong", "bearer", "jwt plugin", "", ""},
	{"aspnetcore-jwt-bearer.txt", "", "aspnetcore.jwt_bearer", "app", "bearer", "[Authorize] / RequireAuthorization() with the JwtBearer handler (ASP.NET Core)", "", ""},
	{"oauth2-proxy-sign-in.txt", "", "oauth2-proxy.sign_in", "oauth2-proxy", "session", "oauth2-proxy in front of the site (sign-in page)", "", ""},
	{"oauth2-proxy-idp-redirect.txt", "", "oauth2-proxy.idp_redirect", "oauth2-proxy", "login-redirect", "oauth2-proxy in front of the site with --skip-provider-button (straight to the identity provider)", "", ""},
	{"grafana-login.txt", "", "grafana.login", "app", "login-redirect", "Grafana with anonymous access disabled ([auth.anonymous] enabled = false)", "", ""},
	{"joomla-login-redirect.txt", "", "joomla.login_redirect", "joomla", "login-redirect", "Access level Registered on the menu item or article", "", "apache"},
	{"drupal-access-denied.txt", "", "drupal.access_denied", "drupal", "session", `anonymous role lacking "access content" (or the node/route permission)`, "", ""},
	{"wordfence-block.txt", "", "wordfence.block", "wordpress", "ip-rule", `Wordfence firewall block (IP, country, rate limit, or "block fake Google crawlers")`, "", "apache"},
	{"vercel-protection.txt", "", "vercel.protection", "vercel", "unknown", "Deployment Protection (Vercel Authentication or Password Protection)", "", ""},
	{"netlify-basic-auth.txt", "", "netlify.basic_auth", "netlify", "basic", "_headers Basic-Auth (or site password protection)", "Netlify", ""},
	{"envoy-ext-authz.txt", "", "envoy.ext_authz", "envoy", "forward-auth", "ext_authz filter", "", ""},
	{"spring-form-login.txt", "", "spring.form_login", "spring", "login-redirect", "formLogin() with anyRequest().authenticated()", "", ""},
	{"generic-basic.txt", "", "generic.basic", "unknown", "basic", "Basic authentication (layer not identified)", "Restricted", ""},
	{"generic-digest.txt", "", "generic.digest", "unknown", "digest", "Digest authentication (layer not identified)", "private", ""},
	{"generic-bearer.txt", "", "generic.bearer", "unknown", "bearer", "bearer-token check (layer not identified)", "example", ""},
	{"generic-negotiate.txt", "", "generic.negotiate", "unknown", "negotiate", "Windows authentication (Negotiate/NTLM, layer not identified)", "", ""},
	{"generic-bare-401.txt", "", "generic.bare_401", "unknown", "unknown", "application guard (401 without WWW-Authenticate)", "", ""},
	{"generic-401-custom-scheme.txt", "", "generic.401", "unknown", "unknown", "401 with a challenge of an unidentified layer", "partner-api", ""},
	{"generic-403.txt", "", "generic.403", "unknown", "unknown", "403 from an unidentified layer", "", ""},
	{"generic-login-redirect.txt", "", "generic.login_redirect", "unknown", "login-redirect", "redirect to a login page (layer not identified)", "", ""},
	{"generic-login-form.txt", "", "generic.login_form", "unknown", "session", "login form served in place of the content", "", ""},

	// The same walls with a browser control that got 200: User-Agent rules.
	{"nginx-deny.txt", "nginx-auth-basic-off.txt", "ua-rule.nginx", "nginx", "ua-rule", `if ($http_user_agent ~* "...") { return 403; } (or a map on $http_user_agent)`, "", ""},
	{"apache-require-ip.txt", "apache-htaccess-not-allowed.txt", "ua-rule.apache", "apache", "ua-rule", "RewriteCond %{HTTP_USER_AGENT} ... [F], or SetEnvIf/BrowserMatch User-Agent with Require not env", "", ""},
	{"haproxy-deny.txt", "caddy-public.txt", "ua-rule.haproxy", "haproxy", "ua-rule", "http-request deny if { req.hdr(user-agent) -m sub ... }", "", ""},
	{"lighttpd-deny.txt", "caddy-public.txt", "ua-rule.lighttpd", "lighttpd", "ua-rule", `$HTTP["useragent"] =~ "..." { url.access-deny = ( "" ) }`, "", ""},
	{"caddy-respond-403.txt", "caddy-public.txt", "ua-rule.caddy", "caddy", "ua-rule", "@bots header User-Agent *bot* with respond @bots 403 (or a basic_auth under that matcher)", "", ""},
	{"caddy-basicauth.txt", "caddy-public.txt", "ua-rule.caddy", "caddy", "ua-rule", "@bots header User-Agent *bot* with respond @bots 403 (or a basic_auth under that matcher)", "restricted", ""},
	{"generic-403.txt", "nginx-regex-bypass.txt", "ua-rule.generic", "unknown", "ua-rule", "a User-Agent rule: WAF or CDN bot rule, security plugin (fake-crawler blocking), or application code", "", ""},
	{"express-passport-jwt.txt", "caddy-public.txt", "ua-rule.generic", "express", "ua-rule", "a User-Agent rule: WAF or CDN bot rule, security plugin (fake-crawler blocking), or application code", "", ""},
}

func defaultCatalogForTest(t *testing.T) *Catalog {
	t.Helper()
	c, err := DefaultCatalog()
	require.NoError(t, err)
	return c
}

func TestAttributeFixtures(t *testing.T) {
	c := defaultCatalogForTest(t)
	for _, tc := range respFixtureCases {
		t.Run(tc.name(), func(t *testing.T) {
			wall, control := tc.load(t)
			if tc.sig == "" {
				assert.False(t, isWallAnswer(c, wall), "a no-wall fixture looks like a wall")
				return
			}
			require.True(t, isWallAnswer(c, wall), "fixture is not a wall")
			best, alts := c.Attribute(wall, control)
			assert.Equal(t, tc.sig, best.Signature, "signature; evidence: %q", best.Evidence)
			assert.Equal(t, tc.source, best.Source, "source")
			assert.Equal(t, tc.mechanism, best.Mechanism, "mechanism")
			assert.Equal(t, tc.directive, best.Directive, "directive")
			assert.Equal(t, tc.realm, best.Realm, "realm")
			assert.Equal(t, tc.edge, best.Edge, "edge")
			assert.NotEmpty(t, best.Fix, "fix")
			assert.NotEmpty(t, best.Evidence, "evidence")
			assert.Contains(t, []string{"high", "medium", "low"}, best.Confidence)
			assert.LessOrEqual(t, len(alts), 3, "alternatives")
			for _, line := range best.Evidence {
				assert.NotContains(t, line, "\n", "evidence lines are one line each")
			}
			for _, a := range alts {
				assert.NotEqual(t, best.Signature, a.Signature, "the best match is not its own alternative")
				assert.NotEmpty(t, a.Source)
			}
		})
	}
}

// Every catalog entry must have a fixture that attributes to it, and every
// fixture must be in the table.
func TestCatalogCompleteness(t *testing.T) {
	c := defaultCatalogForTest(t)
	covered := map[string]bool{}
	listed := map[string]bool{}
	for _, tc := range respFixtureCases {
		listed[tc.file] = true
		if tc.sig == "" {
			continue
		}
		wall, control := tc.load(t)
		best, _ := c.Attribute(wall, control)
		covered[best.Signature] = true
	}
	for _, id := range c.ids() {
		assert.True(t, covered[id], "catalog entry %s has no fixture that attributes to it", id)
	}
	entries, err := os.ReadDir(respFixtureDir)
	require.NoError(t, err)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".txt") {
			assert.True(t, listed[e.Name()], "fixture %s is not in respFixtureCases", e.Name())
		}
	}
}

// The captured fixtures are raw responses of real servers: they must stay
// byte for byte what the servers sent (an editor or a line-end conversion
// would quietly change what attribution is tested on). captured.sha256
// lists them with their SHA-256, in sha256sum's format, and the README
// names each of them.
func TestCapturesUnchanged(t *testing.T) {
	sums, err := os.ReadFile(filepath.Join(respFixtureDir, "captured.sha256"))
	require.NoError(t, err)
	readme, err := os.ReadFile(filepath.Join(respFixtureDir, "README.md"))
	require.NoError(t, err)
	listed := map[string]bool{}
	for _, tc := range respFixtureCases {
		listed[tc.file] = true
	}
	n := 0
	for i, line := range strings.Split(strings.TrimSpace(string(sums)), "\n") {
		want, name, ok := strings.Cut(line, "  ")
		require.True(t, ok, "captured.sha256:%d: want \"SHA256  FILE\", got %q", i+1, line)
		data, err := os.ReadFile(filepath.Join(respFixtureDir, name))
		if !assert.NoError(t, err, "captured.sha256:%d", i+1) {
			continue
		}
		got := sha256.Sum256(data)
		assert.Equal(t, want, hex.EncodeToString(got[:]), "%s differs from the capture", name)
		assert.True(t, listed[name], "capture %s is not in respFixtureCases", name)
		assert.Contains(t, string(readme), strings.TrimSuffix(name, ".txt"), "README.md does not name capture %s", name)
		n++
	}
	assert.GreaterOrEqual(t, n, 35)
}

func TestAttributeUARuleEvidence(t *testing.T) {
	c := defaultCatalogForTest(t)
	wall := loadAnswer(t, "nginx-deny.txt")
	control := loadAnswer(t, "nginx-auth-basic-off.txt")

	best, alts := c.Attribute(wall, &control)
	assert.Equal(t, "ua-rule", best.Mechanism)
	assert.Equal(t, "nginx", best.Source, "the server a signature identified stays the source")
	joined := strings.Join(best.Evidence, "\n")
	assert.Contains(t, joined, "got 200 at the same URL while the crawler agent got 403")
	assert.Contains(t, joined, "fake-crawler filter that lets the real, reverse-DNS-verified Googlebot through")
	assert.Contains(t, joined, "access logs")
	assert.Contains(t, joined, "Search Console URL Inspection")
	assert.Contains(t, joined, "the wall itself matches nginx.deny")
	assert.Contains(t, best.Fix, "fake-crawler filter")
	assert.Contains(t, best.Fix, "Search Console URL Inspection")
	require.NotEmpty(t, alts)
	assert.Equal(t, "nginx.deny", alts[0].Signature, "the wall's own match is the first alternative")

	// The same wall without a control, or with a control that met the
	// wall too, is attributed to the wall's own signature.
	best, _ = c.Attribute(wall, nil)
	assert.Equal(t, "nginx.deny", best.Signature)
	best, _ = c.Attribute(wall, &wall)
	assert.Equal(t, "nginx.deny", best.Signature)
}

func TestAttributeEdge(t *testing.T) {
	c := defaultCatalogForTest(t)
	best, _ := c.Attribute(loadAnswer(t, "apache-behind-cloudflare.txt"), nil)
	assert.Equal(t, "cloudflare", best.Edge)
	assert.Contains(t, best.Evidence, "edge cloudflare, generator apache (Server: cloudflare)")

	// An unidentified generator behind a known edge: no Edge claimed, the
	// outer layer is still named.
	best, _ = c.Attribute(loadAnswer(t, "generic-bearer.txt"), nil)
	assert.Empty(t, best.Edge)
	assert.Contains(t, strings.Join(best.Evidence, "\n"), "outermost layer cloudflare")
}

func TestAttributeEvidenceQuotesWhatMatched(t *testing.T) {
	c := defaultCatalogForTest(t)
	best, alts := c.Attribute(loadAnswer(t, "nginx-basic.txt"), nil)
	assert.Equal(t, "medium", best.Confidence)
	assert.Contains(t, best.Evidence, "status 401")
	assert.Contains(t, best.Evidence, `WWW-Authenticate: Basic realm="Restricted Area"`)
	assert.Contains(t, best.Evidence, "Server: nginx/1.22.1")
	assert.Contains(t, best.Evidence, `body contains "<hr><center>nginx" (nginx's own error page)`)
	var altIDs []string
	for _, a := range alts {
		altIDs = append(altIDs, a.Signature)
	}
	assert.Contains(t, altIDs, "generic.basic")

	best, _ = c.Attribute(loadAnswer(t, "apache-digest.txt"), nil)
	assert.Equal(t, "high", best.Confidence)
	assert.Contains(t, best.Evidence, "no opaque parameter in the Digest challenge")

	best, _ = c.Attribute(loadAnswer(t, "caddy-basicauth.txt"), nil)
	assert.Contains(t, best.Evidence, `realm "restricted" is the default of caddy basic_auth`)
}

func TestAttributeNeverEmpty(t *testing.T) {
	c := defaultCatalogForTest(t)
	cases := []Answer{
		{},
		{Status: 500},
		{Status: 401, Header: http.Header{"Www-Authenticate": {`Basic realm="unterminated`}}},
		{Status: 407, Header: http.Header{"Proxy-Authenticate": {"Basic"}}},
		{Status: 302, Header: http.Header{"Location": {"/"}}},
	}
	for _, a := range cases {
		best, _ := c.Attribute(a, nil)
		assert.NotEmpty(t, best.Source, "%+v", a)
		assert.NotEmpty(t, best.Mechanism, "%+v", a)
		assert.NotEmpty(t, best.Directive, "%+v", a)
		assert.NotEmpty(t, best.Fix, "%+v", a)
		assert.NotEmpty(t, best.Confidence, "%+v", a)
	}
	best, _ := c.Attribute(cases[2], nil)
	assert.Equal(t, "generic.basic", best.Signature)
	assert.Equal(t, "unterminated", best.Realm)
	assert.Contains(t, best.Evidence, "malformed WWW-Authenticate: unterminated quoted string at byte 12")
}

func TestAttributeRedirectChainInEvidence(t *testing.T) {
	c := defaultCatalogForTest(t)
	a := loadAnswer(t, "login-redirect-django.txt")
	a.Chain = []Redirect{
		{URL: "http://example.org/docs/", Status: 301, Location: "https://example.org/docs/"},
		{URL: "https://example.org/docs/", Status: 302, Location: a.Location},
	}
	best, _ := c.Attribute(a, nil)
	assert.Equal(t, "django.login_required", best.Signature)
	assert.Contains(t, best.Evidence, "reached through http://example.org/docs/ (301) → https://example.org/docs/ (302)")
}

func TestCatalogIDs(t *testing.T) {
	c := defaultCatalogForTest(t)
	ids := c.ids()
	assert.Equal(t, len(c.sigs)+len(c.uaRules), len(ids))
	seen := map[string]bool{}
	for _, id := range ids {
		assert.False(t, seen[id], "duplicate id %s", id)
		seen[id] = true
	}
	sorted := append([]string(nil), ids...)
	sort.Strings(sorted)
	assert.GreaterOrEqual(t, len(ids), 40)
}

// FuzzAttribute feeds raw responses (seeded with every fixture) through
// Attribute: whatever a site sends, the attribution is complete and uses
// only the contract's values.
func FuzzAttribute(f *testing.F) {
	entries, err := os.ReadDir(respFixtureDir)
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".txt") {
			data, err := os.ReadFile(filepath.Join(respFixtureDir, e.Name()))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data, uint16(200))
		}
	}
	c, err := DefaultCatalog()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw []byte, controlStatus uint16) {
		resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
		if err != nil {
			return
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		wall := Answer{URL: respFixtureBase, Status: resp.StatusCode, Header: resp.Header, Body: body, Location: resp.Header.Get("Location")}
		var control *Answer
		if controlStatus%2 == 0 {
			control = &Answer{URL: respFixtureBase, Status: int(controlStatus % 600)}
		}
		best, alts := c.Attribute(wall, control)
		for _, a := range append([]Attribution{best}, alts...) {
			if !knownSource(a.Source) || !knownMechanism(a.Mechanism) {
				t.Fatalf("source %q / mechanism %q outside the contract", a.Source, a.Mechanism)
			}
			if a.Directive == "" || a.Fix == "" || len(a.Evidence) == 0 {
				t.Fatalf("incomplete attribution %+v", a)
			}
			for _, line := range a.Evidence {
				if strings.ContainsAny(line, "\r\n") {
					t.Fatalf("evidence line %q spans lines", line)
				}
			}
			switch a.Confidence {
			case "high", "medium", "low":
			default:
				t.Fatalf("confidence %q", a.Confidence)
			}
		}
		if len(alts) > maxAlternatives {
			t.Fatalf("%d alternatives", len(alts))
		}
	})
}

func TestAttributeEvidenceStaysOnOneLine(t *testing.T) {
	c := defaultCatalogForTest(t)
	best, _ := c.Attribute(Answer{Status: 401, Header: http.Header{
		"Www-Authenticate": {"Basic realm=\"a\r\nb\""},
		"Server":           {"nginx\nInjected: yes"},
	}, Body: []byte("x")}, nil)
	for _, line := range best.Evidence {
		assert.NotContains(t, line, "\n")
		assert.NotContains(t, line, "\r")
	}
	long := strings.Repeat("é", 400)
	best, _ = c.Attribute(Answer{Status: 401, Header: http.Header{"Www-Authenticate": {`Basic realm="` + long + `"`}}}, nil)
	for _, line := range best.Evidence {
		assert.Less(t, len(line), 400, "long values are clipped")
	}
}

func ExampleCatalog_Attribute() {
	catalog, err := DefaultCatalog()
	if err != nil {
		panic(err)
	}
	wall := Answer{
		URL:    "https://example.org/blog/",
		Status: 401,
		Header: http.Header{
			"Server":           {"nginx/1.22.1"},
			"Www-Authenticate": {`Basic realm="Staging"`},
		},
		Body: []byte("<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n" +
			"<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n"),
	}
	best, _ := catalog.Attribute(wall, nil)
	fmt.Println(best.Source, best.Mechanism, best.Directive, best.Realm, best.Confidence)
	for _, line := range best.Evidence {
		fmt.Println(line)
	}

	// A browser got the page: the wall keys on the User-Agent.
	best, _ = catalog.Attribute(wall, &Answer{URL: wall.URL, Status: 200})
	fmt.Println(best.Source, best.Mechanism)
	// Output:
	// nginx basic auth_basic Staging medium
	// status 401
	// WWW-Authenticate: Basic realm="Staging"
	// body contains "<hr><center>nginx" (nginx's own error page)
	// Server: nginx/1.22.1
	// body contains "<title>401 Authorization Required</title>"
	// nginx ua-rule
}

// Fixtures edited by hand may lose their CRLFs; the loader still reads them.
func TestFixtureLoaderToleratesBareLF(t *testing.T) {
	c := defaultCatalogForTest(t)
	for _, name := range []string{"nginx-basic.txt", "apache-digest.txt", "haproxy-auth.txt", "login-redirect-django.txt"} {
		data, err := os.ReadFile(filepath.Join(respFixtureDir, name))
		require.NoError(t, err)
		want, _ := c.Attribute(parseAnswer(t, name, data), nil)
		got, _ := c.Attribute(parseAnswer(t, name, bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))), nil)
		assert.Equal(t, want.Signature, got.Signature, name)
		assert.Equal(t, want.Realm, got.Realm, name)
	}
}

// A wall keeps only the headers attribution reads (keptHeader): every
// fixture, with and without its control, must attribute the same from the
// kept headers as from all of them.
func TestKeptHeaderAttributesAlike(t *testing.T) {
	c := defaultCatalogForTest(t)
	for _, tc := range respFixtureCases {
		t.Run(tc.name(), func(t *testing.T) {
			wall, control := tc.load(t)
			best, alts := c.Attribute(wall, control)

			kept := wall
			kept.Header = c.keptHeader(wall.Header)
			var keptControl *Answer
			if control != nil {
				kc := *control
				kc.Header = c.keptHeader(control.Header)
				keptControl = &kc
			}
			keptBest, keptAlts := c.Attribute(kept, keptControl)
			assert.Equal(t, best, keptBest)
			assert.Equal(t, alts, keptAlts)
			assert.Equal(t, isWallAnswer(c, wall), isWallAnswer(c, kept))
			for name := range wall.Header {
				assert.Equal(t, c.headers[name], kept.Header[name] != nil, "header %s kept exactly when read", name)
			}
		})
	}
	assert.False(t, c.headers["Content-Length"], "Content-Length is read by no entry: the test above drops something")
}

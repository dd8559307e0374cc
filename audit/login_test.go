package audit

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLoginRedirectPatterns(t *testing.T) {
	yes := []struct{ location, pattern string }{
		{"https://example.org/login", "/login"},
		{"/login?from=%2Fjob%2Fdocs%2F", "/login"},
		{"https://example.org/en/signin", "/signin"},
		{"https://example.org/sign-in?return=/", "/sign-in"},
		{"https://example.org/account/login.php", "/login"},
		{"https://example.org/Login.aspx?ReturnUrl=%2fdocs", "/login"},
		{"https://example.org/user/login?destination=/node/1", "/login"},
		{"https://example.org/users/sign_in", "/users/sign_in"},
		{"/accounts/login/?next=/docs/", "/accounts/login/"},
		{"https://example.org/wp-login.php?redirect_to=https%3A%2F%2Fexample.org%2F&reauth=1", "/wp-login.php"},
		{"https://example.org/?password-protected=login&redirect_to=https%3A%2F%2Fexample.org%2F", "?password-protected=login"},
		{"https://example.org/oauth2/start?rd=%2Fdocs%2F", "/oauth2/start"},
		{"https://example.org/oauth2/sign_in", "/oauth2/sign_in"},
		{"https://example.azurewebsites.net/.auth/login/aad?post_login_redirect_uri=/", "/.auth/login/"},
		{"https://example.org/cdn-cgi/access/login/example.org", "/cdn-cgi/access/login/"},
		{"https://team.cloudflareaccess.com/cdn-cgi/access/login/example.org?redirect_url=/", "*.cloudflareaccess.com"},
		{"https://accounts.google.com/o/oauth2/v2/auth?client_id=x", "accounts.google.com"},
		{"https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=x", "login.microsoftonline.com"},
		{"https://idp.example.com/authorize?client_id=a&redirect_uri=https%3A%2F%2Fexample.org%2Foauth2%2Fidpresponse", "redirect_uri=…/oauth2/idpresponse"},
		{"https://idp.example.com/oauth2/authorize?response_type=code", "/oauth2/authorize"},
		{"https://sso.example.org/authorize?client_id=abc&response_type=code", "/authorize?client_id="},
		{"https://sso.example.org/saml2/idp/SSOService.php", "/saml"},
		{"https://example.org/sso/saml/start?RelayState=%2Fdocs", "/saml"}, // a redirect target, not a crawled login page (loginURL)
		{"https://sso.example.org/cas/login?service=https%3A%2F%2Fexample.org%2F", "/cas/login"},
		{"https://example.org/index.php?option=com_users&view=login&return=aW5kZXgucGhw", "option=com_users&view=login"},
		{"https://kc.example.org/realms/main/protocol/openid-connect/auth?client_id=web", "/protocol/openid-connect/auth"},
		{"HTTPS://EXAMPLE.ORG/LOGIN", "/login"},
	}
	for _, tc := range yes {
		pattern, ok := loginRedirect(tc.location)
		assert.True(t, ok, tc.location)
		assert.Equal(t, tc.pattern, pattern, tc.location)
	}
	no := []string{
		"",
		"/",
		"https://example.org/docs/",
		"https://example.org/blog/how-to-login-safely/",
		"https://example.org/logins-explained",
		"https://www.example.org/",
		"https://example.org/blog/?next=/docs/",
		"https://example.org/authorize-payments/",
		"https://example.org/catalog?view=login-widgets",
		"http://[::1",
		"https://google.com/search?q=login",
	}
	for _, loc := range no {
		pattern, ok := loginRedirect(loc)
		assert.False(t, ok, "%s matched %s", loc, pattern)
	}
}

func TestSoftWallPage(t *testing.T) {
	yes := []struct{ name, body, marker string }{
		{"j_security_check", `<form method="POST" action="j_security_check"><input name="j_username"><input type="password" name="j_password"></form>`, "j_security_check"},
		{"WordPress protected post", `<article><form action="https://example.org/wp-login.php?action=postpass" class="post-password-form" method="post"><input name="post_password" type="password"></form></article>`, "post-password-form"},
		{"post_password input alone", `<div><input name="post_password" id="pwbox-1" type="password"></div>`, "post_password"},
		{"Password Protected plugin", `<form name="loginform" id="loginform" action="https://example.org/?password-protected=login" method="post"><input type="password" name="password_protected_pwd"></form>`, "password-protected=login"},
		{"generic login page", `<html><head><title>Sign in</title></head><body><header><nav><a href="/">Home</a></nav></header><h1>Sign in</h1><form method="post"><input name="user"><input type="password" name="pw"><button>Go</button></form><footer>© Example</footer></body></html>`, `<form> with <input type="password">`},
		{"generic login page, upper case", `<FORM METHOD=POST><INPUT TYPE=PASSWORD NAME=pw></FORM>`, `<form> with <input type="password">`},
	}
	for _, tc := range yes {
		marker, ok := softWallPage([]byte(tc.body))
		assert.True(t, ok, tc.name)
		assert.Equal(t, tc.marker, marker, tc.name)
	}

	post := strings.Repeat("Choosing a password manager is the first step; a long passphrase beats a short password. ", 20)
	no := []struct{ name, body string }{
		{"empty", ""},
		{"not HTML", `{"password":"x"}`},
		{"blog post about passwords", `<html><body><nav><a href="/login">Log in</a></nav><article><h1>Better passwords</h1><p>` + post +
			`</p><pre><code>&lt;form&gt;&lt;input type="password"&gt;&lt;/form&gt;</code></pre></article></body></html>`},
		{"login link in the nav", `<html><body><header><nav><a href="/login">Log in</a> <a href="/signin">Sign in</a></nav></header><main><h1>Docs</h1><p>Read the docs.</p></main></body></html>`},
		{"login widget beside an article", `<html><body><aside><form action="/session"><input name="u"><input type="password" name="p"></form></aside><article><p>` + post + `</p></article></body></html>`},
		{"password input outside a form", `<div><input type="password"></div>`},
		{"password markup inside a script", `<html><body><p>Docs</p><script>const tpl = '<form><input type="password"></form>';</script></body></html>`},
		{"j_security_check as text", `<p>Java EE FORM login posts to j_security_check, with fields j_username and j_password.</p>`},
	}
	for _, tc := range no {
		marker, ok := softWallPage([]byte(tc.body))
		assert.False(t, ok, "%s: matched %s", tc.name, marker)
	}
}

func TestSoftWallPageOnFixtures(t *testing.T) {
	for name, want := range map[string]string{
		"login-form-wp-post-password.txt": "post-password-form",
		"java-form-login.txt":             "j_security_check",
		"generic-login-form.txt":          `<form> with <input type="password">`,
		"caddy-public.txt":                "",
		"nginx-basic.txt":                 "",
	} {
		marker, ok := softWallPage(loadAnswer(t, name).Body)
		assert.Equal(t, want != "", ok, name)
		assert.Equal(t, want, marker, name)
	}
}

func TestPaywall(t *testing.T) {
	yes := map[string]string{
		"boolean false": `<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","isAccessibleForFree":false,
			"hasPart":{"@type":"WebPageElement","isAccessibleForFree":false,"cssSelector":".paywall"}}</script>`,
		"string False":       `<script type="application/ld+json">{"@type":"Article","isAccessibleForFree":"False"}</script>`,
		"in @graph":          `<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite"},{"@type":"Article","isAccessibleForFree":false}]}</script>`,
		"array of documents": `<script type="application/ld+json">[{"@type":"Organization"},{"@type":"Article","isAccessibleForFree":"false"}]</script>`,
		"only hasPart":       `<script type="application/ld+json">{"@type":"Article","hasPart":[{"@type":"WebPageElement","isAccessibleForFree":false}]}</script>`,
		"type with spaces":   `<script type=" application/ld+json ">{"isAccessibleForFree":false}</script>`,
		"microdata":          `<article itemscope itemtype="https://schema.org/Article"><meta itemprop="isAccessibleForFree" content="False"></article>`,
	}
	for name, body := range yes {
		assert.True(t, paywall([]byte(body)), name)
	}
	no := map[string]string{
		"empty":              "",
		"free article":       `<script type="application/ld+json">{"@type":"Article","isAccessibleForFree":true}</script>`,
		"string True":        `<script type="application/ld+json">{"@type":"Article","isAccessibleForFree":"True"}</script>`,
		"no structured data": `<p>isAccessibleForFree: false</p>`,
		"other script type":  `<script type="application/json">{"isAccessibleForFree":false}</script>`,
		"javascript":         `<script>var x = {"isAccessibleForFree": false};</script>`,
		"broken JSON-LD":     `<script type="application/ld+json">{"isAccessibleForFree": false,,}</script>`,
		"login form":         `<form><input type="password"></form>`,
	}
	for name, body := range no {
		assert.False(t, paywall([]byte(body)), name)
	}
}

// FuzzLoginDetection runs the HTML and URL readers on arbitrary input: they
// must not panic, and the markers they return are from their own tables.
func FuzzLoginDetection(f *testing.F) {
	for _, s := range []string{
		"", "/login", "https://team.cloudflareaccess.com/cdn-cgi/access/login/x", "http://[::1", "%zz",
		`<form action="j_security_check"><input type="password"></form>`,
		`<form class="post-password-form"><input name="post_password" type="password"></form>`,
		`<script type="application/ld+json">{"isAccessibleForFree":false}</script>`,
		`<script type="application/ld+json">[[[[[[{"hasPart":{"isAccessibleForFree":"False"}}]]]]]]</script>`,
		`<form><form><input type=password></form></form></form>`,
		`<title>Login required</title><h1>Members only</h1><a href="/wp-login.php?redirect_to=%2F">Log in</a>`,
		"/index.php?title=Special:UserLogin&returnto=Main+Page&returntoquery=",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if pattern, ok := loginRedirect(s); ok && pattern == "" {
			t.Fatal("login redirect without a pattern name")
		}
		if marker, ok := softWallPage([]byte(s)); ok && marker == "" {
			t.Fatal("soft wall without a marker")
		}
		if key := loginPageKey(s); key != loginPageKey(key) {
			t.Fatalf("login page key %q is not stable: %q", key, loginPageKey(key))
		}
		paywall([]byte(s))
	})
}

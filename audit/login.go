package audit

import (
	"bytes"
	"encoding/json"
	"net/url"
	"path"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// loginRedirectPattern is one kind of login or single-sign-on target,
// written from where the products in the catalog send anonymous visitors
// (their documented or default login URLs). Every set field must hold.
type loginRedirectPattern struct {
	name       string
	host       string   // the host is this or a subdomain of it
	pathHas    string   // the lower-cased path contains this
	pathSuffix string   // the lower-cased path ends with this
	segPrefix  string   // a path segment starts with this
	query      []string // query keys that must be present; "k=v" pins the value
	queryHas   string   // the lower-cased, unescaped query contains this
	// generic: matches words anywhere in a path, so it marks a redirect
	// target but cannot tell a crawled login page from what lies under it.
	generic bool
}

// loginRedirectPatterns is ordered from the most specific (a product's own
// login URL) to the generic path words, so the name returned says most.
var loginRedirectPatterns = []loginRedirectPattern{
	{name: "*.cloudflareaccess.com", host: "cloudflareaccess.com"},
	{name: "/cdn-cgi/access/login/", pathHas: "/cdn-cgi/access/login"},
	{name: "accounts.google.com", host: "accounts.google.com"},
	{name: "login.microsoftonline.com", host: "login.microsoftonline.com"},
	{name: "*.amazoncognito.com", host: "amazoncognito.com"},
	{name: "redirect_uri=…/oauth2/idpresponse", queryHas: "/oauth2/idpresponse"},
	{name: "/.auth/login/", pathHas: "/.auth/login"},
	{name: "/oauth2/start", pathHas: "/oauth2/start"},
	{name: "/oauth2/sign_in", pathHas: "/oauth2/sign_in"},
	{name: "/oauth2/authorize", pathHas: "/oauth2/authorize"},
	{name: "/protocol/openid-connect/auth", pathHas: "/protocol/openid-connect/auth"},
	{name: "/wp-login.php", pathHas: "/wp-login.php"},
	{name: "Special:UserLogin", pathHas: "/special:userlogin"},
	{name: "title=Special:UserLogin", query: []string{"title=Special:UserLogin"}},
	{name: "?password-protected=login", query: []string{"password-protected=login"}},
	{name: "option=com_users&view=login", query: []string{"option=com_users", "view=login"}},
	{name: "/accounts/login/", pathHas: "/accounts/login"},
	{name: "/users/sign_in", pathHas: "/users/sign_in"},
	{name: "/cas/login", pathHas: "/cas/login"},
	{name: "/saml", segPrefix: "saml", generic: true},
	{name: "/authorize?client_id=", pathSuffix: "/authorize", query: []string{"client_id"}},
}

// loginWords are path segments (extension dropped) that name a login page.
var loginWords = []string{"login", "signin", "sign_in", "sign-in", "log-in", "log_in", "logon", "log-on"}

// loginRedirect reports whether a redirect target is a login or
// single-sign-on page. The returned string names the pattern that matched,
// for evidence.
func loginRedirect(location string) (pattern string, ok bool) {
	t, ok := parseLoginTarget(location)
	if !ok {
		return "", false
	}
	for _, lp := range loginRedirectPatterns {
		if lp.matches(t) {
			return lp.name, true
		}
	}
	for _, seg := range t.segments {
		if w, ok := loginWord(seg); ok {
			return "/" + w, true
		}
	}
	return "", false
}

// loginURL reports whether a crawled URL is a login page by its address: a
// product's own login URL, or a path whose last segment names a login or
// SAML (/login, /signin.php, /auth/saml, /saml2). A login word or a saml
// prefix earlier in the path, or in a longer last segment, names what lies
// under it (/login/tokens/export, /admin/saml-certificates/), which can be
// private content, not the door of the wall.
func loginURL(raw string) bool {
	t, ok := parseLoginTarget(raw)
	if !ok {
		return false
	}
	for _, lp := range loginRedirectPatterns {
		if !lp.generic && lp.matches(t) {
			return true
		}
	}
	last := ""
	for _, seg := range t.segments {
		if seg != "" {
			last = seg
		}
	}
	if _, ok := loginWord(last); ok {
		return true
	}
	word := strings.TrimSuffix(last, path.Ext(last))
	version := strings.TrimPrefix(word, "saml")
	return word != version && strings.Trim(version, "0123456789") == ""
}

// loginWord reports whether a lower-cased path segment, its extension
// dropped, is one of loginWords.
func loginWord(seg string) (string, bool) {
	word := strings.TrimSuffix(seg, path.Ext(seg))
	return word, slices.Contains(loginWords, word)
}

// loginTarget is a URL as the login patterns read it.
type loginTarget struct {
	host     string // lower-cased
	path     string // lower-cased
	segments []string
	query    url.Values
	rawQuery string // lower-cased, unescaped
}

func parseLoginTarget(raw string) (loginTarget, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return loginTarget{}, false
	}
	t := loginTarget{host: strings.ToLower(u.Hostname()), path: strings.ToLower(u.Path)}
	t.query, _ = url.ParseQuery(u.RawQuery) // keep what parsed: a bad pair elsewhere does not matter
	t.rawQuery, _ = url.QueryUnescape(u.RawQuery)
	t.rawQuery = strings.ToLower(t.rawQuery)
	t.segments = strings.Split(t.path, "/")
	return t, true
}

// loginReturnKeys are query keys that only say where to go after logging
// in (WordPress redirect_to and reauth, MediaWiki returnto, Django next,
// Drupal destination, ...): one login page with other values of them is
// the same page.
var loginReturnKeys = []string{
	"redirect_to", "reauth", "returnto", "returntoquery", "return", "return_to", "returnurl",
	"next", "destination", "rd", "redirect", "from", "continue", "service", "came_from", "back",
}

// returnsTo reports whether a redirect's Location carries the URL it
// came from in its query (absolute, or its path with or without the
// query): the way back after a login.
func returnsTo(location, from string) bool {
	if location == "" {
		return false
	}
	to, err := url.Parse(location)
	if err != nil {
		return false
	}
	src, err := url.Parse(from)
	if err != nil {
		return false
	}
	q, _ := url.ParseQuery(to.RawQuery) // keep what parsed
	for _, vals := range q {
		for _, v := range vals {
			if v != "" && (v == from || v == src.Path || v == src.RequestURI()) {
				return true
			}
		}
	}
	return false
}

// loginPageKey is a login page's URL without its loginReturnKeys, so that
// every variant of one login page has the same key.
func loginPageKey(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return raw
	}
	for k := range q {
		if slices.Contains(loginReturnKeys, strings.ToLower(k)) {
			q.Del(k)
		}
	}
	u.RawQuery, u.Fragment = q.Encode(), ""
	return u.String()
}

func (lp *loginRedirectPattern) matches(t loginTarget) bool {
	if lp.host != "" && t.host != lp.host && !strings.HasSuffix(t.host, "."+lp.host) {
		return false
	}
	if lp.pathHas != "" && !strings.Contains(t.path, lp.pathHas) {
		return false
	}
	if lp.pathSuffix != "" && !strings.HasSuffix(strings.TrimSuffix(t.path, "/"), lp.pathSuffix) {
		return false
	}
	if lp.segPrefix != "" {
		found := false
		for _, s := range t.segments {
			found = found || strings.HasPrefix(s, lp.segPrefix)
		}
		if !found {
			return false
		}
	}
	for _, kv := range lp.query {
		k, v, pinned := strings.Cut(kv, "=")
		if !t.query.Has(k) || pinned && !strings.EqualFold(t.query.Get(k), v) {
			return false
		}
	}
	if lp.queryHas != "" && !strings.Contains(t.rawQuery, lp.queryHas) {
		return false
	}
	return true
}

// paywall reports whether the body's structured data marks the page
// isAccessibleForFree false: a paywall the owner declared (Google's
// paywalled-content markup), not an auth wall. JSON-LD is read, and
// microdata's <meta itemprop="isAccessibleForFree">.
func paywall(body []byte) bool {
	z := html.NewTokenizer(bytes.NewReader(body))
	inLD := false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return false
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.DataAtom {
			case atom.Script:
				inLD = tt == html.StartTagToken && strings.EqualFold(strings.TrimSpace(htmlAttr(tok, "type")), "application/ld+json")
			case atom.Meta, atom.Link:
				if strings.EqualFold(htmlAttr(tok, "itemprop"), "isAccessibleForFree") && isSchemaFalse(htmlAttr(tok, "content")) {
					return true
				}
			}
		case html.EndTagToken:
			inLD = false
		case html.TextToken:
			if inLD && jsonLDNotFree(z.Text()) {
				return true
			}
		}
	}
}

// jsonLDNotFree walks a JSON-LD block (objects, arrays, @graph, hasPart)
// for isAccessibleForFree set to false or "False".
func jsonLDNotFree(text []byte) bool {
	var doc any
	if err := json.Unmarshal(text, &doc); err != nil {
		return false
	}
	var walk func(v any) bool
	walk = func(v any) bool {
		switch t := v.(type) {
		case map[string]any:
			for k, val := range t {
				if strings.EqualFold(k, "isAccessibleForFree") {
					switch f := val.(type) {
					case bool:
						if !f {
							return true
						}
					case string:
						if isSchemaFalse(f) {
							return true
						}
					}
				}
				if walk(val) {
					return true
				}
			}
		case []any:
			for _, val := range t {
				if walk(val) {
					return true
				}
			}
		}
		return false
	}
	return walk(doc)
}

func isSchemaFalse(s string) bool {
	s = strings.TrimSpace(s)
	return strings.EqualFold(s, "false") || strings.EqualFold(s, "https://schema.org/False") || strings.EqualFold(s, "http://schema.org/False")
}

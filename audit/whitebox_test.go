package audit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/audit/serverconf"
	"authwall/crawler"
)

// whiteBoxConf: line 4 is the server's auth_basic, line 7 location
// /blog/ (inherits it), line 9 location /open/, line 11 location
// /members/ (no auth).
const whiteBoxConf = `http {
    server {
        listen 8080;
        auth_basic "Staging";
        auth_basic_user_file htpasswd;
        location / { auth_basic off; }
        location /blog/ {
        }
        location /open/ { auth_basic off; }
        location /deny/ { deny all; }
        location /members/ { auth_basic off; }
    }
}
`

func whiteBoxConfig(t *testing.T) serverconf.Evaluator {
	t.Helper()
	return loadSiteConf(t, whiteBoxConf)
}

// loadSiteConf loads conf, written to site.conf, as --server-config does.
func loadSiteConf(t *testing.T, conf string) serverconf.Evaluator {
	t.Helper()
	file := filepath.Join(t.TempDir(), "site.conf")
	require.NoError(t, os.WriteFile(file, []byte(conf), 0o644))
	ev, err := serverconf.Load(file)
	require.NoError(t, err)
	return ev
}

func runWithConfigs(t *testing.T, p *Paths, configs []serverconf.Evaluator, observations ...crawler.Observation) *Report {
	t.Helper()
	fo, err := ParseFailOn(nil)
	require.NoError(t, err)
	a, err := NewAuditor(Options{Paths: p, FailOn: fo, ServerConfigs: configs})
	require.NoError(t, err)
	for _, o := range observations {
		a.Add(o)
	}
	agents := []crawler.Agent{{Name: "googlebot", UserAgent: "Mozilla/5.0 (compatible; Googlebot/2.1)"}}
	return a.Finish(crawler.Result{Start: site + "/", Agents: agents})
}

func TestWhiteBoxAttribution(t *testing.T) {
	ev := whiteBoxConfig(t)
	decl := "/\n/blog/**\n/open/**\n/deny/**\n!/members/**\n"
	nginx403 := []string{"Server", "nginx/1.22.1", "Content-Type", "text/html"}
	tests := []struct {
		name       string
		obs        crawler.Observation
		kind       Kind
		line       int // the location's line; 0: none
		confidence string
		source     string
		fix        string // the fix contains this
		evidence   string // some evidence line contains this
	}{
		{name: "inherited auth agrees", obs: with(obs("/blog/post", "googlebot", hop(401, nginx401...)), nginxBody),
			kind: PublicUnauthorized, line: 4, confidence: "high", source: "nginx",
			fix: "Add `auth_basic off;` to location /blog/ (", evidence: "inherited by server > location /blog/ ("},
		{name: "the config leaves it open", obs: with(obs("/open/page", "googlebot", hop(401, nginx401...)), nginxBody),
			kind: PublicUnauthorized, confidence: "low", source: "nginx",
			evidence: "the wall comes from another layer (CDN, proxy, application)"},
		{name: "the config disagrees on the status", obs: obs("/blog/x", "googlebot", hop(403, nginx403...)),
			kind: PublicForbidden, line: 4, source: "unknown", evidence: "the config predicts 401 but the site answered 403"},
		{name: "a deny the black box cannot name", obs: obs("/deny/x", "googlebot", hop(403)),
			kind: PublicForbidden, line: 10, confidence: "high", source: "nginx", fix: "Remove `deny all` at "},
		{name: "private exposed names the block that served it", obs: obs("/members/x", "googlebot", hop(200)),
			kind: PrivateExposed, line: 11, confidence: "high", source: "nginx", fix: "to location /members/ ("},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runWithConfigs(t, paths(t, decl), []serverconf.Evaluator{ev}, tt.obs)
			f := only(t, r, tt.kind)
			require.NotNil(t, f.Attribution)
			a := f.Attribution
			assert.Equal(t, tt.source, a.Source)
			if tt.confidence != "" {
				assert.Equal(t, tt.confidence, a.Confidence)
			}
			if tt.line == 0 {
				assert.Nil(t, a.Location)
			} else if assert.NotNil(t, a.Location) {
				assert.Equal(t, "site.conf", filepath.Base(a.Location.File))
				assert.Equal(t, tt.line, a.Location.Line)
				assert.NotEmpty(t, a.Location.Context)
			}
			if tt.fix != "" {
				assert.Contains(t, a.Fix, tt.fix)
			}
			if tt.evidence != "" {
				assert.Contains(t, strings.Join(a.Evidence, "\n"), tt.evidence)
			}
		})
	}
}

func TestWhiteBoxNoServerForThePort(t *testing.T) {
	ev := whiteBoxConfig(t)
	o := with(obs("/blog/", "googlebot", hop(401, nginx401...)), nginxBody)
	o.URL = "http://127.0.0.1:9999/blog/"
	o.Hops[0].URL = o.URL
	r := runWithConfigs(t, paths(t, "/blog/**\n"), []serverconf.Evaluator{ev}, o)
	f := only(t, r, PublicUnauthorized)
	assert.Nil(t, f.Attribution.Location)
	assert.Contains(t, strings.Join(f.Attribution.Evidence, "\n"), "no server block of the given server configs serves http://127.0.0.1:9999/blog/")
}

func TestWallTarget(t *testing.T) {
	chain := []Redirect{
		{URL: site + "/app", Status: 301, Location: site + "/app/"},
		{URL: site + "/app/", Status: 302, Location: site + "/login?next=/app/"},
		{URL: site + "/login?next=/app/", Status: 200},
	}
	u, st := wallTarget(&Finding{Kind: PublicLoginRedirect, URL: site + "/app", Redirects: chain, Agents: []string{"googlebot"}})
	assert.Equal(t, site+"/app/", u, "the hop that sent the crawler to the login page")
	assert.Equal(t, 302, st)

	walled := []Redirect{{URL: site + "/blog", Status: 301, Location: site + "/blog/"}, {URL: site + "/blog/", Status: 401}}
	u, st = wallTarget(&Finding{Kind: PublicUnauthorized, URL: site + "/blog", Redirects: walled, Agents: []string{"googlebot"}})
	assert.Equal(t, site+"/blog/", u, "the hop that answered 401")
	assert.Equal(t, 401, st)

	u, st = wallTarget(&Finding{Kind: PublicForbidden, URL: site + "/x", Statuses: map[string]int{"googlebot": 403}, Agents: []string{"googlebot"}})
	assert.Equal(t, site+"/x", u)
	assert.Equal(t, 403, st)
}

// The evaluators name mechanisms in attribution's words, which the
// attribution carries as they are.
func TestConfigVerdictMechanism(t *testing.T) {
	conf := `http {
    server {
        listen 8080;
        auth_jwt "api";
        location /jwt/ { }
        location /sso/ { auth_jwt off; auth_request /_auth; }
        location /lua/ { auth_jwt off; access_by_lua_block { ngx.exit(401) } }
        location /basic/ { auth_jwt off; auth_basic "Staff"; auth_basic_user_file htpasswd; }
        location /gone/ { auth_jwt off; return 403; }
    }
}
`
	ev := loadSiteConf(t, conf)
	tests := []struct {
		path, mechanism, directive, fix string
	}{
		{"/jwt/x", "bearer", "auth_jwt", "Add `auth_jwt off;` to location /jwt/"},
		{"/sso/x", "auth-request", "auth_request", "Remove `auth_request /_auth` at "},
		{"/lua/x", "unknown", "access_by_lua_block", "Remove `access_by_lua_block { ngx.exit(401) }` at "},
		{"/basic/x", "basic", "auth_basic", "Remove `auth_basic Staff` at "},
		{"/gone/x", "unknown", "return", "Remove `return 403` at "},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			cv, ok := askConfigs([]serverconf.Evaluator{ev}, "http://127.0.0.1:8080"+tt.path, "Googlebot")
			require.True(t, ok)
			att := cv.attribution()
			assert.Equal(t, tt.mechanism, att.Mechanism)
			assert.True(t, knownMechanism(att.Mechanism), att.Mechanism)
			assert.Equal(t, tt.directive, att.Directive)
			assert.Contains(t, att.Fix, tt.fix)
		})
	}
}

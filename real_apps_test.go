package main

import (
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/internal/realserver"
)

// appPackages are the Debian packages the real-application tests need.
const appPackages = "apache2 libapache2-mod-php php-mysql php-sqlite3 mariadb-server wordpress wordpress-theme-twentytwentythree mediawiki"

// TestRealApps sets up Debian's WordPress (on a private MariaDB) and
// MediaWiki (on SQLite) under Apache with mod_php, with the apps' own
// install and edit code, misconfigures them the usual ways and audits
// them: the walls are found and attributed to the layer that made them,
// and the login pages and feeds make no finding.
func TestRealApps(t *testing.T) {
	realserver.Need(t, appPackages,
		"/usr/lib/apache2/modules/libphp8.2.so", "/usr/bin/php", "/usr/sbin/mariadbd", "/usr/bin/mariadb-install-db",
		"/usr/share/wordpress/wp-load.php", "/usr/share/wordpress/wp-content/themes/twentytwentythree",
		"/usr/share/mediawiki/maintenance/install.php")
	t.Run("wordpress", testRealWordPress)
	t.Run("mediawiki", testRealMediaWiki)
}

// appAuditFlags keep the audit within the apps' few PHP workers: a PHP
// page on a loaded 2-core machine can take seconds, and 16 requests queued
// behind 6 workers could reach the default timeout and turn into
// fetch-errors that say nothing about the apps.
var appAuditFlags = []string{"--concurrency", "4", "--timeout", "60s"}

// testRealWordPress audits a WordPress blog with three mistakes: a post
// left password protected, a must-use plugin calling auth_redirect() for
// every page (testdata/apps/wordpress/wp-content/mu-plugins), and an
// Apache RewriteRule on the login cookie written for too wide a prefix
// (testdata/apps/wordpress.conf).
func testRealWordPress(t *testing.T) {
	srv := realserver.Apache(t, "testdata/apps/wordpress.conf", "testdata/apps/wordpress")
	db := realserver.StartMariaDB(t, srv.Prefix)
	db.SQL(t, "CREATE DATABASE wordpress; CREATE USER 'wp'@'localhost' IDENTIFIED BY 'not-a-real-secret'; "+
		"GRANT ALL ON wordpress.* TO 'wp'@'localhost';")
	site := filepath.Join(srv.Prefix, "site")
	layOutWordPress(t, site)
	realserver.Cmd{Name: "php", Args: []string{"testdata/apps/wordpress-setup.php", site},
		Env: []string{"AUTHWALL_WP_HOME=" + srv.URL}}.Run(t, 2*time.Minute)

	ra := auditReal(t, srv.URL, "testdata/apps/wordpress-public.txt", appAuditFlags...)
	assert.Equal(t, 1, ra.code)
	redirect := map[string]int{"googlebot": 302, "bingbot": 302, "browser": 302}
	want := []appFinding{
		// The must-use plugin: WordPress's own redirect (X-Redirect-By: WordPress).
		{realFinding{Kind: "public-login-redirect", Path: "/about/", Source: "wordpress", Mechanism: "login-redirect",
			Directive: "auth_redirect() (a force-login or membership plugin, or private content)", Statuses: redirect}, "wordpress.login_redirect"},
		// The RewriteRule: Apache's own redirect page, the fix in the Apache config.
		{realFinding{Kind: "public-login-redirect", Path: "/shop/", Source: "apache", Mechanism: "login-redirect",
			Directive: "RewriteRule ... [R] (or Redirect) to the login page", Statuses: redirect}, "apache.rewrite_login_redirect"},
		// The password-protected post: the form instead of the post.
		{realFinding{Kind: "public-soft-auth", Path: "/board-minutes/", Source: "wordpress", Mechanism: "session",
			Directive: "post visibility: Password protected", Statuses: map[string]int{"googlebot": 200, "bingbot": 200}}, "wordpress.post_password"},
		// WordPress's sitemap lists every page, the private ones too.
		{realFinding{Kind: "private-in-sitemap", Path: "/members/"}, ""},
		{realFinding{Kind: "private-in-sitemap", Path: "/shop/orders/"}, ""},
	}
	assertRealApp(t, srv.URL, ra, want)

	// The login page, reached with four redirect_to values, is one page
	// (its lost-password form is another) and no finding; the feeds quote
	// the protected post's form among the other posts and are no finding
	// either.
	var logins []string
	for p := range ra.pages {
		if strings.HasPrefix(p, "/wp-login.php") {
			logins = append(logins, p)
		}
	}
	sort.Strings(logins)
	assert.Equal(t, []string{"/wp-login.php", "/wp-login.php?action=lostpassword"}, logins, "one page per login page")
	for _, p := range []string{"/feed/", "/category/news/feed/", "/author/admin/feed/"} {
		assert.Equal(t, map[string]int{"googlebot": 200, "bingbot": 200}, ra.pages[p], "%s was crawled", p)
	}
}

// layOutWordPress puts Debian's WordPress (/usr/share/wordpress) in site
// next to the test's wp-config.php and wp-content: WordPress loads the
// wp-config.php of the folder wp-load.php really is in, so the files of
// the top folder and of wp-admin are copies, and the other folders links.
func layOutWordPress(t *testing.T, site string) {
	t.Helper()
	const src = "/usr/share/wordpress"
	var mirror func(from, to string, depth int)
	mirror = func(from, to string, depth int) {
		entries, err := os.ReadDir(from)
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(to, 0o755))
		for _, e := range entries {
			f, d := filepath.Join(from, e.Name()), filepath.Join(to, e.Name())
			if _, err := os.Lstat(d); err == nil {
				continue // the test's own wp-config.php and wp-content
			}
			switch {
			case e.IsDir() && depth == 0 && e.Name() == "wp-admin":
				mirror(f, d, depth+1)
			case e.IsDir():
				require.NoError(t, os.Symlink(f, d))
			default:
				copyFile(t, f, d)
			}
		}
	}
	mirror(src, site, 0)
	require.NoError(t, os.Symlink(filepath.Join(src, "wp-content", "themes"), filepath.Join(site, "wp-content", "themes")))
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	require.NoError(t, err)
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	require.NoError(t, err)
	_, err = io.Copy(out, in)
	require.NoError(t, err)
	require.NoError(t, out.Close())
}

// testRealMediaWiki audits a private wiki whose read whitelist misses two
// of its public pages (testdata/apps/mediawiki-private.php): MediaWiki
// answers them 200 with its "Login required" page.
func testRealMediaWiki(t *testing.T) {
	srv := realserver.Apache(t, "testdata/apps/mediawiki.conf", "")
	mw := filepath.Join(srv.Prefix, "mw")
	for _, d := range []string{"data", "images", "cache"} {
		require.NoError(t, os.MkdirAll(filepath.Join(mw, d), 0o755))
	}
	const maint = "/usr/share/mediawiki/maintenance/"
	realserver.Cmd{Name: "php", Args: []string{maint + "install.php", "--confpath", mw, "--dbtype", "sqlite",
		"--dbpath", filepath.Join(mw, "data"), "--dbname", "wiki", "--server", srv.URL, "--scriptpath", "",
		"--lang", "en", "--skins", "Vector", "--pass", "not-a-real-secret", "Example Wiki", "Admin"}}.Run(t, 2*time.Minute)
	private, err := os.ReadFile("testdata/apps/mediawiki-private.php")
	require.NoError(t, err)
	settings, err := os.OpenFile(filepath.Join(mw, "LocalSettings.php"), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = settings.Write(private)
	require.NoError(t, err)
	require.NoError(t, settings.Close())

	env := []string{"MW_CONFIG_FILE=" + filepath.Join(mw, "LocalSettings.php")}
	for _, page := range []struct{ title, text string }{
		{"Getting started", "How to get started with the product."},
		{"FAQ", "Frequently asked questions."},
		{"Help:Contents", "Help pages."},
		{"Team", "The team's internal notes."},
		// Last, so that its links find the pages (no job queue runs to
		// update them later).
		{"Main Page", "Welcome. See [[Getting started]], the [[FAQ]] and [[Help:Contents]]; members read the [[Team]] notes."},
	} {
		realserver.Cmd{Name: "php", Args: []string{maint + "edit.php", "-u", "Admin", "-s", "test content", page.title},
			Env: env, Stdin: page.text}.Run(t, time.Minute)
	}
	// The web server's workers (another user when the test runs as root)
	// write to the SQLite database.
	realserver.OpenUp(t, mw)

	ra := auditReal(t, srv.URL, "testdata/apps/mediawiki-public.txt", appAuditFlags...)
	assert.Equal(t, 0, ra.code, "soft walls are warnings")
	loginRequired := func(path string) appFinding {
		return appFinding{realFinding{Kind: "public-soft-auth", Path: path, Source: "mediawiki", Mechanism: "session",
			Directive: "$wgGroupPermissions['*']['read'] = false, the page missing from $wgWhitelistRead",
			Statuses:  map[string]int{"googlebot": 200, "bingbot": 200}}, "mediawiki.login_required"}
	}
	want := []appFinding{loginRequired("/index.php/FAQ"), loginRequired("/index.php/Getting_started")}
	assertRealApp(t, srv.URL, ra, want)

	// The private page answers the same "Login required" page: a correct
	// wall, no exposure. The login page is declared public and is no wall.
	for _, p := range []string{"/index.php/Team", "/index.php/Special:UserLogin", "/index.php/Main_Page"} {
		assert.Equal(t, map[string]int{"googlebot": 200, "bingbot": 200}, ra.pages[p], "%s was crawled", p)
	}
}

// appFinding is a finding an app audit must have, with the catalog
// signature behind its attribution ("" for none).
type appFinding struct {
	realFinding
	signature string
}

// assertRealApp checks the exact findings of an app audit, their
// attributions and the catalog signatures behind them.
func assertRealApp(t *testing.T, baseURL string, ra realAudit, want []appFinding) {
	t.Helper()
	var findings []realFinding
	sigs := map[string]string{}
	for _, w := range want {
		findings = append(findings, w.realFinding)
		sigs[w.Kind+" "+w.Path] = w.signature
	}
	assertRealFindings(t, baseURL, ra.findings, findings)
	assert.Equal(t, sigs, ra.signatures, "catalog signatures")
}

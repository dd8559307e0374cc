package serverconf

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// apacheGenSite is one generated Apache setup: a config template (with
// realserver's {{PREFIX}}, {{PORT}} and {{USER}}) and the .htaccess files
// of the site, by directory.
type apacheGenSite struct {
	conf     string
	htaccess map[string]string
}

// apacheGenDirs are the site's directories ("" is the document root);
// extra/ is reached through an Alias.
var apacheGenDirs = []string{"", "a", "a/b", "c", "extra"}

// apacheGenFiles is the site's content.
var apacheGenFiles = []string{
	"index.html", "a/index.html", "a/page.html", "a/b/index.html", "a/b/secret.html",
	"c/index.html", "c/x.html", "extra/index.html", "extra/f.html",
}

const apacheGenModules = `LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule authz_host_module /usr/lib/apache2/modules/mod_authz_host.so
LoadModule authz_user_module /usr/lib/apache2/modules/mod_authz_user.so
LoadModule authn_core_module /usr/lib/apache2/modules/mod_authn_core.so
LoadModule authn_file_module /usr/lib/apache2/modules/mod_authn_file.so
LoadModule auth_basic_module /usr/lib/apache2/modules/mod_auth_basic.so
LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so
LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so
LoadModule access_compat_module /usr/lib/apache2/modules/mod_access_compat.so
LoadModule setenvif_module /usr/lib/apache2/modules/mod_setenvif.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so

{{USER}}
PidFile {{PREFIX}}/httpd.pid
DefaultRuntimeDir {{PREFIX}}
ErrorLog {{PREFIX}}/error.log
LogLevel warn
Listen 127.0.0.1:{{PORT}}
ServerName main.test
TypesConfig /etc/mime.types
DirectoryIndex index.html
StartServers 1
ServerLimit 1
ThreadsPerChild 8
MaxRequestWorkers 8
`

// genApacheSite builds a random valid config from a seed.
func genApacheSite(seed uint64) apacheGenSite {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	var b strings.Builder
	b.WriteString(apacheGenModules)
	// Without AllowOverride anywhere httpd still reads .htaccess files and
	// refuses what is in them; only an explicit None skips them.
	b.WriteString("DocumentRoot {{PREFIX}}/site\n\n<Directory />\n")
	if rng.IntN(3) != 0 {
		b.WriteString("    AllowOverride None\n")
	}
	b.WriteString("    Require all denied\n</Directory>\n\n")
	b.WriteString("<Directory {{PREFIX}}/site>\n")
	if ov := pick("None", "AuthConfig", "", "All", "AuthConfig Limit"); ov != "" {
		b.WriteString("    AllowOverride " + ov + "\n")
	}
	b.WriteString("    Require all granted\n</Directory>\n")

	// Sections go to the main server or to one of the two vhosts.
	var main, one, two strings.Builder
	targets := []*strings.Builder{&main, &one, &two}
	if rng.IntN(2) == 0 {
		fmt.Fprintf(targets[rng.IntN(3)], "Alias /files {{PREFIX}}/site/extra\n")
	} else {
		fmt.Fprintf(targets[rng.IntN(3)], "Alias /files/ {{PREFIX}}/site/extra/\n")
	}
	if rng.IntN(4) == 0 {
		fmt.Fprintf(targets[rng.IntN(3)], "RewriteEngine On\nRewriteCond %%{HTTP_USER_AGENT} %s [NC]\nRewriteRule %s - [F]\n",
			pick("googlebot", "bingbot", "(crawler|bot)"), pick("^/c/", "^/a/b", "secret"))
	}
	if rng.IntN(3) == 0 {
		fmt.Fprintf(targets[rng.IntN(3)], "BrowserMatchNoCase %s isbot\n", pick("googlebot", "bingbot"))
	}
	for range rng.IntN(6) {
		w := targets[rng.IntN(3)]
		switch rng.IntN(5) {
		case 3:
			fmt.Fprintf(w, "<DirectoryMatch %s>\n", pick(`"/a/b"`, `"^/.*/site/c"`, `"/extra/?$"`))
			w.WriteString(genApacheAuthBody(rng, "    "))
			w.WriteString("</DirectoryMatch>\n")
			continue
		case 4:
			fmt.Fprintf(w, "<LocationMatch %s>\n", pick(`"^/a/.*\.html$"`, `"secret"`, `"^/files/"`, `"/$"`))
			w.WriteString(genApacheAuthBody(rng, "    "))
			w.WriteString("</LocationMatch>\n")
			continue
		case 0:
			dir := apacheGenDirs[rng.IntN(len(apacheGenDirs))]
			p := "{{PREFIX}}/site"
			if dir != "" {
				p += "/" + dir
			}
			fmt.Fprintf(w, "<Directory %s%s>\n", p, pick("", "/", "/*", "/?"))
			if rng.IntN(3) == 0 {
				fmt.Fprintf(w, "    AllowOverride %s\n", pick("None", "AuthConfig", "All", "FileInfo", "AuthConfig FileInfo", "AuthConfig Nonfatal=All", "Options Indexes"))
			}
			if rng.IntN(4) == 0 {
				fmt.Fprintf(w, "    Options %s\n", pick("None", "FollowSymLinks", "-FollowSymLinks", "+Indexes"))
			}
			w.WriteString(genApacheAuthBody(rng, "    "))
			if rng.IntN(4) == 0 {
				fmt.Fprintf(w, "    <Files %s>\n", pick("secret.html", "index.html", `"*.html"`))
				w.WriteString(genApacheAuthBody(rng, "        "))
				w.WriteString("    </Files>\n")
			}
			w.WriteString("</Directory>\n")
		case 1:
			fmt.Fprintf(w, "<Location %s>\n", pick(`"/a"`, "/a/", "/a/b", "/c/x.html", "/files", "/A", "/a/b/secret.html", "/c", "/a/*", "/*/b", "/c/*.html"))
			w.WriteString(genApacheAuthBody(rng, "    "))
			w.WriteString("</Location>\n")
		default:
			fmt.Fprintf(w, "<Files %s>\n", pick("secret.html", "x.html", `"*.html"`, "page.html", "index.html"))
			w.WriteString(genApacheAuthBody(rng, "    "))
			w.WriteString("</Files>\n")
		}
	}
	b.WriteString(main.String())
	fmt.Fprintf(&b, "\n<VirtualHost *:{{PORT}}>\n    ServerName one.test\n    DocumentRoot {{PREFIX}}/site\n%s</VirtualHost>\n", one.String())
	fmt.Fprintf(&b, "\n<VirtualHost *:{{PORT}}>\n    ServerName two.test\n    ServerAlias *.two.test\n    DocumentRoot {{PREFIX}}/site\n%s</VirtualHost>\n", two.String())

	site := apacheGenSite{conf: b.String(), htaccess: map[string]string{}}
	for _, dir := range apacheGenDirs {
		if rng.IntN(3) != 0 {
			continue
		}
		site.htaccess[dir] = genApacheHtaccess(rng)
	}
	return site
}

// genApacheAuthBody is the access part of a section.
func genApacheAuthBody(rng *rand.Rand, indent string) string {
	auth := []string{"AuthType Basic", `AuthName "Gen Realm"`, "AuthUserFile {{PREFIX}}/htpasswd"}
	var lines []string
	// Address rules name networks the test client (127.0.0.1) is outside
	// of: the server answers what the evaluator predicts for "outside".
	switch rng.IntN(24) {
	case 21:
		lines = []string{"Require ip 10.0.0.0/8 192.168.0.0/16"}
	case 22:
		lines = append(auth, "Require ip 10.0.0.0/8", "Require valid-user")
	case 23:
		lines = []string{"Order deny,allow", "Deny from all", "Allow from 10.0.0.0/8"}
	case 18:
		lines = append(auth, "Require valid-user", "Order deny,allow", "Deny from all", "Satisfy Any")
	case 19:
		lines = []string{"AuthType None", "Require all granted"}
	case 20:
		lines = append(auth, "<RequireAll>", "    Require valid-user", "    <RequireNone>", "        Require env isbot", "    </RequireNone>", "</RequireAll>")
	case 16:
		lines = []string{`<If "%{HTTP_USER_AGENT} =~ /googlebot/i">`, "    Require all denied", "</If>"}
	case 17:
		lines = append(auth, `<If "%{REQUEST_URI} =~ m#^/a/# && !(%{HTTP_USER_AGENT} -strmatch '*Firefox*')">`, "    Require valid-user", "</If>", "<Else>", "    Require all granted", "</Else>")
	case 11:
		lines = append(auth, "<LimitExcept GET>", "    Require valid-user", "</LimitExcept>", "Require all granted")
	case 12:
		lines = append(auth, "<Limit GET>", "    Require valid-user", "</Limit>")
	case 13:
		lines = []string{"<RequireAll>", "    Require all granted", "    Require not env isbot", "</RequireAll>"}
	case 14:
		lines = []string{"Order deny,allow", "Deny from all"}
	case 15:
		lines = append(auth, "Require valid-user", "Order allow,deny", "Allow from all", "Satisfy Any")
	case 0, 1:
		lines = append(auth, "Require valid-user")
	case 2:
		lines = []string{"Require all granted"}
	case 3:
		lines = []string{"Require all denied"}
	case 4:
		lines = append(auth, "<RequireAll>", "    Require all granted", "    Require valid-user", "</RequireAll>")
	case 5:
		lines = append(auth, "<RequireAny>", "    Require all denied", "    Require valid-user", "</RequireAny>")
	case 6:
		lines = []string{"AuthMerging " + []string{"And", "Or", "Off"}[rng.IntN(3)], []string{"Require all granted", "Require all denied", "Require valid-user"}[rng.IntN(3)]}
	case 7:
		lines = []string{"AuthType Basic", "AuthUserFile {{PREFIX}}/htpasswd", "Require valid-user"}
	case 8:
		lines = []string{"Require valid-user"}
	case 9:
		lines = append(auth, "AuthMerging And", "Require all granted")
	default:
		lines = auth
	}
	return indent + strings.Join(lines, "\n"+indent) + "\n"
}

// genApacheHtaccess is an .htaccess file.
func genApacheHtaccess(rng *rand.Rand) string {
	switch rng.IntN(17) {
	case 13:
		return "Options -Indexes\n"
	case 14:
		return "ErrorDocument 404 /index.html\n"
	case 15:
		return "Header set X-Robots-Tag noindex\n"
	case 16:
		return "<Limit GET>\n    Require all denied\n</Limit>\n"
	case 11:
		return "<Files \"*.html\">\n    AuthType Basic\n    AuthName \"In Files\"\n    AuthUserFile htpasswd\n    Require valid-user\n</Files>\n"
	case 12:
		return "Satisfy Any\nOrder allow,deny\nAllow from all\n"
	case 10:
		return "<If \"%{HTTP_USER_AGENT} =~ /bot/\">\n    Require all denied\n</If>\n"
	case 7:
		return "RewriteEngine On\nRewriteRule ^ - [F]\n"
	case 8:
		return "RewriteEngine On\nRewriteCond %{HTTP_USER_AGENT} bot [NC]\nRewriteRule secret - [F]\n"
	case 9:
		return "AuthType Basic\nAuthUserFile htpasswd\nRequire valid-user\n"

	case 0, 1:
		return "AuthType Basic\nAuthName \"Htaccess\"\nAuthUserFile htpasswd\nRequire valid-user\n"
	case 2:
		return "Require all denied\n"
	case 3:
		return "Require all granted\n"
	case 4:
		return "<Files secret.html>\n    Require all denied\n</Files>\n"
	case 5:
		return "AuthMerging Or\nRequire all granted\n"
	default:
		return "# only a comment\nDirectoryIndex index.html\n"
	}
}

// writeApacheGenSite writes the template and the site tree under dir.
func writeApacheGenSite(t *testing.T, site apacheGenSite, dir string) (conf, siteDir string) {
	t.Helper()
	conf = filepath.Join(dir, "gen.conf")
	require.NoError(t, os.WriteFile(conf, []byte(site.conf), 0o644))
	siteDir = filepath.Join(dir, "site")
	for _, f := range apacheGenFiles {
		p := filepath.Join(siteDir, f)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte("<html><body>"+f+"</body></html>\n"), 0o644))
	}
	for d, content := range site.htaccess {
		require.NoError(t, os.WriteFile(filepath.Join(siteDir, d, ".htaccess"), []byte(content), 0o644))
	}
	return conf, siteDir
}

// describe prints the setup for a failure message.
func (s apacheGenSite) describe() string {
	var b strings.Builder
	b.WriteString(s.conf)
	var dirs []string
	for d := range s.htaccess {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		fmt.Fprintf(&b, "--- site/%s/.htaccess\n%s", d, s.htaccess[d])
	}
	return b.String()
}

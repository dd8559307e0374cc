package serverconf

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"authwall/internal/realserver"
)

// apacheRegressionDir holds the generated setups that once found a
// difference between the evaluator and the real server, as the failure
// message prints them (a seed names a different setup once the generator
// grows, so the setup itself is kept). Each runs every time.
const apacheRegressionDir = "testdata/apache-diff"

// apacheTrickyTargets are requested on every generated config: encodings,
// doubled slashes, dot segments, case variants, trailing slashes, a
// directory without its slash, an alias with and without its slash.
var apacheTrickyTargets = []string{
	"/", "/a", "/a/", "/a/page.html", "/a/b/", "/a/b", "/a/b/secret.html", "/a/b/index.html",
	"/A/", "/a/B/secret.html", "/a//b/secret.html", "//a/page.html", "/a/./b/", "/a/b/../page.html",
	"/%61/page.html", "/a/%62/secret.html", "/a/b/secret%2Ehtml", "/c/x.html", "/c", "/c/", "/C/x.html",
	"/files", "/files/", "/files/f.html", "/files//f.html", "/nope/", "/a/nope.html", "/a/b/secret.html?x=1",
	"/a/../../a/", "/a%2Fb/", "/a/b/secret.html/", "/a/page.html/extra", "/index.html", "/a/b/%73ecret.html",
	"/files/../a/page.html", "/c/x.html;v=1",
}

var apacheTestHosts = []string{"one.test", "two.test", "www.two.test", "other.test"}

// statusClass is what the differential test compares: the wall, or none.
func statusClass(status int) string {
	switch status {
	case 401, 403, 500:
		return strconv.Itoa(status)
	}
	return "no wall"
}

// TestApacheAgainstRealServer generates random valid configs with
// .htaccess files, starts Debian's apache2 with each, and requires the
// evaluator's status class to equal the real answer for every tricky URL
// on every virtual host. AUTHWALL_APACHE_CONFIGS sets how many seeds run
// (default 20); AUTHWALL_APACHE_SEED runs one seed alone.
func TestApacheAgainstRealServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts apache2 once per generated config")
	}
	saved, err := filepath.Glob(filepath.Join(apacheRegressionDir, "*.txt"))
	require.NoError(t, err)
	for _, file := range saved {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		site := parseApacheGenSite(string(data))
		name := strings.TrimSuffix(filepath.Base(file), ".txt")
		t.Run(name, func(t *testing.T) { checkApacheSite(t, site, "regression "+file) })
	}
	for _, seed := range differentialSeeds(t, "APACHE", 20) {
		t.Run(fmt.Sprintf("seed-%d", seed), func(t *testing.T) {
			checkApacheSite(t, genApacheSite(seed), fmt.Sprintf("seed %d (AUTHWALL_APACHE_SEED=%d reruns it; keep it in %s/ as it is printed below)", seed, seed, apacheRegressionDir))
		})
	}
}

// parseApacheGenSite reads a setup back from its printed form.
func parseApacheGenSite(text string) apacheGenSite {
	site := apacheGenSite{htaccess: map[string]string{}}
	parts := strings.Split(text, "\n--- site/")
	for i := range parts[:len(parts)-1] {
		parts[i] += "\n" // the separator took each piece's last newline
	}
	site.conf = parts[0]
	for _, part := range parts[1:] {
		head, body, _ := strings.Cut(part, "\n")
		dir := strings.Trim(strings.TrimSuffix(head, ".htaccess"), "/")
		site.htaccess[dir] = body
	}
	return site
}

func checkApacheSite(t *testing.T, site apacheGenSite, label string) {
	conf, siteDir := writeApacheGenSite(t, site, t.TempDir())
	srv := realserver.Apache(t, conf, siteDir)
	addr, port := serverAddr(t, srv)

	// The rendered config realserver wrote is the one the server runs.
	cfg, err := ReadApache(filepath.Join(srv.Prefix, "gen.conf"), ApacheOptions{Modules: []string{}})
	require.NoError(t, err)
	ev := NewApacheEvaluator(cfg)

	type probe struct{ method, target string }
	var probes []probe
	for _, target := range apacheTrickyTargets {
		probes = append(probes, probe{"GET", target})
	}
	// <Limit> and <LimitExcept> are per method: HEAD counts as GET.
	for _, target := range []string{"/a/page.html", "/a/b/secret.html", "/c/x.html"} {
		probes = append(probes, probe{"POST", target}, probe{"HEAD", target})
	}
	for _, host := range apacheTestHosts {
		for _, pr := range probes {
			method, target := pr.method, pr.target
			real, err := rawStatus(addr, method, host, target, googlebot)
			require.NoError(t, err, "%s %s Host %s", method, target, host)
			v := ev.Evaluate(Request{Host: host, Port: port, Path: target, Method: method, UserAgent: googlebot})
			if statusClass(real) != statusClass(v.Status) {
				errorLog, _ := os.ReadFile(filepath.Join(srv.Prefix, "error.log"))
				lines := strings.Split(strings.TrimSpace(string(errorLog)), "\n")
				t.Errorf("%s: %s %s Host: %s: apache answered %d, the evaluator says %d (%s)\nnotes: %s\ndecided by: %+v\napache's error log ends with:\n%s\nthe setup:\n%s",
					label, method, target, host, real, v.Status, v.Outcome, strings.Join(v.Notes, "; "), v.DecidedBy, strings.Join(lines[max(0, len(lines)-3):], "\n"), site.describe())
				return
			}
		}
	}
}

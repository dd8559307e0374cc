package serverconf

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"authwall/internal/realserver"

	"github.com/stretchr/testify/require"
)

// nginxRegressions are configs that once made the evaluator disagree with
// the real nginx, kept as the generator wrote them then (under
// testdata/nginx-regressions/seed-N: the main file and the included
// extra.conf), since later changes to the generator give a seed another
// config. Each runs on every test run.
var nginxRegressions = []struct {
	seed uint64
	why  string
}{
	{4, "an error_page target that is itself refused sends its own status"},
	{24, "an error_page target refused by the server-level if keeps that 403 over =200"},
	{6, "an address rule that leaves the request open must not stop it before try_files"},
	{16, "an address rule that leaves the request open must not stop it before error_page"},
	{32, "a nested location does not inherit limit_except"},
	{40, "a nested location does not inherit limit_except"},
	{37, "a limit_except that applies skips the location's return"},
	{56, "a limit_except that applies skips the location's return"},
	{111, "a limit_except that applies skips the location's if"},
	{109, "a return with a body in an error page keeps the error status"},
	{62, "an error page caught in a redirect loop answers 500"},
	{728, "a named location reached by try_files runs index on the unchanged URI"},
	{1276, "a named location reached by try_files runs index on the unchanged URI"},
}

// TestNginxMatchesRealServer is the differential test: random valid
// configs (generateNginxConfig) run by Debian's nginx on 127.0.0.1 and by
// the evaluator must give every tricky URL the same answer class for every
// server name, as Googlebot and as Bingbot. AUTHWALL_NGINX_CONFIGS sets how
// many seeds to try (25 by default); AUTHWALL_NGINX_SEED runs one seed
// alone. A seed that fails joins nginxRegressions, its config saved.
func TestNginxMatchesRealServer(t *testing.T) {
	seeds := differentialSeeds(t, "NGINX", 25)
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			checkNginxConfig(t, fmt.Sprintf("seed %d", seed), generateNginxConfig(seed))
		})
	}
}

func TestNginxRegressionsMatchRealServer(t *testing.T) {
	for _, reg := range nginxRegressions {
		t.Run(fmt.Sprintf("seed=%d", reg.seed), func(t *testing.T) {
			dir := filepath.Join("testdata", "nginx-regressions", fmt.Sprintf("seed-%d", reg.seed))
			main, err := os.ReadFile(filepath.Join(dir, "nginx.conf"))
			require.NoError(t, err)
			extra, err := os.ReadFile(filepath.Join(dir, "extra.conf"))
			require.NoError(t, err)
			gen := nginxGenConfig{Template: string(main), Files: map[string]string{
				"_inc/extra.conf":   string(extra),
				"_inc/.hidden.conf": nginxHiddenInclude,
			}}
			checkNginxConfig(t, fmt.Sprintf("regression seed %d (%s)", reg.seed, reg.why), gen)
		})
	}
}

// checkNginxConfig starts nginx with one generated config and compares
// every answer with the evaluator's.
func checkNginxConfig(t *testing.T, label string, gen nginxGenConfig) {
	tmpl, site := writeGenSite(t, "nginx.conf", gen.Template, nginxGenSiteFiles, gen.Files)
	srv := realserver.Nginx(t, tmpl, site)

	conf := filepath.Join(srv.Prefix, "nginx.conf")
	ev, err := LoadNginx(conf)
	require.NoError(t, err)
	addr, port := serverAddr(t, srv)

	failed := compareWithReal(t, realComparison{
		server: "nginx", label: label, ev: ev, addr: addr, port: port,
		hosts:   []string{"example.org", "other.example", "unknown.test", "www.example.org", "api7.example.net"},
		agents:  []string{googlebot, bingbot},
		targets: nginxGenURLs,
	})
	if failed > 0 {
		t.Logf("%s: %d answers differ; config:\n%s\nincluded files: %q", label, failed, gen.Template, gen.Files)
	}
}

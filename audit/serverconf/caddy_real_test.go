package serverconf

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"authwall/internal/realserver"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// caddyRegressionSeeds are seeds whose configs once made the evaluator
// disagree with the real Caddy; each runs on every test run:
//   - 14, 35, 47: handle_path and uri strip_prefix strip the escaped path,
//     so "/blog/..%2F..%2Fadmin/" keeps its "/blog/" and is not stripped
//     of "/admin".
//   - 87, 152, 167, 179: adjacent routes with the same matcher are folded
//     into one (a uri rewrite then does not unmatch the next handler; two
//     handle blocks with one matcher both run; an abort beside a
//     handle_path runs after it on the stripped path); handle_path /a/*
//     strips "/a".
//   - 19, 33: stripping a whole path leaves it empty, and then no path
//     matcher matches.
var caddyRegressionSeeds = []uint64{14, 35, 47, 87, 152, 167, 179, 19, 33}

// TestCaddyMatchesRealServer is the differential test: random valid
// Caddyfiles (generateCaddyConfig) run by Debian's caddy on 127.0.0.1 and
// by the evaluator must give every tricky URL the same answer class, for
// every host and for Googlebot and Bingbot. AUTHWALL_CADDY_CONFIGS sets
// how many seeds to try (20 by default); AUTHWALL_CADDY_SEED runs one
// seed alone.
func TestCaddyMatchesRealServer(t *testing.T) {
	seeds := differentialSeeds(t, "CADDY", 20, caddyRegressionSeeds...)
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			checkCaddySeed(t, seed)
		})
	}
}

func checkCaddySeed(t *testing.T, seed uint64) {
	gen := generateCaddyConfig(seed)
	tmpl, site := writeGenSite(t, "Caddyfile", gen.Template, caddyGenSiteFiles, gen.Files)
	srv := realserver.Caddy(t, tmpl, site)

	nodes, err := ReadCaddy(filepath.Join(srv.Prefix, "Caddyfile"))
	require.NoError(t, err)
	ev, err := NewCaddy(nodes)
	require.NoError(t, err)
	addr, port := serverAddr(t, srv)

	failed := compareWithReal(t, realComparison{
		server: "caddy", label: fmt.Sprintf("seed %d", seed), ev: ev, addr: addr, port: port,
		hosts:   []string{"example.org", "WWW.example.org", "api.example.org", "127.0.0.1", "unknown.test"},
		agents:  []string{googlebot, bingbot},
		targets: caddyGenURLs,
	})
	if failed > 0 {
		t.Logf("seed %d: %d answers differ; Caddyfile:\n%s\nimported files: %q", seed, failed, gen.Template, gen.Files)
	}
}

// TestCaddyRepoConfigs evaluates the Caddyfiles of the repository's
// real-server tests, rendered as those tests render them, and checks that
// each wall is pinned to its line.
func TestCaddyRepoConfigs(t *testing.T) {
	render := func(t *testing.T, name string) *Caddy {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "caddy", name))
		require.NoError(t, err)
		text := strings.NewReplacer("{{PREFIX}}", "/srv/test", "{{PORT}}", "8080").Replace(string(data))
		dir := writeFiles(t, map[string]string{name: text})
		nodes, err := ReadCaddy(filepath.Join(dir, name))
		require.NoError(t, err)
		ev, err := NewCaddy(nodes)
		require.NoError(t, err)
		return ev
	}
	tests := []struct {
		file, path, agent string
		status            int
		outcome           Outcome
		mech, realm       string
		line              int
	}{
		{"matcher-too-wide.Caddyfile", "/blog/", googlebot, 401, OutcomeAuth, "basic", "restricted", 15},
		{"matcher-too-wide.Caddyfile", "/blog/first-post.html", bingbot, 401, OutcomeAuth, "basic", "restricted", 15},
		{"matcher-too-wide.Caddyfile", "/beta/", googlebot, 401, OutcomeAuth, "basic", "restricted", 15},
		{"matcher-too-wide.Caddyfile", "/account", googlebot, 401, OutcomeAuth, "basic", "Customer Area", 19},
		{"matcher-too-wide.Caddyfile", "/account/", googlebot, 200, OutcomeOpen, "", "", 0},
		{"matcher-too-wide.Caddyfile", "/about.html", googlebot, 200, OutcomeOpen, "", "", 0},
		{"bot-rules.Caddyfile", "/press/", googlebot, 401, OutcomeAuth, "basic", "Press Kit", 20},
		{"bot-rules.Caddyfile", "/beta/x", googlebot, 401, OutcomeAuth, "basic", "restricted", 16},
		{"bot-rules.Caddyfile", "/careers.html", googlebot, 403, OutcomeReturn, "respond", "", 30},
		{"bot-rules.Caddyfile", "/docs/", googlebot, 403, OutcomeReturn, "ua-rule", "", 28},
		{"bot-rules.Caddyfile", "/docs/", "Mozilla/5.0 Firefox/120", 200, OutcomeOpen, "", "", 0},
		{"bot-rules.Caddyfile", "/blog/", googlebot, 200, OutcomeOpen, "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.file+tt.path, func(t *testing.T) {
			v := render(t, tt.file).Evaluate(Request{Host: "127.0.0.1", Port: 8080, Path: tt.path, UserAgent: tt.agent})
			assert.Equal(t, tt.status, v.Status, "notes %q", v.Notes)
			assert.Equal(t, tt.outcome, v.Outcome)
			assert.Equal(t, tt.mech, v.Mechanism)
			assert.Equal(t, tt.realm, v.Realm)
			if tt.line == 0 {
				assert.Nil(t, v.DecidedBy)
			} else if assert.NotNil(t, v.DecidedBy) {
				assert.Equal(t, tt.line, v.DecidedBy.Line, v.DecidedBy.Directive)
				assert.Equal(t, tt.file, filepath.Base(v.DecidedBy.File))
			}
		})
	}
}

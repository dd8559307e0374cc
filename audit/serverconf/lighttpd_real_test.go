package serverconf

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"authwall/internal/realserver"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lighttpdRegressionSeeds are seeds whose configs once made the evaluator
// disagree with the real lighttpd; the configs they produced then are kept
// under testdata/lighttpd/regressions (the generator has changed since),
// and the configs lighttpd refused under testdata/lighttpd/refused.
var lighttpdRegressionSeeds = []uint64{47, 62, 71, 72, 79}

// TestLighttpdMatchesRealServer is the differential test: random valid
// configs (generateLighttpdConfig) run by Debian's lighttpd on 127.0.0.1
// and by the evaluator must give every tricky URL the same answer class
// for two host names and two crawlers. AUTHWALL_LIGHTTPD_CONFIGS sets how
// many seeds to try (20 by default); AUTHWALL_LIGHTTPD_SEED runs one seed
// alone.
func TestLighttpdMatchesRealServer(t *testing.T) {
	seeds := differentialSeeds(t, "LIGHTTPD", 20)
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			gen := generateLighttpdConfig(seed)
			checkLighttpdConfig(t, fmt.Sprintf("seed %d", seed), gen.Template, gen.Files)
		})
	}
}

// TestLighttpdRegressions runs the configs that once failed the
// differential test.
func TestLighttpdRegressions(t *testing.T) {
	for _, seed := range lighttpdRegressionSeeds {
		name := fmt.Sprintf("seed%d", seed)
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", "lighttpd", "regressions", name)
			tmpl, err := os.ReadFile(filepath.Join(dir, "lighttpd.conf"))
			require.NoError(t, err)
			files := map[string]string{}
			for _, f := range []string{"extra.conf", ".hidden.conf"} {
				data, err := os.ReadFile(filepath.Join(dir, "_inc", f))
				require.NoError(t, err)
				files["_inc/"+f] = string(data)
			}
			checkLighttpdConfig(t, "regression "+name, string(tmpl), files)
		})
	}
}

// TestLighttpdRefusedConfigs: generated configs lighttpd refused to start
// with are refused by the reader too. lighttpd names the line where it
// noticed (after an else block's end); the reader names the else itself.
func TestLighttpdRefusedConfigs(t *testing.T) {
	for _, tt := range []struct {
		name    string
		line    int
		problem string
	}{
		{"seed81.conf", 42, "duplicate config variable url.redirect"},
		{"seed142.conf", 26, "unreachable else condition"},
		{"seed220.conf", 25, "unreachable else condition"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "lighttpd", "refused", tt.name))
			require.NoError(t, err)
			rendered := strings.NewReplacer("{{PREFIX}}", "/srv", "{{PORT}}", "8080").Replace(string(data))
			dir := writeFiles(t, map[string]string{"lighttpd.conf": rendered})
			_, err = ReadLighttpd(filepath.Join(dir, "lighttpd.conf"))
			var perr *ParseError
			require.ErrorAs(t, err, &perr)
			assert.Contains(t, perr.Problem, tt.problem)
			assert.Equal(t, tt.line, perr.Line, "%v", err)
		})
	}
}

// checkLighttpdConfig starts lighttpd with a generated config (files are
// put under the site dir) and compares every answer with the evaluator's.
func checkLighttpdConfig(t *testing.T, name, template string, files map[string]string) {
	tmpl, site := writeGenSite(t, "lighttpd.conf", template, lighttpdGenSiteFiles, files)
	srv := realserver.Lighttpd(t, tmpl, site)

	ev, addr, port := loadRenderedLighttpd(t, srv, "lighttpd.conf")
	failed := compareWithReal(t, realComparison{
		server: "lighttpd", label: name, ev: ev, addr: addr, port: port, hostPort: true,
		hosts:   []string{"example.org", "other.example"},
		agents:  []string{googlebot, bingbot},
		targets: lighttpdGenURLs,
	})
	if failed > 0 {
		t.Logf("%s: %d answers differ; config:\n%s\nincluded files: %q", name, failed, template, files)
	}
}

// loadRenderedLighttpd reads the config realserver rendered and started,
// and returns the evaluator, the server's address and its port.
func loadRenderedLighttpd(t *testing.T, srv *realserver.Server, name string) (*Lighttpd, string, int) {
	t.Helper()
	nodes, err := ReadLighttpd(filepath.Join(srv.Prefix, name))
	require.NoError(t, err)
	ev, err := NewLighttpd(nodes)
	require.NoError(t, err)
	addr, port := serverAddr(t, srv)
	return ev, addr, port
}

func lighttpdAgentName(agent string) string {
	if strings.Contains(agent, "bingbot") {
		return "Bingbot"
	}
	return "Googlebot"
}

// lighttpdTestdataWalls are the walls of the repository's lighttpd test
// configs (the ones the end-to-end audit tests run) with the line that
// makes each.
var lighttpdTestdataWalls = []struct {
	conf, host, path, agent string
	status                  int
	mech, realm             string
	line                    int
}{
	{"auth-too-wide.conf", "example.org", "/blog/", googlebot, 401, "basic", "Beta", 16},
	{"auth-too-wide.conf", "example.org", "/blog/first-post.html", bingbot, 401, "basic", "Beta", 16},
	{"auth-too-wide.conf", "example.org", "/beta/", googlebot, 401, "basic", "Beta", 16},
	{"auth-too-wide.conf", "example.org", "/press/", googlebot, 401, "digest", "Press Kit", 17},
	{"auth-too-wide.conf", "example.org", "/account/", googlebot, 401, "basic", "Customer Area", 18},
	{"auth-too-wide.conf", "example.org", "/about.html", googlebot, 200, "", "", 0},
	{"deny-rules.conf", "example.org", "/beta/", googlebot, 401, "basic", "Beta", 17},
	{"deny-rules.conf", "example.org", "/account/", googlebot, 200, "", "", 0},
	{"deny-rules.conf", "shop.example.org", "/account/", googlebot, 401, "basic", "Customer Area", 23},
	{"deny-rules.conf", "example.org", "/docs/", googlebot, 403, "ua-rule", "", 29},
	{"deny-rules.conf", "example.org", "/docs/install.html", bingbot, 403, "ua-rule", "", 29},
	{"deny-rules.conf", "example.org", "/docs/", "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", 200, "", "", 0},
	{"deny-rules.conf", "example.org", "/careers.html", googlebot, 403, "deny", "", 34},
	{"deny-rules.conf", "example.org", "/blog/", googlebot, 200, "", "", 0},
}

// TestLighttpdTestdataConfigs evaluates the repository's lighttpd test
// configs, rendered as the real-server tests render them, and checks the
// line of each wall.
func TestLighttpdTestdataConfigs(t *testing.T) {
	for _, tt := range lighttpdTestdataWalls {
		t.Run(tt.conf+tt.path+" "+lighttpdAgentName(tt.agent)+" "+tt.host, func(t *testing.T) {
			ev := loadLighttpdTestdata(t, tt.conf, "/tmp/prefix", 8080)
			v := ev.Evaluate(Request{Host: tt.host, Port: 8080, Path: tt.path, UserAgent: tt.agent})
			assert.Equal(t, tt.status, v.Status, describeVerdict(v))
			assert.Equal(t, tt.mech, v.Mechanism)
			assert.Equal(t, tt.realm, v.Realm)
			if tt.line == 0 {
				assert.Nil(t, v.DecidedBy)
				return
			}
			if assert.NotNil(t, v.DecidedBy) {
				assert.Equal(t, tt.line, v.DecidedBy.Line, v.DecidedBy.Directive)
				assert.Equal(t, tt.conf, filepath.Base(v.DecidedBy.File))
			}
		})
	}
}

// TestLighttpdTestdataRealServer runs the same configs in the real
// lighttpd and checks the evaluator against its answers.
func TestLighttpdTestdataRealServer(t *testing.T) {
	for _, conf := range []string{"auth-too-wide.conf", "deny-rules.conf"} {
		t.Run(conf, func(t *testing.T) {
			srv := realserver.Lighttpd(t, filepath.Join("..", "..", "testdata", "lighttpd", conf), filepath.Join("..", "..", "testdata", "lighttpd", "site"))
			ev, addr, port := loadRenderedLighttpd(t, srv, conf)
			for _, tt := range lighttpdTestdataWalls {
				if tt.conf != conf {
					continue
				}
				real, err := rawStatus(addr, "GET", net.JoinHostPort(tt.host, strconv.Itoa(port)), tt.path, tt.agent)
				require.NoError(t, err)
				v := ev.Evaluate(Request{Host: tt.host, Port: port, Path: tt.path, UserAgent: tt.agent})
				assert.True(t, sameAnswer(v, real), "Host %s %s GET %s: lighttpd answered %d, the evaluator said %s", tt.host, lighttpdAgentName(tt.agent), tt.path, real, describeVerdict(v))
			}
		})
	}
}

// loadLighttpdTestdata renders a testdata template with realserver's
// placeholders and loads it.
func loadLighttpdTestdata(t *testing.T, name, prefix string, port int) *Lighttpd {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "lighttpd", name))
	require.NoError(t, err)
	rendered := strings.NewReplacer("{{PREFIX}}", prefix, "{{PORT}}", strconv.Itoa(port), "{{USER}}", "").Replace(string(data))
	dir := writeFiles(t, map[string]string{name: rendered})
	nodes, err := ReadLighttpd(filepath.Join(dir, name))
	require.NoError(t, err)
	ev, err := NewLighttpd(nodes)
	require.NoError(t, err)
	return ev
}

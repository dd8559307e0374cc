package serverconf

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"authwall/internal/realserver"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// haproxyRegressionSeeds are seeds whose configs once made the evaluator
// disagree with the real haproxy; each runs on every test run. The config
// a seed gave when it failed is also kept, whole, as
// testdata/haproxy/regress-*.cfg (the generator changes; the file does
// not), and TestHAProxyRegressionConfigs runs those:
//   - 13: a backslash before a byte with no escape meaning stays (\w in a
//     path_reg).
var haproxyRegressionSeeds = []uint64{13}

// TestHAProxyRegressionConfigs runs every config that once made the
// evaluator disagree with haproxy through the same comparison as the
// generated ones.
func TestHAProxyRegressionConfigs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "haproxy", "regress-*.cfg"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			checkHAProxyConfig(t, filepath.Base(f), string(data))
		})
	}
}

// TestHAProxyMatchesRealServer is the differential test: random valid
// configs (generateHAProxyConfig) run by Debian's haproxy on 127.0.0.1
// and by the evaluator must give every tricky URL, asked by Googlebot and
// by Bingbot under two Host names, the same answer. AUTHWALL_HAPROXY_CONFIGS
// sets how many seeds to try (20 by default); AUTHWALL_HAPROXY_SEED runs
// one seed alone.
func TestHAProxyMatchesRealServer(t *testing.T) {
	seeds := differentialSeeds(t, "HAPROXY", 20, haproxyRegressionSeeds...)
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			checkHAProxySeed(t, seed)
		})
	}
}

func checkHAProxySeed(t *testing.T, seed uint64) {
	checkHAProxyConfig(t, fmt.Sprintf("seed %d", seed), generateHAProxyConfig(seed))
}

// checkHAProxyConfig runs conf (a template with {{PORT}}) in haproxy and
// compares every answer with the evaluator's.
func checkHAProxyConfig(t *testing.T, name, conf string) {
	tmpl := filepath.Join(t.TempDir(), "haproxy.cfg")
	require.NoError(t, os.WriteFile(tmpl, []byte(conf), 0o644))
	srv := realserver.HAProxy(t, tmpl)
	ev, addr, port := loadRealHAProxy(t, srv, "haproxy.cfg")

	failed := compareWithReal(t, realComparison{
		server: "haproxy", label: name, ev: ev, addr: addr, port: port, hostPort: true,
		hosts:   []string{"example.org", "other.example"},
		agents:  haproxyGenAgents,
		targets: haproxyGenURLs,
	})
	if failed > 0 {
		t.Logf("%s: %d answers differ; config:\n%s", name, failed, conf)
	}
}

// loadRealHAProxy reads the config the real server runs (rendered in its
// prefix under name) and returns the evaluator, the address and the port.
func loadRealHAProxy(t *testing.T, srv *realserver.Server, name string) (*HAProxy, string, int) {
	t.Helper()
	nodes, err := ReadHAProxy(filepath.Join(srv.Prefix, name))
	require.NoError(t, err)
	ev, err := NewHAProxy(nodes)
	require.NoError(t, err)
	addr, port := serverAddr(t, srv)
	return ev, addr, port
}

// TestHAProxyTestdataConfigs evaluates the configs of the real-server
// tests (testdata/haproxy) as they are rendered to run, checks every
// answer against the running haproxy, and pins the line behind each wall.
func TestHAProxyTestdataConfigs(t *testing.T) {
	type wall struct {
		path, agent string
		status      int
		line        int
		realm, mech string
	}
	const browser = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
	tests := []struct {
		file  string
		walls []wall
	}{
		{"auth-too-wide.cfg", []wall{
			{"/blog/", googlebot, 401, 21, "www", "basic"},
			{"/blog/first-post.html", googlebot, 401, 21, "www", "basic"},
			{"/beta/", googlebot, 401, 21, "www", "basic"},
			{"/press/", googlebot, 401, 22, "Press Kit", "basic"},
			{"/account/orders.html", googlebot, 401, 23, "Customer Area", "basic"},
		}},
		{"deny-rules.cfg", []wall{
			{"/docs/", googlebot, 403, 22, "", "ua-rule"},
			{"/careers.html", browser, 403, 23, "", "unknown"},
			{"/beta/", googlebot, 401, 24, "Beta", "basic"},
			{"/account/", googlebot, 401, 25, "Customer Area", "basic"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			srv := realserver.HAProxy(t, filepath.Join("..", "..", "testdata", "haproxy", tt.file))
			ev, addr, port := loadRealHAProxy(t, srv, tt.file)
			conf := filepath.Join(srv.Prefix, tt.file)
			for _, w := range tt.walls {
				v := ev.Evaluate(Request{Host: "127.0.0.1", Port: port, Path: w.path, UserAgent: w.agent})
				assert.Equal(t, w.status, v.Status, "%s: %s", w.path, describeVerdict(v))
				assert.Equal(t, w.realm, v.Realm, w.path)
				assert.Equal(t, w.mech, v.Mechanism, w.path)
				if assert.NotNil(t, v.DecidedBy, w.path) {
					assert.Equal(t, conf, v.DecidedBy.File, w.path)
					assert.Equal(t, w.line, v.DecidedBy.Line, "%s: %s", w.path, v.DecidedBy.Directive)
					assert.Equal(t, "frontend www", v.DecidedBy.Context)
				}
			}
			paths := []string{"/", "/about.html", "/careers.html", "/blog/", "/blog/first-post.html", "/docs/", "/docs/install.html",
				"/press/", "/beta/", "/account/", "/account/orders.html", "/nope", "/Blog/", "/docs//install.html"}
			for _, p := range paths {
				for _, agent := range append(slices.Clone(haproxyGenAgents), browser) {
					real, err := rawStatus(addr, "GET", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), p, agent)
					require.NoError(t, err, "GET %s", p)
					v := ev.Evaluate(Request{Host: "127.0.0.1", Port: port, Path: p, UserAgent: agent})
					assert.True(t, sameAnswer(v, real), "%s as %s: haproxy answered %d, the evaluator said %s", p, agent, real, describeVerdict(v))
				}
			}
		})
	}
}

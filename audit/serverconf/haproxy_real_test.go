package serverconf

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

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
	seeds := append([]uint64(nil), haproxyRegressionSeeds...)
	count := 20
	if v := os.Getenv("AUTHWALL_HAPROXY_CONFIGS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "AUTHWALL_HAPROXY_CONFIGS")
		count = n
	}
	for i := range count {
		if s := uint64(i + 1); !slices.Contains(seeds, s) {
			seeds = append(seeds, s)
		}
	}
	if v := os.Getenv("AUTHWALL_HAPROXY_SEED"); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		require.NoError(t, err, "AUTHWALL_HAPROXY_SEED")
		seeds = []uint64{s}
	}
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
	ev, port := loadRealHAProxy(t, srv, "haproxy.cfg")

	failed := 0
	for _, host := range []string{"example.org", "other.example"} {
		for _, agent := range haproxyGenAgents {
			for _, target := range haproxyGenURLs {
				real := haproxyRealStatus(t, srv, host, port, target, agent)
				v := ev.Evaluate(Request{Host: host, Port: port, Path: target, UserAgent: agent})
				if !sameAnswer(v, real) {
					if failed++; failed <= 8 {
						t.Errorf("%s: Host %s:%d GET %s as %q: haproxy answered %d, the evaluator said %s", name, host, port, target, agent, real, describeVerdict(v))
					}
				}
			}
		}
	}
	if failed > 0 {
		t.Logf("%s: %d answers differ; config:\n%s", name, failed, conf)
	}
}

// loadRealHAProxy reads the config the real server runs (rendered in its
// prefix under name) and returns the evaluator and the port.
func loadRealHAProxy(t *testing.T, srv *realserver.Server, name string) (*HAProxy, int) {
	t.Helper()
	nodes, err := ReadHAProxy(filepath.Join(srv.Prefix, name))
	require.NoError(t, err)
	ev, err := NewHAProxy(nodes)
	require.NoError(t, err)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	port, err := strconv.Atoi(u.Port())
	require.NoError(t, err)
	return ev, port
}

// haproxyRealStatus sends target exactly as written (an opaque URL is
// never cleaned or re-escaped) with a Host header that carries the port,
// as a crawler sends it, and returns the status.
func haproxyRealStatus(t *testing.T, srv *realserver.Server, host string, port int, target, agent string) int {
	t.Helper()
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	u.Opaque = target
	req := &http.Request{Method: http.MethodGet, URL: u, Host: host + ":" + strconv.Itoa(port), Header: http.Header{"User-Agent": {agent}}}
	client := &http.Client{
		Timeout:       10 * time.Second,
		Transport:     &http.Transport{DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req)
	require.NoError(t, err, "GET %s", target)
	resp.Body.Close()
	return resp.StatusCode
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
			ev, port := loadRealHAProxy(t, srv, tt.file)
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
					real := haproxyRealStatus(t, srv, "127.0.0.1", port, p, agent)
					v := ev.Evaluate(Request{Host: "127.0.0.1", Port: port, Path: p, UserAgent: agent})
					assert.True(t, sameAnswer(v, real), "%s as %s: haproxy answered %d, the evaluator said %s", p, agent, real, describeVerdict(v))
				}
			}
		})
	}
}

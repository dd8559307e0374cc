package serverconf

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"authwall/internal/realserver"

	"github.com/stretchr/testify/require"
)

// nginxRegressionSeeds are seeds whose configs once made the evaluator
// disagree with the real nginx (for the generator as it is now); each runs
// on every test run:
//   - 4, 24: an error_page target that is itself refused sends its own status;
//   - 6, 16: an address rule that leaves the request open must not stop it
//     before try_files or error_page;
//   - 32, 40: a nested location does not inherit limit_except;
//   - 37, 56, 111: a limit_except that applies skips the location's return;
//   - 109: a return with a body in an error page keeps the error status;
//   - 62: an error page caught in a redirect loop answers 500;
//   - 728, 1276: a named location reached by try_files runs its content
//     phase (index) on the unchanged URI.
var nginxRegressionSeeds = []uint64{4, 6, 16, 24, 32, 37, 40, 56, 109, 111, 62, 728, 1276}

// TestNginxMatchesRealServer is the differential test: random valid
// configs (generateNginxConfig) run by Debian's nginx on 127.0.0.1 and by
// the evaluator must give every tricky URL the same answer class for every
// server name. AUTHWALL_NGINX_CONFIGS sets how many seeds to try (25 by
// default); AUTHWALL_NGINX_SEED runs one seed alone.
func TestNginxMatchesRealServer(t *testing.T) {
	seeds := append([]uint64(nil), nginxRegressionSeeds...)
	count := 25
	if v := os.Getenv("AUTHWALL_NGINX_CONFIGS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "AUTHWALL_NGINX_CONFIGS")
		count = n
	}
	for i := range count {
		if s := uint64(i + 1); !slices.Contains(seeds, s) {
			seeds = append(seeds, s)
		}
	}
	if v := os.Getenv("AUTHWALL_NGINX_SEED"); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		require.NoError(t, err, "AUTHWALL_NGINX_SEED")
		seeds = []uint64{s}
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			checkNginxSeed(t, seed)
		})
	}
}

func checkNginxSeed(t *testing.T, seed uint64) {
	gen := generateNginxConfig(seed)
	site := t.TempDir()
	for _, f := range nginxGenSiteFiles {
		writeNginxSiteFile(t, site, f, "page "+f+"\n")
	}
	for name, content := range gen.Files {
		writeNginxSiteFile(t, site, name, content)
	}
	tmpl := filepath.Join(t.TempDir(), "nginx.conf")
	require.NoError(t, os.WriteFile(tmpl, []byte(gen.Template), 0o644))
	srv := realserver.Nginx(t, tmpl, site)

	conf := filepath.Join(srv.Prefix, "nginx.conf")
	nodes, err := ReadNginx(conf)
	require.NoError(t, err)
	ev, err := NewNginx(nodes)
	require.NoError(t, err)
	addr := strings.TrimPrefix(srv.URL, "http://")
	_, portText, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portText)

	failed := 0
	for _, host := range []string{"example.org", "other.example", "unknown.test"} {
		for _, target := range nginxGenURLs {
			real, err := nginxRawStatus(addr, host, target)
			require.NoError(t, err, "GET %s Host %s", target, host)
			v := ev.Evaluate(Request{Host: host, Port: port, Path: target, UserAgent: nginxTestAgent})
			if !nginxSameAnswer(v, real) {
				if failed++; failed > 8 {
					continue
				}
				t.Errorf("seed %d: Host %s GET %s: nginx answered %d, the evaluator said %s", seed, host, target, real, describeNginxVerdict(v))
			}
		}
	}
	if failed > 0 {
		t.Logf("seed %d: %d answers differ; config:\n%s\nincluded files: %q", seed, failed, gen.Template, gen.Files)
	}
	if false {
		t.Logf("seed %d config:\n%s\nincluded files: %q", seed, gen.Template, gen.Files)
	}
}

// nginxSameAnswer compares answer classes: a 401 or 403 must be predicted
// exactly, and so must a status the evaluator names for a return or
// redirect; "no wall" (open) matches anything but 401 and 403, since what
// the content handler answers (200, 301 to a directory, 404) is no wall.
func nginxSameAnswer(v Verdict, real int) bool {
	switch {
	case v.Status == 401 || v.Status == 403:
		return real == v.Status
	case v.Outcome == OutcomeOpen || v.Outcome == OutcomeDepends && v.Status == 200:
		return real != 401 && real != 403
	}
	return real == v.Status
}

func describeNginxVerdict(v Verdict) string {
	s := fmt.Sprintf("%d (%s", v.Status, v.Outcome)
	if v.DecidedBy != nil {
		s += fmt.Sprintf(", %s at line %d in %s", v.DecidedBy.Directive, v.DecidedBy.Line, v.DecidedBy.Context)
	}
	if v.Selected != nil {
		s += ", selected " + v.Selected.Context
	}
	for _, r := range v.Redirects {
		s += ", then " + r.URI + " in " + r.Selected.Context
	}
	if len(v.Notes) > 0 {
		s += "; notes: " + strings.Join(v.Notes, "; ")
	}
	return s + ")"
}

// nginxRawStatus sends the request target exactly as written (no client-side
// cleaning of "..", "//" or escapes) and returns the status.
func nginxRawStatus(addr, host, target string) (int, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	req := "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: " + nginxTestAgent + "\r\nConnection: close\r\n\r\n"
	if _, err := conn.Write([]byte(req)); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func writeNginxSiteFile(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
}

package serverconf

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Test helpers every server's tests share.

const (
	googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
	bingbot   = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"
)

// writeFiles lays out files (name → content) under a temp dir and returns it.
func writeFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	return dir
}

// findNodes returns every node named name, depth first.
func findNodes(nodes []*Node, name string) []*Node {
	var out []*Node
	walkNodes(nodes, func(n *Node) {
		if n.Name == name {
			out = append(out, n)
		}
	})
	return out
}

// sameAnswer compares answer classes: a 401 or 403 must be predicted
// exactly, and so must a status the evaluator names for a return or
// redirect; "no wall" (open) matches anything but 401 and 403, since what
// the content handler answers (200, 301 to a directory, 404) is no wall.
func sameAnswer(v Verdict, real int) bool {
	switch {
	case v.Status == 401 || v.Status == 403:
		return real == v.Status
	case v.Outcome == OutcomeOpen || v.Outcome == OutcomeDepends && v.Status == 200:
		return real != 401 && real != 403
	}
	return real == v.Status
}

func describeVerdict(v Verdict) string {
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

// differentialSeeds picks the seeds of a differential test against the real
// server: the regression seeds first, then 1 to count without repeats.
// AUTHWALL_<server>_CONFIGS sets count (def when unset) and
// AUTHWALL_<server>_SEED runs that one seed alone.
func differentialSeeds(t *testing.T, server string, def int, regressions ...uint64) []uint64 {
	t.Helper()
	countVar, seedVar := "AUTHWALL_"+server+"_CONFIGS", "AUTHWALL_"+server+"_SEED"
	if v := os.Getenv(seedVar); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		require.NoError(t, err, seedVar)
		return []uint64{s}
	}
	count := def
	if v := os.Getenv(countVar); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, countVar)
		count = n
	}
	seeds := slices.Clone(regressions)
	for i := range count {
		if s := uint64(i + 1); !slices.Contains(seeds, s) {
			seeds = append(seeds, s)
		}
	}
	return seeds
}

// serverAddr returns the host:port a started real server listens on, and
// its port.
func serverAddr(t *testing.T, srv *realserver.Server) (string, int) {
	t.Helper()
	addr := strings.TrimPrefix(srv.URL, "http://")
	_, portText, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	port, err := strconv.Atoi(portText)
	require.NoError(t, err)
	return addr, port
}

// rawStatus sends method target exactly as written (no client-side
// cleaning of "..", "//" or escapes) to addr with the Host header host, and
// returns the status; 0 when the server closes the connection without an
// answer (Caddy's abort).
func rawStatus(addr, method, host, target, agent string) (int, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	req := method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: " + agent + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
	if _, err := conn.Write([]byte(req)); err != nil {
		return 0, err
	}
	// The request tells ReadResponse that a HEAD answer has no body.
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// fuzzRead writes conf as the file name in a temp dir and reads it with
// read: bad input must come back as a ParseError, and every node read must
// carry its line. It returns the nodes, and false when read refused conf.
func fuzzRead(t *testing.T, name, conf string, read func(path string) ([]*Node, error)) ([]*Node, bool) {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	nodes, err := read(p)
	if err != nil {
		var perr *ParseError
		if !assert.ErrorAs(t, err, &perr) {
			t.Fatalf("error is not a ParseError: %v", err)
		}
		return nil, false
	}
	walkNodes(nodes, func(n *Node) {
		if n.Line < 1 {
			t.Fatalf("node %q without a line", n.Name)
		}
	})
	return nodes, true
}

// fuzzEvaluate asks ev for req at every path: whatever was read, the
// evaluator decides (an Outcome), never panics.
func fuzzEvaluate(t *testing.T, ev Evaluator, req Request, paths ...string) {
	t.Helper()
	for _, path := range paths {
		req.Path = path
		if v := ev.Evaluate(req); v.Outcome == "" {
			t.Fatalf("no outcome for %s", path)
		}
	}
}

// writeGenSite lays out a generated config for a real server: its site dir
// holds a "page NAME" file for every page and the config's extra files
// (includes, imports), and the template (name under a dir of its own) is
// what realserver renders. It returns the template's path and the site dir.
func writeGenSite(t *testing.T, name, template string, pages []string, files map[string]string) (tmpl, site string) {
	t.Helper()
	all := make(map[string]string, len(pages)+len(files))
	for _, p := range pages {
		all[p] = "page " + p + "\n"
	}
	maps.Copy(all, files)
	site = writeFiles(t, all)
	tmpl = filepath.Join(writeFiles(t, map[string]string{name: template}), name)
	return tmpl, site
}

// realComparison is one differential check: the real server at addr and
// the evaluator, both running the same config, asked the same requests.
type realComparison struct {
	server string // names the server in messages
	label  string // names the config in messages
	ev     Evaluator
	addr   string
	port   int
	// hostPort sends the Host header with the port, as a crawler does for
	// a server on another port than 80.
	hostPort               bool
	hosts, agents, targets []string
}

// compareWithReal asks every host × agent × target of both, reports the
// first 8 answers that differ in class (sameAnswer), and returns how many
// differ.
func compareWithReal(t *testing.T, c realComparison) int {
	t.Helper()
	failed := 0
	for _, host := range c.hosts {
		header := host
		if c.hostPort {
			header = net.JoinHostPort(host, strconv.Itoa(c.port))
		}
		for _, agent := range c.agents {
			for _, target := range c.targets {
				real, err := rawStatus(c.addr, "GET", header, target, agent)
				require.NoError(t, err, "GET %s Host %s", target, header)
				v := c.ev.Evaluate(Request{Host: host, Port: c.port, Path: target, UserAgent: agent})
				if !sameAnswer(v, real) {
					if failed++; failed <= 8 {
						t.Errorf("%s: Host %s GET %s as %q: %s answered %d, the evaluator said %s", c.label, header, target, agent, c.server, real, describeVerdict(v))
					}
				}
			}
		}
	}
	return failed
}

// loadConfig writes conf as the file name in a temp dir, reads it with read
// and builds the evaluator with build; either failing fails the test.
func loadConfig[E any](t testing.TB, name, conf string, read func(string) ([]*Node, error), build func([]*Node) (E, error)) E {
	t.Helper()
	dir := writeFiles(t, map[string]string{name: conf})
	nodes, err := read(filepath.Join(dir, name))
	require.NoError(t, err)
	ev, err := build(nodes)
	require.NoError(t, err)
	return ev
}

// wantVerdict is what a table case expects of a verdict; line 0 expects
// no DecidedBy, and an empty ctx, sel or note is not checked.
type wantVerdict struct {
	status         int
	outcome        Outcome
	mech, realm    string
	line           int
	ctx, sel, note string
}

func assertVerdict(t *testing.T, v Verdict, w wantVerdict) {
	t.Helper()
	assert.Equal(t, w.status, v.Status, "status; notes %q", v.Notes)
	assert.Equal(t, w.outcome, v.Outcome, "outcome")
	assert.Equal(t, w.mech, v.Mechanism, "mechanism")
	assert.Equal(t, w.realm, v.Realm, "realm")
	if w.line == 0 {
		assert.Nil(t, v.DecidedBy)
	} else if assert.NotNil(t, v.DecidedBy) {
		assert.Equal(t, w.line, v.DecidedBy.Line, "decided by %s", v.DecidedBy.Directive)
		if w.ctx != "" {
			assert.Equal(t, w.ctx, v.DecidedBy.Context)
		}
	}
	if w.sel != "" && assert.NotNil(t, v.Selected) {
		assert.Equal(t, w.sel, v.Selected.Context)
	}
	if w.note != "" {
		assert.Contains(t, strings.Join(v.Notes, "\n"), w.note)
	}
}

// configGen is what every config generator of the differential tests
// builds on: a seeded random source and the text written so far.
type configGen struct {
	rnd    *rand.Rand
	b      strings.Builder
	indent string // one level of indentation
}

func newConfigGen(seed, stream uint64, indent string) configGen {
	return configGen{rnd: rand.New(rand.NewPCG(seed, stream)), indent: indent}
}

// line writes s indented depth levels.
func (g *configGen) line(depth int, s string) {
	g.b.WriteString(strings.Repeat(g.indent, depth))
	g.b.WriteString(s)
	g.b.WriteByte('\n')
}

// chance is true one time in n.
func (g *configGen) chance(n int) bool { return g.rnd.IntN(n) == 0 }

func (g *configGen) pick(options ...string) string { return options[g.rnd.IntN(len(options))] }

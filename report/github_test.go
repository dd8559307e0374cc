package report

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/audit"
)

// githubLine is one workflow command, parsed as the Actions runner does:
// "::" command, optional space and comma-separated key=value properties,
// "::", message.
type githubLine struct {
	command string
	props   map[string]string
	message string
}

func parseGitHubLine(t *testing.T, line string) githubLine {
	t.Helper()
	require.True(t, strings.HasPrefix(line, "::"), "a command line: %q", line)
	rest := line[2:]
	head, message, ok := strings.Cut(rest, "::")
	require.True(t, ok, "command and message are separated by '::': %q", line)
	command, props, _ := strings.Cut(head, " ")
	g := githubLine{command: command, props: map[string]string{}, message: githubUnescape(message, false)}
	if props != "" {
		for _, p := range strings.Split(props, ",") {
			k, v, ok := strings.Cut(p, "=")
			require.True(t, ok, "property %q in %q", p, line)
			g.props[k] = githubUnescape(v, true)
		}
	}
	return g
}

// githubUnescape reverses the escaping as the runner does.
func githubUnescape(s string, property bool) string {
	pairs := []string{"%0D", "\r", "%0A", "\n"}
	if property {
		pairs = append(pairs, "%3A", ":", "%2C", ",")
	}
	return strings.ReplaceAll(strings.NewReplacer(pairs...).Replace(s), "%25", "%")
}

// checkGitHub checks that every line is one command, one per finding plus
// the summary, and that nothing a site sent can act on the log.
func checkGitHub(t *testing.T, r *audit.Report, out []byte) {
	assert.True(t, utf8.Valid(out))
	require.True(t, bytes.HasSuffix(out, []byte("\n")))
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	assert.Len(t, lines, len(r.Findings)+1, "one line per finding and a summary")
	for i, line := range lines {
		for _, c := range line {
			if c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) {
				t.Errorf("line %d: raw control character %U", i, c)
			}
		}
		g := parseGitHubLine(t, line)
		assert.Contains(t, []string{"error", "warning", "notice"}, g.command, "line %d", i)
		if i < len(lines)-1 {
			assert.Contains(t, g.props, "title", "line %d", i)
		}
	}
	last := lines[len(lines)-1]
	assert.True(t, strings.HasPrefix(last, "::notice::authwall: "), "summary: %q", last)
}

func TestGitHubEscaping(t *testing.T) {
	tests := []struct {
		in, data, property string
	}{
		{"plain", "plain", "plain"},
		{"100%", "100%25", "100%25"},
		{"%0A", "%250A", "%250A"},
		{"a\nb", "a%0Ab", "a%0Ab"},
		{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"k:v,w", "k:v,w", "k%3Av%2Cw"},
		{"::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.data, githubData(tc.in), "data %q", tc.in)
		assert.Equal(t, tc.property, githubProperty(tc.in), "property %q", tc.in)
		assert.Equal(t, tc.in, githubUnescape(githubProperty(tc.in), true), "round trip %q", tc.in)
	}
}

// TestGitHubNoInjection: a value with a line break and a command of its own
// stays inside the one line of its finding.
func TestGitHubNoInjection(t *testing.T) {
	inject := "x\n::error::pwned\r\n::add-mask::y\n::stop-commands::z"
	r := &audit.Report{
		Target: "https://example.org/",
		Agents: []audit.AgentInfo{{Name: "googlebot\n::warning::agent"}},
		Notes:  []string{inject},
		Findings: []audit.Finding{{
			Kind: audit.Kind("public-401\n::error::kind"), Severity: audit.SeverityError,
			URL: "https://example.org/" + inject, Path: "/a,b:c" + inject, Message: inject,
			Statuses: map[string]int{"googlebot\n::warning::agent": 401},
			Agents:   []string{"googlebot\n::warning::agent"}, Failing: true,
			Attribution: &audit.Attribution{
				Source: inject, Directive: inject, Realm: inject, Fix: inject,
				Location: &audit.Location{File: "conf/a,b:c.conf\n::error::file", Line: 7},
			},
		}},
	}
	var out bytes.Buffer
	require.NoError(t, (&GitHub{}).Write(&out, r))
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, 2, "one finding, one summary:\n%s", out.String())

	g := parseGitHubLine(t, lines[0])
	assert.Equal(t, "error", g.command)
	assert.Equal(t, `conf/a,b:c.conf\n::error::file`, g.props["file"], "file keeps its commas and colons, escaped")
	assert.Equal(t, "7", g.props["line"])
	assert.True(t, strings.HasPrefix(g.props["title"], `public-401\n::error::kind /a,b:cx\n::error::pwned`), g.props["title"])
	assert.Len(t, g.props, 3, "no property smuggled in by a comma")
	assert.Contains(t, g.message, `x\n::error::pwned\r\n::add-mask::y`, "site line breaks show as \\n")
	assert.True(t, strings.HasPrefix(lines[1], "::notice::"))
	for _, line := range lines {
		assert.NotContains(t, line, "\r")
	}
}

func TestGitHubSample(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, (&GitHub{}).Write(&out, sampleReport()))
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, 8)

	g := parseGitHubLine(t, lines[0])
	assert.Equal(t, "error", g.command)
	assert.Equal(t, map[string]string{"file": "conf/site.conf", "line": "12", "title": "public-401 /blog/"}, g.props)
	assert.Equal(t, strings.Join([]string{
		`https://example.org/blog/: HTTP Basic auth (realm "Restricted") on a public path`,
		"statuses: googlebot 401, bingbot 401, browser 401",
		"agents: googlebot, bingbot",
		`source: nginx auth_basic (conf/site.conf:12), realm "Restricted", confidence high`,
		"fix: In location /blog/, set: auth_basic off;",
	}, "\n"), g.message)

	g = parseGitHubLine(t, lines[1])
	assert.Equal(t, map[string]string{"title": "public-403 /docs/guide.html"}, g.props, "no location, no file")

	commands := []string{}
	for _, l := range lines {
		commands = append(commands, parseGitHubLine(t, l).command)
	}
	assert.Equal(t, []string{"error", "error", "error", "warning", "warning", "notice", "notice", "notice"}, commands)

	g = parseGitHubLine(t, lines[3])
	assert.Equal(t, "public-missing /about", g.props["title"])
	g = parseGitHubLine(t, lines[5])
	assert.Equal(t, "undeclared-blocked https://files.example.net/reports/q1.pdf", g.props["title"], "another host keeps its URL")
	assert.True(t, strings.HasPrefix(lines[7], "::notice::authwall: 7 findings (3 errors, 2 warnings, 2 info) on 57 URLs"), lines[7])
}

// TestGitHubBaseline: with a baseline only new findings fail the run, so
// only they can be errors; old ones are notices that say so.
func TestGitHubBaseline(t *testing.T) {
	r := sampleReport()
	r.Baseline = "old.json"
	decide(t, r, "error")
	var out bytes.Buffer
	require.NoError(t, (&GitHub{}).Write(&out, r))
	got := map[string]string{}
	for _, l := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		g := parseGitHubLine(t, l)
		if title := g.props["title"]; title != "" {
			got[title] = g.command
		}
	}
	assert.Equal(t, map[string]string{
		"public-401 /blog/": "error",
		"public-403 /docs/guide.html (already in baseline)":                                                                "notice",
		"public-login-redirect /pricing (already in baseline)":                                                             "notice",
		"public-missing /about (already in baseline)":                                                                      "notice",
		"robots-blocks-public /products/outdoor/garden/furniture/tables/extendable-teak-table-180cm (already in baseline)": "notice",
		"undeclared-blocked https://files.example.net/reports/q1.pdf (already in baseline)":                                "notice",
		"fetch-error /slow (already in baseline)":                                                                          "notice",
	}, got)
	assert.Contains(t, out.String(), "against baseline old.json: 1 new, 0 fixed")
}

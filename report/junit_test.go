package report

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/audit"
	"authwall/internal/realserver"
)

// readJUnit parses out back with encoding/xml.
func readJUnit(t *testing.T, out []byte) *junitSuites {
	t.Helper()
	var doc junitSuites
	dec := xml.NewDecoder(bytes.NewReader(out))
	require.NoError(t, dec.Decode(&doc))
	return &doc
}

// checkJUnit parses the output back and checks that the counts add up and
// that the failures are exactly the failing findings, one in the suite of
// each agent a finding concerns.
func checkJUnit(t *testing.T, r *audit.Report, out []byte) {
	assert.True(t, bytes.HasPrefix(out, []byte(xml.Header)), "XML declaration")
	assert.NotContains(t, string(out), "\x1b", "no control characters")
	doc := readJUnit(t, out)
	var tests, failures, errs, skipped int
	got := map[string]int{} // suite name + kind -> failures
	for _, s := range doc.Suites {
		var sf, ss int
		for _, c := range s.Cases {
			if len(c.Failures) > 0 {
				sf++
				assert.Nil(t, c.Skipped, "a case is failed or skipped, not both")
			} else if c.Skipped != nil {
				ss++
			}
			for _, f := range c.Failures {
				got[s.Name+"\x00"+f.Type]++
				assert.True(t, strings.HasPrefix(f.Message, f.Type), "message starts with the kind: %q", f.Message)
			}
		}
		assert.Equal(t, len(s.Cases), s.Tests, "suite %s tests", s.Name)
		assert.Equal(t, sf, s.Failures, "suite %s failures", s.Name)
		assert.Equal(t, ss, s.Skipped, "suite %s skipped", s.Name)
		assert.Zero(t, s.Errors)
		tests, failures, errs, skipped = tests+s.Tests, failures+s.Failures, errs+s.Errors, skipped+s.Skipped
	}
	assert.Equal(t, tests, doc.Tests)
	assert.Equal(t, failures, doc.Failures)
	assert.Equal(t, errs, doc.Errors)
	assert.Equal(t, skipped, doc.Skipped)
	want := map[string]int{}
	for _, f := range r.Findings {
		if !f.Failing {
			continue
		}
		agents := f.Agents
		if len(agents) == 0 { // a finding that names no agent is in every suite
			for _, s := range doc.Suites {
				agents = append(agents, strings.TrimPrefix(s.Name, "authwall "))
			}
		}
		for _, a := range agents {
			want[xmlText("authwall "+a)+"\x00"+xmlText(string(f.Kind))]++
		}
	}
	assert.Equal(t, want, got, "failures by suite and kind")
}

// xmllint finds xmllint, or skips (fails in CI) without it.
func xmllint(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("xmllint")
	if err == nil {
		return p
	}
	if realserver.Require() {
		t.Fatal("xmllint is not installed and AUTHWALL_REQUIRE_SERVERS=1 (apt-get install -y libxml2-utils)")
	}
	t.Skip("xmllint is not installed: skipping the JUnit schema validation (apt-get install -y libxml2-utils; set AUTHWALL_REQUIRE_SERVERS=1 to make this a failure)")
	return ""
}

// TestJUnitSchema validates the output against the common JUnit schema
// with libxml2, an XML parser that is not Go's.
func TestJUnitSchema(t *testing.T) {
	bin := xmllint(t)
	schema, err := filepath.Abs(filepath.Join("testdata", "junit", "junit.xsd"))
	require.NoError(t, err)
	baseline := sampleReport()
	baseline.Baseline = "old.json"
	baseline.Fixed = []audit.Finding{{Kind: audit.PublicForbidden, URL: "https://example.org/gone"}}
	for name, r := range map[string]*audit.Report{
		"empty":    {},
		"sample":   sampleReport(),
		"hostile":  hostileReport(),
		"baseline": baseline,
		"large":    largeReport(300),
		"cases":    junitCasesReport(),
	} {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			require.NoError(t, (&JUnit{}).Write(&out, r))
			file := filepath.Join(t.TempDir(), "report.junit.xml")
			require.NoError(t, os.WriteFile(file, out.Bytes(), 0o644))
			msg, err := exec.Command(bin, "--noout", "--schema", schema, file).CombinedOutput()
			require.NoError(t, err, "xmllint: %s", msg)
			assert.Contains(t, string(msg), "validates")
		})
	}
}

// TestJUnitSchemaRejects shows the schema is not a rubber stamp.
func TestJUnitSchemaRejects(t *testing.T) {
	bin := xmllint(t)
	schema := filepath.Join("testdata", "junit", "junit.xsd")
	for name, doc := range map[string]string{
		"no tests count":     `<testsuites><testsuite name="a" failures="0" errors="0" skipped="0" time="0"/></testsuites>`,
		"negative time":      `<testsuites><testsuite name="a" tests="0" failures="0" errors="0" skipped="0" time="-1"/></testsuites>`,
		"case without name":  `<testsuites><testsuite name="a" tests="1" failures="0" errors="0" skipped="0" time="0"><testcase classname="c" time="0"/></testsuite></testsuites>`,
		"unknown element":    `<testsuites><testsuite name="a" tests="1" failures="0" errors="0" skipped="0" time="0"><testcase name="n" classname="c" time="0"><warning/></testcase></testsuite></testsuites>`,
		"zoned timestamp":    `<testsuites><testsuite name="a" tests="0" failures="0" errors="0" skipped="0" time="0" timestamp="2025-03-01T10:00:00Z"/></testsuites>`,
		"suite outside root": `<testsuite name="a" tests="0" failures="0" errors="0" skipped="0" time="0"><bogus/></testsuite>`,
	} {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "bad.xml")
			require.NoError(t, os.WriteFile(file, []byte(doc), 0o644))
			msg, err := exec.Command(bin, "--noout", "--schema", schema, file).CombinedOutput()
			assert.Error(t, err, "xmllint accepted it: %s", msg)
		})
	}
}

// junitCasesReport has one page or finding for each way a case can end.
// Agents and Failing are set as the audit sets them with --fail-on error.
func junitCasesReport() *audit.Report {
	return &audit.Report{
		Target: "https://example.org/",
		Agents: []audit.AgentInfo{{Name: "googlebot"}, {Name: "bingbot"}},
		Findings: []audit.Finding{
			{
				Kind: audit.RobotsUnavailable, Severity: audit.SeverityError,
				URL: "https://example.org/robots.txt", Path: "/robots.txt",
				Statuses: map[string]int{"googlebot": 503, "bingbot": 503},
				Agents:   []string{"googlebot", "bingbot"}, Failing: true,
				Message: "robots.txt unavailable: googlebot: status 503",
			},
			{
				Kind: audit.PublicForbidden, Severity: audit.SeverityError,
				URL: "https://example.org/only-google", Path: "/only-google", DeclaredBy: "/**",
				Statuses: map[string]int{"googlebot": 403, "bingbot": 200, "browser": 200},
				Agents:   []string{"googlebot"}, Failing: true,
				Attribution: &audit.Attribution{
					Source: "nginx", Directive: "deny", Fix: "remove the rule", Realm: "R",
					Evidence: []string{"ev1", "ev2"},
				},
			},
			{
				Kind: audit.PrivateExposed, Severity: audit.SeverityError,
				URL: "https://example.org/account/", Path: "/account/", DeclaredBy: "!/account/**",
				Statuses: map[string]int{"googlebot": 200, "bingbot": 401},
				Agents:   []string{"googlebot"}, Failing: true,
				Message: "private path answered 200 to googlebot without credentials",
			},
			{
				Kind: audit.PublicSoftAuth, Severity: audit.SeverityWarning,
				URL: "https://example.org/soft", Path: "/soft", DeclaredBy: "/**",
				Statuses: map[string]int{"googlebot": 200, "bingbot": 200},
				Agents:   []string{"googlebot", "bingbot"},
				Message:  "login form",
			},
		},
		Pages: []audit.Page{
			{URL: "https://example.org/", Declared: "public", Statuses: map[string]int{"googlebot": 200, "bingbot": 200}},
			{URL: "https://example.org/only-google", Declared: "public", Statuses: map[string]int{"googlebot": 403, "bingbot": 200}},
			{URL: "https://example.org/account/", Declared: "private", Statuses: map[string]int{"googlebot": 200, "bingbot": 401}},
			{URL: "https://example.org/soft", Declared: "public", Statuses: map[string]int{"googlebot": 200, "bingbot": 200}},
			{URL: "https://example.org/admin/", Declared: "private", Statuses: map[string]int{"googlebot": 0, "bingbot": 401}},
			{URL: "https://example.org/undeclared", Statuses: map[string]int{"googlebot": 200, "bingbot": 200}},
		},
	}
}

// junitCase finds a suite's case by name.
func findCase(t *testing.T, doc *junitSuites, suite, name string) *junitCase {
	t.Helper()
	for i := range doc.Suites {
		if doc.Suites[i].Name != suite {
			continue
		}
		for j := range doc.Suites[i].Cases {
			if doc.Suites[i].Cases[j].Name == name {
				return &doc.Suites[i].Cases[j]
			}
		}
	}
	return nil
}

func TestJUnitCases(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, (&JUnit{}).Write(&out, junitCasesReport()))
	doc := readJUnit(t, out.Bytes())
	require.Len(t, doc.Suites, 2)
	assert.Equal(t, "authwall googlebot", doc.Suites[0].Name)
	assert.Equal(t, "authwall bingbot", doc.Suites[1].Name)

	// Site-wide: robots.txt is a case of its own in every suite it concerns.
	for _, s := range []string{"authwall googlebot", "authwall bingbot"} {
		c := findCase(t, doc, s, "/robots.txt")
		require.NotNil(t, c, s)
		require.Len(t, c.Failures, 1)
		assert.Equal(t, "robots-unavailable", c.Failures[0].Type)
		assert.Equal(t, "robots.txt", c.Classname)
	}

	// A wall one agent met fails that agent's case only.
	c := findCase(t, doc, "authwall googlebot", "/only-google")
	require.NotNil(t, c)
	require.Len(t, c.Failures, 1)
	f := c.Failures[0]
	assert.Equal(t, "public-403", f.Type)
	assert.Equal(t, `public-403: nginx deny, realm "R"; fix: remove the rule`, f.Message)
	assert.Contains(t, f.Text, "statuses: googlebot 403, bingbot 200, browser 200")
	assert.Contains(t, f.Text, "evidence:\n  ev1\n  ev2")
	assert.Equal(t, "only-google", c.Classname)
	c = findCase(t, doc, "authwall bingbot", "/only-google")
	require.NotNil(t, c, "the declared page is still a case for bingbot")
	assert.Empty(t, c.Failures)

	// private-exposed concerns the agent that got in.
	assert.Len(t, findCase(t, doc, "authwall googlebot", "/account/").Failures, 1)
	assert.Empty(t, findCase(t, doc, "authwall bingbot", "/account/").Failures)

	// A warning that does not fail the run is no failure: it goes to the
	// case's system-out, and says it is a warning.
	c = findCase(t, doc, "authwall bingbot", "/soft")
	assert.Empty(t, c.Failures)
	assert.Nil(t, c.Skipped)
	assert.Contains(t, c.SystemOut, "public-soft-auth (warning): login form")

	// A private page robots.txt keeps an agent out of is skipped for it.
	c = findCase(t, doc, "authwall googlebot", "/admin/")
	require.NotNil(t, c.Skipped)
	assert.Equal(t, "googlebot got no answer", c.Skipped.Message)
	assert.Nil(t, findCase(t, doc, "authwall bingbot", "/admin/").Skipped)

	// The home page passes and is grouped by host; undeclared pages are no cases.
	c = findCase(t, doc, "authwall googlebot", "/")
	require.NotNil(t, c)
	assert.Equal(t, "example.org", c.Classname)
	assert.Empty(t, c.Failures)
	assert.Nil(t, findCase(t, doc, "authwall googlebot", "/undeclared"))

	g := doc.Suites[0]
	assert.Equal(t, 6, g.Tests, "5 declared pages and robots.txt")
	assert.Equal(t, 3, g.Failures)
	assert.Equal(t, 1, g.Skipped)
}

func TestJUnitSample(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, (&JUnit{}).Write(&out, sampleReport()))
	doc := readJUnit(t, out.Bytes())
	assert.Equal(t, "4.217", doc.Time)
	assert.Equal(t, "2025-03-01T10:00:00", doc.Timestamp)

	c := findCase(t, doc, "authwall googlebot", "/slow")
	require.NotNil(t, c)
	require.NotNil(t, c.Skipped, "no answer: skipped")
	assert.Equal(t, "googlebot got no answer: timeout", c.Skipped.Message)
	assert.Contains(t, c.SystemOut, "fetch-error: timeout after 15s", "info findings go to system-out")

	c = findCase(t, doc, "authwall googlebot", "https://files.example.net/reports/q1.pdf")
	require.NotNil(t, c, "a finding on another host is a case of its own")
	assert.Equal(t, "files.example.net", c.Classname)
	assert.Empty(t, c.Failures)
	assert.Contains(t, c.SystemOut, "undeclared-blocked")

	c = findCase(t, doc, "authwall googlebot", "/pricing")
	require.Len(t, c.Failures, 1)
	assert.Contains(t, c.Failures[0].Text, "redirects:\n  302 https://example.org/pricing -> https://login.example.org/sso?next=%2Fpricing\n  200 https://login.example.org/sso?next=%2Fpricing")

	// robots.txt kept googlebot out: a warning for googlebot, nothing for
	// bingbot. With --fail-on error it does not fail: the case is skipped
	// (googlebot got no answer) and the warning is in its system-out.
	name := "/products/outdoor/garden/furniture/tables/extendable-teak-table-180cm?colour=natural"
	c = findCase(t, doc, "authwall googlebot", name)
	require.NotNil(t, c)
	assert.Empty(t, c.Failures)
	require.NotNil(t, c.Skipped)
	assert.Equal(t, "robots.txt disallows this URL for googlebot", c.Skipped.Message)
	assert.Contains(t, c.SystemOut, "robots-blocks-public (warning): robots.txt line 7")
	assert.Nil(t, findCase(t, doc, "authwall bingbot", name))

	assert.Contains(t, doc.Suites[0].SystemOut, "note: stopped at --max-pages 57")
}

func TestJUnitRobotsSkip(t *testing.T) {
	r := &audit.Report{
		Target: "https://example.org/",
		Agents: []audit.AgentInfo{{Name: "googlebot"}},
		Findings: []audit.Finding{{
			Kind: audit.PrivateInSitemap, Severity: audit.SeverityInfo,
			URL: "https://example.org/private/x", Path: "/private/x",
			Statuses: map[string]int{"googlebot": 0}, NotFetched: map[string]string{"googlebot": "robots"},
			Agents: []string{"googlebot"},
		}},
	}
	var out bytes.Buffer
	require.NoError(t, (&JUnit{}).Write(&out, r))
	c := findCase(t, readJUnit(t, out.Bytes()), "authwall googlebot", "/private/x")
	require.NotNil(t, c)
	require.NotNil(t, c.Skipped)
	assert.Equal(t, "robots.txt disallows this URL for googlebot", c.Skipped.Message)
}

func TestJUnitBaseline(t *testing.T) {
	r := sampleReport()
	r.Baseline = "old.json"
	r.Fixed = []audit.Finding{{Kind: audit.PublicForbidden, URL: "https://example.org/gone"}}
	decide(t, r, "error")
	var out bytes.Buffer
	require.NoError(t, (&JUnit{}).Write(&out, r))
	doc := readJUnit(t, out.Bytes())

	assert.Equal(t, "public-401: nginx auth_basic (conf/site.conf:12), realm \"Restricted\"; fix: In location /blog/, set: auth_basic off;",
		findCase(t, doc, "authwall googlebot", "/blog/").Failures[0].Message, "a new finding")
	old := findCase(t, doc, "authwall googlebot", "/pricing")
	assert.Empty(t, old.Failures, "an old finding does not fail the run")
	assert.True(t, strings.HasPrefix(old.SystemOut, "public-login-redirect (already in baseline): "), old.SystemOut)
	assert.Contains(t, doc.Suites[0].SystemOut, "fixed since baseline: public-403 https://example.org/gone")
	require.NotNil(t, doc.Suites[0].Properties)
	assert.Contains(t, doc.Suites[0].Properties.Property, junitProperty{"baseline", "old.json"})
}

func TestXMLText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"tab\tLF\nCR\r", "tab\tLF\nCR\r"},
		{"\x00nul\x1b[2J\x07bel", "nul[2J" + "bel"},
		{"bad\xff", "bad\uFFFD"},
		{"\uFFFE\uFFFF", ""},
		{"\u009b c1 and \U0001F600", "\u009b c1 and \U0001F600"},
		{`<&>"'`, `<&>"'`},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, xmlText(tc.in), "%q", tc.in)
	}
}

func TestJUnitClassname(t *testing.T) {
	const target = "https://example.org/"
	for u, want := range map[string]string{
		"https://example.org/":              "example.org",
		"https://example.org/blog/a/b":      "blog",
		"https://example.org/robots.txt":    "robots.txt",
		"https://cdn.example.net/blog/":     "cdn.example.net",
		"=cmd|' /C calc'!A0":                "example.org",
		"https://EXAMPLE.org/docs/x.html?q": "docs",
	} {
		assert.Equal(t, want, junitClassname(target, u), u)
	}
}

// TestJUnitFindingWithoutAgents: a finding that names no agent (one read
// from a report written before findings carried their agents) is in every
// suite, so a failing one is still a failed test.
func TestJUnitFindingWithoutAgents(t *testing.T) {
	r := &audit.Report{
		Target: "https://example.org/",
		Agents: []audit.AgentInfo{{Name: "googlebot"}, {Name: "bingbot"}},
		Failed: true,
		Findings: []audit.Finding{
			{Kind: audit.PublicUnauthorized, Severity: audit.SeverityError, URL: "https://example.org/a", Path: "/a", Failing: true},
			{Kind: audit.PublicSoftAuth, Severity: audit.SeverityWarning, URL: "https://example.org/b", Path: "/b"},
		},
	}
	var out bytes.Buffer
	require.NoError(t, (&JUnit{}).Write(&out, r))
	doc := readJUnit(t, out.Bytes())
	for _, s := range []string{"authwall googlebot", "authwall bingbot"} {
		require.Len(t, findCase(t, doc, s, "/a").Failures, 1, s)
		b := findCase(t, doc, s, "/b")
		assert.Empty(t, b.Failures, s)
		assert.Contains(t, b.SystemOut, "public-soft-auth (warning)", s)
	}
	checkJUnit(t, r, out.Bytes())
}

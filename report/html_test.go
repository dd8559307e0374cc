package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"

	"authwall/audit"
)

// Payloads an audited site could put in a URL, a realm, a body or a header.
const (
	xssScript  = `<script>alert(1)</script>`
	xssImg     = `<img src=x onerror=alert(1)>`
	xssJSURL   = `javascript:alert(1)`
	xssBreakup = `"><img src=x onerror=alert(1)>`
)

// payloadReport carries the payloads in every field a site controls.
func payloadReport() *audit.Report {
	all := xssScript + xssImg + xssBreakup + `'--></style></title>`
	return &audit.Report{
		Tool: "authwall", Version: "1.0.0", Target: "https://evil.example/" + xssBreakup,
		StartedAt: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
		Agents: []audit.AgentInfo{
			{Name: "googlebot", UserAgent: xssBreakup, RobotsToken: "Googlebot"},
			{Name: "evil" + xssImg, UserAgent: all, RobotsToken: xssScript},
		},
		URLs: 3, Requests: 5, Failed: true, Incomplete: true,
		Notes:    []string{all},
		Baseline: "base" + xssImg + ".json",
		Findings: []audit.Finding{
			{
				Kind: audit.PublicUnauthorized, Severity: audit.SeverityError,
				URL: xssJSURL, Path: "/" + xssScript, DeclaredBy: all,
				Statuses: map[string]int{"googlebot": 401, "evil" + xssImg: 401},
				Agents:   []string{"googlebot", "evil" + xssImg}, Failing: true,
				FoundVia: all, LinkedFrom: []string{xssJSURL, xssBreakup, "JaVaScRiPt:alert(2)"},
				Message:   all,
				Redirects: []audit.Redirect{{URL: xssJSURL, Status: 302, Location: xssBreakup}},
				Attribution: &audit.Attribution{
					Signature: all, Source: "nginx" + xssImg, Mechanism: all, Directive: all, Realm: all,
					Confidence: all, Evidence: []string{xssScript, xssImg, xssBreakup},
					Location: &audit.Location{File: all, Line: 3, Context: all}, Fix: all + "\n" + xssScript, Edge: all,
				},
				Alternatives: []audit.Attribution{{Source: xssScript, Evidence: []string{xssImg}, Fix: xssBreakup}},
				New:          true,
			},
			{
				Kind: audit.Kind(xssImg), Severity: audit.Severity(xssScript),
				URL: xssBreakup, Statuses: map[string]int{"googlebot": 403}, Agents: []string{"googlebot"},
				NotFetched: map[string]string{"googlebot": all},
			},
			{
				Kind: audit.PublicForbidden, Severity: audit.SeverityError,
				URL: "https://evil.example/" + xssBreakup, Statuses: map[string]int{"googlebot": 403},
				Agents: []string{"googlebot"}, Failing: true,
				Attribution: &audit.Attribution{Source: xssBreakup, Directive: xssScript},
			},
		},
		Fixed: []audit.Finding{{Kind: audit.PublicForbidden, URL: xssJSURL}},
		Pages: []audit.Page{{URL: xssJSURL, Declared: all, Statuses: map[string]int{"evil" + xssImg: 200}, FinalURL: xssBreakup, Error: all}},
	}
}

// checkHTML holds what every HTML report must guarantee, whatever it was
// given: one parseable document, one script (the page's own, allowed by
// its hash), no event handler attributes, no link that is not http(s), no
// resource from anywhere, and the findings count the page shows.
func checkHTML(t *testing.T, r *audit.Report, out []byte) {
	t.Helper()
	require.True(t, utf8.Valid(out), "output is valid UTF-8")
	s := string(out)
	assert.Equal(t, 1, strings.Count(strings.ToLower(s), "<script"), "exactly one <script, the page's own")
	assert.NotContains(t, strings.ToLower(s), "<img")
	assert.NotContains(t, s, "ZgotmplZ", "no value reached html/template's last-resort filter: unsafe URLs are kept out of href before")
	assert.NotRegexp(t, regexp.MustCompile(`(?i)href\s*=\s*["']?\s*javascript:`), s)

	doc, err := html.Parse(bytes.NewReader(out))
	require.NoError(t, err)
	var scripts []string
	var csp string
	count, bodies := "", 0
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.Data {
		case "img", "iframe", "object", "embed", "link", "base", "form", "frame", "audio", "video", "source":
			t.Errorf("element <%s> must not be in the report", n.Data)
		case "script":
			text := ""
			if n.FirstChild != nil {
				text = n.FirstChild.Data
			}
			scripts = append(scripts, text)
			assert.Empty(t, attr(n, "src"), "the script is inline")
		case "meta":
			if strings.EqualFold(attr(n, "http-equiv"), "Content-Security-Policy") {
				csp = attr(n, "content")
			}
		case "tbody":
			if attr(n, "class") == "f" {
				bodies++
			}
		}
		if attr(n, "id") == "finding-count" && n.FirstChild != nil {
			count = n.FirstChild.Data
		}
		for _, a := range n.Attr {
			key := strings.ToLower(a.Key)
			assert.False(t, strings.HasPrefix(key, "on"), "event handler attribute %s=%q on <%s>", a.Key, a.Val, n.Data)
			assert.NotEqual(t, "src", key, "src=%q on <%s>: the report loads nothing", a.Val, n.Data)
			if key == "href" {
				v := strings.ToLower(a.Val)
				assert.True(t, strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://"), "href %q is not http(s)", a.Val)
			}
		}
	}
	require.Len(t, scripts, 1)
	sum := sha256.Sum256([]byte(scripts[0]))
	assert.Contains(t, csp, "default-src 'none'")
	assert.Contains(t, csp, "script-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'", "the CSP allows the page's script by its hash")
	assert.NotContains(t, csp, "unsafe-eval")
	assert.NotContains(t, strings.SplitN(csp, "script-src", 2)[1], "unsafe-inline", "scripts are allowed by hash only")
	assert.Equal(t, strconv.Itoa(len(r.Findings)), count, "findings count shown")
	assert.Equal(t, len(r.Findings), bodies, "one table body per finding")
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func renderHTML(t *testing.T, r *audit.Report) string {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, (&HTML{}).Write(&out, r))
	return out.String()
}

func TestHTMLEscapesPayloads(t *testing.T) {
	r := payloadReport()
	out := renderHTML(t, r)
	checkHTML(t, r, []byte(out))

	// The payloads are there, as text.
	assert.Contains(t, out, "&lt;script&gt;alert(1)&lt;/script&gt;")
	assert.Contains(t, out, "&lt;img src=x onerror=alert(1)&gt;")
	// javascript: URLs are shown, never linked.
	assert.Contains(t, out, `<span class="mono">javascript:alert(1)</span>`)
	assert.Contains(t, out, `<span class="mono">JaVaScRiPt:alert(2)</span>`)
	// An http(s) URL carrying a payload is linked, percent-encoded in href
	// and escaped in text.
	assert.Contains(t, out, `href="https://evil.example/%22%3e%3cimg%20src=x%20onerror=alert%281%29%3e"`)
	assert.Contains(t, out, `>https://evil.example/&#34;&gt;&lt;img src=x onerror=alert(1)&gt;</a>`)
	// Values in attributes stay inside their quotes.
	assert.Contains(t, out, `title="&#34;&gt;&lt;img src=x onerror=alert(1)&gt;`)
	assert.Contains(t, out, `data-kind="&lt;img src=x onerror=alert(1)&gt;"`)
	// An unknown severity gets no class of its own making.
	assert.NotContains(t, out, "sev-&lt;")
	assert.Contains(t, out, `class="card sev-unknown"`)
}

func TestHTMLShowsHiddenCharacters(t *testing.T) {
	r := hostileReport()
	out := renderHTML(t, r)
	checkHTML(t, r, []byte(out))
	assert.NotContains(t, out, "\x1b", "ESC is shown as an escape")
	assert.NotContains(t, out, "\u202e", "a bidi override is shown as an escape")
	assert.Contains(t, out, `\u202e`)
	assert.Contains(t, out, `\x1b[2J`)
	assert.Contains(t, out, `bad\xff\xfeutf8`)
}

func TestHTMLLink(t *testing.T) {
	tests := []struct {
		in   string
		href bool
	}{
		{"https://example.org/a?b=c#d", true},
		{"http://example.org/", true},
		{"HTTPS://EXAMPLE.ORG/", true},
		{"https://example.org/" + xssBreakup, true},
		{xssJSURL, false},
		{"JaVaScRiPt:alert(1)", false},
		{" javascript:alert(1)", false},
		{"java\tscript:alert(1)", false},
		{"data:text/html,<script>alert(1)</script>", false},
		{"vbscript:msgbox(1)", false},
		{"/relative/path", false},
		{"//evil.example/protocol-relative", false},
		{"https:///no-host", false},
		{"mailto:a@example.org", false},
		{xssBreakup, false},
		{"", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			l := link(tc.in, tc.in)
			if tc.href {
				assert.Equal(t, tc.in, l.Href)
			} else {
				assert.Empty(t, l.Href)
			}
			assert.NotEmpty(t, l.Text)
		})
	}
}

func TestHTMLContent(t *testing.T) {
	r := sampleReport()
	out := renderHTML(t, r)
	for _, want := range []string{
		`<html lang="en">`,
		`<div class="pill fail" id="verdict">FAIL</div>`,
		`id="incomplete">INCOMPLETE</span>`,
		`stopped at --max-pages 57; 12 linked URLs were not visited`,
		`<time datetime="2025-03-01T10:00:00.123Z">2025-03-01 10:00:00 UTC</time>`,
		`duration <b>4.2s</b>`,
		`title="Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; &#43;http://www.bing.com/bingbot.htm) Chrome/142.0.7444.175 Safari/537.36 (robots.txt token: bingbot)">bingbot</b>`,
		// a card per kind with its description
		`a public path answered 401 to a crawler agent`,
		// charts drawn on the Go side
		`<svg role="img" aria-label="Findings by kind"`,
		`<svg role="img" aria-label="Findings by source"`,
		// a status column per agent and the browser control
		`<button type="button" class="sort">browser</button>`,
		// the fix, preformatted
		`<pre class="fix">In location /blog/, set: auth_basic off;</pre>`,
		// the redirect chain
		`https://login.example.org/sso?next=%2Fpricing`,
		// config location
		`<code>conf/site.conf:12</code> <span class="muted">server &gt; location /blog/</span>`,
		// groups by source and directive
		`<h3>nginx <code>auth_basic</code>: 1 page</h3>`,
		// every crawled URL, collapsed
		`<details class="pages panel" id="pages">`,
		`<summary>All 4 crawled URLs with what each agent got</summary>`,
	} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "NEW", "no NEW badges without a baseline")
	assert.NotContains(t, out, "Fixed since the baseline")
}

func TestHTMLBaseline(t *testing.T) {
	r := sampleReport()
	r.Baseline = "last-release.json"
	r.Fixed = []audit.Finding{
		{Kind: audit.PublicUnauthorized, Severity: audit.SeverityError, URL: "https://example.org/shop/", Path: "/shop/"},
	}
	r.Findings = append(r.Findings, audit.Finding{
		Kind: audit.PublicUnauthorized, Severity: audit.SeverityError,
		URL: "https://example.org/blog/2024/", Path: "/blog/2024/",
		Statuses: map[string]int{"googlebot": 401, "bingbot": 401},
		Attribution: &audit.Attribution{
			Source: "nginx", Mechanism: "basic", Directive: "auth_basic", Confidence: "high",
			Location: &audit.Location{File: "conf/site.conf", Line: 12}, Fix: "In location /blog/, set: auth_basic off;",
		},
		New: true,
	})
	decide(t, r, "error")
	out := renderHTML(t, r)
	checkHTML(t, r, []byte(out))
	assert.Contains(t, out, `<h2>Fixed since the baseline (1)</h2>`)
	assert.Contains(t, out, `<a href="https://example.org/shop/" rel="noopener noreferrer nofollow">/shop/</a>`)
	assert.Contains(t, out, `against <span class="mono wrap">last-release.json</span>: <strong>2</strong> new, <strong>1</strong> fixed`)
	assert.Equal(t, 2, strings.Count(out, `<span class="badge new">NEW</span>`))
	// Two pages, one fix shown once.
	assert.Contains(t, out, `<h3>nginx <code>auth_basic</code>: 2 pages</h3>`)
	groups := out[strings.Index(out, "By source and directive"):]
	assert.Equal(t, 1, strings.Count(groups, "<pre>In location /blog/, set: auth_basic off;</pre>"))
}

func TestHTMLEmpty(t *testing.T) {
	out := renderHTML(t, &audit.Report{})
	checkHTML(t, &audit.Report{}, []byte(out))
	assert.Contains(t, out, `<div class="pill pass" id="verdict">PASS</div>`)
	assert.Contains(t, out, `No findings`)
	assert.NotContains(t, out, `id="findings"`)
}

func TestHTMLNilIsDefault(t *testing.T) {
	var a, b bytes.Buffer
	require.NoError(t, (*HTML)(nil).Write(&a, sampleReport()))
	require.NoError(t, (&HTML{}).Write(&b, sampleReport()))
	assert.Equal(t, b.String(), a.String())
}

// TestHTMLMarksAgents checks that the statuses marked as the wall are
// exactly those of the agents each finding concerns, never the browser
// control, whatever the status and kind.
func TestHTMLMarksAgents(t *testing.T) {
	tests := []struct {
		name  string
		f     audit.Finding
		agent string
		wall  bool
		class string
	}{
		{"concerned 401", audit.Finding{Kind: audit.PublicUnauthorized, Statuses: map[string]int{"googlebot": 401}, Agents: []string{"googlebot"}}, "googlebot", true, "wall"},
		{"exposed 200", audit.Finding{Kind: audit.PrivateExposed, Statuses: map[string]int{"googlebot": 200}, Agents: []string{"googlebot"}}, "googlebot", true, "wall"},
		{"other agent 200", audit.Finding{Kind: audit.PublicForbidden, Statuses: map[string]int{"googlebot": 403, "bingbot": 200}, Agents: []string{"googlebot"}}, "bingbot", false, "ok"},
		{"other agent 401", audit.Finding{Kind: audit.PublicForbidden, Statuses: map[string]int{"googlebot": 403, "bingbot": 401}, Agents: []string{"googlebot"}}, "bingbot", false, "wall"},
		{"control", audit.Finding{Kind: audit.PublicUnauthorized, Statuses: map[string]int{"googlebot": 401, "browser": 401}, Agents: []string{"googlebot"}}, "browser", false, "wall"},
		{"disallowed", audit.Finding{Kind: audit.RobotsBlocksPublic, Statuses: map[string]int{"googlebot": 0}, NotFetched: map[string]string{"googlebot": "robots"}, Agents: []string{"googlebot"}}, "googlebot", true, "disallow"},
		{"no status", audit.Finding{Kind: audit.PublicUnauthorized, Agents: []string{"googlebot"}}, "googlebot", false, "none"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := findingStatus(tc.f, tc.agent)
			assert.Equal(t, tc.wall, st.Wall)
			assert.Equal(t, tc.class, st.Class)
		})
	}
}

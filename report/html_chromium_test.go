package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/audit"
)

// chromiumPath finds Debian's chromium, or skips the test, unless
// AUTHWALL_REQUIRE_SERVERS=1 (CI) turns a missing browser into a failure.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "chromium not found (/usr/bin/chromium or on PATH): the HTML report's browser test needs Debian's chromium (apt-get install chromium)"
	if os.Getenv("AUTHWALL_REQUIRE_SERVERS") == "1" {
		t.Fatal(msg + "; AUTHWALL_REQUIRE_SERVERS=1 makes that a failure")
	}
	t.Skip(msg)
	return ""
}

// browserReport is the sample report plus findings whose realm, message
// and URL carry script payloads.
func browserReport() *audit.Report {
	r := sampleReport()
	r.Findings = append(r.Findings,
		audit.Finding{
			Kind: audit.PublicUnauthorized, Severity: audit.SeverityError,
			URL: xssJSURL, Path: "/evil", DeclaredBy: "/**",
			Statuses: map[string]int{"googlebot": 401, "bingbot": 401},
			Agents:   []string{"googlebot", "bingbot"}, Failing: true,
			FoundVia: "link", LinkedFrom: []string{xssJSURL, xssBreakup},
			Message:   xssImg + " " + xssScript,
			Redirects: []audit.Redirect{{URL: xssJSURL, Status: 302, Location: xssBreakup}},
			Attribution: &audit.Attribution{
				Source: "nginx", Mechanism: "basic", Directive: "auth_basic", Realm: xssScript,
				Confidence: "high", Evidence: []string{xssImg, `WWW-Authenticate: Basic realm="` + xssScript + `"`},
				Fix: xssScript + "\n" + xssImg,
			},
		},
		audit.Finding{
			Kind: audit.PublicForbidden, Severity: audit.SeverityError,
			URL: xssBreakup, Path: xssBreakup,
			Statuses: map[string]int{"googlebot": 403, "bingbot": 200},
			Agents:   []string{"googlebot"}, Failing: true,
			Message: xssBreakup,
		},
	)
	return r
}

// visibleRows is the URL cell text of each findings row the page shows, in
// page order.
const visibleRows = `Array.from(document.querySelectorAll("#findings tbody.f"))
	.filter(function (b) { return !b.hidden && b.getClientRects().length > 0; })
	.map(function (b) { return b.rows[0].querySelector("td.url").textContent.trim(); })`

// TestHTMLInChromium opens the report in headless Chromium and works it as
// a person would: reads the count, sorts, filters, expands a row; and
// checks that the payloads in the report ran nothing.
func TestHTMLInChromium(t *testing.T) {
	exe := chromiumPath(t)
	r := browserReport()
	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	var out bytes.Buffer
	require.NoError(t, (&HTML{}).Write(&out, r))
	require.NoError(t, os.WriteFile(file, out.Bytes(), 0o644))

	var js bytes.Buffer
	require.NoError(t, (&JSON{}).Write(&js, r))
	jr, err := readJSON(&js)
	require.NoError(t, err)
	jsonCount := 0
	for _, n := range jr.Summary.Findings {
		jsonCount += n
	}
	require.Equal(t, len(jr.Findings), jsonCount)

	// One bound for the whole browser session, start-up included.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests run as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.WindowSize(1400, 900),
	)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer func() {
		_ = chromedp.Cancel(bctx) // close the browser before TempDir is removed
		cancelBrowser()
	}()

	// Start the browser and the tab, then hook alert and watch for dialogs
	// and CSP violations before the page's own scripts run.
	require.NoError(t, chromedp.Do(bctx))
	var dialogs atomic.Int32
	opening := chromedp.Events(bctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range opening {
			if err != nil {
				return
			}
			dialogs.Add(1)
			go func() {
				_, _ = chromedp.Call(bctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
			}()
		}
	}()
	_, err = chromedp.Call(bctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__alerts = []; window.__csp = [];
window.alert = function (m) { window.__alerts.push(String(m)); };
document.addEventListener("securitypolicyviolation", function (e) { window.__csp.push(e.violatedDirective + " " + e.blockedURI); });`,
	})
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(bctx,
		chromedp.Navigate("file://"+file),
		chromedp.WaitVisible(chromedp.ID("findings")),
	))

	rows := func() []string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](visibleRows))
		require.NoError(t, err)
		return v
	}
	eval := func(expr string) {
		t.Helper()
		_, err := chromedp.Run(bctx, chromedp.Evaluate[chromedp.Void](expr))
		require.NoError(t, err)
	}
	choose := func(id, value string) {
		t.Helper()
		require.NoError(t, chromedp.Do(bctx, chromedp.SetValue(chromedp.ID(id), value)))
		eval(`document.getElementById(` + strconv.Quote(id) + `).dispatchEvent(new Event("change", {bubbles: true}))`)
	}
	reset := func() {
		t.Helper()
		require.NoError(t, chromedp.Do(bctx, chromedp.Click(chromedp.ID("f-reset"))))
		require.Len(t, rows(), len(r.Findings))
	}

	// The count shown is the number of findings, as the JSON report says.
	count, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("finding-count")))
	require.NoError(t, err)
	assert.Equal(t, strconv.Itoa(len(r.Findings)), count)
	assert.Equal(t, strconv.Itoa(jsonCount), count, "HTML and JSON agree on the number of findings")

	// Default order: as the writers sort (severity, kind, URL).
	var want []string
	for _, f := range sortedFindings(r.Findings) {
		want = append(want, relativeURL(originOf(r.Target), f.URL, f.Path))
	}
	before := rows()
	require.Equal(t, want, before)

	// Clicking the URL header sorts by URL, clicking again reverses.
	sortURL := chromedp.Click(chromedp.CSS(`#findings th[data-key="url"] button`))
	require.NoError(t, chromedp.Do(bctx, sortURL))
	asc := slices.Clone(before)
	sort.Strings(asc)
	assert.Equal(t, asc, rows(), "ascending by URL")
	ariaSort, err := chromedp.Run(bctx, chromedp.AttributeValue(chromedp.CSS(`#findings th[data-key="url"]`), "aria-sort"))
	require.NoError(t, err)
	assert.Equal(t, "ascending", ariaSort.Value)
	require.NoError(t, chromedp.Do(bctx, sortURL))
	desc := slices.Clone(asc)
	slices.Reverse(desc)
	assert.Equal(t, desc, rows(), "descending by URL")
	// Severity sorts by rank, not by name: ascending puts info first.
	require.NoError(t, chromedp.Do(bctx, chromedp.Click(chromedp.CSS(`#findings th[data-key="severity"] button`))))
	sev := rows()
	assert.Equal(t, []string{"https://files.example.net/reports/q1.pdf", "/slow"}, sev[:2], "info findings first")

	// The kind filter keeps that kind only.
	choose("f-kind", string(audit.PublicForbidden))
	assert.ElementsMatch(t, []string{"/docs/guide.html", xssBreakup}, rows())
	reset()

	// The agent filter keeps the rows of the findings that concern that
	// agent: bingbot got 200 on /docs/guide.html, where googlebot got 403,
	// and robots.txt kept only googlebot out of /products/....
	choose("f-agent", "1")
	assert.ElementsMatch(t, []string{"/about", "/blog/", "/pricing", "https://files.example.net/reports/q1.pdf", "/slow", xssJSURL}, rows())
	choose("f-agent", "0")
	assert.Len(t, rows(), len(r.Findings), "every finding concerns googlebot")
	reset()
	// The browser control is a status column but no agent to filter by.
	options, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#f-agent option")).map(function (o) { return o.textContent; })`))
	require.NoError(t, err)
	assert.Equal(t, []string{"any agent", "googlebot", "bingbot"}, options)

	// The source filter.
	choose("f-source", "oauth2-proxy")
	assert.Equal(t, []string{"/pricing"}, rows())
	reset()

	// The text filter searches the row and its details.
	require.NoError(t, chromedp.Do(bctx, chromedp.SendKeys(chromedp.ID("f-text"), "TEAK")))
	assert.Equal(t, []string{"/products/outdoor/garden/furniture/tables/extendable-teak-table-180cm?colour=natural"}, rows())
	shown, err := chromedp.Run(bctx, chromedp.Text(chromedp.ID("shown")))
	require.NoError(t, err)
	assert.Equal(t, "1 of "+strconv.Itoa(len(r.Findings))+" shown", shown)
	reset()
	require.NoError(t, chromedp.Do(bctx, chromedp.SendKeys(chromedp.ID("f-text"), "_oauth2_proxy_csrf")))
	assert.Equal(t, []string{"/pricing"}, rows())
	reset()

	// Expanding a row shows its fix.
	ids := map[string]string{}
	for i, f := range sortedFindings(r.Findings) {
		ids[f.URL] = "f" + strconv.Itoa(i+1)
	}
	blog := ids["https://example.org/blog/"]
	hidden, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.getElementById("`+blog+`").getClientRects().length === 0`))
	require.NoError(t, err)
	assert.True(t, hidden, "details start collapsed")
	require.NoError(t, chromedp.Do(bctx, chromedp.Click(chromedp.CSS(`button[aria-controls="`+blog+`"]`))))
	fix, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#"+blog+" pre.fix"), chromedp.NodeVisible))
	require.NoError(t, err)
	assert.Equal(t, "In location /blog/, set: auth_basic off;", fix)

	// Open the payload rows too, and the list of pages: nothing may run.
	for _, u := range []string{xssJSURL, xssBreakup} {
		require.NoError(t, chromedp.Do(bctx, chromedp.Click(chromedp.CSS(`button[aria-controls="`+ids[u]+`"]`))))
	}
	eval(`document.getElementById("pages").open = true`)
	require.NoError(t, chromedp.Do(bctx, chromedp.Sleep(300*time.Millisecond))) // let any image error or timer fire

	realm, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(`#`+ids[xssJSURL]+` pre.fix`), chromedp.NodeVisible))
	require.NoError(t, err)
	assert.Equal(t, xssScript+"\n"+xssImg, realm, "the payload is shown as text")
	checks := []struct {
		name, expr string
		want       int
	}{
		{"alerts", `window.__alerts.length`, 0},
		{"CSP violations", `window.__csp.length`, 0},
		{"img elements", `document.querySelectorAll("img, img[onerror], [onerror]").length`, 0},
		{"scripts", `document.scripts.length`, 1},
		{"javascript: links", `Array.from(document.querySelectorAll("[href]")).filter(function (a) { return !/^https?:$/.test(a.protocol); }).length`, 0},
		{"payload realms as text", `Array.from(document.querySelectorAll("td.realm code")).filter(function (c) { return c.textContent === "<script>alert(1)</script>"; }).length`, 1},
	}
	for _, c := range checks {
		got, err := chromedp.Run(bctx, chromedp.Evaluate[int](c.expr))
		require.NoError(t, err, c.name)
		assert.Equal(t, c.want, got, c.name)
	}
	assert.Zero(t, dialogs.Load(), "no JavaScript dialog opened")

	// A screenshot for a person to look at: the page as it opens, with the
	// first finding expanded.
	require.NoError(t, chromedp.Do(bctx,
		chromedp.Reload(),
		chromedp.Click(chromedp.CSS(`button[aria-controls="`+blog+`"]`)),
		chromedp.WaitVisible(chromedp.ID(blog)),
	))
	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "report.png"), shot, 0o644))
	if p := os.Getenv("AUTHWALL_SCREENSHOT"); p != "" {
		require.NoError(t, os.WriteFile(p, shot, 0o644))
		t.Logf("screenshot written to %s", p)
	}
}

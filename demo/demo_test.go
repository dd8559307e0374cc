package demo

import (
	"bufio"
	"bytes"
	"io"
	"io/fs"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/audit"
)

// The user agents search engines document for their crawlers (and the
// control's desktop Chrome); every current one contains "Chrome/".
const (
	googlebotUA    = "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.7444.175 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
	googlebotOldUA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
	bingbotUA      = "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/142.0.7444.175 Safari/537.36"
	chromeUA       = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.7444.175 Safari/537.36"
)

const paddingLine = "<!-- a padding to disable MSIE and Chrome friendly error page -->"

func startSite(t *testing.T) (*Site, *http.Client) {
	t.Helper()
	s, err := Start()
	require.NoError(t, err)
	tr := &http.Transport{}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		s.Close()
	})
	client := &http.Client{
		Transport: tr,
		Timeout:   10 * time.Second,
		// The audit records redirects hop by hop; so do these tests.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return s, client
}

type response struct {
	status int
	header http.Header
	body   string
}

func get(t *testing.T, client *http.Client, base, path, ua string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, strings.TrimSuffix(base, "/")+path, nil)
	require.NoError(t, err)
	req.Header.Set("User-Agent", ua)
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return response{resp.StatusCode, resp.Header, string(body)}
}

// want is what one request must get. Headers map to an exact value; ""
// means the header must be absent.
type want struct {
	status   int
	headers  map[string]string
	contains []string
	lacks    []string
}

func (w want) check(t *testing.T, got response) {
	t.Helper()
	assert.Equal(t, w.status, got.status)
	for k, v := range w.headers {
		if v == "" {
			assert.Empty(t, got.header.Values(k), "header %s must be absent", k)
			continue
		}
		assert.Equal(t, []string{v}, got.header.Values(k), "header %s", k)
	}
	for _, s := range w.contains {
		assert.Contains(t, got.body, s)
	}
	for _, s := range w.lacks {
		assert.NotContains(t, got.body, s)
	}
}

func TestSitePages(t *testing.T) {
	s, client := startSite(t)
	base := strings.TrimSuffix(s.URL, "/")

	html := "text/html; charset=utf-8"
	page := func(title string) want {
		return want{status: 200, headers: map[string]string{"Content-Type": html, "Server": ""}, contains: []string{"<title>" + title + " · Skylark</title>"}}
	}
	nginxBlog := func(padded bool) want {
		w := want{status: 401, headers: map[string]string{
			"WWW-Authenticate": `Basic realm="Staging"`, "Server": "nginx", "Content-Type": "text/html",
		}, contains: []string{"<title>401 Authorization Required</title>", "<hr><center>nginx</center>"}}
		if padded {
			w.contains = append(w.contains, strings.Repeat(paddingLine+"\r\n", 6))
			w.headers["Content-Length"] = "574"
		} else {
			w.lacks = []string{paddingLine}
			w.headers["Content-Length"] = "172"
		}
		return w
	}
	apacheDocs := want{status: 401, headers: map[string]string{
		"WWW-Authenticate": `Basic realm="htaccess Area"`, "Server": "Apache/2.4.71 (Debian)",
		"Content-Type": "text/html; charset=iso-8859-1", "Content-Length": "499",
	}, contains: []string{"This server could not verify that you", "<address>Apache/2.4.71 (Debian) Server at 127.0.0.1 Port 21083</address>"}}
	notFound := page("Page not found")
	notFound.status = 404
	careersBlocked := want{status: 403, headers: map[string]string{"Server": "nginx/1.22.1", "WWW-Authenticate": ""},
		contains: []string{"<title>403 Forbidden</title>", paddingLine}}

	tests := []struct {
		path         string
		bot, browser want // Googlebot smartphone, desktop Chrome
	}{
		{"/", page("Status pages your customers trust"), page("Status pages your customers trust")},
		{"/about", page("About us"), page("About us")},
		{"/contact", page("Contact"), page("Contact")},
		{"/login", page("Sign in"), page("Sign in")},
		{"/blog/", nginxBlog(true), nginxBlog(true)},
		{"/blog", nginxBlog(true), nginxBlog(true)},
		{"/blog/hello-world", nginxBlog(true), nginxBlog(true)},
		{"/blog/release-notes", nginxBlog(true), nginxBlog(true)},
		{"/docs/", apacheDocs, apacheDocs},
		{"/docs/install", apacheDocs, apacheDocs},
		{"/api/status", want{status: 401, headers: map[string]string{
			"WWW-Authenticate": "", "Content-Type": "", "Server": "", "X-Powered-By": "Express", "Content-Length": "12",
		}, contains: []string{"Unauthorized"}}, want{status: 401}},
		{"/pricing", want{status: 302, headers: map[string]string{"Location": "/login?next=/pricing"}},
			want{status: 302, headers: map[string]string{"Location": "/login?next=/pricing"}}},
		{"/careers", careersBlocked, page("Careers")},
		{"/account/settings", page("Notification settings"), page("Notification settings")},
		{"/account/", want{status: 401, headers: map[string]string{"WWW-Authenticate": `Basic realm="Users"`, "X-Powered-By": "Express"}},
			want{status: 401}},
		{"/account/keys", want{status: 401}, want{status: 401}},
		{"/admin/", want{status: 401, headers: map[string]string{
			"WWW-Authenticate": `Basic realm="fe_main"`, "Server": "", "Date": "", "Cache-Control": "no-cache", "Content-Type": "text/html",
		}, contains: []string{"You need a valid user and password to access this content."}}, want{status: 401}},
		{"/press/", want{status: 401, headers: map[string]string{
			"WWW-Authenticate": `Basic realm="restricted"`, "Server": "Caddy", "Content-Length": "0",
		}}, want{status: 401}},
		{"/press", notFound, notFound}, // Caddy's /press/* leaves it out
		{"/internal/", want{status: 401, headers: map[string]string{
			"WWW-Authenticate": `Basic realm="Restricted Area", charset="UTF-8"`, "Server": "lighttpd/1.4.69",
		}, contains: []string{"<title>401 Unauthorized</title>"}}, want{status: 401}},
		{"/robots.txt", want{status: 200, headers: map[string]string{"Content-Type": "text/plain; charset=utf-8"},
			contains: []string{"User-agent: bingbot\nDisallow: /search\nDisallow: /docs/install\n", "Sitemap: " + base + "/sitemap.xml\n"}},
			want{status: 200}},
		{"/sitemap.xml", want{status: 200, contains: []string{"<loc>" + base + "/blog/hello-world</loc>", "<loc>" + base + "/admin/</loc>"},
			lacks: []string{"/press/", "/account/"}}, want{status: 200}},
		{"/no-such-page", notFound, notFound},
	}
	for _, tt := range tests {
		t.Run(tt.path+" googlebot", func(t *testing.T) {
			tt.bot.check(t, get(t, client, s.URL, tt.path, googlebotUA))
		})
		t.Run(tt.path+" chrome", func(t *testing.T) {
			tt.browser.check(t, get(t, client, s.URL, tt.path, chromeUA))
		})
	}

	// Without "Chrome/" in the UA, nginx sends its pages unpadded.
	nginxBlog(false).check(t, get(t, client, s.URL, "/blog/", googlebotOldUA))
	careersOld := careersBlocked
	careersOld.contains = []string{"<title>403 Forbidden</title>"}
	careersOld.lacks = []string{paddingLine}
	careersOld.check(t, get(t, client, s.URL, "/careers", googlebotOldUA))
	careersBlocked.check(t, get(t, client, s.URL, "/careers", bingbotUA))
	apacheDocs.check(t, get(t, client, s.URL, "/docs/install", bingbotUA))
}

func TestSiteMethods(t *testing.T) {
	s, client := startSite(t)
	for _, tt := range []struct {
		method, path string
		status       int
	}{
		{http.MethodHead, "/", 200},
		{http.MethodPost, "/about", 405},
		{http.MethodPost, "/login", 200},
		{http.MethodPost, "/blog/", 401}, // auth answers before any method check
	} {
		req, err := http.NewRequest(tt.method, s.URL+strings.TrimPrefix(tt.path, "/"), nil)
		require.NoError(t, err)
		resp, err := client.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, tt.status, resp.StatusCode, "%s %s", tt.method, tt.path)
	}
}

// Header case is a fingerprint (HAProxy writes lower case, nginx
// WWW-Authenticate, Caddy Www-Authenticate), and Go's client hides it: read
// the raw bytes.
func TestSiteRawHeaders(t *testing.T) {
	s, _ := startSite(t)
	host := strings.TrimSuffix(strings.TrimPrefix(s.URL, "http://"), "/")
	raw := func(path string) string {
		conn, err := net.Dial("tcp", host)
		require.NoError(t, err)
		defer conn.Close()
		_, err = io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: "+host+"\r\nUser-Agent: "+googlebotOldUA+"\r\nConnection: close\r\n\r\n")
		require.NoError(t, err)
		all, err := io.ReadAll(conn) // Connection: close ends the stream
		require.NoError(t, err)
		return string(all)
	}
	admin := raw("/admin/")
	assert.Contains(t, admin, "\r\nwww-authenticate: Basic realm=\"fe_main\"\r\n")
	assert.Contains(t, admin, "\r\ncache-control: no-cache\r\n")
	assert.NotContains(t, admin, "\r\nDate:")
	assert.NotContains(t, admin, "\r\nContent-Type:", "the capture's lower-case content-type is the only one")

	blog := raw("/blog/")
	assert.Contains(t, blog, "\r\nWWW-Authenticate: Basic realm=\"Staging\"\r\n")
	assert.Contains(t, blog, "\r\nDate: ")

	press := raw("/press/")
	assert.Contains(t, press, "\r\nWww-Authenticate: Basic realm=\"restricted\"\r\n")
}

func TestCapturesLoad(t *testing.T) {
	files, err := fs.Glob(responses, "responses/*.txt")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		raw, err := responses.ReadFile(f)
		require.NoError(t, err)
		resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
		require.NoError(t, err, f)
		c, err := parseCapture(f, raw)
		require.NoError(t, err, f)
		// A body that no longer matches the captured Content-Length means
		// the file's line ends were changed.
		assert.Equal(t, resp.ContentLength, int64(len(c.body)), "%s: body length", f)
		assert.Equal(t, resp.StatusCode, c.status, f)

		// Bare LF line ends still parse, with the same status and headers.
		lf, err := parseCapture(f, bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n")))
		require.NoError(t, err, f)
		assert.Equal(t, c.status, lf.status, f)
		assert.Equal(t, c.fields, lf.fields, f)
		assert.Equal(t, c.date, lf.date, f)
	}
}

func TestPathsMatchExpected(t *testing.T) {
	paths, err := audit.ParsePaths(bytes.NewReader(Paths()), "demo/paths.txt")
	require.NoError(t, err)

	s, client := startSite(t)
	home := get(t, client, s.URL, "/", googlebotUA).body
	robots := get(t, client, s.URL, "/robots.txt", googlebotUA).body
	sitemap := get(t, client, s.URL, "/sitemap.xml", googlebotUA).body
	base := strings.TrimSuffix(s.URL, "/")

	for _, e := range Expected() {
		t.Run(e.Kind+" "+e.Path, func(t *testing.T) {
			decl, _ := paths.Match(e.Path)
			bot := get(t, client, s.URL, e.Path, googlebotUA)
			switch audit.Kind(e.Kind) {
			case audit.PublicUnauthorized:
				assert.Equal(t, audit.Public, decl)
				assert.Equal(t, 401, bot.status)
			case audit.PublicForbidden:
				assert.Equal(t, audit.Public, decl)
				assert.Equal(t, 403, bot.status)
				if e.Mechanism == "ua-rule" {
					assert.Equal(t, 200, get(t, client, s.URL, e.Path, chromeUA).status, "the browser control passes")
				}
			case audit.PublicLoginRedirect:
				assert.Equal(t, audit.Public, decl)
				assert.Equal(t, 302, bot.status)
				assert.True(t, strings.HasPrefix(bot.header.Get("Location"), "/login"))
			case audit.RobotsBlocksPublic:
				assert.Equal(t, audit.Public, decl)
				assert.Contains(t, robots, "Disallow: "+e.Path+"\n")
			case audit.PublicMissing:
				assert.Equal(t, audit.Public, decl)
				assert.Equal(t, 404, bot.status)
				assert.Contains(t, paths.Literals(), e.Path, "a literal line, not a wildcard")
			case audit.PrivateExposed:
				assert.Equal(t, audit.Private, decl)
				assert.Equal(t, 200, bot.status)
				assert.Contains(t, home, `href="`+e.Path+`"`, "the crawler must find it")
			case audit.PrivateInSitemap:
				assert.Equal(t, audit.Private, decl)
				assert.Contains(t, sitemap, "<loc>"+base+e.Path+"</loc>")
			case audit.UndeclaredBlocked:
				assert.Equal(t, audit.Undeclared, decl)
				assert.Contains(t, []int{401, 403}, bot.status)
				assert.Contains(t, home, `href="`+e.Path+`"`, "linked from a public page")
			default:
				t.Fatalf("no check for kind %s", e.Kind)
			}
		})
	}

	// The unlinked /press/ is only reachable as a literal seed.
	assert.Contains(t, paths.Literals(), "/press/")
	assert.NotContains(t, home, `href="/press/"`)

	// Nothing declared public answers 200 with an unexpected wall, and
	// the controls stay quiet.
	for _, p := range []string{"/", "/about", "/contact"} {
		decl, _ := paths.Match(p)
		assert.Equal(t, audit.Public, decl, p)
		assert.Equal(t, 200, get(t, client, s.URL, p, googlebotUA).status, p)
	}
	decl, _ := paths.Match("/account/")
	assert.Equal(t, audit.Private, decl, "/account/ answers 401: correct")
}

// Every link on the site resolves, so the audit reports only the walls
// built in, not broken links.
func TestLinksResolve(t *testing.T) {
	s, client := startSite(t)
	href := func(body string) []string {
		var out []string
		for _, part := range strings.Split(body, `href="`)[1:] {
			out = append(out, part[:strings.IndexByte(part, '"')])
		}
		return out
	}
	for _, from := range []string{"/", "/login", "/careers"} {
		for _, link := range href(get(t, client, s.URL, from, chromeUA).body) {
			if strings.HasPrefix(link, "mailto:") {
				continue
			}
			require.True(t, strings.HasPrefix(link, "/"), link)
			assert.NotEqual(t, 404, get(t, client, s.URL, link, chromeUA).status, "%s links to %s", from, link)
		}
	}
}

func TestCloseIsClean(t *testing.T) {
	before := runtime.NumGoroutine()
	s, err := Start()
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(s.URL, "http://127.0.0.1:"), s.URL)
	host := strings.TrimSuffix(strings.TrimPrefix(s.URL, "http://"), "/")

	tr := &http.Transport{}
	client := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	for _, p := range []string{"", "blog/", "admin/"} {
		resp, err := client.Get(s.URL + p)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	// Leave one connection open and idle on the server side.
	idle, err := net.Dial("tcp", host)
	require.NoError(t, err)
	defer idle.Close()

	s.Close()
	s.Close() // twice is fine
	tr.CloseIdleConnections()

	_, err = net.DialTimeout("tcp", host, time.Second)
	assert.Error(t, err, "the port is closed")

	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines left running:\n%s", n-before, buf[:runtime.Stack(buf, true)])
	}
}

// The attribution in Expected is what the catalog says about the replayed
// walls, so a catalog change that alters the demo's story shows up here.
func TestExpectedAttribution(t *testing.T) {
	catalog, err := audit.DefaultCatalog()
	require.NoError(t, err)
	s, client := startSite(t)
	answer := func(path, ua string) *audit.Answer {
		req, err := http.NewRequest(http.MethodGet, s.URL+strings.TrimPrefix(path, "/"), nil)
		require.NoError(t, err)
		req.Header.Set("User-Agent", ua)
		resp, err := client.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		a := &audit.Answer{URL: req.URL.String(), Status: resp.StatusCode, Header: resp.Header, Body: body}
		if loc, err := resp.Location(); err == nil {
			a.Location = loc.String()
			a.Chain = []audit.Redirect{{URL: a.URL, Status: a.Status, Location: a.Location}}
		}
		return a
	}
	for _, e := range Expected() {
		if e.Source == "" {
			continue
		}
		t.Run(e.Kind+" "+e.Path, func(t *testing.T) {
			wall := answer(e.Path, googlebotUA)
			var control *audit.Answer
			if c := answer(e.Path, chromeUA); c.Status != wall.Status {
				control = c
			}
			got, _ := catalog.Attribute(*wall, control)
			assert.Equal(t, e.Source, got.Source, "source; evidence: %v", got.Evidence)
			assert.Equal(t, e.Mechanism, got.Mechanism, "mechanism; evidence: %v", got.Evidence)
		})
	}
}

package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// crawl runs a crawl against srv and returns the observations by URL path
// and agent.
func crawl(t *testing.T, o Options) (map[string]map[string]Observation, Result, error) {
	t.Helper()
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Second
	}
	c, err := New(o)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	got := map[string]map[string]Observation{}
	var mu sync.Mutex
	res, err := c.Run(ctx, nil, func(ob Observation) {
		mu.Lock()
		defer mu.Unlock()
		p := strings.TrimPrefix(ob.URL, "http://"+hostOf(o.Start))
		if got[p] == nil {
			got[p] = map[string]Observation{}
		}
		_, dup := got[p][ob.Agent]
		assert.False(t, dup, "%s fetched twice as %s", p, ob.Agent)
		got[p][ob.Agent] = ob
	})
	return got, res, err
}

func hostOf(u string) string {
	u = strings.TrimPrefix(u, "http://")
	h, _, _ := strings.Cut(u, "/")
	return h
}

func pageHTML(links ...string) string {
	var b strings.Builder
	b.WriteString("<html><body>")
	for _, l := range links {
		fmt.Fprintf(&b, `<a href="%s">x</a>`, l)
	}
	b.WriteString("</body></html>")
	return b.String()
}

func writeHTML(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(body))
}

func TestEveryURLOncePerAgent(t *testing.T) {
	var hits sync.Map // path+UA -> count
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := hits.LoadOrStore(r.URL.Path+" "+r.UserAgent(), new(atomic.Int32))
		n.(*atomic.Int32).Add(1)
		switch r.URL.Path {
		case "/":
			writeHTML(w, pageHTML("/a", "/b", "/a#frag", "b", "mailto:x@example.org", "javascript:void(0)", "http://other.example/"))
		case "/a":
			writeHTML(w, pageHTML("/", "/b", "/c"))
		case "/b", "/c":
			writeHTML(w, pageHTML("/"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	got, res, err := crawl(t, Options{Start: srv.URL + "/"})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"/", "/a", "/b", "/c"}, keys(got))
	for p, byAgent := range got {
		assert.ElementsMatch(t, []string{"googlebot", "bingbot"}, keys(byAgent), p)
		assert.Equal(t, 200, byAgent["googlebot"].Status(), p)
	}
	hits.Range(func(k, v any) bool {
		if !strings.HasPrefix(k.(string), "/robots.txt") && !strings.HasPrefix(k.(string), "/sitemap.xml") {
			assert.EqualValues(t, 1, v.(*atomic.Int32).Load(), "requests for %s", k)
		}
		return true
	})
	assert.Equal(t, 4, res.URLs)
	assert.Equal(t, 0, got["/"]["googlebot"].Depth)
	assert.Equal(t, 2, got["/c"]["bingbot"].Depth)
	assert.Equal(t, FoundLink, got["/c"]["bingbot"].FoundVia)
	assert.Equal(t, []string{srv.URL + "/a"}, got["/c"]["bingbot"].LinkedFrom)
	assert.Contains(t, got["/"]["googlebot"].Body, byte('<'))
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestRedirectChainAndLoop(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			writeHTML(w, pageHTML("/pricing", "/loop1", "/sso"))
		case "/pricing":
			http.Redirect(w, r, "/login?next=/pricing", http.StatusFound)
		case "/login":
			writeHTML(w, `<form method="post"><input type="password" name="pw"></form>`)
		case "/loop1":
			http.Redirect(w, r, "/loop2", http.StatusMovedPermanently)
		case "/loop2":
			http.Redirect(w, r, "/loop1", http.StatusMovedPermanently)
		case "/sso":
			http.Redirect(w, r, "https://login.example.invalid/authorize?x=1", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	got, _, err := crawl(t, Options{Start: srv.URL + "/", NoControl: true})
	require.NoError(t, err)
	pr := got["/pricing"]["googlebot"]
	require.Len(t, pr.Hops, 2)
	assert.Equal(t, 302, pr.Status())
	assert.Equal(t, srv.URL+"/login?next=/pricing", pr.Hops[0].Location)
	assert.Equal(t, 200, pr.Final().Status)
	assert.Contains(t, got, "/login?next=/pricing", "an in-site redirect target is crawled as a page too")

	loop := got["/loop1"]["bingbot"]
	assert.Contains(t, loop.Err, "redirect loop")
	assert.Len(t, loop.Hops, 2)
	assert.NotContains(t, got, "/loop2", "the hops of a failed chain are not pages of their own")

	sso := got["/sso"]["googlebot"]
	require.Len(t, sso.Hops, 1, "an off-site redirect is recorded, not followed")
	assert.Equal(t, "https://login.example.invalid/authorize?x=1", sso.Hops[0].Location)
	assert.Empty(t, sso.Err)
}

func TestRobotsPerAgent(t *testing.T) {
	var robotsUAs sync.Map
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			robotsUAs.Store(r.UserAgent(), true)
			fmt.Fprint(w, "User-agent: bingbot\nDisallow: /docs/install\n\nUser-agent: *\nDisallow: /nothing\n")
		case "/":
			writeHTML(w, pageHTML("/docs/install", "/docs/"))
		default:
			writeHTML(w, pageHTML())
		}
	}))
	defer srv.Close()

	got, res, err := crawl(t, Options{Start: srv.URL + "/"})
	require.NoError(t, err)
	inst := got["/docs/install"]
	assert.Equal(t, 200, inst["googlebot"].Status())
	assert.False(t, inst["googlebot"].RobotsDisallowed)
	assert.Equal(t, "robots", inst["bingbot"].Skipped)
	assert.True(t, inst["bingbot"].RobotsDisallowed)
	assert.Equal(t, 2, inst["bingbot"].RobotsLine)
	assert.Equal(t, "Disallow: /docs/install", inst["bingbot"].RobotsRule)
	assert.Equal(t, 0, inst["bingbot"].Status())
	n := 0
	robotsUAs.Range(func(any, any) bool { n++; return true })
	assert.Equal(t, 2, n, "robots.txt is fetched once per agent, with that agent's User-Agent")
	require.Len(t, res.Robots, 2)

	got, _, err = crawl(t, Options{Start: srv.URL + "/", IgnoreRobots: true})
	require.NoError(t, err)
	assert.Equal(t, 200, got["/docs/install"]["bingbot"].Status(), "--no-robots fetches it")
	assert.True(t, got["/docs/install"]["bingbot"].RobotsDisallowed, "and still records the verdict")
}

func TestRobotsStatus(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		state   RobotsState
		status  int
	}{
		{"401", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
			w.WriteHeader(401)
		}, RobotsAllowAll, 401},
		{"404", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) }, RobotsAllowAll, 404},
		{"429", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(429) }, RobotsDisallowAll, 429},
		{"500", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }, RobotsDisallowAll, 500},
		{"redirect", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/robots.txt" {
				http.Redirect(w, r, "/real-robots.txt", 301)
				return
			}
			fmt.Fprint(w, "User-agent: *\nDisallow: /x\n")
		}, RobotsRules, 200},
		{"endless redirect", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, fmt.Sprintf("/r%d", time.Now().UnixNano()), 302)
		}, RobotsAllowAll, 302},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/" {
					writeHTML(w, pageHTML())
					return
				}
				tc.handler(w, r)
			}))
			defer srv.Close()
			got, res, err := crawl(t, Options{Start: srv.URL + "/", NoSitemaps: true})
			require.NoError(t, err)
			require.NotEmpty(t, res.Robots)
			assert.Equal(t, tc.state, res.Robots[0].State)
			assert.Equal(t, tc.status, res.Robots[0].Status)
			assert.Equal(t, 200, got["/"]["googlebot"].Status(), "pages are fetched whatever robots.txt answered")
			if tc.state == RobotsDisallowAll {
				assert.NotEmpty(t, res.Notes)
			}
		})
	}
}

func TestRobotsTimeoutAndOversize(t *testing.T) {
	big := strings.Repeat("# filler line\n", 60000) + "User-agent: *\nDisallow: /\n" // rule after 500 KiB
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/robots.txt" && r.UserAgent() != "" && strings.Contains(r.UserAgent(), "bingbot"):
			time.Sleep(1500 * time.Millisecond)
		case r.URL.Path == "/robots.txt":
			fmt.Fprint(w, big)
		default:
			writeHTML(w, pageHTML())
		}
	}))
	defer srv.Close()
	got, res, err := crawl(t, Options{Start: srv.URL + "/", Timeout: time.Second, NoSitemaps: true})
	require.NoError(t, err)
	byAgent := map[string]RobotsFetch{}
	for _, f := range res.Robots {
		byAgent[f.Agent] = f
	}
	assert.Equal(t, RobotsDisallowAll, byAgent["bingbot"].State)
	assert.Contains(t, byAgent["bingbot"].Err, "timeout")
	assert.Equal(t, RobotsRules, byAgent["googlebot"].State)
	assert.True(t, byAgent["googlebot"].Capped)
	assert.Equal(t, 200, got["/"]["googlebot"].Status(), "a rule past 500 KiB is ignored")
}

func gz(t *testing.T, s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, err := w.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return b.Bytes()
}

func TestSitemapsAndSeeds(t *testing.T) {
	var base string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprintf(w, "Sitemap: %s/sitemap-index.xml\n", base)
		case "/sitemap-index.xml":
			fmt.Fprintf(w, `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>%s/posts.xml.gz</loc></sitemap></sitemapindex>`, base)
		case "/posts.xml.gz":
			w.Header().Set("Content-Type", "application/octet-stream")
			_, _ = w.Write(gz(t, fmt.Sprintf(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>%s/from-sitemap</loc></url><url><loc>http://elsewhere.invalid/x</loc></url></urlset>`, base)))
		case "/":
			writeHTML(w, pageHTML())
		case "/from-sitemap", "/declared":
			writeHTML(w, pageHTML())
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	base = srv.URL

	got, res, err := crawl(t, Options{Start: srv.URL + "/", Seeds: []string{"/declared"}})
	require.NoError(t, err)
	require.Contains(t, got, "/from-sitemap")
	assert.Equal(t, FoundSitemap, got["/from-sitemap"]["googlebot"].FoundVia)
	assert.True(t, got["/from-sitemap"]["googlebot"].InSitemap)
	require.Contains(t, got, "/declared", "an unlinked declared path is still checked")
	assert.Equal(t, FoundDeclared, got["/declared"]["bingbot"].FoundVia)
	assert.NotContains(t, got, "/x")
	assert.Contains(t, strings.Join(res.Notes, "\n"), "outside the crawl scope")
}

func TestControlOnlyForBlocked(t *testing.T) {
	var browserHits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bot := strings.Contains(r.UserAgent(), "bot")
		if !bot {
			browserHits.Add(1)
		}
		switch r.URL.Path {
		case "/":
			writeHTML(w, pageHTML("/careers", "/open"))
		case "/careers":
			if bot {
				w.WriteHeader(403)
				return
			}
			writeHTML(w, pageHTML())
		default:
			writeHTML(w, pageHTML())
		}
	}))
	defer srv.Close()
	got, _, err := crawl(t, Options{Start: srv.URL + "/"})
	require.NoError(t, err)
	assert.Equal(t, 403, got["/careers"]["googlebot"].Status())
	assert.Equal(t, 200, got["/careers"][BrowserAgentName].Status())
	assert.NotContains(t, got["/open"], BrowserAgentName)
	assert.EqualValues(t, 1, browserHits.Load())

	got, _, err = crawl(t, Options{Start: srv.URL + "/", NoControl: true})
	require.NoError(t, err)
	assert.NotContains(t, got["/careers"], BrowserAgentName)
}

func TestLimits(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// An endless calendar: every page links to the next one.
		var n int
		fmt.Sscanf(r.URL.Path, "/day/%d", &n)
		writeHTML(w, pageHTML(fmt.Sprintf("/day/%d", n+1), fmt.Sprintf("/day/%d?view=list", n+1)))
	}))
	defer srv.Close()
	got, res, err := crawl(t, Options{Start: srv.URL + "/day/0", MaxPages: 25, NoSitemaps: true})
	require.NoError(t, err)
	assert.Len(t, got, 25)
	assert.Contains(t, strings.Join(res.Notes, "\n"), "--max-pages 25 reached")

	got, _, err = crawl(t, Options{Start: srv.URL + "/day/0", MaxDepth: 2, NoSitemaps: true})
	require.NoError(t, err)
	for p, byAgent := range got {
		assert.LessOrEqual(t, byAgent["googlebot"].Depth, 2, p)
	}
	assert.Len(t, got, 5) // day/0; day/1 x2; day/2 x2 from day/1 only
}

func TestMaxBodyTruncates(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, "<html><body>"+strings.Repeat("x", 10000)+"</body></html>")
	}))
	defer srv.Close()
	got, _, err := crawl(t, Options{Start: srv.URL + "/", MaxBody: 2048, NoSitemaps: true})
	require.NoError(t, err)
	o := got["/"]["googlebot"]
	assert.True(t, o.BodyTruncated)
	assert.Len(t, o.Body, 2048)
}

func TestRetryAfter(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(429)
			return
		}
		writeHTML(w, pageHTML())
	}))
	defer srv.Close()
	got, _, err := crawl(t, Options{Start: srv.URL + "/", Agents: mustAgents(t, "googlebot"), NoSitemaps: true})
	require.NoError(t, err)
	assert.Equal(t, 200, got["/"]["googlebot"].Status(), "the 429 was retried after its Retry-After")
	assert.EqualValues(t, 2, calls.Load())

	calls.Store(0)
	srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(503)
	}))
	defer srv2.Close()
	got, _, err = crawl(t, Options{Start: srv2.URL + "/", Agents: mustAgents(t, "googlebot"), NoSitemaps: true})
	require.NoError(t, err)
	assert.Equal(t, 503, got["/"]["googlebot"].Status(), "an hour's Retry-After is recorded, not waited for")
	assert.EqualValues(t, 2, calls.Load(), "robots.txt and the page, no retries")
}

func mustAgents(t *testing.T, names ...string) []Agent {
	a, err := ParseAgents(names)
	require.NoError(t, err)
	return a
}

func TestConcurrencyCap(t *testing.T) {
	var inFlight, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		links := []string{}
		if r.URL.Path == "/" {
			for i := 0; i < 30; i++ {
				links = append(links, fmt.Sprintf("/p%d", i))
			}
		}
		writeHTML(w, pageHTML(links...))
	}))
	defer srv.Close()
	got, _, err := crawl(t, Options{Start: srv.URL + "/", Concurrency: 4, NoSitemaps: true})
	require.NoError(t, err)
	assert.Len(t, got, 31)
	assert.LessOrEqual(t, peak.Load(), int32(4))
	assert.GreaterOrEqual(t, peak.Load(), int32(2), "requests do run concurrently")
}

func TestInterruptKeepsWhatWasGathered(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(r.URL.Path, "/p/%d", &n)
		time.Sleep(10 * time.Millisecond)
		writeHTML(w, pageHTML(fmt.Sprintf("/p/%d", n+1), fmt.Sprintf("/p/%d", n+2)))
	}))
	defer srv.Close()
	c, err := New(Options{Start: srv.URL + "/p/0", NoSitemaps: true, Concurrency: 2})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	var n atomic.Int32
	done := make(chan struct{})
	var res Result
	go func() {
		defer close(done)
		res, err = c.Run(ctx, nil, func(Observation) {
			if n.Add(1) == 10 {
				cancel()
			}
		})
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("crawl did not stop after cancel")
	}
	require.NoError(t, err)
	assert.True(t, res.Incomplete)
	assert.GreaterOrEqual(t, n.Load(), int32(10))
}

func TestUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close()
	_, _, err = crawl(t, Options{Start: "http://" + addr + "/"})
	var ue *UnreachableError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, ue.Reason, "connection refused")
}

func TestCheckRobots(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: Googlebot\nDisallow: /private/\n")
	}))
	defer srv.Close()
	checks, err := CheckRobots(context.Background(), Options{Timeout: 5 * time.Second}, []string{srv.URL + "/private/x", srv.URL + "/public"}, nil)
	require.NoError(t, err)
	require.Len(t, checks, 4)
	assert.False(t, checks[0].Allowed)
	assert.Equal(t, 2, checks[0].Line)
	assert.Equal(t, "Disallow: /private/", checks[0].Rule)
	assert.True(t, checks[1].Allowed, "bingbot falls to no group")
	assert.True(t, checks[2].Allowed)
}

// TestRobotsUnparseableLines: stray and broken lines must not cost the
// rules that follow them (temoto alone drops the whole file).
func TestRobotsUnparseableLines(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "\xef\xbbDisallow: /early\nthis is not a rule\nCrawl-delay: 1s\nUser-agent: *\nDisallow: /x # private\n")
		case "/":
			writeHTML(w, pageHTML("/x", "/early"))
		default:
			writeHTML(w, pageHTML())
		}
	}))
	defer srv.Close()
	got, res, err := crawl(t, Options{Start: srv.URL + "/", NoSitemaps: true})
	require.NoError(t, err)
	assert.Equal(t, RobotsRules, res.Robots[0].State)
	assert.Equal(t, "robots", got["/x"]["googlebot"].Skipped)
	assert.Equal(t, 5, got["/x"]["googlebot"].RobotsLine)
	assert.Equal(t, 200, got["/early"]["googlebot"].Status(), "a rule before any User-agent line is ignored")
}

// TestRateCeiling measures at the server: with Rate 20 no one-second window
// sees more than 20 requests (plus one for the window's edge).
func TestRateCeiling(t *testing.T) {
	var mu sync.Mutex
	var times []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		links := []string{}
		if r.URL.Path == "/" {
			for i := 0; i < 24; i++ {
				links = append(links, fmt.Sprintf("/p%d", i))
			}
		}
		writeHTML(w, pageHTML(links...))
	}))
	defer srv.Close()
	_, _, err := crawl(t, Options{Start: srv.URL + "/", Rate: 20, Agents: mustAgents(t, "googlebot"), NoSitemaps: true})
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	require.GreaterOrEqual(t, len(times), 25)
	for i := range times {
		n := 0
		for j := i; j < len(times) && times[j].Sub(times[i]) < time.Second; j++ {
			n++
		}
		assert.LessOrEqual(t, n, 21, "requests in the second after request %d", i)
	}
}

func TestProgress(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			<-release
		}
		writeHTML(w, pageHTML("/slow"))
	}))
	defer srv.Close()
	defer close(release)
	c, err := New(Options{Start: srv.URL + "/", NoSitemaps: true, Agents: mustAgents(t, "googlebot"), Timeout: 10 * time.Second})
	require.NoError(t, err)
	assert.Equal(t, Progress{}, c.Progress())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = c.Run(context.Background(), nil, func(Observation) {})
	}()
	var p Progress
	for i := 0; i < 200; i++ { // bounded: up to 10 s
		if p = c.Progress(); p.Active == 1 && p.URLs == 2 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	assert.Equal(t, 2, p.URLs)
	assert.Equal(t, 1, p.Active, "the slow page is in flight")
	assert.GreaterOrEqual(t, p.Requests, 2)
	release <- struct{}{}
	<-done
	assert.Equal(t, Progress{}, c.Progress())
}

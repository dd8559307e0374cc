// Package hostile starts, for tests, web servers on 127.0.0.1 that behave
// as badly as real sites do: crawler traps, broken redirects, huge and
// compressed bodies, pathological HTML, odd statuses, and values crafted to
// break the reports. net/http cannot produce some of the breakage (a wrong
// Content-Length, a reset mid-body, odd status lines), so a raw TCP server
// writes those answers byte by byte.
//
// Every handler is bounded in bytes and time, watches the request and the
// server, and Close (registered with t.Cleanup) stops everything: no
// goroutine outlives the test. Nothing is ever sent to another host: links
// and redirects that leave the site name other.invalid, which no resolver
// answers, and the crawler is expected not to contact it.
//
// Server.URL, the HTTP server (net/http):
//
//	group      route                       behaviour
//	---------  --------------------------  -----------------------------------------------------------
//	site       /                           home page; ?link=X (repeatable) adds a link to X
//	           /robots.txt, /sitemap.xml   404
//	           /ok, /ok/...                a small HTML page
//	traps      /cal/2026/01                endless calendar: links to the next and previous month, ?next=...
//	           /a/                         growing path: each page links to "a/" below itself (/a/a/a/...)
//	           /list                       query explosion: ?sort=x&page=N&sid=<random>, links to N+1 and 3 sorts
//	           /s/item                     session id in the path: links to /s/item;jsessionid=<random>
//	redirects  /loop/a                     302 to /loop/b, which 302s back to /loop/a
//	           /chain/0                    15-hop chain: /chain/N 302s to /chain/N+1, /chain/15 is 200
//	           /long-chain/0               30-hop chain: /long-chain/N 302s to /long-chain/N+1, /long-chain/30 is 200
//	           /offsite                    302 to http://other.invalid/landing (another host)
//	           /to-ftp, /to-js             302 to ftp://127.0.0.1/file and to javascript:alert(1)
//	bodies     /huge                       4 GiB text/html body with Content-Length, generated as it is sent
//	           /gzip-bomb                  Content-Encoding: gzip; ~2 MB on the wire that inflate to 2 GiB of zeros
//	           /deflate-bomb               Content-Encoding: deflate; ~16 KB that inflate to 16 MiB
//	           /br                         Content-Encoding: br (never asked for), random bytes
//	           /gzip-type                  Content-Type: application/gzip, no Content-Encoding: the gzip bomb
//	HTML       /malformed                  unclosed tags, broken attributes, stray <, a link inside the mess
//	           /deep                       10,000 nested <div>s, a link at the bottom
//	           /many-links                 100,000 links (/ok/N) on one page, generated as it is sent
//	           /sections                   links to /many-links first, then to ten ordinary sections:
//	                                       /sec/K/ (K < 10) links to /sec/K/pI (I < 20), each to /sec/K/pI/d0 and d1
//	           /sjis                       Shift_JIS declared in the Content-Type header
//	           /cp1251                     windows-1251 declared by <meta charset>, no header charset
//	           /base                       <base href="http://other.invalid/"> and a relative link
//	           /schemes                    //other.invalid/x, HTTP://HOST/ok/upper, http://bücher.invalid/
//	           /pct                        /caf%C3%A9, /caf%c3%a9 and /café: one path, three spellings
//	           /dots                       ../../../../ok/dots, above the root
//	           /long-url                   a link with a 10 KB path
//	statuses   /retry/429, /retry/503      429 or 503 with Retry-After: 1 to each agent's first request, then 200
//	           /retry-long                 503 with Retry-After: 3600, always
//	           /auth/malformed             401 with a malformed WWW-Authenticate
//	           /auth/many                  401 with 50 challenges (25 header lines of 2)
//	payloads   /payload                    home page linking to the three below, with a hostile <title>
//	           /payload/script             401, realm <script>alert(1)</script>
//	           /payload/formula            401, realm =cmd|' /C calc'!A0
//	           /payload/ansi               401, realm with ANSI escapes (ESC [31m ... ESC [0m)
//	           /payload/"><img src=x onerror=alert(1)>   401 at a URL that is itself a payload
//
// Server.BigRobots and Server.Robots503 are two more sites, each the HTTP
// server above with one robots.txt replaced: a 3 MB one that starts with a
// UTF-8 byte order mark (Disallow: /ok/ in its first lines), and a 503.
//
// Server.Raw, the raw TCP server (one request per connection, then close):
//
//	route           answer
//	--------------  -------------------------------------------------------------------
//	/               home page; ?link=X adds a link to X, as above
//	/robots.txt     404 (as is any path not listed)
//	/hang           reads the request, never answers
//	/drip           200, Content-Length: 100, then one body byte a second
//	/drip-head      the status line and headers one byte a second
//	/short          Content-Length: 1000, 100 bytes, then close
//	/long           Content-Length: 10, 100 bytes
//	/long-alive     as /long, without Connection: close (Go's client logs the extra bytes it finds)
//	/reset          Content-Length: 100000, 1000 bytes, then a TCP reset
//	/http10         HTTP/1.0 200, no Content-Length: the body ends at close
//	/bad-chunk      Transfer-Encoding: chunked with the chunk size "zz"
//	/status/299     HTTP/1.1 299 (any 3 digits after /status/; 007 sends "HTTP/1.1 007 Odd")
//	/early-hints    103 Early Hints, then 200
//	/1xx-flood      ten 102 Processing, then 200
package hostile

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Payloads carried by the /payload routes.
const (
	PayloadScript  = "<script>alert(1)</script>"
	PayloadImg     = `"><img src=x onerror=alert(1)>`
	PayloadFormula = `=cmd|' /C calc'!A0`
	PayloadANSI    = "\x1b[31mRED\x1b[0m\x1b]0;title\x07"
	OtherHost      = "other.invalid"
)

// Caps that bound every handler.
const (
	hugeSize     = 4 << 30 // bytes of /huge
	bombMembers  = 256     // gzip members of /gzip-bomb, 8 MiB each
	memberZeros  = 8 << 20
	manyLinks    = 100000
	longChain    = 30 // hops of /long-chain/
	sections     = 10 // of /sections
	sectionPages = 20 // per section
	deepNesting  = 10000
	maxHandle    = 60 * time.Second // no handler runs longer
	maxHeadBytes = 64 << 10
)

// Server is a running set of hostile sites.
type Server struct {
	URL       string // the HTTP server, http://127.0.0.1:PORT
	BigRobots string // like URL, with a multi-MB robots.txt starting with a BOM
	Robots503 string // like URL, with robots.txt answering 503
	Raw       string // the raw TCP server

	done   chan struct{}
	https  []*httptest.Server
	ln     net.Listener
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  map[net.Conn]bool
	seen   map[string]int // requests per retry path and User-Agent
	closed bool
}

// Start starts the servers; t.Cleanup closes them.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{done: make(chan struct{}), conns: map[net.Conn]bool{}, seen: map[string]int{}}
	gzipMember() // built once, before any client waits for it
	deflateBomb()
	for _, robots := range []string{"", "big", "503"} {
		h := s.handler(robots)
		srv := httptest.NewServer(http.HandlerFunc(h))
		s.https = append(s.https, srv)
	}
	s.URL, s.BigRobots, s.Robots503 = s.https[0].URL, s.https[1].URL, s.https[2].URL
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.Close()
		t.Fatalf("hostile: listen: %v", err)
	}
	s.ln = ln
	s.Raw = "http://" + ln.Addr().String()
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.Close)
	return s
}

// Close stops every server and waits for every handler and connection.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.done)
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	if s.ln != nil {
		s.ln.Close()
	}
	for _, h := range s.https {
		h.CloseClientConnections()
		h.Close()
	}
	s.wg.Wait()
}

// alive reports whether a handler may go on: the request, the server and
// the handler's own deadline all still allow it.
func (s *Server) alive(ctx context.Context, deadline time.Time) bool {
	select {
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	default:
		return time.Now().Before(deadline)
	}
}

// sleep waits d, or less when the request or the server ends; false then.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	case <-t.C:
		return true
	}
}

func page(title string, links ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!doctype html><html><head><title>%s</title></head><body>\n", title)
	for _, l := range links {
		fmt.Fprintf(&b, "<a href=\"%s\">link</a>\n", l)
	}
	b.WriteString("</body></html>\n")
	return b.String()
}

func html(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, body)
}

func randomID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) handler(robots string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		s.serve(robots, w, r)
	}
}

func (s *Server) serve(robots string, w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	deadline := time.Now().Add(maxHandle)
	p := r.URL.Path
	switch {
	case p == "/":
		html(w, page("home", r.URL.Query()["link"]...))
	case p == "/robots.txt":
		switch robots {
		case "big":
			w.Header().Set("Content-Type", "text/plain")
			var b bytes.Buffer
			b.WriteString("\uFEFFUser-agent: *\nDisallow: /ok/\n")
			line := "# " + strings.Repeat("x", 97) + "\n"
			for b.Len() < 3<<20 {
				b.WriteString(line)
			}
			b.WriteString("User-agent: *\nDisallow: /\n") // past 500 KiB: ignored
			w.Write(b.Bytes())
		case "503":
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			http.NotFound(w, r)
		}
	case p == "/ok" || strings.HasPrefix(p, "/ok/"):
		html(w, page("ok"))

	// traps
	case strings.HasPrefix(p, "/cal/"):
		var y, m int
		if _, err := fmt.Sscanf(p, "/cal/%d/%d", &y, &m); err != nil {
			http.NotFound(w, r)
			return
		}
		month := func(d int) string {
			t := time.Date(y, time.Month(m+d), 1, 0, 0, 0, 0, time.UTC)
			return fmt.Sprintf("/cal/%04d/%02d?next=%s", t.Year(), int(t.Month()), url.QueryEscape(r.URL.RequestURI()))
		}
		html(w, page(fmt.Sprintf("%04d-%02d", y, m), month(1), month(-1)))
	case strings.HasPrefix(p, "/a/"):
		html(w, page("deeper", "a/"))
	case p == "/list":
		n, _ := strconv.Atoi(r.URL.Query().Get("page"))
		var links []string
		for _, sort := range []string{"name", "price", "date"} {
			links = append(links, fmt.Sprintf("/list?sort=%s&page=%d&sid=%s", sort, n+1, randomID()))
		}
		html(w, page("list", links...))
	case strings.HasPrefix(p, "/s/"):
		html(w, page("shop", "/s/item;jsessionid="+randomID()))

	// redirects
	case p == "/loop/a":
		http.Redirect(w, r, "/loop/b", http.StatusFound)
	case p == "/loop/b":
		http.Redirect(w, r, "/loop/a", http.StatusFound)
	case strings.HasPrefix(p, "/chain/"):
		n, err := strconv.Atoi(strings.TrimPrefix(p, "/chain/"))
		switch {
		case err != nil || n < 0:
			http.NotFound(w, r)
		case n >= 15:
			html(w, page("end of chain"))
		default:
			http.Redirect(w, r, fmt.Sprintf("/chain/%d", n+1), http.StatusFound)
		}
	case strings.HasPrefix(p, "/long-chain/"):
		n, err := strconv.Atoi(strings.TrimPrefix(p, "/long-chain/"))
		switch {
		case err != nil || n < 0:
			http.NotFound(w, r)
		case n >= longChain:
			html(w, page("end of the long chain"))
		default:
			http.Redirect(w, r, fmt.Sprintf("/long-chain/%d", n+1), http.StatusFound)
		}
	case p == "/offsite":
		http.Redirect(w, r, "http://"+OtherHost+"/landing", http.StatusFound)
	case p == "/to-ftp":
		w.Header().Set("Location", "ftp://127.0.0.1/file")
		w.WriteHeader(http.StatusFound)
	case p == "/to-js":
		w.Header().Set("Location", "javascript:alert(1)")
		w.WriteHeader(http.StatusFound)

	// bodies
	case p == "/huge":
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", strconv.FormatInt(hugeSize, 10))
		chunk := bytes.Repeat([]byte("<p>filler filler filler filler</p>\n"), 1000)
		for sent := int64(0); sent < hugeSize && s.alive(ctx, deadline); {
			n := min(int64(len(chunk)), hugeSize-sent)
			if _, err := w.Write(chunk[:n]); err != nil {
				return
			}
			sent += n
		}
	case p == "/gzip-bomb", p == "/gzip-type":
		if p == "/gzip-bomb" {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Encoding", "gzip")
		} else {
			w.Header().Set("Content-Type", "application/gzip")
		}
		member := gzipMember()
		for i := 0; i < bombMembers && s.alive(ctx, deadline); i++ {
			if _, err := w.Write(member); err != nil {
				return
			}
		}
	case p == "/deflate-bomb":
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "deflate")
		w.Write(deflateBomb())
	case p == "/br":
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "br")
		b := make([]byte, 4096)
		rand.Read(b)
		w.Write(b)

	// HTML
	case p == "/malformed":
		html(w, `<html><head><title>broken</title><body><div <a href="/ok/never"<<<>></ <p class="a"b"c">
<a href=/ok/m1>unquoted</a> <table><tr><a href="/ok/m2">in a table</td></tr></i></b></table>
<a href='/ok/m3>unterminated quote</a><!-- never closed <a href="/ok/hidden">`)
	case p == "/deep":
		var b strings.Builder
		b.WriteString("<html><body>")
		b.WriteString(strings.Repeat("<div>", deepNesting))
		b.WriteString(`<a href="/ok/deep">bottom</a>`)
		b.WriteString(strings.Repeat("</div>", deepNesting))
		html(w, b.String())
	case p == "/many-links":
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html><body>")
		bw := bufio.NewWriterSize(w, 32<<10)
		for i := 0; i < manyLinks; i++ {
			if i%1000 == 0 && !s.alive(ctx, deadline) {
				return
			}
			fmt.Fprintf(bw, "<a href=\"/ok/%d\">%d</a>\n", i, i)
		}
		bw.WriteString("</body></html>")
		bw.Flush()
	case p == "/sections":
		links := []string{"/many-links"}
		for k := 0; k < sections; k++ {
			links = append(links, fmt.Sprintf("/sec/%d/", k))
		}
		html(w, page("sections", links...))
	case strings.HasPrefix(p, "/sec/"):
		var k, i, d int
		var links []string
		switch n, _ := fmt.Sscanf(p, "/sec/%d/p%d/d%d", &k, &i, &d); {
		case n == 1 && p == fmt.Sprintf("/sec/%d/", k):
			for i := 0; i < sectionPages; i++ {
				links = append(links, fmt.Sprintf("/sec/%d/p%d", k, i))
			}
		case n == 2 && p == fmt.Sprintf("/sec/%d/p%d", k, i):
			links = []string{fmt.Sprintf("/sec/%d/p%d/d0", k, i), fmt.Sprintf("/sec/%d/p%d/d1", k, i)}
		case n == 3:
		default:
			http.NotFound(w, r)
			return
		}
		html(w, page("section", links...))
	case p == "/sjis":
		w.Header().Set("Content-Type", "text/html; charset=Shift_JIS")
		// "日本語" in Shift_JIS, and a link.
		w.Write([]byte("<html><head><title>\x93\xfa\x96\x7b\x8c\xea</title></head><body>\x93\xfa\x96\x7b\x8c\xea <a href=\"/ok/sjis\">\x93\xfa</a></body></html>"))
	case p == "/cp1251":
		w.Header().Set("Content-Type", "text/html")
		// "Привет" in windows-1251.
		w.Write([]byte("<html><head><meta charset=\"windows-1251\"><title>\xcf\xf0\xe8\xe2\xe5\xf2</title></head><body><a href=\"/ok/cp1251\">\xcf\xf0\xe8\xe2\xe5\xf2</a></body></html>"))
	case p == "/base":
		html(w, `<html><head><base href="http://`+OtherHost+`/"></head><body><a href="relative">r</a></body></html>`)
	case p == "/schemes":
		html(w, page("schemes", "//"+OtherHost+"/x", "HTTP://"+r.Host+"/ok/upper", "http://bücher.invalid/", "hTtP://"+OtherHost+"/mixed"))
	case p == "/pct":
		html(w, page("pct", "/caf%C3%A9", "/caf%c3%a9", "/café"))
	case p == "/café":
		html(w, page("café"))
	case p == "/dots":
		html(w, page("dots", "../../../../ok/dots", "/../../ok/dots2"))
	case p == "/long-url":
		html(w, page("long", "/ok/"+strings.Repeat("x", 10*1024)))

	// statuses
	case strings.HasPrefix(p, "/retry/"):
		code, _ := strconv.Atoi(strings.TrimPrefix(p, "/retry/"))
		if code != 429 && code != 503 {
			http.NotFound(w, r)
			return
		}
		s.mu.Lock()
		key := p + "\x00" + r.UserAgent()
		s.seen[key]++
		first := s.seen[key] == 1
		s.mu.Unlock()
		if first {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(code)
			return
		}
		html(w, page("after retry"))
	case p == "/retry-long":
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusServiceUnavailable)
	case p == "/auth/malformed":
		w.Header().Set("WWW-Authenticate", `Basic realm="unterminated, , =,,Digest nonce=, realm==""x`)
		w.WriteHeader(http.StatusUnauthorized)
	case p == "/auth/many":
		for i := 0; i < 25; i++ {
			w.Header().Add("WWW-Authenticate", fmt.Sprintf(`Basic realm="r%d", Bearer realm="b%d"`, 2*i, 2*i+1))
		}
		w.WriteHeader(http.StatusUnauthorized)

	// payloads
	case p == "/payload":
		html(w, page(PayloadScript+PayloadImg+PayloadANSI+PayloadFormula,
			"/payload/script", "/payload/formula", "/payload/ansi", "/payload/"+PayloadImg))
	case strings.HasPrefix(p, "/payload/"):
		realm := map[string]string{"script": PayloadScript, "formula": PayloadFormula, "ansi": PayloadANSI}[strings.TrimPrefix(p, "/payload/")]
		if realm == "" {
			realm = PayloadImg
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="`+strings.ReplaceAll(realm, `"`, `\"`)+`"`)
		w.Header().Set("X-Payload", realm)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, page(realm))
	default:
		http.NotFound(w, r)
	}
}

var (
	memberOnce sync.Once
	member     []byte
	deflOnce   sync.Once
	defl       []byte
)

// gzipMember is one gzip member of 8 MiB of zeros (about 8 KB); members
// may be concatenated, and a gzip reader reads them as one stream.
func gzipMember() []byte {
	memberOnce.Do(func() {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zeros := make([]byte, 1<<20)
		for i := 0; i < memberZeros/len(zeros); i++ {
			zw.Write(zeros)
		}
		zw.Close()
		member = b.Bytes()
	})
	return member
}

// deflateBomb is a zlib stream (what HTTP's "deflate" means) of 16 MiB of zeros.
func deflateBomb() []byte {
	deflOnce.Do(func() {
		var b bytes.Buffer
		b.Write([]byte{0x78, 0xda}) // zlib header; the checksum is left out: a reader fails at the end
		fw, _ := flate.NewWriter(&b, flate.BestCompression)
		zeros := make([]byte, 1<<20)
		for i := 0; i < 16; i++ {
			fw.Write(zeros)
		}
		fw.Close()
		defl = b.Bytes()
	})
	return defl
}

// SectionPages lists the ordinary pages of /sections, the page itself
// included: 1 + 10 + 10*20 + 10*20*2 = 611.
func SectionPages() []string {
	out := []string{"/sections"}
	for k := 0; k < sections; k++ {
		out = append(out, fmt.Sprintf("/sec/%d/", k))
		for i := 0; i < sectionPages; i++ {
			out = append(out, fmt.Sprintf("/sec/%d/p%d", k, i), fmt.Sprintf("/sec/%d/p%d/d0", k, i), fmt.Sprintf("/sec/%d/p%d/d1", k, i))
		}
	}
	return out
}

// Package demo is a small product site with the auth walls real sites end
// up with, for `authwall demo`: a newcomer starts it, audits it, and sees in
// seconds what the tool reports and why.
//
// Each wall replays a response captured from the real server that makes
// it (nginx, Apache, Express/Passport, HAProxy, Caddy, lighttpd), as if a
// front proxy routed those paths to different backends and passed their
// answers through unchanged. Expected lists what an audit should find.
package demo

import (
	"context"
	"fmt"
	"html/template"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Site is the running demo site.
type Site struct {
	URL string // http://127.0.0.1:PORT/

	srv       *http.Server
	done      chan struct{} // closed when Serve has returned
	closeOnce sync.Once
}

// Start starts the site on a free port of 127.0.0.1. Close stops it.
func Start() (*Site, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start demo site: %w", err)
	}
	base := "http://" + ln.Addr().String()
	h, err := newHandler(base)
	if err != nil {
		ln.Close()
		return nil, err
	}
	s := &Site{
		URL: base + "/",
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout:       30 * time.Second,
			// A crawler hanging up mid-response is normal; keep the
			// demo's terminal output to the audit itself.
			ErrorLog: log.New(io.Discard, "", 0),
		},
		done: make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln) // always ErrServerClosed after Close
	}()
	return s, nil
}

// Close stops the site: the port is closed and every connection ended when
// it returns. It is safe to call more than once.
func (s *Site) Close() {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			// Requests still running after the grace period are cut.
			_ = s.srv.Close()
		}
		<-s.done
	})
}

// handler answers every path of the site. It holds only what Start built,
// and never changes it, so requests are served concurrently.
type handler struct {
	pages    map[string][]byte // rendered 200 pages by path
	notFound []byte
	robots   []byte
	sitemap  []byte
	padding  []byte // nginx msie_padding

	blog, careers, docs, api, account, admin, press, internal *capture
}

func newHandler(base string) (*handler, error) {
	h := &handler{pages: map[string][]byte{}}
	for _, c := range []struct {
		dst  **capture
		file string
	}{
		// An auth_basic "Staging" left at server level on the blog's
		// nginx: every location inherits it.
		{&h.blog, "nginx-server-level-tokens-off.txt"},
		// if ($http_user_agent ~* (googlebot|bingbot)) { return 403; }
		{&h.careers, "nginx-deny.txt"},
		// An .htaccess with AuthType Basic copied into the docs folder.
		{&h.docs, "apache-htaccess.txt"},
		// passport.authenticate('jwt') mounted on the whole /api router.
		{&h.api, "express-passport-jwt.txt"},
		// The account area, correctly behind passport-http Basic.
		{&h.account, "express-passport-http-basic.txt"},
		// http-request auth in HAProxy's frontend, for /admin.
		{&h.admin, "haproxy-auth.txt"},
		// basicauth /press/* left on after the embargo ended.
		{&h.press, "caddy-basicauth.txt"},
		// auth.require on the team wiki.
		{&h.internal, "lighttpd-basic.txt"},
	} {
		cp, err := loadCapture(c.file)
		if err != nil {
			return nil, err
		}
		*c.dst = cp
	}
	h.blog.nginxPadding = true
	h.careers.nginxPadding = true

	plain, err := loadCapture("nginx-basic.txt")
	if err != nil {
		return nil, err
	}
	padded, err := loadCapture("nginx-basic-smartphone.txt")
	if err != nil {
		return nil, err
	}
	if h.padding, err = msiePadding(plain, padded); err != nil {
		return nil, err
	}

	layout, err := template.New("layout").Parse(layoutHTML)
	if err != nil {
		return nil, fmt.Errorf("demo page layout: %w", err)
	}
	for _, p := range sitePages() {
		if h.pages[p.Path], err = renderPage(layout, p); err != nil {
			return nil, err
		}
	}
	if h.notFound, err = renderPage(layout, notFoundPage()); err != nil {
		return nil, err
	}
	h.robots = []byte(robotsTxt(base))
	h.sitemap = []byte(sitemapXML(base))
	return h, nil
}

// under reports whether p is prefix or below it.
func under(p, prefix string) bool {
	return p == prefix || strings.HasPrefix(p, prefix+"/")
}

// isCrawlerUA is the careers page's UA rule, case-insensitive like nginx's ~*.
func isCrawlerUA(ua string) bool {
	ua = strings.ToLower(ua)
	return strings.Contains(ua, "googlebot") || strings.Contains(ua, "bingbot")
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	// Walls answer before any method check, as auth modules do.
	case under(p, "/blog"):
		h.blog.serve(w, r, h.padding)
	case under(p, "/docs"):
		h.docs.serve(w, r, h.padding)
	case under(p, "/api"):
		h.api.serve(w, r, h.padding)
	case p == "/account/settings":
		h.page(w, r, http.StatusOK, h.pages[p])
	case under(p, "/account"):
		h.account.serve(w, r, h.padding)
	case under(p, "/admin"):
		h.admin.serve(w, r, h.padding)
	case strings.HasPrefix(p, "/press/"): // Caddy's /press/* leaves /press alone
		h.press.serve(w, r, h.padding)
	case under(p, "/internal"):
		h.internal.serve(w, r, h.padding)
	case p == "/careers" && isCrawlerUA(r.UserAgent()):
		h.careers.serve(w, r, h.padding)
	case p == "/pricing":
		// requireLogin on the pricing route: meant for the plan
		// checkout, it also sends everyone who only wants to read the
		// prices to the sign-in page.
		w.Header().Set("Location", "/login?next=/pricing")
		h.write(w, r, http.StatusFound, "text/html; charset=utf-8",
			[]byte(`<p>Found. Redirecting to <a href="/login?next=/pricing">/login?next=/pricing</a></p>`))
	case p == "/robots.txt":
		h.write(w, r, http.StatusOK, "text/plain; charset=utf-8", h.robots)
	case p == "/sitemap.xml":
		h.write(w, r, http.StatusOK, "application/xml; charset=utf-8", h.sitemap)
	default:
		if body, ok := h.pages[p]; ok {
			h.page(w, r, http.StatusOK, body)
			return
		}
		h.page(w, r, http.StatusNotFound, h.notFound)
	}
}

func (h *handler) page(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	h.write(w, r, status, "text/html; charset=utf-8", body)
}

func (h *handler) write(w http.ResponseWriter, r *http.Request, status int, contentType string, body []byte) {
	// POST /login shows the form again: the demo signs nobody in.
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !(r.Method == http.MethodPost && r.URL.Path == "/login") {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// robotsTxt blocks the install guide for Bing only: the kind of rule added
// in a hurry that stays for years.
func robotsTxt(base string) string {
	return `# Skylark robots.txt
User-agent: *
Disallow: /search

# Bingbot fetched every mirror link of the install guide; blocked 2023-04.
User-agent: bingbot
Disallow: /search
Disallow: /docs/install

Sitemap: ` + base + `/sitemap.xml
`
}

// sitemapPaths are the URLs the sitemap lists: the public pages, some of
// which nothing links to, and /admin/, which no sitemap should name.
func sitemapPaths() []string {
	return []string{
		"/", "/about", "/contact", "/careers", "/pricing",
		"/blog/", "/blog/hello-world", "/blog/release-notes",
		"/docs/", "/docs/install",
		"/admin/",
	}
}

func sitemapXML(base string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, p := range sitemapPaths() {
		// The paths are constants without XML metacharacters.
		fmt.Fprintf(&b, "  <url><loc>%s%s</loc></url>\n", base, p)
	}
	b.WriteString("</urlset>\n")
	return b.String()
}

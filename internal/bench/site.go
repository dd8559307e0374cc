// Package bench measures authwall against a plain colly crawl of the same
// generated site, in one run on one machine: the figures that matter are
// the ratios, since absolute speeds change with the machine and its load.
//
// The site is built to look like a real one to a crawler: pages of about
// 18 KB (head, scripts, navigation, prose, a footer) with about 35 links
// each, in directories of 100 pages, and one page in 20 under /members/,
// which the server puts behind HTTP basic auth.
package bench

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Site is a generated site of N pages. Page 0 is the home page "/";
// every page is reachable from it through public pages.
type Site struct {
	N int
}

// membersEvery puts one page in this many behind auth (5%).
const membersEvery = 20

// Members reports whether page i is behind auth.
func (s Site) Members(i int) bool { return i%membersEvery == membersEvery/2 }

// Path is page i's URL path.
func (s Site) Path(i int) string {
	if i == 0 {
		return "/"
	}
	section := "docs"
	if s.Members(i) {
		section = "members"
	}
	return "/" + section + "/d" + strconv.Itoa(i/100) + "/page-" + strconv.Itoa(i) + ".html"
}

// Page parses a URL path back to its page number; ok is false for a path
// that names no page of the site.
func (s Site) Page(path string) (int, bool) {
	if path == "/" || path == "/index.html" {
		return 0, true
	}
	rest, ok := strings.CutPrefix(path, "/docs/")
	if !ok {
		rest, ok = strings.CutPrefix(path, "/members/")
	}
	if !ok {
		return 0, false
	}
	_, file, ok := strings.Cut(rest, "/page-")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(strings.TrimSuffix(file, ".html"))
	if err != nil || i <= 0 || i >= s.N || s.Path(i) != path {
		return 0, false
	}
	return i, true
}

// Links are the pages page i links to, in page order: the two next pages
// (so that every page is reachable although members pages lead nowhere),
// the navigation and thirty others spread over the site.
func (s Site) Links(i int) []int {
	out := make([]int, 0, 36)
	for _, n := range []int{1, 2, 3, 4, 5} {
		out = append(out, n%s.N) // navigation: the same few pages everywhere
	}
	out = append(out, (i+1)%s.N, (i+2)%s.N)
	x := uint64(i)*2654435761 + 1
	for k := 0; k < 28; k++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		out = append(out, int(x%uint64(s.N)))
	}
	return out
}

// words fill the prose; a page picks its sentences from them by number.
var words = strings.Fields(`the crawler reads every page once and follows each link it finds on the
site while the server answers with static files from its disk cache so that the measure shows the
cost of crawling and not of serving documentation guides release notes tutorials reference pages
configuration examples and answers to common questions make up most of a real site`)

// Write writes page i's HTML to w.
func (s Site) Write(w io.Writer, i int) error {
	var b strings.Builder
	b.Grow(19 << 10)
	fmt.Fprintf(&b, `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Page %d · Generated documentation</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="Page %d of a generated site used to measure crawl speed.">
<link rel="stylesheet" href="/assets/site.css"><link rel="icon" href="/assets/favicon.ico">
<link rel="canonical" href="%s">
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('js',new Date());</script>
<style>body{font-family:sans-serif;margin:0}nav a{padding:0 .5em}main{max-width:48em;margin:auto}</style>
</head><body>
<header class="site-header"><a class="logo" href="/">Generated docs</a>
<form class="search" action="/search" method="get"><input type="search" name="q" placeholder="Search"></form></header>
<nav class="top">`, i, i, s.Path(i))
	links := s.Links(i)
	for k, n := range links[:5] {
		fmt.Fprintf(&b, `<a href="%s">Section %d</a>`, s.Path(n), k+1)
	}
	b.WriteString("</nav>\n<main><article><h1>Page " + strconv.Itoa(i) + "</h1>\n")
	rest := links[5:]
	for p := 0; p < 30; p++ {
		b.WriteString(`<p class="para">`)
		for k := 0; k < 80; k++ {
			b.WriteString(words[(i*7+p*13+k*3)%len(words)])
			b.WriteByte(' ')
		}
		if p < len(rest) {
			fmt.Fprintf(&b, `see <a href="%s" class="inline">page %d</a>.`, s.Path(rest[p]), rest[p])
		}
		b.WriteString("</p>\n")
	}
	b.WriteString(`<p>Questions? <a href="mailto:docs@example.org">Write to us</a> or read <a href="https://example.org/elsewhere">elsewhere</a>.</p>`)
	b.WriteString("</article></main>\n<footer><p>Generated for benchmarks · <a href=\"#top\">top</a></p></footer>\n")
	b.WriteString(`<script src="/assets/site.js" defer></script></body></html>` + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteFiles writes every page under dir as a static site: page i at its
// path, the home page as index.html.
func (s Site) WriteFiles(dir string) error {
	made := map[string]bool{}
	for i := 0; i < s.N; i++ {
		p := s.Path(i)
		if i == 0 {
			p = "/index.html"
		}
		file := filepath.Join(dir, filepath.FromSlash(p))
		if d := filepath.Dir(file); !made[d] {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return fmt.Errorf("write site: %w", err)
			}
			made[d] = true
		}
		f, err := os.Create(file)
		if err != nil {
			return fmt.Errorf("write site: %w", err)
		}
		err = s.Write(f, i)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("write site %s: %w", file, err)
		}
	}
	return nil
}

// Handler serves the site from memory, each page generated on request,
// with the members pages behind basic auth: for sites too big for files.
func (s Site) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, ok := s.Page(r.URL.Path)
		if !ok {
			http.NotFound(w, r)
			return
		}
		if s.Members(i) {
			unauthorized(w)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = s.Write(w, i)
	})
}

// unauthorized answers as nginx's auth_basic does.
func unauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Basic realm="Members"`)
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = io.WriteString(w, "<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n<center><h1>401 Authorization Required</h1></center>\r\n</body>\r\n</html>\r\n")
}

// FileHandler serves a site written by WriteFiles, with /members/ behind
// basic auth: the stand-in for nginx where nginx is not installed.
func FileHandler(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/members/") {
			unauthorized(w)
			return
		}
		files.ServeHTTP(w, r)
	})
}

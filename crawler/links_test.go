package crawler

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
)

func TestExtractLinks(t *testing.T) {
	const page = "https://example.com/dir/page.html"
	tests := []struct {
		name string
		body string
		want []Link
	}{
		{name: "a", body: `<a href="/x">x</a>`, want: []Link{{"https://example.com/x", "a"}}},
		{name: "relative a", body: `<a href=sub/y>y</a>`, want: []Link{{"https://example.com/dir/sub/y", "a"}}},
		{name: "area", body: `<map><area shape=rect href="/area"></map>`, want: []Link{{"https://example.com/area", "area"}}},
		{name: "iframe", body: `<iframe src="/frame"></iframe>`, want: []Link{{"https://example.com/frame", "iframe"}}},
		{name: "iframe content is not markup", body: `<iframe src="/f"><a href="/no"></a></iframe>`, want: []Link{{"https://example.com/f", "iframe"}}},
		{name: "link rels", body: `
			<link rel="canonical" href="/c">
			<link rel="alternate" hreflang="de" href="/de/">
			<link href="/n" rel="next">
			<link rel="prev" href="/p">
			<link rel="Stylesheet" href="/s.css">
			<link rel="icon" href="/i.png">
			<link rel="preload" href="/pre.js">
			<link href="/no-rel">`,
			want: []Link{
				{"https://example.com/c", "link"}, {"https://example.com/de/", "link"},
				{"https://example.com/n", "link"}, {"https://example.com/p", "link"},
			}},
		{name: "rel list, odd case", body: `<LINK REL="shortlink  CANONICAL" HREF="/c2">`, want: []Link{{"https://example.com/c2", "link"}}},
		{name: "alternate stylesheet is followed as alternate", body: `<link rel="alternate stylesheet" href="/alt.css">`, want: []Link{{"https://example.com/alt.css", "link"}}},
		{name: "upper-case tags and attributes", body: `<A HREF="/UP">u</A><IFRAME SRC="/F"></IFRAME>`, want: []Link{{"https://example.com/UP", "a"}, {"https://example.com/F", "iframe"}}},
		{name: "first of duplicate attributes", body: `<a href="/first" href="/second">`, want: []Link{{"https://example.com/first", "a"}}},
		{name: "entities in href", body: `<a href="/s?a=1&amp;b=2">`, want: []Link{{"https://example.com/s?a=1&b=2", "a"}}},
		{name: "whitespace around href", body: "<a href=\"\n  /w \n\">", want: []Link{{"https://example.com/w", "a"}}},
		{name: "fragment only dropped", body: `<a href="#top">top</a><a href=" #x">x</a>`, want: nil},
		{name: "empty href dropped", body: `<a href="">self</a><a href>self</a>`, want: nil},
		{name: "fragment removed from link", body: `<a href="/f#sec">`, want: []Link{{"https://example.com/f", "a"}}},
		{name: "ignored schemes", body: `<a href="javascript:void(0)"></a><a href="mailto:a@b.c"></a>
			<a href="tel:+1"></a><a href="data:text/html,x"></a><a href="ftp://example.com/"></a>
			<a href="JAVASCRIPT:x"></a><a href="sms:1"></a><a href="/ok"></a>`,
			want: []Link{{"https://example.com/ok", "a"}}},
		{name: "other hosts kept", body: `<a href="http://other.org/">`, want: []Link{{"http://other.org/", "a"}}},
		{name: "protocol relative", body: `<a href="//cdn.example.org/x">`, want: []Link{{"https://cdn.example.org/x", "a"}}},
		{name: "dedupe keeps first kind", body: `<link rel=canonical href="/d"><a href="/d#a"></a><a href="https://EXAMPLE.com:443/d"></a>`,
			want: []Link{{"https://example.com/d", "link"}}},
		{name: "a without href", body: `<a name="x">x</a>`, want: nil},
		{name: "script and style are not markup", body: `<script>document.write('<a href="/js">')</script><style>a[href="/css"]{}</style><a href="/real">`,
			want: []Link{{"https://example.com/real", "a"}}},
		{name: "comments are not markup", body: `<!-- <a href="/c"> --><a href="/real">`, want: []Link{{"https://example.com/real", "a"}}},
		{name: "script content is not markup", body: `<script type="text/html"><a href="/tpl">x</a></script><a href="/real">`,
			want: []Link{{"https://example.com/real", "a"}}},
		{name: "textarea content is text", body: `<textarea><a href="/ta">x</a></textarea><a href="/real">`,
			want: []Link{{"https://example.com/real", "a"}}},
		{name: "an unclosed title makes the rest text", body: `<title>t <a href="/in-title"> <a href="/after-title">`, want: nil},
		{name: "template content is inert", body: `<template><a href="/t1"><template><a href="/t2"></template><area href="/t3"></template><a href="/real">`,
			want: []Link{{"https://example.com/real", "a"}}},
		{name: "template odd case and self-closing", body: `<TEMPLATE/><a href="/t1"></Template><base href="/b/"><a href="x">`,
			want: []Link{{"https://example.com/b/x", "a"}}},
		{name: "base inside template is inert", body: `<template><base href="/t/"></template><a href="x">`,
			want: []Link{{"https://example.com/dir/x", "a"}}},
		{name: "template left open in noscript ends with it", body: `<noscript><template><a href="/ns"></noscript><a href="/after">`,
			want: []Link{{"https://example.com/after", "a"}}},
		{name: "noscript content counts", body: `<noscript><a href="/ns">n</a><iframe src="/nsf"></iframe></noscript><a href="/after">`,
			want: []Link{{"https://example.com/ns", "a"}, {"https://example.com/nsf", "iframe"}, {"https://example.com/after", "a"}}},
		{name: "bad URLs skipped", body: `<a href="http://[::1/">bad</a><a href="http:///x">x</a><a href="/good">`, want: []Link{{"https://example.com/good", "a"}}},
		{name: "self-closing", body: `<a href="/sc"/>`, want: []Link{{"https://example.com/sc", "a"}}},

		// <base>
		{name: "base absolute", body: `<a href="before"></a><base href="https://static.example.com/b/"><a href="after"></a>`,
			want: []Link{{"https://example.com/dir/before", "a"}, {"https://static.example.com/b/after", "a"}}},
		{name: "base relative to the page", body: `<base href="../other/"><a href="x">`, want: []Link{{"https://example.com/other/x", "a"}}},
		{name: "only the first base", body: `<base href="/one/"><base href="/two/"><a href="x">`, want: []Link{{"https://example.com/one/x", "a"}}},
		{name: "base without href does not count", body: `<base target="_blank"><base href="/two/"><a href="x">`, want: []Link{{"https://example.com/two/x", "a"}}},
		{name: "base odd case", body: `<BASE HREF="HTTPS://Static.Example.COM/B/"><a href="x">`, want: []Link{{"https://static.example.com/B/x", "a"}}},
		{name: "bad base falls back to the page", body: `<base href="javascript:x"><base href="/ignored/"><a href="x">`, want: []Link{{"https://example.com/dir/x", "a"}}},
		{name: "base is not itself a link", body: `<base href="/b/">`, want: nil},

		// meta refresh
		{name: "refresh", body: `<meta http-equiv="refresh" content="5; url=/r1">`, want: []Link{{"https://example.com/r1", "refresh"}}},
		{name: "refresh odd case and spaces", body: `<META HTTP-EQUIV="Refresh" CONTENT="0 ; URL = '/r2'">`, want: []Link{{"https://example.com/r2", "refresh"}}},
		{name: "refresh double quotes inside", body: `<meta http-equiv='REFRESH' content='0;url="/r3"'>`, want: []Link{{"https://example.com/r3", "refresh"}}},
		{name: "refresh without url=", body: `<meta http-equiv="refresh" content="3;/r4">`, want: []Link{{"https://example.com/r4", "refresh"}}},
		{name: "refresh comma", body: `<meta http-equiv="refresh" content="3,url=/r5">`, want: []Link{{"https://example.com/r5", "refresh"}}},
		{name: "refresh absolute", body: `<meta content="0;URL=https://login.example.com/sso?next=%2F" http-equiv="refresh">`,
			want: []Link{{"https://login.example.com/sso?next=%2F", "refresh"}}},
		{name: "refresh fractional delay", body: `<meta http-equiv="refresh" content="1.5; url=/r6">`, want: []Link{{"https://example.com/r6", "refresh"}}},
		{name: "refresh unterminated quote", body: `<meta http-equiv="refresh" content="0; url='/r7">`, want: []Link{{"https://example.com/r7", "refresh"}}},
		{name: "refresh trailing text after quote", body: `<meta http-equiv="refresh" content="0; url='/r8' junk">`, want: []Link{{"https://example.com/r8", "refresh"}}},
		{name: "refresh of the page itself", body: `<meta http-equiv="refresh" content="30">`, want: nil},
		{name: "refresh without a delay", body: `<meta http-equiv="refresh" content="url=/bad">`, want: nil},
		{name: "refresh javascript", body: `<meta http-equiv="refresh" content="0;url=javascript:x">`, want: nil},
		{name: "other meta ignored", body: `<meta name="refresh" content="0;url=/no"><meta http-equiv="content-type" content="0;url=/no">`, want: nil},

		// truncated bodies
		{name: "tag cut off at the end", body: `<a href="/whole">w</a><a href="/cut`, want: []Link{{"https://example.com/whole", "a"}}},
		{name: "attribute list cut off", body: `<a href="/whole"></a><a href=/cut `, want: []Link{{"https://example.com/whole", "a"}}},
		{name: "unclosed elements", body: `<html><body><div><p><a href="/open">`, want: []Link{{"https://example.com/open", "a"}}},
		{name: "cut inside a comment", body: `<a href="/a"></a><!-- <a href="/b">`, want: []Link{{"https://example.com/a", "a"}}},
		{name: "empty body", body: ``, want: nil},
		{name: "not HTML", body: "\x00\xff\xfe binary {\"json\": true}", want: nil},
	}
	base := mustParse(t, page)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := extractLinks(base, []byte(tt.body), 0)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestExtractLinksCap(t *testing.T) {
	var b strings.Builder
	for i := range 50 {
		fmt.Fprintf(&b, `<a href="/p%d">%d</a><a href="/p%d">dup</a>`, i, i, i)
	}
	base := mustParse(t, "http://example.com/")

	all := extractLinks(base, []byte(b.String()), 0)
	require.Len(t, all, 50)
	assert.Equal(t, "http://example.com/p0", all[0].URL)
	assert.Equal(t, "http://example.com/p49", all[49].URL)

	capped := extractLinks(base, []byte(b.String()), 10)
	require.Len(t, capped, 10, "duplicates do not count against the cap")
	assert.Equal(t, all[:10], capped)
}

// TestReadLinksPastCap: past the cap, only the distinct links the crawl
// would have followed count as dropped: not repeats of a link kept or
// already counted, not other hosts, not paths the scope excludes.
func TestReadLinksPastCap(t *testing.T) {
	page := mustParse(t, "http://example.com/")
	scope, err := newScope(page, nil, []string{"/private/**"})
	require.NoError(t, err)
	var links []string
	for i := range 10 {
		links = append(links, fmt.Sprintf("/kept/%d", i))
	}
	for i := range 5 {
		links = append(links,
			fmt.Sprintf("/kept/%d", i),                   // kept already
			fmt.Sprintf("/more/%d", i),                   // dropped
			fmt.Sprintf("http://example.com/more/%d", i), // the same, written absolute
			fmt.Sprintf("http://other.example/%d", i),    // never crawled
			fmt.Sprintf("/private/%d", i),                // out of scope
		)
	}
	body := []byte(pageHTML(links...))

	tests := []struct {
		name   string
		allows func(*url.URL) bool
		want   int
	}{
		{"in scope", scope.allows, 5},
		{"no scope: every host", nil, 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read := readLinks(page, body, 10, tt.allows)
			require.Len(t, read.links, 10)
			assert.Equal(t, "http://example.com/kept/9", read.links[9].URL)
			assert.Equal(t, tt.want, read.over)
		})
	}
}

// TestReadLinksPastCapBounded: the links counted past the cap are
// remembered up to maxOverRemembered; the count of distinct links stays
// exact however many there are.
func TestReadLinksPastCapBounded(t *testing.T) {
	page := mustParse(t, "http://example.com/")
	n := maxOverRemembered + 100
	links := make([]string, 0, n+1)
	for i := range n {
		links = append(links, fmt.Sprintf("/p/%d", i))
	}
	links = append(links, "/p/5") // a repeat among those remembered
	read := readLinks(page, []byte(pageHTML(links...)), 1, nil)
	assert.Equal(t, n-1, read.over)
	assert.Len(t, read.overSeen, maxOverRemembered)
}

func TestExtractLinksPageURL(t *testing.T) {
	body := []byte(`<a href="x">x</a><a href="https://abs.example/">abs</a>`)

	t.Run("page not canonical", func(t *testing.T) {
		got := extractLinks(mustParse(t, "HTTP://Example.com:80/a/%7e/"), body, 0)
		assert.Equal(t, []Link{{"http://example.com/a/~/x", "a"}, {"https://abs.example/", "a"}}, got)
	})
	t.Run("no page: only absolute links", func(t *testing.T) {
		got := extractLinks(nil, body, 0)
		assert.Equal(t, []Link{{"https://abs.example/", "a"}}, got)
	})
	t.Run("page is not modified", func(t *testing.T) {
		p := mustParse(t, "http://example.com/a")
		before := *p
		extractLinks(p, []byte(`<base href="/b/"><a href="c">`), 0)
		assert.Equal(t, before, *p)
	})
}

func TestParseRefresh(t *testing.T) {
	tests := []struct {
		content string
		want    string
		ok      bool
	}{
		{"0;url=/a", "/a", true},
		{"0; URL=/a", "/a", true},
		{" 5 ;  url  =  /a  ", "/a", true},
		{"0;url='/a b'", "/a b", true},
		{`0;url="/a"`, "/a", true},
		{"0; /a", "/a", true},
		{"0 /a", "/a", true},
		{"0;urlx", "urlx", true},
		{"0; url /a", "url /a", true},
		{".5;url=/a", "/a", true},
		{"0", "", false},
		{"0;", "", false},
		{"", "", false},
		{"x;url=/a", "", false},
		{"0x;url=/a", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.content, func(t *testing.T) {
			got, ok := parseRefresh([]byte(tt.content))
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, string(got))
		})
	}
}

// benchPage builds a ~30 KB page with ~100 links of every kind, in the shape
// of a real article page: head links, navigation, body text, footer.
func benchPage() []byte {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Article</title>
<link rel="stylesheet" href="/static/site.css"><link rel="icon" href="/favicon.ico">
<link rel="canonical" href="https://example.com/blog/2024/article"><link rel="alternate" hreflang="de" href="/de/blog/2024/article">
<script>window.dataLayer=[];function gtag(){dataLayer.push(arguments)}</script></head><body>
<header><nav><ul>`)
	for i := range 20 {
		fmt.Fprintf(&b, `<li class="nav-item"><a class="nav-link" href="/section/%d/">Section %d</a></li>`+"\n", i, i)
	}
	b.WriteString(`</ul></nav></header><main><article>`)
	for i := range 60 {
		fmt.Fprintf(&b, `<p class="para">Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat, sunt in culpa qui officia deserunt mollit anim id est laborum <a href="../related/post-%d?ref=body&amp;utm_source=site#comments">related post %d</a>. Duis aute irure dolor.</p>`+"\n", i, i)
		if i%10 == 0 {
			b.WriteString(`<figure><img src="/img/photo.jpg" alt="photo" width="800" height="600"><figcaption>A photo</figcaption></figure>` + "\n")
		}
	}
	b.WriteString(`</article><iframe src="https://www.youtube.com/embed/xyz" width="560" height="315"></iframe></main><footer>`)
	for i := range 20 {
		fmt.Fprintf(&b, `<a href="https://example.com/footer/link-%d">Footer %d</a> <a href="#top">top</a> <a href="mailto:info@example.com">mail</a>`+"\n", i, i)
	}
	b.WriteString(`</footer></body></html>`)
	return []byte(b.String())
}

func BenchmarkExtractLinks(b *testing.B) {
	body := benchPage()
	page := mustParse(b, "https://example.com/blog/2024/article")
	n := len(extractLinks(page, body, 0))
	b.ReportMetric(float64(len(body)), "bytes/page")
	b.ReportMetric(float64(n), "links/page")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		extractLinks(page, body, 0)
	}
}

// BenchmarkTokenizerBaseline is the floor under BenchmarkExtractLinks: the
// same page through the tokenizer alone.
func BenchmarkTokenizerBaseline(b *testing.B) {
	body := benchPage()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		z := html.NewTokenizer(bytes.NewReader(body))
		for z.Next() != html.ErrorToken {
		}
	}
}

func BenchmarkNormalize(b *testing.B) {
	base := mustParse(b, "https://example.com/blog/2024/article")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := normalize(base, "../related/post-7?ref=body&utm_source=site#comments"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestExtractLinksFragmentMailtoRefresh(t *testing.T) {
	page := mustParse(t, "https://example.com/docs/")
	body := []byte(`<a href="intro#start">Intro</a> <a href="mailto:x@example.com">mail</a>
<meta http-equiv="refresh" content="10; URL='/login?next=%2Fdocs%2F'">`)
	assert.Equal(t, []Link{
		{"https://example.com/docs/intro", "a"},
		{"https://example.com/login?next=%2Fdocs%2F", "refresh"},
	}, extractLinks(page, body, 0))
}

func FuzzExtractLinks(f *testing.F) {
	f.Add([]byte(`<a href="/x">x</a><area href=y><link rel="Canonical next" href="//o.example/c">`))
	f.Add([]byte(`<base href="../b/"><iframe src="f"></iframe><a href="#t"></a><a href="mailto:a@b">`))
	f.Add([]byte(`<META HTTP-EQUIV=refresh CONTENT="0; URL = 'http://[::1]:80/%7e#f'">`))
	f.Add([]byte(`<noscript><a href="/ns"></noscript><script><a href="/no"></script><a href="/cut`))
	f.Add([]byte("<a href=\"\\\\host\\p\x00 \xff\">"))
	f.Add([]byte(`<template><a href="/t"><template></template><noscript><template></noscript></template><a href="/after">`))
	f.Add([]byte(`<!DOCTYPE html><html><head><link rel=stylesheet href=/s.css><link rel="alternate" hreflang=de href="/de/"></head>
<body><p>Text &amp; <a class=x href="../up?a=1&amp;b=2#c">up</a></p><map><area href="/m"></map><!-- <a href=/c> --></body></html>`))
	page := mustParse(f, "https://example.com/dir/page.html")
	kinds := map[string]bool{"a": true, "area": true, "link": true, "iframe": true, "refresh": true}
	f.Fuzz(func(t *testing.T, body []byte) {
		links := extractLinks(page, body, 0)
		seen := map[string]bool{}
		for _, l := range links {
			u, err := url.Parse(l.URL)
			if err != nil {
				t.Fatalf("%q does not parse: %v", l.URL, err)
			}
			if !u.IsAbs() || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
				t.Fatalf("%q is not an absolute http(s) URL", l.URL)
			}
			if strings.Contains(l.URL, "#") {
				t.Fatalf("%q has a fragment", l.URL)
			}
			if n, err := normalize(nil, l.URL); err != nil || n.String() != l.URL {
				t.Fatalf("%q is not normalised (%v)", l.URL, err)
			}
			if !kinds[l.Kind] {
				t.Fatalf("%q: unknown kind %q", l.URL, l.Kind)
			}
			if seen[l.URL] {
				t.Fatalf("%q twice", l.URL)
			}
			seen[l.URL] = true
		}
		capped := readLinks(page, body, 2, nil)
		if want := links[:min(2, len(links))]; len(capped.links) != len(want) || len(want) > 0 && capped.links[0] != want[0] {
			t.Fatalf("capped %v, want the first of %v", capped.links, want)
		}
		if len(links) > 2 && capped.over < len(links)-2 {
			t.Fatalf("%d links past the cap counted, %d found", capped.over, len(links)-2)
		}
	})
}

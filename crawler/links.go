package crawler

import (
	"bytes"
	"errors"
	"mime"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// Link is one outgoing link found on a page.
type Link struct {
	URL  string // normalised absolute URL
	Kind string // "a", "area", "link", "iframe", "refresh"
}

// extractLinks streams through an HTML body (x/net/html Tokenizer, no DOM)
// and returns the normalised, de-duplicated (first occurrence order) links:
// <a href>, <area href>, <link rel=canonical|alternate|next|prev href>,
// <iframe src> and <meta http-equiv=refresh content="5; url=...">. Links
// inside <noscript> count too: crawlers read them whether or not they run
// scripts. Links inside <template> do not: its content is inert, not part
// of the page until a script clones it.
//
// The first <base href> (absolute or relative to the page) is honoured for
// links after it. Fragment-only and empty references point at the page
// itself and are dropped, as are javascript:, mailto:, tel:, data: and other
// non-http(s) links and anything normalize rejects. A tag cut off by the end
// of a truncated body is ignored. At most maxLinks links are returned
// (0 = no cap).
func extractLinks(page *url.URL, body []byte, maxLinks int) []Link {
	return readLinks(page, body, maxLinks, nil).links
}

// readLinks is extractLinks with what it dropped: the links past maxLinks
// that allows lets through (nil: all), each counted once, and the URLs over
// maxURLLength (every one as written, for the run to count each URL once).
func readLinks(page *url.URL, body []byte, maxLinks int, allows func(*url.URL) bool) *linkExtractor {
	e := &linkExtractor{max: maxLinks, allows: allows}
	if page != nil {
		if p, err := normalize(nil, page.String()); err == nil {
			e.base = p
		}
	}
	e.scan(body, true)
	return e
}

// isHTML reports whether a body is an HTML page, the only kind whose links
// are read: by its Content-Type, or by a sniff when there is none.
func isHTML(contentType string, body []byte) bool {
	if contentType == "" {
		return bytes.Contains(bytes.ToLower(body[:min(len(body), 512)]), []byte("<html"))
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return strings.Contains(strings.ToLower(contentType), "html")
	}
	return mt == "text/html" || mt == "application/xhtml+xml"
}

// linkExtractor holds the state of one extractLinks call.
type linkExtractor struct {
	base     *url.URL // canonical; the page, then the first <base href>
	baseSet  bool     // a <base href> was seen
	max      int
	allows   func(*url.URL) bool // the crawl's scope, for links past max; nil: any
	seen     map[string]struct{}
	links    []Link
	parsed   []*url.URL // links[i].URL parsed, as normalisation left it: the crawl need not parse it again
	over     int        // distinct links past max that would have been followed
	overSeen hashSet    // those, up to maxOverRemembered (see countOver)
	long     []longURL  // references over maxURLLength
	// template is how many <template> elements the tokenizer is inside.
	template int
}

func (e *linkExtractor) full() bool { return e.max > 0 && len(e.links) >= e.max }

// scan tokenizes body; outer is false for the content of a <noscript>, which
// is not scanned again at a deeper level.
func (e *linkExtractor) scan(body []byte, outer bool) {
	z := html.NewTokenizer(bytes.NewReader(body))
	noscript := false
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			// io.EOF, or a body cut short: either way, what came before stands.
			return
		case html.TextToken:
			if noscript {
				// The tokenizer hands the content of <noscript> over as text;
				// a <template> left open in there ends with it.
				outside := e.template
				e.scan(z.Text(), false)
				e.template = outside
				noscript = false
			}
			continue
		case html.StartTagToken, html.SelfClosingTagToken:
		case html.EndTagToken:
			noscript = false
			if e.template > 0 {
				if name, _ := z.TagName(); string(name) == "template" {
					e.template--
				}
			}
			continue
		default:
			noscript = false
			continue
		}
		noscript = false
		// Reading the name from Raw spares TagName's copy for the many tags
		// that carry no link.
		name := rawTagName(z.Raw())
		if equalFoldAny(name, "template") {
			// HTML ignores the self-closing flag here: <template/> opens one too.
			e.template++
			continue
		}
		if e.template > 0 {
			continue
		}
		switch {
		case equalFoldAny(name, "a"):
			e.addAttr(z, "href", "a")
		case equalFoldAny(name, "area"):
			e.addAttr(z, "href", "area")
		case equalFoldAny(name, "iframe"):
			e.addAttr(z, "src", "iframe")
		case equalFoldAny(name, "link"):
			e.linkTag(z)
		case equalFoldAny(name, "meta"):
			e.metaTag(z)
		case equalFoldAny(name, "base"):
			if !e.baseSet {
				e.baseTag(z)
			}
		case equalFoldAny(name, "noscript"):
			noscript = outer && tt == html.StartTagToken
		}
	}
}

// rawTagName returns the name in a start tag's raw text "<name ...>".
func rawTagName(raw []byte) []byte {
	if len(raw) == 0 || raw[0] != '<' {
		return nil
	}
	raw = raw[1:]
	for i, c := range raw {
		if isSpace(c) || c == '/' || c == '>' {
			return raw[:i]
		}
	}
	return raw
}

func (e *linkExtractor) addAttr(z *html.Tokenizer, key, kind string) {
	if v, ok := attrValue(z, key); ok {
		e.add(v, kind)
	}
}

// attrValue returns the first attribute named key (the tokenizer lower-cases
// names), as the HTML parser keeps the first of duplicate attributes.
func attrValue(z *html.Tokenizer, key string) ([]byte, bool) {
	for more := true; more; {
		var k, v []byte
		k, v, more = z.TagAttr()
		if string(k) == key {
			return v, true
		}
	}
	return nil, false
}

func (e *linkExtractor) linkTag(z *html.Tokenizer) {
	var href, rel []byte
	var haveHref, haveRel bool
	for more := true; more; {
		var k, v []byte
		k, v, more = z.TagAttr()
		switch {
		case string(k) == "href" && !haveHref:
			href, haveHref = v, true
		case string(k) == "rel" && !haveRel:
			rel, haveRel = v, true
		}
	}
	if !haveHref || !haveRel {
		return
	}
	for _, r := range bytes.Fields(rel) {
		if equalFoldAny(r, "canonical", "alternate", "next", "prev") {
			e.add(href, "link")
			return
		}
	}
}

func (e *linkExtractor) metaTag(z *html.Tokenizer) {
	var content []byte
	var refresh, haveContent bool
	for more := true; more; {
		var k, v []byte
		k, v, more = z.TagAttr()
		switch {
		case string(k) == "http-equiv":
			refresh = bytes.EqualFold(bytes.TrimSpace(v), []byte("refresh"))
		case string(k) == "content" && !haveContent:
			content, haveContent = v, true
		}
	}
	if !refresh || !haveContent {
		return
	}
	if target, ok := parseRefresh(content); ok {
		e.add(target, "refresh")
	}
}

func (e *linkExtractor) baseTag(z *html.Tokenizer) {
	href, ok := attrValue(z, "href")
	if !ok {
		// A <base target=...> without href does not count as the first base.
		return
	}
	e.baseSet = true
	if b, err := normalizeCanonicalBase(e.base, string(href)); err == nil {
		e.base = b
	}
}

// add normalises raw and records it unless it is dropped or already seen.
func (e *linkExtractor) add(raw []byte, kind string) {
	raw = bytes.TrimLeft(raw, "\t\n\f\r ")
	if len(raw) == 0 || raw[0] == '#' || otherScheme(raw) {
		return
	}
	if e.full() {
		// Past the cap the rest of the page is read only to count them.
		e.countOver(raw)
		return
	}
	u, err := normalizeCanonicalBase(e.base, string(raw))
	if errors.Is(err, errTooLong) {
		e.long = append(e.long, newLongURL(e.base, string(raw)))
	}
	if err != nil {
		return
	}
	s := u.String()
	if e.seen == nil {
		e.seen = make(map[string]struct{})
	}
	if _, dup := e.seen[s]; dup {
		return
	}
	e.seen[s] = struct{}{}
	e.links = append(e.links, Link{URL: s, Kind: kind})
	e.parsed = append(e.parsed, u)
}

// maxOverRemembered bounds the links past the cap one page remembers, so
// that a page of any size costs at most a set of this many hashes.
const maxOverRemembered = 20000

// countOver counts a link past the cap when the crawl would have followed
// it: in scope and new on the page. Past maxOverRemembered links counted,
// repeats of those not remembered count again.
func (e *linkExtractor) countOver(raw []byte) {
	u, err := normalizeCanonicalBase(e.base, string(raw))
	if err != nil || e.allows != nil && !e.allows(u) {
		return
	}
	s := u.String()
	if _, kept := e.seen[s]; kept {
		return
	}
	if e.overSeen.add(hashString(s), maxOverRemembered) {
		e.over++
	}
}

// otherScheme reports whether raw starts with a scheme other than http or
// https, so that mailto:, javascript: and the like are skipped before the
// cost of parsing them and building an error.
func otherScheme(raw []byte) bool {
	for i, c := range raw {
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case c == ':' && i > 0:
			return !equalFoldAny(raw[:i], "http", "https")
		default:
			return false
		}
	}
	return false
}

// parseRefresh reads the URL out of a refresh declaration ("5; url=/next")
// following the HTML standard's "shared declarative refresh steps", so that
// every spelling a browser follows is followed here. ok is false when the
// content is invalid or names no URL (a refresh of the page itself).
func parseRefresh(content []byte) (target []byte, ok bool) {
	s := content
	i := skipSpace(s, 0)
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == start && (i >= len(s) || s[i] != '.') {
		return nil, false
	}
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	if i < len(s) {
		if s[i] != ';' && s[i] != ',' && !isSpace(s[i]) {
			return nil, false
		}
		i = skipSpace(s, i)
		if i < len(s) && (s[i] == ';' || s[i] == ',') {
			i++
		}
		i = skipSpace(s, i)
	}
	if i >= len(s) {
		return nil, false
	}
	urlStart := i
	if i+3 <= len(s) && bytes.EqualFold(s[i:i+3], []byte("url")) {
		j := skipSpace(s, i+3)
		if j < len(s) && s[j] == '=' {
			i = skipSpace(s, j+1)
		} else {
			// "url" not followed by '=' is the start of the URL itself.
			return trimURL(s[urlStart:]), true
		}
	}
	if i < len(s) && (s[i] == '\'' || s[i] == '"') {
		q := s[i]
		rest := s[i+1:]
		if k := bytes.IndexByte(rest, q); k >= 0 {
			rest = rest[:k]
		}
		return trimURL(rest), true
	}
	return trimURL(s[i:]), true
}

func trimURL(b []byte) []byte { return bytes.TrimRight(b, "\t\n\f\r ") }

func skipSpace(s []byte, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// isSpace is ASCII whitespace as the HTML standard defines it.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

func equalFoldAny(b []byte, words ...string) bool {
	for _, w := range words {
		if len(b) == len(w) && bytes.EqualFold(b, []byte(w)) {
			return true
		}
	}
	return false
}

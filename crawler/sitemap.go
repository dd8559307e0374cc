package crawler

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Limits from sitemaps.org: a sitemap file holds at most 50,000 URLs and
// 50 MB (52,428,800 bytes) uncompressed; an index at most 50,000 sitemaps.
const (
	sitemapDefaultMaxBytes = 52428800
	sitemapMaxEntries      = 50000
)

// Sitemap is what one sitemap document lists.
type Sitemap struct {
	URLs     []string // <urlset><url><loc>, trimmed, as written (normalise later)
	Sitemaps []string // <sitemapindex><sitemap><loc>
}

// ParseSitemap reads a sitemap or a sitemap index: XML, or plain text with
// one URL per line, as sitemaps.org allows; either one may be gzipped (once,
// or twice over), which is told by the magic bytes, not by a name or a
// Content-Type. It reads at
// most maxBytes of (decompressed) document, 50 MB when maxBytes <= 0, and
// takes at most 50,000 entries; a document over either cap is an error that
// says so. Errors say what is wrong: "sitemap: not a urlset or sitemapindex:
// <html>", "sitemap: gzip: unexpected EOF", XML syntax errors with their
// line. On an error, the Sitemap holds the entries read before it.
func ParseSitemap(r io.Reader, maxBytes int64) (Sitemap, error) {
	if maxBytes <= 0 {
		maxBytes = sitemapDefaultMaxBytes
	}
	br := bufio.NewReader(r)
	gzipped := false
	// Two layers: a .xml.gz file served with Content-Encoding: gzip arrives
	// compressed twice when the client asked for gzip itself.
	for range 2 {
		if magic, _ := br.Peek(2); len(magic) < 2 || magic[0] != 0x1f || magic[1] != 0x8b {
			break
		}
		zr, err := gzip.NewReader(br)
		if err != nil {
			return Sitemap{}, gzipError(err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
		gzipped = true
	}
	src := &sitemapSource{r: br, max: maxBytes, gzipped: gzipped}
	doc := bufio.NewReader(src)

	// A UTF-8 byte order mark is allowed; other encodings' marks are not.
	head, _ := doc.Peek(3)
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		_, _ = doc.Discard(3)
	case bytes.HasPrefix(head, []byte("\xfe\xff")), bytes.HasPrefix(head, []byte("\xff\xfe")):
		return Sitemap{}, errors.New("sitemap: UTF-16 document: sitemaps must be UTF-8")
	}
	if err := skipLeadingSpace(doc); err != nil {
		if errors.Is(err, io.EOF) {
			return Sitemap{}, errors.New("sitemap: empty document")
		}
		return Sitemap{}, src.explain(err)
	}
	if c, _ := doc.Peek(1); len(c) == 1 && c[0] != '<' {
		return parseTextSitemap(doc, src)
	}
	return parseXMLSitemap(doc, src)
}

func skipLeadingSpace(r *bufio.Reader) error {
	for {
		c, err := r.ReadByte()
		if err != nil {
			return err
		}
		if !isSpace(c) {
			return r.UnreadByte()
		}
	}
}

func parseXMLSitemap(doc *bufio.Reader, src *sitemapSource) (Sitemap, error) {
	// Kept for telling an HTML page apart when it is not even well-formed XML.
	var sniff [512]byte
	peek, _ := doc.Peek(len(sniff))
	head := sniff[:copy(sniff[:], peek)]

	d := xml.NewDecoder(doc)
	d.CharsetReader = sitemapCharsetReader
	var (
		sm      Sitemap
		root    string // "urlset" or "sitemapindex" once the root is read
		depth   int
		inEntry bool // inside <url> or <sitemap>
		inLoc   bool
		loc     []byte
	)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			if root == "" {
				return sm, errors.New("sitemap: no root element")
			}
			return sm, nil
		}
		if err != nil {
			if root == "" && looksLikeHTML(head) {
				return sm, errors.New("sitemap: not a urlset or sitemapindex: <html>")
			}
			return sm, src.explain(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			name := t.Name.Local
			switch depth {
			case 1:
				switch {
				case strings.EqualFold(name, "urlset"):
					root = "urlset"
				case strings.EqualFold(name, "sitemapindex"):
					root = "sitemapindex"
				default:
					return sm, fmt.Errorf("sitemap: not a urlset or sitemapindex: <%s>", clip(name))
				}
			case 2:
				inEntry = root == "urlset" && strings.EqualFold(name, "url") ||
					root == "sitemapindex" && strings.EqualFold(name, "sitemap")
			case 3:
				// Extensions such as <image:loc> sit deeper and are not pages.
				inLoc = inEntry && strings.EqualFold(name, "loc")
				loc = loc[:0]
			}
		case xml.CharData:
			if inLoc {
				loc = append(loc, t...)
			}
		case xml.EndElement:
			if depth == 3 && inLoc {
				inLoc = false
				if s := string(bytes.TrimSpace(loc)); s != "" {
					if err := sm.add(root == "urlset", s); err != nil {
						return sm, err
					}
				}
			}
			if depth == 2 {
				inEntry = false
			}
			depth--
		}
	}
}

func parseTextSitemap(doc *bufio.Reader, src *sitemapSource) (Sitemap, error) {
	var sm Sitemap
	sc := bufio.NewScanner(doc)
	sc.Buffer(make([]byte, 0, 4096), 64*1024)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" {
			continue
		}
		if !hasHTTPScheme(s) {
			return sm, fmt.Errorf("sitemap: line %d: not an http(s) URL (neither XML nor a plain-text sitemap): %q", line, clip(s))
		}
		if !utf8.ValidString(s) {
			return sm, fmt.Errorf("sitemap: line %d: not UTF-8", line)
		}
		if err := sm.add(true, s); err != nil {
			return sm, err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return sm, fmt.Errorf("sitemap: line %d: longer than 64 KiB", line+1)
		}
		return sm, src.explain(err)
	}
	return sm, nil
}

func hasHTTPScheme(s string) bool {
	return len(s) >= 7 && strings.EqualFold(s[:7], "http://") ||
		len(s) >= 8 && strings.EqualFold(s[:8], "https://")
}

// add appends one entry, page or child sitemap, within the sitemaps.org cap.
func (sm *Sitemap) add(page bool, loc string) error {
	list := &sm.Sitemaps
	if page {
		list = &sm.URLs
	}
	if len(*list) >= sitemapMaxEntries {
		return fmt.Errorf("sitemap: more than %d entries (the sitemaps.org limit)", sitemapMaxEntries)
	}
	*list = append(*list, loc)
	return nil
}

func looksLikeHTML(head []byte) bool {
	lower := bytes.ToLower(head)
	return bytes.Contains(lower, []byte("<html")) || bytes.Contains(lower, []byte("<!doctype html"))
}

// errSitemapTooLarge marks a document over its byte cap.
var errSitemapTooLarge = errors.New("sitemap too large")

// sitemapSource caps the bytes read from the (decompressed) document and
// remembers the first read error, so that a failure inside gzip or past the
// cap is reported as such and not as the XML syntax error it causes.
type sitemapSource struct {
	r       io.Reader
	read    int64
	max     int64
	gzipped bool
	err     error
}

func (s *sitemapSource) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	// Read at most one byte past the cap: that byte proves the document is over it.
	if room := s.max + 1 - s.read; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := s.r.Read(p)
	s.read += int64(n)
	if s.read > s.max {
		s.err = errSitemapTooLarge
		return 0, s.err
	}
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

// explain turns an error met while decoding into one that says what is wrong.
func (s *sitemapSource) explain(err error) error {
	if s.err != nil {
		err = s.err
	}
	unit := "bytes"
	if s.gzipped {
		unit = "bytes decompressed"
	}
	switch {
	case errors.Is(err, errSitemapTooLarge):
		return fmt.Errorf("sitemap: larger than %d %s", s.max, unit)
	case s.gzipped && s.err != nil:
		return gzipError(err)
	default:
		return fmt.Errorf("sitemap: %w", err)
	}
}

// gzipError says that err came from decompressing, without saying it twice
// (compress/gzip's own errors start with "gzip: ").
func gzipError(err error) error {
	if strings.HasPrefix(err.Error(), "gzip: ") {
		return fmt.Errorf("sitemap: %w", err)
	}
	return fmt.Errorf("sitemap: gzip: %w", err)
}

// sitemapCharsetReader accepts the ASCII-compatible single-byte encodings
// sitemaps are found in besides UTF-8 (URLs in them are ASCII anyway).
func sitemapCharsetReader(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "us-ascii", "ascii", "utf8":
		return input, nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "windows-1252", "cp1252":
		return &latin1Reader{r: bufio.NewReader(input)}, nil
	}
	return nil, fmt.Errorf("unsupported encoding %q: sitemaps must be UTF-8", label)
}

// latin1Reader decodes ISO-8859-1 to UTF-8.
type latin1Reader struct {
	r       *bufio.Reader
	pending []byte
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(l.pending) > 0 {
			c := copy(p[n:], l.pending)
			l.pending = l.pending[c:]
			n += c
			continue
		}
		if n > 0 && l.r.Buffered() == 0 {
			// Return what we have rather than block for more.
			return n, nil
		}
		b, err := l.r.ReadByte()
		if err != nil {
			return n, err
		}
		if b < 0x80 {
			p[n] = b
			n++
			continue
		}
		l.pending = utf8.AppendRune(l.pending[:0], rune(b))
	}
	return n, nil
}

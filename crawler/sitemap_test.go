package crawler

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "sitemaps", name))
	require.NoError(t, err)
	return b
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(b)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func TestParseSitemapFixtures(t *testing.T) {
	urlset := Sitemap{URLs: []string{
		"https://example.com/",
		"https://example.com/blog/",
		"https://example.com/search?q=a&page=2",
		"https://example.com/docs/intro.html",
	}}
	tests := []struct {
		file    string
		want    Sitemap
		wantErr string
	}{
		{file: "urlset.xml", want: urlset},
		{file: "urlset.xml.gz", want: urlset},
		{file: "sitemapindex.xml", want: Sitemap{Sitemaps: []string{
			"https://example.com/sitemap-pages.xml",
			"https://example.com/sitemap-blog.xml.gz",
		}}},
		{file: "bom-namespaces.xml", want: Sitemap{URLs: []string{
			"https://example.com/gallery/",
			"https://example.com/news/today",
		}}},
		{file: "urls.txt", want: Sitemap{URLs: []string{
			"https://example.com/",
			"https://example.com/a",
			"https://example.com/b",
			"HTTPS://example.com/c",
		}}},
		{file: "html-page.html", wantErr: "sitemap: not a urlset or sitemapindex: <html>"},
		{file: "html-not-xml.html", wantErr: "sitemap: not a urlset or sitemapindex: <html>"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := ParseSitemap(bytes.NewReader(readFixture(t, tt.file)), 0)
			if tt.wantErr != "" {
				assert.EqualError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseSitemap(t *testing.T) {
	tests := []struct {
		name     string
		doc      string
		maxBytes int64
		want     Sitemap
		wantErr  string
	}{
		{name: "no namespace", doc: `<urlset><url><loc>https://a.example/</loc></url></urlset>`,
			want: Sitemap{URLs: []string{"https://a.example/"}}},
		{name: "index entries are not pages", doc: `<sitemapindex><sitemap><loc>https://a.example/s.xml</loc></sitemap><url><loc>https://a.example/p</loc></url></sitemapindex>`,
			want: Sitemap{Sitemaps: []string{"https://a.example/s.xml"}}},
		{name: "loc outside an entry ignored", doc: `<urlset><loc>https://a.example/stray</loc><url><loc>https://a.example/p</loc></url></urlset>`,
			want: Sitemap{URLs: []string{"https://a.example/p"}}},
		{name: "leading whitespace and comments", doc: "\n\n  <!-- hi --><?xml-stylesheet href=\"s.xsl\"?>\n<urlset><url><loc>https://a.example/</loc></url></urlset>\n<!-- bye -->\n",
			want: Sitemap{URLs: []string{"https://a.example/"}}},
		{name: "entities", doc: `<urlset><url><loc>https://a.example/?a=1&amp;b=&#50;</loc></url></urlset>`,
			want: Sitemap{URLs: []string{"https://a.example/?a=1&b=2"}}},
		{name: "latin-1 declared", doc: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><urlset><url><loc>https://a.example/caf\xe9</loc></url></urlset>",
			want: Sitemap{URLs: []string{"https://a.example/café"}}},
		{name: "empty urlset", doc: `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>`, want: Sitemap{}},
		{name: "plain text, single line without newline", doc: "https://a.example/only", want: Sitemap{URLs: []string{"https://a.example/only"}}},

		{name: "other root", doc: `<?xml version="1.0"?><rss version="2.0"><channel/></rss>`, wantErr: "sitemap: not a urlset or sitemapindex: <rss>"},
		{name: "syntax error names the line", doc: "<urlset>\n<url><loc>https://a.example/</loc>\n</urlx>\n</urlset>",
			want: Sitemap{URLs: []string{"https://a.example/"}}, wantErr: "sitemap: XML syntax error on line 3: element <url> closed by </urlx>"},
		{name: "truncated XML", doc: "<urlset>\n<url><loc>https://a.example/</loc></url>\n<url><loc>https://a.exa",
			want: Sitemap{URLs: []string{"https://a.example/"}}, wantErr: "sitemap: XML syntax error on line 3: unexpected EOF"},
		{name: "unknown entity", doc: `<urlset><url><loc>https://a.example/&nbsp;</loc></url></urlset>`, wantErr: "XML syntax error on line 1: invalid character entity &nbsp;"},
		{name: "empty", doc: "", wantErr: "sitemap: empty document"},
		{name: "whitespace only", doc: " \r\n\t", wantErr: "sitemap: empty document"},
		{name: "no root element", doc: `<?xml version="1.0"?><!-- nothing -->`, wantErr: "sitemap: no root element"},
		{name: "JSON", doc: `{"error": "not found"}`, wantErr: `sitemap: line 1: not an http(s) URL (neither XML nor a plain-text sitemap): "{\"error\": \"not found\"}"`},
		{name: "text with a bad line", doc: "https://a.example/\nftp://a.example/f\n", want: Sitemap{URLs: []string{"https://a.example/"}},
			wantErr: "sitemap: line 2: not an http(s) URL"},
		{name: "UTF-16", doc: "\xff\xfe<\x00u\x00", wantErr: "sitemap: UTF-16 document: sitemaps must be UTF-8"},
		{name: "unsupported encoding", doc: `<?xml version="1.0" encoding="Shift_JIS"?><urlset/>`, wantErr: `sitemaps must be UTF-8`},
		{name: "over the byte cap", doc: `<urlset><url><loc>https://a.example/</loc></url></urlset>`, maxBytes: 20, wantErr: "sitemap: larger than 20 bytes"},
		{name: "text over the byte cap", doc: "https://a.example/1\nhttps://a.example/2\n", maxBytes: 30, wantErr: "sitemap: larger than 30 bytes"},
		{name: "exactly at the byte cap", doc: `<urlset></urlset>`, maxBytes: int64(len(`<urlset></urlset>`)), want: Sitemap{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSitemap(strings.NewReader(tt.doc), tt.maxBytes)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseSitemapGzip(t *testing.T) {
	index := readFixture(t, "sitemapindex.xml")
	gz := readFixture(t, "urlset.xml.gz")

	t.Run("gzipped index, detected by magic", func(t *testing.T) {
		got, err := ParseSitemap(bytes.NewReader(gzipBytes(t, index)), 0)
		require.NoError(t, err)
		assert.Len(t, got.Sitemaps, 2)
	})
	t.Run("gzipped twice", func(t *testing.T) {
		got, err := ParseSitemap(bytes.NewReader(gzipBytes(t, gz)), 0)
		require.NoError(t, err)
		assert.Len(t, got.URLs, 4)
	})
	t.Run("gzipped plain text", func(t *testing.T) {
		got, err := ParseSitemap(bytes.NewReader(gzipBytes(t, []byte("https://a.example/x\n"))), 0)
		require.NoError(t, err)
		assert.Equal(t, []string{"https://a.example/x"}, got.URLs)
	})
	t.Run("truncated", func(t *testing.T) {
		_, err := ParseSitemap(bytes.NewReader(gz[:len(gz)/2]), 0)
		assert.EqualError(t, err, "sitemap: gzip: unexpected EOF")
	})
	t.Run("cut inside the header", func(t *testing.T) {
		_, err := ParseSitemap(bytes.NewReader(gz[:5]), 0)
		assert.EqualError(t, err, "sitemap: gzip: unexpected EOF")
	})
	t.Run("bad checksum", func(t *testing.T) {
		bad := bytes.Clone(gz)
		bad[len(bad)-6] ^= 0xff // CRC-32 in the trailer
		_, err := ParseSitemap(bytes.NewReader(bad), 0)
		assert.EqualError(t, err, "sitemap: gzip: invalid checksum")
	})
	t.Run("corrupt stream", func(t *testing.T) {
		bad := bytes.Clone(gz)
		for i := 12; i < 40; i++ {
			bad[i] = 0xff
		}
		_, err := ParseSitemap(bytes.NewReader(bad), 0)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "sitemap: gzip: flate: corrupt input")
	})
	t.Run("bomb stops at the decompressed cap", func(t *testing.T) {
		doc := "<urlset>" + strings.Repeat(" ", 10<<20) + "</urlset>"
		_, err := ParseSitemap(bytes.NewReader(gzipBytes(t, []byte(doc))), 1<<20)
		assert.EqualError(t, err, "sitemap: larger than 1048576 bytes decompressed")
	})
}

func TestParseSitemapEntryCap(t *testing.T) {
	build := func(n int, xml bool) string {
		var b strings.Builder
		if xml {
			b.WriteString("<urlset>")
		}
		for i := range n {
			if xml {
				fmt.Fprintf(&b, "<url><loc>https://a.example/%d</loc></url>\n", i)
			} else {
				fmt.Fprintf(&b, "https://a.example/%d\n", i)
			}
		}
		if xml {
			b.WriteString("</urlset>")
		}
		return b.String()
	}
	for _, xml := range []bool{true, false} {
		t.Run(fmt.Sprintf("xml=%v", xml), func(t *testing.T) {
			got, err := ParseSitemap(strings.NewReader(build(50000, xml)), 0)
			require.NoError(t, err)
			assert.Len(t, got.URLs, 50000)

			got, err = ParseSitemap(strings.NewReader(build(50001, xml)), 0)
			assert.EqualError(t, err, "sitemap: more than 50000 entries (the sitemaps.org limit)")
			assert.Len(t, got.URLs, 50000, "what was read before the cap is kept")
		})
	}
}

func TestParseSitemapReadError(t *testing.T) {
	boom := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader("<urlset><url><loc>https://a.example/</loc></url>"), iotest.ErrReader(boom))
	got, err := ParseSitemap(r, 0)
	assert.ErrorIs(t, err, boom)
	assert.EqualError(t, err, "sitemap: connection reset")
	assert.Equal(t, []string{"https://a.example/"}, got.URLs)
}

func FuzzParseSitemap(f *testing.F) {
	for _, name := range []string{"urlset.xml", "sitemapindex.xml", "bom-namespaces.xml", "urls.txt", "html-page.html", "html-not-xml.html", "urlset.xml.gz"} {
		f.Add(readFixture(f, name))
	}
	f.Add([]byte(`<?xml version="1.0" encoding="latin1"?><urlset><url><loc>https://a.example/` + "\xe9" + `</loc></url></urlset>`))
	f.Add([]byte("<urlset><url><loc>https://a.example/</loc></url><url><loc>https://a.ex"))
	f.Add([]byte("\x1f\x8b\x08\x00"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		const maxBytes = 1 << 16
		sm, err := ParseSitemap(bytes.NewReader(data), maxBytes)
		for _, list := range [][]string{sm.URLs, sm.Sitemaps} {
			if len(list) > sitemapMaxEntries {
				t.Fatalf("%d entries, over the cap", len(list))
			}
			for _, s := range list {
				if s == "" || s != strings.TrimSpace(s) {
					t.Fatalf("entry %q is empty or not trimmed", s)
				}
				if !utf8.ValidString(s) {
					t.Fatalf("entry %q is not UTF-8", s)
				}
			}
		}
		if err != nil && !strings.HasPrefix(err.Error(), "sitemap: ") {
			t.Fatalf("error %q does not say it is about a sitemap", err)
		}
		if err != nil || len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
			return
		}
		// Compression is transparent.
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write(data)
		_ = zw.Close()
		smz, errz := ParseSitemap(&buf, maxBytes)
		if errz != nil {
			t.Fatalf("plain document parses, gzipped one fails: %v", errz)
		}
		if !reflect.DeepEqual(sm, smz) {
			t.Fatalf("gzipped document reads differently:\n  plain %v\n  gzip  %v", sm, smz)
		}
	})
}

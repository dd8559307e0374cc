package crawler

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bombSize is what each bomb inflates to: far over MaxBody and over the
// allocation bound the tests assert.
const bombSize = 256 << 20

// bomb compresses prefix followed by zeros up to bombSize bytes.
func bomb(t *testing.T, prefix string, newWriter func(io.Writer) io.WriteCloser) []byte {
	t.Helper()
	var b bytes.Buffer
	w := newWriter(&b)
	_, err := w.Write([]byte(prefix))
	require.NoError(t, err)
	zeros := make([]byte, 1<<20)
	for n := len(prefix); n < bombSize; n += len(zeros) {
		_, err := w.Write(zeros)
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	return b.Bytes()
}

func gzipWriter(w io.Writer) io.WriteCloser {
	z, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
	return z
}

func zlibWriter(w io.Writer) io.WriteCloser {
	z, _ := zlib.NewWriterLevel(w, zlib.BestCompression)
	return z
}

// allocated runs f and returns the bytes it allocated (the whole process,
// so the test server's work counts too).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestDecompressionBombs(t *testing.T) {
	page := "<html><body><a href=\"/x\">x</a>"
	gz := bomb(t, page, gzipWriter)
	zl := bomb(t, page, zlibWriter)
	require.Less(t, len(gz), 1<<20, "the bomb must fit in MaxBody compressed")
	var twice bytes.Buffer
	w := gzip.NewWriter(&twice)
	_, _ = w.Write(gz)
	require.NoError(t, w.Close())

	const maxBody, keep = 1 << 20, 64 << 10
	for _, tc := range []struct {
		name, path, encoding, ctype string
		body                        []byte
		wantErr                     string // "" means truncated at MaxBody, "-" kept as sent, "empty" not read
	}{
		// The transport asked for gzip and inflates it itself.
		{"gzip", "/", "gzip", "text/html", gz, ""},
		// Encodings the transport leaves alone.
		{"x-gzip", "/", "x-gzip", "text/html", gz, ""},
		{"GZIP upper case", "/", "GZIP", "text/html", gz, ""},
		{"deflate", "/", "deflate", "text/html", zl, ""},
		{"gzip content type", "/", "", "application/gzip", gz, "-"},
		{"xml.gz path", "/feed.xml.gz", "", "application/xml", gz, "-"},
		{"br", "/", "br", "text/html", []byte("\x1b\xff\xff\x0f\x00not really brotli"), "empty"},
		{"gzip twice", "/", "gzip, x-gzip", "text/html", twice.Bytes(), ""},
		{"three times", "/", "gzip, gzip, gzip", "text/html", twice.Bytes(), "empty"},
		{"gzip over deflate", "/", "deflate, gzip", "text/html", gz, "flate: corrupt input"},
		{"empty x-gzip", "/", "x-gzip", "text/html", nil, "empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != tc.path {
					http.NotFound(w, r)
					return
				}
				if tc.encoding != "" {
					w.Header().Set("Content-Encoding", tc.encoding)
				}
				w.Header().Set("Content-Type", tc.ctype)
				_, _ = w.Write(tc.body)
			}))
			defer srv.Close()

			var got map[string]map[string]Observation
			var res Result
			var err error
			n := allocated(func() {
				got, res, err = crawl(t, Options{Start: srv.URL + tc.path, NoSitemaps: true, MaxBody: maxBody, KeepBody: keep,
					Agents: mustAgents(t, "googlebot")})
			})
			require.NoError(t, err)
			o := got[tc.path]["googlebot"]
			assert.Less(t, n, allocLimit(64), "allocated %d MB", n>>20)
			assert.LessOrEqual(t, len(o.Body), keep)
			assert.Equal(t, 200, o.Status())
			switch tc.wantErr {
			case "":
				assert.Empty(t, o.Err)
				assert.True(t, o.BodyTruncated)
				assert.True(t, strings.HasPrefix(string(o.Body), page), "the body is decoded: %q", o.Body[:min(len(o.Body), 40)])
			case "empty":
				// Googlebot asks for br and would read the page: the
				// status stands, the body is not read, a note counts it.
				assert.Empty(t, o.Err)
				assert.Empty(t, o.Body)
				if tc.encoding != "x-gzip" {
					assert.Contains(t, res.Notes, fmt.Sprintf("1 responses came with Content-Encoding %q, which the crawler did not ask for and cannot decode: their status and headers were recorded, their bodies not read", tc.encoding))
				}
			case "-":
				// No Content-Encoding: the gzip file is the content, kept as sent.
				assert.Empty(t, o.Err)
				assert.False(t, o.BodyTruncated)
				assert.True(t, bytes.Equal(gz[:min(len(gz), keep)], o.Body), "the gzip file is not inflated")
			default:
				assert.Contains(t, o.Err, tc.wantErr)
			}
		})
	}
}

func TestSitemapBomb(t *testing.T) {
	// A sitemap that inflates past the 50 MB sitemaps.org allow, sent once
	// as a .xml.gz file and once gzip-encoded on the wire.
	sm := bomb(t, `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/a</loc></url><!--`,
		gzipWriter)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			_, _ = io.WriteString(w, "Sitemap: /s.xml.gz\nSitemap: /wire.xml\n")
		case "/s.xml.gz":
			w.Header().Set("Content-Type", "application/x-gzip")
			_, _ = w.Write(sm)
		case "/wire.xml":
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Content-Type", "application/xml")
			_, _ = w.Write(sm)
		default:
			writeHTML(w, pageHTML())
		}
	}))
	defer srv.Close()

	var res Result
	var err error
	n := allocated(func() {
		_, res, err = crawl(t, Options{Start: srv.URL + "/", Agents: mustAgents(t, "googlebot")})
	})
	require.NoError(t, err)
	assert.Less(t, n, allocLimit(200), "allocated %d MB", n>>20)
	notes := strings.Join(res.Notes, "\n")
	assert.Contains(t, notes, "/s.xml.gz: ")
	assert.Contains(t, notes, "/wire.xml: ")
	t.Log(notes)
}

// allocLimit is an allocation bound in MB, scaled for the race detector's
// instrumentation.
func allocLimit(mb uint64) uint64 {
	if raceEnabled {
		mb *= 3
	}
	return mb << 20
}

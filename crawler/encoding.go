package crawler

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// decodeBody makes every response body reach colly decoded, or failing, so
// that colly's cap (MaxBody+1 bytes read) applies to what is inflated.
//
// Go's transport inflates "Content-Encoding: gzip" when it asked for gzip
// itself, and colly then reads the inflated stream through its cap. But
// colly v2.3.0 also gunzips on its own when the transport did not (another
// spelling such as x-gzip, a gzip Content-Type, a path ending in .xml.gz),
// and there it caps the compressed bytes and reads the inflated stream to
// the end: a 1 MB gzip of zeros became a 1 GB allocation. So the
// transport decodes those itself, lazily, and marks the response
// uncompressed, which turns colly's own path off.
//
//   - gzip, x-gzip (any case) and deflate (zlib, or raw deflate as some
//     servers send) are decoded, up to two of them listed ("gzip, gzip");
//   - identity or no Content-Encoding: the body is the content, even a
//     gzip file (a sitemap.xml.gz is inflated, with its own cap, by
//     ParseSitemap);
//   - anything else (br, zstd, compress, longer lists) was not asked for
//     and cannot be decoded here. Googlebot asks for br and would read such
//     a page, so it is no fetch error: the status and headers are the
//     answer, the body reads as empty, and the coding is returned so that
//     the crawl can say how many bodies it could not read.
func decodeBody(resp *http.Response) (undecoded string) {
	if resp.Uncompressed {
		return ""
	}
	resp.Uncompressed = true // also for an empty body, which colly would fail to gunzip
	if resp.Body == nil || resp.Body == http.NoBody {
		return ""
	}
	ce := resp.Header.Get("Content-Encoding")
	open, ok := decoder(ce)
	if !ok {
		_ = resp.Body.Close() // not read: the connection is not reused
		resp.Body = http.NoBody
		resp.ContentLength = 0
		return strings.ToLower(clip(strings.TrimSpace(ce)))
	}
	if open != nil {
		resp.Body = &lazyDecoder{body: resp.Body, open: open}
		resp.ContentLength = -1
		resp.Header.Del("Content-Length")
	}
	return ""
}

// decoder returns what undoes a Content-Encoding, nil for none; ok is
// false for codings it does not know.
func decoder(contentEncoding string) (open func(io.Reader) (io.Reader, error), ok bool) {
	var layers []func(io.Reader) (io.Reader, error)
	known := true
	codings := strings.Split(contentEncoding, ",")
	for i := len(codings) - 1; i >= 0 && known; i-- {
		// The last coding listed was applied last: it is undone first.
		switch strings.ToLower(strings.TrimSpace(codings[i])) {
		case "", "identity":
		case "gzip", "x-gzip":
			layers = append(layers, openGzip)
		case "deflate":
			layers = append(layers, openDeflate)
		default:
			known = false
		}
	}
	if !known || len(layers) > 2 {
		return nil, false
	}
	if len(layers) == 0 {
		return nil, true
	}
	return func(r io.Reader) (io.Reader, error) {
		for _, l := range layers {
			var err error
			if r, err = l(r); err != nil {
				return nil, err
			}
		}
		return r, nil
	}, true
}

// openGzip treats an empty body as empty, not as a broken gzip stream.
func openGzip(r io.Reader) (io.Reader, error) {
	z, err := gzip.NewReader(r)
	if err == io.EOF {
		return eofReader{}, nil
	}
	return z, err
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// openDeflate reads HTTP's "deflate": zlib-wrapped as RFC 9110 says, or
// the raw deflate stream that some servers send instead.
func openDeflate(r io.Reader) (io.Reader, error) {
	br := bufio.NewReader(r)
	head, err := br.Peek(2)
	if err != nil && len(head) < 2 {
		if len(head) == 0 && errors.Is(err, io.EOF) {
			return eofReader{}, nil
		}
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("deflate: %w", err)
	}
	if (uint16(head[0])<<8|uint16(head[1]))%31 == 0 && head[0]&0x0f == 8 {
		return zlib.NewReader(br)
	}
	return flate.NewReader(br), nil
}

// lazyDecoder opens its decoder on the first Read, so that a response
// whose body is never read (aborted after the headers) costs nothing, and
// inflates only as much as the reader asks for.
type lazyDecoder struct {
	body io.ReadCloser
	open func(io.Reader) (io.Reader, error)
	r    io.Reader
	err  error
}

func (d *lazyDecoder) Read(p []byte) (int, error) {
	if d.r == nil && d.err == nil {
		d.r, d.err = d.open(d.body)
	}
	if d.err != nil {
		return 0, d.err
	}
	return d.r.Read(p)
}

func (d *lazyDecoder) Close() error {
	if c, ok := d.r.(io.Closer); ok {
		_ = c.Close()
	}
	return d.body.Close()
}

package crawler

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// bodyStash hands a response body from the transport, which reads it, to
// the fetcher's header callback, which takes it and stops colly from
// reading the body itself. colly reads every body with io.ReadAll, which
// allocates about twice the body in growing steps; the transport knows the
// Content-Length and reads into one slice of that size. Bodies were half
// the bytes a crawl allocated, and the collector's work grows with those.
//
// The body's key travels in the response's header map, which colly hands
// to the callback as it is, under a name with a space in it: no header
// read off the wire can have one.
type bodyStash struct {
	mu     sync.Mutex
	next   uint64
	bodies map[string][]byte
}

const stashHeader = "Authwall stashed-body"

func newBodyStash() *bodyStash { return &bodyStash{bodies: map[string][]byte{}} }

// takes reports whether the transport reads a response's body itself:
// a body colly would hand on as read. colly converts a body whose
// Content-Type names a charset other than UTF-8 (and drops one in a
// charset it does not know) once it has read it; such a body is left to
// colly. Media bodies are not read at all (skipBody).
func takes(contentType string) bool {
	ct := strings.ToLower(contentType)
	return !skipBody(ct) && (!strings.Contains(ct, "charset") || strings.Contains(ct, "utf-8") || strings.Contains(ct, "utf8"))
}

// take reads resp's body, at most limit bytes, and stashes it: the body
// colly then sees is empty, and closing it drops the stashed copy if the
// header callback never claimed it (net/http drops a redirect whose
// Location does not parse before colly sees it). A body that fails to
// read is handed on as it came, what was read and then the error, for
// colly to meet as before.
func (s *bodyStash) take(ctx context.Context, resp *http.Response, limit int64) {
	body, err := readBody(resp.Body, resp.ContentLength, limit)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = ctxErr // the client's timeout, said as the context's
		}
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(body), errReader{err}), resp.Body}
		return
	}
	_ = resp.Body.Close() // read to its end, or to the limit, as colly reads
	s.mu.Lock()
	s.next++
	key := strconv.FormatUint(s.next, 10)
	s.bodies[key] = body
	s.mu.Unlock()
	resp.Header[stashHeader] = []string{key}
	resp.Body = stashedBody{s: s, key: key}
}

// stashedBody is the empty body colly sees; Close forgets the stashed
// copy (claim already took it, or nobody will).
type stashedBody struct {
	s   *bodyStash
	key string
}

func (stashedBody) Read([]byte) (int, error) { return 0, io.EOF }

func (b stashedBody) Close() error {
	b.s.mu.Lock()
	delete(b.s.bodies, b.key)
	b.s.mu.Unlock()
	return nil
}

// claim takes the stashed body out of a response's header map: ok is
// false for a response whose body the transport did not read.
func (s *bodyStash) claim(h http.Header) (body []byte, ok bool) {
	keys := h[stashHeader]
	if len(keys) == 0 {
		return nil, false
	}
	delete(h, stashHeader)
	s.mu.Lock()
	body, ok = s.bodies[keys[0]]
	delete(s.bodies, keys[0])
	s.mu.Unlock()
	return body, ok
}

// exactBodyMax is the largest announced length read into one slice made
// before the bytes come: a server announcing more and sending nothing
// costs no more than this per worker.
const exactBodyMax = 1 << 20

// readBody reads r to its end or to limit bytes: into one slice of the
// announced size when there is one up to exactBodyMax, as io.ReadAll
// would otherwise (a chunked, compressed or big body).
func readBody(r io.Reader, contentLength, limit int64) ([]byte, error) {
	if contentLength < 0 || contentLength >= limit || contentLength > exactBodyMax {
		return io.ReadAll(io.LimitReader(r, limit))
	}
	buf := make([]byte, contentLength)
	n, err := io.ReadFull(r, buf)
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF // an empty read of a body announced non-empty
	}
	return buf[:n], err
}

type readCloser struct {
	io.Reader
	io.Closer
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

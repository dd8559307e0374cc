package crawler

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gocolly/colly/v2"
)

// acceptHeader is what Googlebot sends; servers that negotiate on Accept
// (Kong, DRF, Devise) then answer the crawler as they answer Google.
const acceptHeader = "text/html,application/xhtml+xml,application/signed-exchange;v=b3,application/xml;q=0.9,*/*;q=0.8"

// fetcher sends single requests through one colly collector, with four of
// colly's (v2.3.0) behaviours switched off because each would hide what an
// agent sees:
//   - its robots check looks groups up by the whole User-Agent header, so a
//     Googlebot-only Disallow is missed, and it caches robots.txt per host,
//     not per agent: the crawl decides robots per agent itself;
//   - its visited set is keyed by URL alone, so a second agent's fetch of a
//     URL would be refused as already visited: the crawl keeps its own
//     frontier (AllowURLRevisit);
//   - it follows redirects silently, so a 302 to a login page would show as
//     the login page's 200: the crawl follows redirects hop by hop;
//   - by default a 401 or 403 arrives as an error, not a response
//     (ParseHTTPErrorResponse makes every status data).
type fetcher struct {
	c         *colly.Collector
	transport *politeTransport
	// headers are the request headers of each User-Agent, made once:
	// neither colly nor net/http changes a request's headers when
	// User-Agent and Accept are set, so one map serves every request.
	// That holds because cookies are off: with a Jar, net/http would add
	// Cookie to this shared map.
	headers   map[string]http.Header
	maxBody   int64
	timeout   time.Duration
	responses atomic.Int64
}

// answer is one HTTP response, or the error that replaced it.
type answer struct {
	status    int
	header    http.Header
	body      []byte
	truncated bool
	skipped   bool // body not read: a type the audit has no use for
	taken     bool // body read by the transport (bodystash.go), colly stopped
	err       error
}

const slotKey = "authwall.answer"

func newFetcher(ctx context.Context, cfg *config) *fetcher {
	t := newPoliteTransport(cfg.Concurrency, cfg.Rate, cfg.Timeout)
	c := colly.NewCollector(
		colly.StdlibContext(ctx),
		colly.AllowURLRevisit(),
		colly.ParseHTTPErrorResponse(),
		colly.IgnoreRobotsTxt(),
		// One byte more than the cap, so a cut body can be told from one
		// that is exactly the cap. The cap counts decoded bytes: the
		// transport decodes every body before colly reads it (decodeBody),
		// so colly's own gunzip, which caps only the compressed bytes,
		// never runs.
		colly.MaxBodySize(int(cfg.MaxBody)+1),
	)
	c.DisableCookies() // crawlers are anonymous: no session carried between pages
	c.SetRequestTimeout(cfg.Timeout)
	c.WithTransport(t)
	c.SetRedirectHandler(func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse })

	t.stash, t.bodyLimit = newBodyStash(), cfg.MaxBody+1
	f := &fetcher{c: c, transport: t, maxBody: cfg.MaxBody, timeout: cfg.Timeout, headers: map[string]http.Header{}}
	for _, a := range append([]Agent{browserAgent()}, cfg.Agents...) {
		f.headers[a.UserAgent] = requestHeader(a)
	}
	c.OnResponseHeaders(func(r *colly.Response) {
		a := slot(r.Ctx)
		body, taken := t.stash.claim(*r.Headers)
		a.status = r.StatusCode
		a.header = *r.Headers // the response's own header, not reused by net/http
		f.responses.Add(1)
		switch {
		case taken:
			// The transport read the body: colly need not read it again.
			f.setBody(a, body)
			a.taken = true
			r.Request.Abort()
		case skipBody(a.header.Get("Content-Type")):
			a.skipped = true
			r.Request.Abort()
		}
	})
	c.OnResponse(func(r *colly.Response) {
		f.setBody(slot(r.Ctx), r.Body)
	})
	c.OnError(func(r *colly.Response, err error) {
		if r == nil || r.Ctx == nil {
			return
		}
		slot(r.Ctx).err = err
	})
	return f
}

// setBody keeps the first maxBody bytes of a body read to maxBody+1, and
// whether it was cut.
func (f *fetcher) setBody(a *answer, body []byte) {
	a.body = body
	if int64(len(a.body)) > f.maxBody {
		a.body = a.body[:f.maxBody]
		a.truncated = true
	}
}

func slot(ctx *colly.Context) *answer {
	a, _ := ctx.GetAny(slotKey).(*answer)
	if a == nil {
		return &answer{} // a request we did not send; never expected
	}
	return a
}

// skipBody reports content the audit never reads: media and archives.
func skipBody(contentType string) bool {
	ct := strings.ToLower(contentType)
	for _, p := range []string{"image/", "video/", "audio/", "font/", "application/pdf", "application/zip", "application/wasm"} {
		if strings.HasPrefix(ct, p) {
			return true
		}
	}
	return false
}

// get sends one GET as agent and returns the answer without following redirects.
func (f *fetcher) get(u string, agent Agent) answer {
	a := &answer{}
	ctx := colly.NewContext()
	ctx.Put(slotKey, a)
	hdr := f.headers[agent.UserAgent]
	if hdr == nil {
		hdr = requestHeader(agent)
	}
	err := f.c.Request(http.MethodGet, u, nil, ctx, hdr)
	switch {
	case a.skipped, a.taken:
		a.err = nil // aborted on purpose after the headers
	case a.err == nil && err != nil && a.status == 0:
		a.err = err
	}
	// With a status and no error, a failure after the headers (such as a
	// body in an unknown charset) is ignored: the status is the answer.
	return *a
}

func requestHeader(agent Agent) http.Header {
	return http.Header{"User-Agent": {agent.UserAgent}, "Accept": {acceptHeader}}
}

// describe turns a transport error into a short reason a person can act on.
func describe(err error, timeout time.Duration) string {
	if err == nil {
		return ""
	}
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return fmt.Sprintf("timeout after %s", timeout)
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by peer"
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return "DNS: " + dnsErr.Err + " " + dnsErr.Name
	}
	var certErr *tls.CertificateVerificationError
	if errors.As(err, &certErr) {
		return "TLS: " + certErr.Err.Error()
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// unreachable reports transport errors that mean the host cannot be
// audited at all, as opposed to one slow or broken page.
func unreachable(err error) bool {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	return errors.Is(err, syscall.ECONNREFUSED) || errors.As(err, &dnsErr) || errors.As(err, &certErr) ||
		errors.As(err, &recErr) || errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH)
}

package demo

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
)

// responses holds raw HTTP/1.1 responses (status line, headers in their
// original case and order, body) captured on loopback from real servers
// answering a Googlebot request without credentials: Debian 12's nginx,
// Apache, Caddy, HAProxy and lighttpd packages, and Express on Node 20.
// Replaying them makes the demo's walls look exactly like the real thing.
//
//go:embed responses/*.txt
var responses embed.FS

// capture is one recorded response, ready to replay.
type capture struct {
	name   string
	status int
	fields []field // in captured order, names in captured case
	date   bool    // the server sent a Date header
	body   []byte
	// nginxPadding: nginx appends its msie_padding comment lines to error
	// pages when the User-Agent contains "MSIE " or "Chrome/".
	nginxPadding bool
}

type field struct {
	name   string
	values []string
}

// managedHeader reports the headers the Go server writes itself, from what
// the handler does.
func managedHeader(key string) bool {
	switch key {
	case "Date", "Content-Length", "Connection", "Keep-Alive", "Transfer-Encoding":
		return true
	}
	return false
}

// loadCapture parses a raw response with net/http. Bare LF line ends are
// accepted, and the body is everything after the header block whatever
// Content-Length says, so a capture whose line ends were rewritten still
// loads.
func loadCapture(name string) (*capture, error) {
	raw, err := responses.ReadFile("responses/" + name)
	if err != nil {
		return nil, fmt.Errorf("demo response %s: %w", name, err)
	}
	return parseCapture(name, raw)
}

func parseCapture(name string, raw []byte) (*capture, error) {
	src := bytes.NewReader(raw)
	br := bufio.NewReader(src)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return nil, fmt.Errorf("demo response %s: %w", name, err)
	}
	headerLen := len(raw) - src.Len() - br.Buffered()
	c := &capture{name: name, status: resp.StatusCode, body: raw[headerLen:]}

	// http.Header loses the order and case of names; take both from the
	// raw header block, and the values from the parsed header.
	seen := map[string]bool{}
	for _, line := range strings.Split(string(raw[:headerLen]), "\n")[1:] {
		colon := strings.IndexByte(line, ':')
		if colon <= 0 {
			continue
		}
		rawName := strings.TrimSpace(line[:colon])
		key := textproto.CanonicalMIMEHeaderKey(rawName)
		if key == "Date" {
			c.date = true
		}
		if seen[key] || managedHeader(key) {
			continue
		}
		seen[key] = true
		c.fields = append(c.fields, field{name: rawName, values: resp.Header.Values(key)})
	}
	return c, nil
}

// header returns a captured header value, for checks.
func (c *capture) header(key string) string {
	for _, f := range c.fields {
		if textproto.CanonicalMIMEHeaderKey(f.name) == key && len(f.values) > 0 {
			return f.values[0]
		}
	}
	return ""
}

// serve replays the capture. Go's server writes header names as they are
// stored, so the captured case survives (HAProxy's lower-case names, Caddy's
// Www-Authenticate), but it sorts them: the captured order does not.
func (c *capture) serve(w http.ResponseWriter, r *http.Request, padding []byte) {
	h := w.Header()
	for _, f := range c.fields {
		h[f.name] = append([]string(nil), f.values...)
	}
	if _, canonical := h["Content-Type"]; !canonical {
		// No Content-Type (passport) or one under a lower-case name
		// (HAProxy): a nil entry stops Go from sniffing and adding its own.
		h["Content-Type"] = nil
	}
	if !c.date {
		h["Date"] = nil // HAProxy sends none: its absence is a fingerprint
	}
	body := c.body
	if c.nginxPadding && wantsMSIEPadding(r.UserAgent()) {
		body = append(append([]byte(nil), body...), padding...)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(c.status)
	_, _ = w.Write(body) // a client gone away is not the site's problem
}

// wantsMSIEPadding is nginx's test for msie_padding (on by default).
func wantsMSIEPadding(ua string) bool {
	return strings.Contains(ua, "MSIE ") || strings.Contains(ua, "Chrome/")
}

// msiePadding extracts the padding nginx adds for Chrome and MSIE from the
// two captures of the same 401, one without and one with a Chrome UA.
func msiePadding(plain, padded *capture) ([]byte, error) {
	if !bytes.HasPrefix(padded.body, plain.body) || len(padded.body) == len(plain.body) {
		return nil, fmt.Errorf("demo responses %s and %s: the padded body does not extend the plain one", plain.name, padded.name)
	}
	return padded.body[len(plain.body):], nil
}

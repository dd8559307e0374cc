// Package accesslog reads web server access logs as a stream: nginx and
// Apache combined and common lines, a layout given as an nginx log_format
// string, and JSON lines. It also tells search-engine crawlers by their
// product tokens and checks their addresses against the ranges the search
// engines publish. It knows nothing of findings: audit decides what the
// requests mean.
package accesslog

import (
	"bytes"
	"fmt"
	"strings"
)

// Entry is one request as a log line tells it. The byte slices alias the
// line being parsed: they are valid until the next line is read, so a
// caller that keeps one copies it.
type Entry struct {
	Addr      []byte // the client address ($remote_addr, %h)
	User      []byte // the authenticated user; empty when the line has "-"
	Time      []byte // the time as written; ParseTime reads it
	Target    []byte // the request target: path and query
	Status    int
	UserAgent []byte
}

// Parser reads one line into e. A line it cannot read is an error saying
// what is wrong; the caller counts it and goes on.
type Parser interface {
	Parse(line []byte, e *Entry) error
}

// NewParser returns the parser for a layout: "combined" (also reads
// common lines, which lack the referer and User-Agent), "common", "json"
// for JSON lines, or an nginx log_format string such as
// `$remote_addr - $remote_user [$time_local] "$request" $status ...`.
// An empty name is combined.
func NewParser(format string) (Parser, error) {
	switch strings.ToLower(strings.TrimSpace(format)) {
	case "", "combined", "common":
		return combined{}, nil
	case "json":
		return jsonLines{}, nil
	}
	if !strings.Contains(format, "$") {
		return nil, fmt.Errorf("log format %q: want combined, common, json or an nginx log_format string with $variables", format)
	}
	return CompileNginxFormat(format)
}

// splitRequest takes the target out of a request line, "GET /a?b HTTP/1.1".
// A line that is no HTTP request (a TLS handshake sent to a plain port,
// "-") has no target: ok is false, and the line is still well formed.
func splitRequest(req []byte) (target []byte, ok bool) {
	sp := bytes.IndexByte(req, ' ')
	if sp <= 0 {
		return nil, false
	}
	rest := req[sp+1:]
	if end := bytes.IndexByte(rest, ' '); end >= 0 {
		rest = rest[:end]
	}
	if hasPrefixFold(rest, "http://") || hasPrefixFold(rest, "https://") {
		// The absolute form a client sends to a proxy: keep the path.
		host := rest[bytes.Index(rest, []byte("://"))+3:]
		slash := bytes.IndexByte(host, '/')
		if slash < 0 {
			return []byte("/"), true
		}
		rest = host[slash:]
	}
	if len(rest) == 0 || rest[0] != '/' {
		return nil, false
	}
	return rest, true
}

func hasPrefixFold(b []byte, prefix string) bool {
	if len(b) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if lower(b[i]) != prefix[i] {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// parseStatus reads a three-digit HTTP status, 100 to 599: HTTP defines
// no other, so anything else is a line misread.
func parseStatus(b []byte) (int, error) {
	if len(b) != 3 || b[0] < '1' || b[0] > '5' || b[1] < '0' || b[1] > '9' || b[2] < '0' || b[2] > '9' {
		return 0, fmt.Errorf("status %q is not a three-digit HTTP status (100 to 599)", clip(b))
	}
	return int(b[0]-'0')*100 + int(b[1]-'0')*10 + int(b[2]-'0'), nil
}

// clip is the start of a value for an error message.
func clip(b []byte) string {
	const max = 40
	if len(b) > max {
		return string(b[:max]) + "..."
	}
	return string(b)
}

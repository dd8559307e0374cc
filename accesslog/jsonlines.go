package accesslog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// jsonLines reads one JSON object a line. Field names follow what nginx
// users put in a JSON log_format (remote_addr, time_iso8601, request,
// status, http_user_agent) and their common aliases; Caddy's access log,
// whose request is an object with client_ip, uri and headers, reads too.
// Names match without regard to case.
type jsonLines struct{}

// jsonLine lists the names read for each Entry field, in order of
// preference within a field.
type jsonLine struct {
	RemoteAddr jsonText `json:"remote_addr"`
	ClientIP   jsonText `json:"client_ip"`
	RemoteIP   jsonText `json:"remote_ip"`
	IP         jsonText `json:"ip"`

	RemoteUser jsonText `json:"remote_user"`
	User       jsonText `json:"user"`

	Time        jsonText `json:"time"`
	TimeLocal   jsonText `json:"time_local"`
	TimeISO8601 jsonText `json:"time_iso8601"`
	Timestamp   jsonText `json:"timestamp"`
	AtTimestamp jsonText `json:"@timestamp"`
	Msec        jsonText `json:"msec"`
	TS          jsonText `json:"ts"`

	Request    json.RawMessage `json:"request"` // a request line, or Caddy's object
	RequestURI jsonText        `json:"request_uri"`
	URI        jsonText        `json:"uri"`
	Path       jsonText        `json:"path"`

	Status     jsonText `json:"status"`
	StatusCode jsonText `json:"status_code"`

	HTTPUserAgent jsonText `json:"http_user_agent"`
	UserAgent     jsonText `json:"user_agent"`
	Agent         jsonText `json:"agent"`
}

// caddyRequest is the request object of Caddy's access log.
type caddyRequest struct {
	ClientIP jsonText            `json:"client_ip"`
	RemoteIP jsonText            `json:"remote_ip"`
	URI      jsonText            `json:"uri"`
	Headers  map[string][]string `json:"headers"`
}

// jsonText is a string or a number as its text: nginx writes "$status"
// quoted, other loggers write 200.
type jsonText []byte

func (t *jsonText) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = []byte(s)
	case bytes.Equal(b, []byte("null")):
		*t = nil
	case len(b) > 0 && (b[0] == '-' || '0' <= b[0] && b[0] <= '9'):
		*t = append(jsonText(nil), b...)
	default:
		return fmt.Errorf("want a string or a number, got %s", clip(b))
	}
	return nil
}

func first(vs ...jsonText) []byte {
	for _, v := range vs {
		if len(v) > 0 && !(len(v) == 1 && v[0] == '-') {
			return v
		}
	}
	return nil
}

func (jsonLines) Parse(line []byte, e *Entry) error {
	*e = Entry{}
	var l jsonLine
	if err := json.Unmarshal(line, &l); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("not JSON: byte %d: %w", se.Offset, err)
		}
		return fmt.Errorf("not a JSON object of log fields: %w", err)
	}
	e.Addr = first(l.RemoteAddr, l.ClientIP, l.RemoteIP, l.IP)
	e.User = first(l.RemoteUser, l.User)
	e.Time = first(l.TimeISO8601, l.TimeLocal, l.Time, l.Timestamp, l.AtTimestamp, l.Msec, l.TS)
	e.UserAgent = first(l.HTTPUserAgent, l.UserAgent, l.Agent)
	e.Target = first(l.RequestURI, l.URI, l.Path)
	switch r := bytes.TrimSpace(l.Request); {
	case len(r) > 0 && r[0] == '"':
		var req string
		if err := json.Unmarshal(r, &req); err != nil {
			return fmt.Errorf("request: %w", err)
		}
		if t, ok := splitRequest([]byte(req)); ok && e.Target == nil {
			e.Target = t
		}
	case len(r) > 0 && r[0] == '{':
		var cr caddyRequest
		if err := json.Unmarshal(r, &cr); err != nil {
			return fmt.Errorf("request: %w", err)
		}
		if e.Addr == nil {
			e.Addr = first(cr.ClientIP, cr.RemoteIP)
		}
		if e.Target == nil {
			e.Target = first(cr.URI)
		}
		for name, vs := range cr.Headers {
			if len(vs) > 0 && e.UserAgent == nil && strings.EqualFold(name, "User-Agent") {
				e.UserAgent = []byte(vs[0])
			}
		}
	}
	status := first(l.Status, l.StatusCode)
	if status == nil {
		return errors.New("no status field")
	}
	st, err := parseStatus(status)
	if err != nil {
		return err
	}
	e.Status = st
	if e.Addr == nil {
		return errors.New("no client address field (remote_addr, client_ip...)")
	}
	return nil
}

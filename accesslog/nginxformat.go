package accesslog

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// NginxFormat is an nginx log_format string compiled once into the
// sequence of literal text and variables that every line must follow.
// Each variable's value runs up to the literal text that follows it (to
// the end of the line for the last one); nginx escapes the quote and
// control bytes inside values (\x22), so a value cannot contain the quote
// that closes it.
type NginxFormat struct {
	segs []formatSeg
}

type formatSeg struct {
	literal []byte // set for literal text
	field   field  // for a variable
	name    string // the variable, for errors
}

// field is what a variable fills in an Entry.
type field int

const (
	fieldIgnored field = iota
	fieldAddr
	fieldUser
	fieldTime
	fieldRequest // "GET /a HTTP/1.1"
	fieldTarget  // $request_uri, $uri: the target alone
	fieldStatus
	fieldUserAgent
)

// nginxFields maps the variables authwall reads to the Entry field they
// fill; every other variable is matched and ignored.
var nginxFields = map[string]field{
	"remote_addr":     fieldAddr,
	"remote_user":     fieldUser,
	"time_local":      fieldTime,
	"time_iso8601":    fieldTime,
	"msec":            fieldTime,
	"request":         fieldRequest,
	"request_uri":     fieldTarget,
	"uri":             fieldTarget,
	"status":          fieldStatus,
	"http_user_agent": fieldUserAgent,
}

// CompileNginxFormat compiles a log_format string, the text between the
// quotes of nginx's log_format directive. It needs $status, $request (or
// $request_uri or $uri), $http_user_agent and $remote_addr; two variables
// with nothing between them cannot be told apart and are an error.
func CompileNginxFormat(format string) (*NginxFormat, error) {
	f := &NginxFormat{}
	seen := map[field]bool{}
	var lit []byte
	for i := 0; i < len(format); {
		c := format[i]
		if c != '$' {
			lit = append(lit, c)
			i++
			continue
		}
		name, n := varName(format[i+1:])
		if name == "" {
			return nil, fmt.Errorf("log format: byte %d: $ without a variable name (write a literal $ as it appears in the log)", i+1)
		}
		i += 1 + n
		if len(lit) > 0 {
			f.segs = append(f.segs, formatSeg{literal: lit})
			lit = nil
		} else if len(f.segs) > 0 {
			return nil, fmt.Errorf("log format: $%s follows $%s with nothing between them, so their values cannot be told apart", name, f.segs[len(f.segs)-1].name)
		}
		fd := nginxFields[name]
		seen[fd] = true
		f.segs = append(f.segs, formatSeg{field: fd, name: name})
	}
	if len(lit) > 0 {
		f.segs = append(f.segs, formatSeg{literal: lit})
	}
	var missing []string
	if !seen[fieldAddr] {
		missing = append(missing, "$remote_addr")
	}
	if !seen[fieldRequest] && !seen[fieldTarget] {
		missing = append(missing, "$request (or $request_uri)")
	}
	if !seen[fieldStatus] {
		missing = append(missing, "$status")
	}
	if !seen[fieldUserAgent] {
		missing = append(missing, "$http_user_agent")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("log format %q: lacks %s, which authwall needs", clip([]byte(format)), strings.Join(missing, ", "))
	}
	return f, nil
}

// varName reads a variable name after $: letters, digits and _, or ${name}.
func varName(s string) (name string, n int) {
	if strings.HasPrefix(s, "{") {
		end := strings.IndexByte(s, '}')
		if end < 2 {
			return "", 0
		}
		return s[1:end], end + 1
	}
	for n < len(s) && (s[n] == '_' || 'a' <= s[n] && s[n] <= 'z' || 'A' <= s[n] && s[n] <= 'Z' || '0' <= s[n] && s[n] <= '9') {
		n++
	}
	return s[:n], n
}

// HasTime reports whether the format logs the request time.
func (f *NginxFormat) HasTime() bool {
	for _, s := range f.segs {
		if s.literal == nil && s.field == fieldTime {
			return true
		}
	}
	return false
}

// Parse matches one line against the format.
func (f *NginxFormat) Parse(line []byte, e *Entry) error {
	*e = Entry{}
	rest := line
	for i, s := range f.segs {
		if s.literal != nil {
			if !bytes.HasPrefix(rest, s.literal) {
				return fmt.Errorf("byte %d: want %q", len(line)-len(rest)+1, clip(s.literal))
			}
			rest = rest[len(s.literal):]
			continue
		}
		value := rest
		if i+1 < len(f.segs) {
			next := f.segs[i+1].literal
			end := bytes.Index(rest, next)
			if end < 0 {
				return fmt.Errorf("$%s: no %q after it", s.name, clip(next))
			}
			value = rest[:end]
		}
		rest = rest[len(value):]
		if err := e.set(s.field, value); err != nil {
			return fmt.Errorf("$%s: %w", s.name, err)
		}
	}
	if len(e.Addr) == 0 {
		return errors.New("$remote_addr is empty")
	}
	return nil
}

// set fills one field from a variable's value; "-" is nginx's empty value.
func (e *Entry) set(fd field, v []byte) error {
	if len(v) == 1 && v[0] == '-' && fd != fieldStatus {
		return nil
	}
	switch fd {
	case fieldAddr:
		e.Addr = v
	case fieldUser:
		e.User = v
	case fieldTime:
		e.Time = v
	case fieldRequest:
		if t, ok := splitRequest(v); ok && e.Target == nil {
			e.Target = t
		}
	case fieldTarget:
		e.Target = v
	case fieldStatus:
		st, err := parseStatus(v)
		if err != nil {
			return err
		}
		e.Status = st
	case fieldUserAgent:
		e.UserAgent = v
	}
	return nil
}

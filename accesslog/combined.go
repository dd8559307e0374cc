package accesslog

import (
	"bytes"
	"errors"
	"fmt"
)

// combined reads the combined and common layouts that nginx and Apache
// write by default:
//
//	%h %l %u %t "%r" %>s %b ["%{Referer}i" "%{User-Agent}i"]
//
// with a hand-written field scanner rather than a regular expression:
// this runs once per line of logs that reach gigabytes. Fields after the
// User-Agent (nginx's "$http_x_forwarded_for", say) are ignored.
type combined struct{}

func (combined) Parse(line []byte, e *Entry) error {
	*e = Entry{}
	rest := line
	var err error
	if e.Addr, rest, err = word(rest, "client address"); err != nil {
		return err
	}
	if _, rest, err = word(rest, "ident"); err != nil {
		return err
	}
	var user []byte
	if user, rest, err = word(rest, "user"); err != nil {
		return err
	}
	if !(len(user) == 1 && user[0] == '-') {
		e.User = user
	}
	if len(rest) == 0 || rest[0] != '[' {
		return errors.New("no [time] after the user")
	}
	end := bytes.IndexByte(rest, ']')
	if end < 0 {
		return errors.New("time has no closing ]")
	}
	e.Time, rest = rest[1:end], rest[end+1:]
	if rest, err = space(rest, "time"); err != nil {
		return err
	}
	var req []byte
	if req, rest, err = quoted(rest, "request"); err != nil {
		return err
	}
	e.Target, _ = splitRequest(req)
	if rest, err = space(rest, "request"); err != nil {
		return err
	}
	var status []byte
	if status, rest, err = word(rest, "status"); err != nil {
		return err
	}
	if e.Status, err = parseStatus(status); err != nil {
		return err
	}
	// The size ends a common line; combined goes on with two quoted fields.
	sp := bytes.IndexByte(rest, ' ')
	if sp < 0 {
		return nil
	}
	rest = rest[sp+1:]
	if _, rest, err = quoted(rest, "referer"); err != nil {
		return err
	}
	if rest, err = space(rest, "referer"); err != nil {
		return err
	}
	if e.UserAgent, _, err = quoted(rest, "User-Agent"); err != nil {
		return err
	}
	return nil
}

// word is the text up to the next space, and what follows that space.
func word(b []byte, what string) (w, rest []byte, err error) {
	sp := bytes.IndexByte(b, ' ')
	if sp <= 0 {
		return nil, nil, fmt.Errorf("no %s field", what)
	}
	return b[:sp], b[sp+1:], nil
}

// space skips the one space after a field.
func space(b []byte, after string) ([]byte, error) {
	if len(b) == 0 || b[0] != ' ' {
		return nil, fmt.Errorf("no space after the %s", after)
	}
	return b[1:], nil
}

// quoted reads a "..." field. A backslash escapes the next byte, as
// Apache writes \" inside a field; nginx writes \x22 instead, which needs
// nothing special.
func quoted(b []byte, what string) (field, rest []byte, err error) {
	if len(b) == 0 || b[0] != '"' {
		return nil, nil, fmt.Errorf("%s does not start with \"", what)
	}
	for i := 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return b[1:i], b[i+1:], nil
		}
	}
	return nil, nil, fmt.Errorf("%s has no closing \"", what)
}

package serverconf

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

// lighttpd's config values and the expressions that build them: strings,
// integers and arrays, joined with + and merged with +=, with variables
// looked up through the enclosing scopes.

// lighttpdValue is a config value: a string, an integer or an array.
type lighttpdValue struct {
	kind  byte // 's', 'i' or 'a'
	str   string
	num   int64
	elems []*lighttpdElem
}

// lighttpdElem is one array element with the place it was written.
type lighttpdElem struct {
	key   string
	keyed bool
	val   *lighttpdValue
	file  string
	line  int
}

func (v *lighttpdValue) copy() *lighttpdValue {
	c := *v
	c.elems = nil
	for _, e := range v.elems {
		ec := *e
		ec.val = e.val.copy()
		c.elems = append(c.elems, &ec)
	}
	return &c
}

// text renders the value in lighttpd's syntax.
func (v *lighttpdValue) text() string {
	switch v.kind {
	case 'i':
		return strconv.FormatInt(v.num, 10)
	case 'a':
		var parts []string
		for _, e := range v.elems {
			s := e.val.text()
			if e.keyed {
				s = lighttpdQuote(e.key) + " => " + s
			}
			parts = append(parts, s)
		}
		if len(parts) == 0 {
			return "( )"
		}
		return "( " + strings.Join(parts, ", ") + " )"
	}
	return lighttpdQuote(v.str)
}

func lighttpdQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// scalar is the value as a condition or a key sees it.
func (v *lighttpdValue) scalar() (string, bool) {
	switch v.kind {
	case 's':
		return v.str, true
	case 'i':
		return strconv.FormatInt(v.num, 10), true
	}
	return "", false
}

// Bounds on what one config may ask of the reader: nesting deeper than
// lighttpdMaxNesting, or a value that `+` grows past lighttpdMaxValueSize
// (a variable added to itself line after line doubles each time), is
// refused rather than followed into a stack overflow or exhausted memory.
const (
	lighttpdMaxNesting   = 64
	lighttpdMaxValueSize = 1 << 20
)

// size is about how many bytes the value holds: its string, or its
// elements' keys and values.
func (v *lighttpdValue) size() int {
	n := len(v.str) + 8
	for _, e := range v.elems {
		n += len(e.key) + e.val.size()
	}
	return n
}

// lighttpdMerge is lighttpd's `+`: strings concatenate (an integer turns
// into its digits), integers add, arrays append (a repeated key, compared
// without case, is an error unless it repeats the same scalar).
func lighttpdMerge(a, b *lighttpdValue) (*lighttpdValue, error) {
	if a.kind != b.kind {
		as, aok := a.scalar()
		bs, bok := b.scalar()
		if aok && bok {
			return &lighttpdValue{kind: 's', str: as + bs}, nil
		}
		return nil, fmt.Errorf("cannot merge an array with a scalar")
	}
	out := a.copy()
	switch a.kind {
	case 's':
		out.str += b.str
	case 'i':
		out.num += b.num
	case 'a':
		for _, e := range b.elems {
			if e.keyed {
				if i := slices.IndexFunc(out.elems, func(o *lighttpdElem) bool { return o.keyed && strings.EqualFold(o.key, e.key) }); i >= 0 {
					if out.elems[i].val.kind != 'a' && out.elems[i].val.text() == e.val.text() {
						continue
					}
					return nil, fmt.Errorf("duplicate array key %q", e.key)
				}
			}
			ec := *e
			ec.val = e.val.copy()
			out.elems = append(out.elems, &ec)
		}
	}
	return out, nil
}

// lighttpdScope is one config context (global or a condition) and the
// values assigned in it so far; lighttpd looks variables up through the
// enclosing scopes, and a condition written twice is one scope. Keys are
// case-insensitive, as in every lighttpd array (vals holds them lower case).
type lighttpdScope struct {
	key    string
	parent *lighttpdScope
	vals   map[string]*lighttpdValue
}

func (s *lighttpdScope) lookup(key string) *lighttpdValue {
	key = strings.ToLower(key)
	for ; s != nil; s = s.parent {
		if v, ok := s.vals[key]; ok {
			return v
		}
	}
	return nil
}

// expression is value (+ value)*.
func (p *lighttpdParser) expression(scope *lighttpdScope) (*lighttpdValue, error) {
	v, err := p.value(scope)
	if err != nil {
		return nil, err
	}
	for p.peek().kind == ltPlus {
		t := p.next()
		w, err := p.value(scope)
		if err != nil {
			return nil, err
		}
		if v, err = lighttpdMerge(v, w); err != nil {
			return nil, p.errAt(t.line, "%v", err)
		}
		if v.size() > lighttpdMaxValueSize {
			return nil, p.errAt(t.line, "value grows beyond %d bytes", lighttpdMaxValueSize)
		}
	}
	return v, nil
}

func (p *lighttpdParser) value(scope *lighttpdScope) (*lighttpdValue, error) {
	t := p.next()
	switch t.kind {
	case ltString:
		if m := lighttpdPlaceholder.FindString(t.text); m != "" {
			return nil, p.errAt(t.line, "%q looks like an unrendered template placeholder; render the template first", m)
		}
		return &lighttpdValue{kind: 's', str: t.text}, nil
	case ltInteger:
		n, err := strconv.ParseInt(t.text, 10, 64)
		if err != nil {
			return nil, p.errAt(t.line, "bad number %s", t.text)
		}
		return &lighttpdValue{kind: 'i', num: n}, nil
	case ltKey:
		key := t.text
		if strings.HasPrefix(key, "env.") {
			env, ok := os.LookupEnv(key[4:])
			if !ok {
				return nil, p.errAt(t.line, "undefined env variable %s", key[4:])
			}
			return &lighttpdValue{kind: 's', str: env}, nil
		}
		if !strings.Contains(key, ".") {
			key = "var." + key
		}
		v := scope.lookup(key)
		if v == nil {
			return nil, p.errAt(t.line, "undefined config variable %s", key)
		}
		return v.copy(), nil
	case ltLParen:
		return p.array(scope, t)
	}
	return nil, p.errAt(t.line, "expected a value, found %s", t.describe())
}

func (p *lighttpdParser) array(scope *lighttpdScope, open lighttpdTok) (*lighttpdValue, error) {
	a := &lighttpdValue{kind: 'a'}
	for {
		t := p.peek()
		switch t.kind {
		case ltRParen:
			p.next()
			return a, nil
		case ltComma:
			p.next()
			continue
		case ltEOF:
			return nil, p.errAt(open.line, "array not closed")
		}
		v, err := p.expression(scope)
		if err != nil {
			return nil, err
		}
		e := &lighttpdElem{val: v, file: p.file, line: t.line}
		if p.peek().kind == ltArrow {
			p.next()
			key, ok := v.scalar()
			if !ok {
				return nil, p.errAt(t.line, "an array key must be a string")
			}
			if e.val, err = p.expression(scope); err != nil {
				return nil, err
			}
			e.key, e.keyed = key, true
			if slices.ContainsFunc(a.elems, func(o *lighttpdElem) bool { return o.keyed && strings.EqualFold(o.key, key) }) {
				return nil, p.errAt(t.line, "duplicate array key %q", key)
			}
		}
		a.elems = append(a.elems, e)
		if k := p.peek().kind; k != ltComma && k != ltRParen {
			return nil, p.errAt(p.peek().line, "expected , or ) in array, found %s", p.peek().describe())
		}
	}
}

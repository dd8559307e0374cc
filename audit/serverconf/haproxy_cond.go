package serverconf

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// haproxyVersion is the version the .if predicates compare against:
// Debian 12's haproxy, the one the differential test runs.
const haproxyVersion = "2.6.12"

// haproxyFeatures are the build features of Debian 12's haproxy
// (haproxy -vv), for feature(NAME).
var haproxyFeatures = []string{
	"ACCEPT4", "BACKTRACE", "CPU_AFFINITY", "CRYPT_H", "DL", "EPOLL", "GETADDRINFO", "LIBCRYPT",
	"LINUX_SPLICE", "LINUX_TPROXY", "LUA", "NETFILTER", "NS", "OPENSSL", "OT", "PCRE2", "PCRE2_JIT",
	"POLL", "PRCTL", "PROMEX", "RT", "SLZ", "SYSTEMD", "TFO", "THREAD", "THREAD_DUMP", "TPROXY",
}

// haproxyEvalCond evaluates the condition of .if/.elif (configuration
// manual §2.4): an empty string is false, 0 false and other integers true,
// predicates defined(), feature(), streq(), strneq(), version_atleast(),
// version_before(), combined with !, &&, || and parentheses.
func haproxyEvalCond(text string) (bool, error) {
	p := &haproxyCondParser{s: text}
	p.skip()
	if p.i == len(p.s) {
		return false, nil
	}
	v, err := p.or()
	if err != nil {
		return false, err
	}
	p.skip()
	if p.i != len(p.s) {
		return false, fmt.Errorf("unparsable condition %q near %q", text, p.s[p.i:])
	}
	return v, nil
}

type haproxyCondParser struct {
	s     string
	i     int
	depth int
}

func (p *haproxyCondParser) skip() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *haproxyCondParser) or() (bool, error) {
	v, err := p.and()
	if err != nil {
		return false, err
	}
	for p.skip(); strings.HasPrefix(p.s[p.i:], "||"); p.skip() {
		p.i += 2
		w, err := p.and()
		if err != nil {
			return false, err
		}
		v = v || w
	}
	return v, nil
}

func (p *haproxyCondParser) and() (bool, error) {
	v, err := p.term()
	if err != nil {
		return false, err
	}
	for p.skip(); strings.HasPrefix(p.s[p.i:], "&&"); p.skip() {
		p.i += 2
		w, err := p.term()
		if err != nil {
			return false, err
		}
		v = v && w
	}
	return v, nil
}

func (p *haproxyCondParser) term() (bool, error) {
	p.skip()
	if p.i >= len(p.s) {
		return false, fmt.Errorf("condition %q ends early", p.s)
	}
	switch c := p.s[p.i]; {
	case c == '!':
		p.i++
		v, err := p.term()
		return !v, err
	case c == '(':
		if p.depth++; p.depth > 64 {
			return false, fmt.Errorf("condition %q nests too deep", p.s)
		}
		p.i++
		v, err := p.or()
		if err != nil {
			return false, err
		}
		p.skip()
		if p.i >= len(p.s) || p.s[p.i] != ')' {
			return false, fmt.Errorf("condition %q lacks a closing parenthesis", p.s)
		}
		p.i++
		p.depth--
		return v, nil
	case c >= '0' && c <= '9' || c == '-':
		start := p.i
		p.i++
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
		n, err := strconv.Atoi(p.s[start:p.i])
		if err != nil {
			return false, fmt.Errorf("condition %q: bad number %q", p.s, p.s[start:p.i])
		}
		return n != 0, nil
	}
	start := p.i
	for p.i < len(p.s) && (p.s[p.i] == '_' || p.s[p.i] >= 'a' && p.s[p.i] <= 'z' || p.s[p.i] >= 'A' && p.s[p.i] <= 'Z' || p.s[p.i] >= '0' && p.s[p.i] <= '9') {
		p.i++
	}
	name := p.s[start:p.i]
	if p.i >= len(p.s) || p.s[p.i] != '(' {
		return false, fmt.Errorf("condition %q: unknown term %q", p.s, p.s[start:])
	}
	end := strings.IndexByte(p.s[p.i:], ')')
	if end < 0 {
		return false, fmt.Errorf("condition %q: %s( is not closed", p.s, name)
	}
	args := strings.Split(p.s[p.i+1:p.i+end], ",")
	p.i += end + 1
	return haproxyPredicate(name, args)
}

func haproxyPredicate(name string, args []string) (bool, error) {
	want := map[string]int{"defined": 1, "feature": 1, "streq": 2, "strneq": 2, "version_atleast": 1, "version_before": 1}
	n, known := want[name]
	if !known {
		return false, fmt.Errorf("unknown predicate %s() in a .if condition (haproxy 2.6 knows defined, feature, streq, strneq, version_atleast, version_before)", name)
	}
	if len(args) != n {
		return false, fmt.Errorf("%s() takes %d argument(s)", name, n)
	}
	switch name {
	case "defined":
		_, ok := os.LookupEnv(args[0])
		return ok, nil
	case "feature":
		for _, f := range haproxyFeatures {
			if f == args[0] {
				return true, nil
			}
		}
		return false, nil
	case "streq":
		return args[0] == args[1], nil
	case "strneq":
		return args[0] != args[1], nil
	case "version_atleast":
		return haproxyCompareVersions(haproxyVersion, args[0]) >= 0, nil
	}
	return haproxyCompareVersions(haproxyVersion, args[0]) < 0, nil
}

// haproxyCompareVersions compares dotted versions numerically ("2.6.12"
// against "2.10"); a missing part counts as 0, anything after the digits
// of a part is ignored.
func haproxyCompareVersions(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) || i < len(pb); i++ {
		x, y := haproxyVersionPart(pa, i), haproxyVersionPart(pb, i)
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

func haproxyVersionPart(parts []string, i int) int {
	if i >= len(parts) {
		return 0
	}
	s := parts[i]
	j := 0
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	n, _ := strconv.Atoi(s[:j])
	return n
}

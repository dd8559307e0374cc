package accesslog

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"slices"
	"strings"
)

// Ranges is a set of address prefixes, as the search engines publish them
// for their crawlers. Lookups cost one map probe per distinct prefix
// length, whatever the number of prefixes.
type Ranges struct {
	byBits map[int]map[netip.Prefix]bool
	bits   []int // the prefix lengths present, longest first
	n      int
}

// rangesFile is the JSON Google and Bing publish:
// {"creationTime": "...", "prefixes": [{"ipv4Prefix": "66.249.64.0/27"},
// {"ipv6Prefix": "2001:4860:4801:10::/64"}]}.
type rangesFile struct {
	CreationTime string `json:"creationTime"`
	Prefixes     *[]struct {
		IPv4 string `json:"ipv4Prefix"`
		IPv6 string `json:"ipv6Prefix"`
	} `json:"prefixes"`
}

// LoadRanges reads a ranges file; errors name it.
func LoadRanges(file string) (*Ranges, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("read ranges: %w", err)
	}
	defer f.Close()
	return ParseRanges(f, file)
}

// ParseRanges reads the published ranges JSON; name is the file, for
// errors.
func ParseRanges(r io.Reader, name string) (*Ranges, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read ranges %s: %w", name, err)
	}
	var rf rangesFile
	if err := json.Unmarshal(data, &rf); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("ranges %s:%d: not JSON: %w", name, lineAt(data, se.Offset), err)
		}
		return nil, fmt.Errorf("ranges %s: want {\"prefixes\": [{\"ipv4Prefix\": ...}]}: %w", name, err)
	}
	if rf.Prefixes == nil {
		return nil, fmt.Errorf("ranges %s: no \"prefixes\" list (want the JSON the search engines publish, such as googlebot.json)", name)
	}
	out := &Ranges{byBits: map[int]map[netip.Prefix]bool{}}
	for i, p := range *rf.Prefixes {
		for _, v := range []struct{ key, text string }{{"ipv4Prefix", p.IPv4}, {"ipv6Prefix", p.IPv6}} {
			if v.text == "" {
				continue
			}
			pre, err := netip.ParsePrefix(strings.TrimSpace(v.text))
			if err != nil || (v.key == "ipv4Prefix") != pre.Addr().Is4() {
				return nil, fmt.Errorf("ranges %s: prefixes[%d]: %s %q is not an %s prefix", name, i, v.key, v.text, strings.TrimSuffix(v.key, "Prefix"))
			}
			out.add(pre)
		}
	}
	return out, nil
}

func (r *Ranges) add(p netip.Prefix) {
	p = p.Masked()
	if a := p.Addr(); a.Is4In6() {
		// ::ffff:66.249.64.0/115 is 66.249.64.0/19: Contains unmaps the
		// address it checks, so the mapped prefix would match nothing.
		p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
	}
	set := r.byBits[p.Bits()]
	if set == nil {
		set = map[netip.Prefix]bool{}
		r.byBits[p.Bits()] = set
		r.bits = append(r.bits, p.Bits())
		slices.SortFunc(r.bits, func(a, b int) int { return b - a })
	}
	if !set[p] {
		set[p] = true
		r.n++
	}
}

// Merge adds other's prefixes.
func (r *Ranges) Merge(other *Ranges) {
	for _, set := range other.byBits {
		for p := range set {
			r.add(p)
		}
	}
}

// Len is the number of distinct prefixes.
func (r *Ranges) Len() int { return r.n }

// Contains reports whether a is inside one of the prefixes. An IPv4
// address written as IPv6 (::ffff:66.249.66.1) is taken as IPv4.
func (r *Ranges) Contains(a netip.Addr) bool {
	a = a.Unmap()
	for _, bits := range r.bits {
		if bits > a.BitLen() {
			continue
		}
		p, err := a.Prefix(bits)
		if err == nil && r.byBits[bits][p] {
			return true
		}
	}
	return false
}

// lineAt is the 1-based line of a byte offset.
func lineAt(data []byte, offset int64) int {
	n := 1
	for i := int64(0); i < offset && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			n++
		}
	}
	return n
}

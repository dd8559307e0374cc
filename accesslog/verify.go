package accesslog

import (
	"net/netip"
	"strings"
)

// Verdict says whether a request that claims to be a crawler came from
// the crawler's published addresses.
type Verdict int

const (
	// Unverified: no ranges were given for the crawler's search engine,
	// or the log holds no address to check (a host name).
	Unverified Verdict = iota
	// Verified: the address is inside the engine's published ranges.
	Verified
	// Spoofed: the address is outside them; someone else sent the
	// crawler's User-Agent.
	Spoofed
)

func (v Verdict) String() string {
	switch v {
	case Verified:
		return "verified"
	case Spoofed:
		return "spoofed"
	}
	return "unverified"
}

// Verifier checks crawler addresses against published ranges, per search
// engine. Ranges given for no engine in particular apply to every engine.
type Verifier struct {
	any     *Ranges
	engines map[string]*Ranges
}

// Engines lists the search engines a ranges file can be given for.
func Engines() []string { return []string{"google", "bing"} }

// Add gives ranges for an engine ("google", "bing"), or for every engine
// when engine is "".
func (v *Verifier) Add(engine string, r *Ranges) {
	if v.engines == nil {
		v.engines = map[string]*Ranges{}
	}
	key := strings.ToLower(engine)
	if key == "" {
		if v.any == nil {
			v.any = &Ranges{byBits: map[int]map[netip.Prefix]bool{}}
		}
		v.any.Merge(r)
		return
	}
	if v.engines[key] == nil {
		v.engines[key] = &Ranges{byBits: map[int]map[netip.Prefix]bool{}}
	}
	v.engines[key].Merge(r)
}

// Active reports whether any ranges were given.
func (v *Verifier) Active() bool { return v != nil && (v.any != nil || len(v.engines) > 0) }

// Verify checks a crawler request's address, as the log wrote it.
func (v *Verifier) Verify(c Crawler, addr []byte) Verdict {
	if !v.Active() {
		return Unverified
	}
	r := v.engines[c.Engine]
	if r == nil {
		r = v.any
	}
	if r == nil {
		return Unverified
	}
	a, ok := parseAddr(addr)
	if !ok {
		return Unverified
	}
	if r.Contains(a) {
		return Verified
	}
	return Spoofed
}

// parseAddr reads a client address: IPv4, IPv6 (bracketed or not, with a
// zone or not) and either with a port.
func parseAddr(b []byte) (netip.Addr, bool) {
	s := string(b)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.WithZone("").Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().WithZone("").Unmap(), true
	}
	if a, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
		return a.WithZone("").Unmap(), true
	}
	return netip.Addr{}, false
}

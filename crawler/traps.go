package crawler

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// Crawler traps are link generators with no end: calendars whose "next
// month" never runs out, relative links that grow a path (/a/a/a/...),
// lists whose pages and sort orders multiply, session ids that make every
// link new. Left alone they spend the whole --max-pages budget on one
// pattern. The guard below cuts them early, from the URL alone, and only
// for URLs found in links and redirects: the start URL, declared seeds and
// sitemap entries were asked for and are always fetched.
//
// Thresholds lean towards fetching: a trap that runs a little longer costs
// some requests, a legitimate page cut is a wall the audit never sees.
const (
	// A segment repeated this many times in a row is as far as real sites
	// go (/docs/docs/ happens; /a/a/a/a/ is a relative link looping).
	trapMaxRepeat = 3
	// A segment that comes back this often anywhere in a path is a loop of
	// several relative links (/a/x/a/x/...); the cap keeps the number of
	// such paths small, where the depth cap alone would let them multiply.
	trapMaxOccurrences = 4
	// Deeper paths are generated; the deepest real sites stay well under.
	trapMaxSegments = 32
	// trapMinChain is the shortest run of same-template discoveries cut.
	// Pages that share a template on a real site (posts, products) are
	// listed from index pages and link each other in many directions, so
	// each is found a few steps from the first of its kind. A calendar or
	// an endless list finds each URL from the previous one: the run grows
	// by one per page. A run of 100 is a pagination of 1,000-2,000 items.
	trapMinChain = 100
	// The run allowed grows with the budget (MaxPages/50: 200 at the
	// default 10,000), so a deep but finite pagination of a big site is
	// not cut when the user asked for a big crawl, while one trap still
	// takes a small share of the budget (a few times the run length, as
	// both directions and a few variants per page are followed).
	trapChainShare = 50
	// Cut URLs are remembered so that one URL linked from many pages is
	// counted once; past this many the count may include repeats.
	trapMaxRemembered = 100000
)

// sessionParam reports query or path parameters that carry a session: the
// same page under a new URL on every visit. Only "sid" is also used for
// other things (a story or site id), so it is stripped only when its value
// is long enough to be a session token (always is false).
func sessionParam(lowerKey string) (known, always bool) {
	switch {
	case lowerKey == "jsessionid", lowerKey == "phpsessid", lowerKey == "sessionid", lowerKey == "session_id",
		strings.HasPrefix(lowerKey, "aspsessionid"):
		return true, true
	case lowerKey == "sid":
		return true, false
	}
	return false, false
}

const minSessionValue = 16

// trapGuard decides, under the run's lock, which linked URLs are cut.
type trapGuard struct {
	maxChain int
	patterns map[string]*trapPattern // by template
	path     map[string]*trapPattern // path-shape rules, by description
	cut      map[string]bool
	stripped map[string]int // session parameter -> links stripped
}

// trapPattern is one URL template and what the crawl did with it.
type trapPattern struct {
	name    string // the note's name: path template and query keys
	path    string // path template alone; runs are counted on it
	visited int    // pages visited, counted by the run when it visits one
	skipped int
	cut     bool // some URL of the pattern was cut
}

func newTrapGuard(maxPages int) *trapGuard {
	return &trapGuard{
		maxChain: max(trapMinChain, maxPages/trapChainShare),
		patterns: map[string]*trapPattern{},
		path:     map[string]*trapPattern{},
		cut:      map[string]bool{},
		stripped: map[string]int{},
	}
}

// stripSessions removes session-id parameters from a linked URL, in the
// query and in path parameters (";jsessionid=..."), so that the page is
// one URL however many sessions link to it. u is changed in place; the
// names of the parameters removed are returned. It needs no lock.
func stripSessions(u *url.URL) (stripped []string) {
	// Every name sessionParam knows contains "sid" or "session": most
	// links are let through without splitting anything.
	if !containsFold(u.RawQuery, "sid") && !containsFold(u.RawQuery, "session") &&
		!containsFold(u.Path, "sid") && !containsFold(u.Path, "session") {
		return nil
	}
	if strings.IndexByte(u.Path, ';') >= 0 {
		p, changed := stripPathParams(u.EscapedPath(), &stripped)
		if changed {
			if dec, err := url.PathUnescape(p); err == nil {
				u.Path, u.RawPath = dec, ""
				if u.EscapedPath() != p {
					u.RawPath = p
				}
			}
		}
	}
	if u.RawQuery == "" {
		return
	}
	parts := strings.Split(u.RawQuery, "&")
	kept := parts[:0]
	for _, kv := range parts {
		k, v, _ := strings.Cut(kv, "=")
		if isSession(k, v, &stripped) {
			continue
		}
		kept = append(kept, kv)
	}
	if len(kept) != len(parts) {
		u.RawQuery = strings.Join(kept, "&")
	}
	return stripped
}

func stripPathParams(p string, stripped *[]string) (string, bool) {
	segs := strings.Split(p, "/")
	changed := false
	for i, s := range segs {
		name, params, ok := strings.Cut(s, ";")
		if !ok {
			continue
		}
		var keep []string
		for _, kv := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(kv, "=")
			if isSession(k, v, stripped) {
				changed = true
				continue
			}
			keep = append(keep, kv)
		}
		if len(keep) > 0 {
			name += ";" + strings.Join(keep, ";")
		}
		segs[i] = name
	}
	return strings.Join(segs, "/"), changed
}

func isSession(key, value string, stripped *[]string) bool {
	k := strings.ToLower(key)
	ok, always := sessionParam(k)
	if !ok || (!always && len(value) < minSessionValue) {
		return false
	}
	*stripped = append(*stripped, k)
	return true
}

// containsFold reports whether s contains the lower-case ASCII word w in
// any case, without allocating.
func containsFold(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		j := 0
		for j < len(w) && s[i+j]|0x20 == w[j] {
			j++
		}
		if j == len(w) {
			return true
		}
	}
	return false
}

// noteStripped records session parameters stripped from one link.
func (g *trapGuard) noteStripped(names []string) {
	for _, n := range names {
		g.stripped[n]++
	}
}

// check decides on a new linked URL. chain is how many discoveries in a
// row led here through the same path template, counted from the referrer's.
// It returns the URL's pattern and run length when the URL may be visited,
// and ok false when it is cut.
func (g *trapGuard) check(u *url.URL, key string, linked bool, from *page) (pat *trapPattern, chain int, ok bool) {
	if linked && g.cut[key] {
		return nil, 0, false
	}
	path := u.EscapedPath()
	if linked {
		if p := g.pathRule(path); p != nil {
			g.skip(p, key)
			return nil, 0, false
		}
	}
	pt := pathTemplate(path)
	name := pt
	if u.RawQuery != "" {
		name += " (query " + queryKeys(u.RawQuery) + ")"
	}
	pat = g.patterns[name]
	if pat == nil {
		pat = &trapPattern{name: name, path: pt}
		g.patterns[name] = pat
	}
	if from != nil && from.pattern != nil && from.pattern.path == pt {
		chain = int(from.chain) + 1
	}
	if linked && chain >= g.maxChain {
		g.skip(pat, key)
		return nil, 0, false
	}
	return pat, chain, true
}

func (g *trapGuard) skip(p *trapPattern, key string) {
	p.skipped++
	p.cut = true
	if len(g.cut) < trapMaxRemembered {
		g.cut[key] = true
	}
}

// pathRule returns the rule a generated-looking path breaks, or nil.
func (g *trapGuard) pathRule(path string) *trapPattern {
	rest := strings.TrimPrefix(path, "/")
	n, run, prev := 0, 0, ""
	var segs [trapMaxSegments]string
	for {
		seg, r, more := strings.Cut(rest, "/")
		if n < len(segs) {
			seen := 0
			for _, s := range segs[:n] {
				if s == seg {
					seen++
				}
			}
			if seen >= trapMaxOccurrences && seg != "" {
				return g.pathPattern(fmt.Sprintf("growing path (segment %q more than %d times)", seg, trapMaxOccurrences))
			}
			segs[n] = seg
		}
		n++
		if n > 1 && seg == prev {
			run++
		} else {
			run = 1
		}
		prev = seg
		if run > trapMaxRepeat {
			return g.pathPattern(fmt.Sprintf("growing path /…/%s/%s/%s/%s/… (segment %q repeated more than %d times in a row)", seg, seg, seg, seg, seg, trapMaxRepeat))
		}
		if n > trapMaxSegments {
			return g.pathPattern(fmt.Sprintf("paths deeper than %d segments", trapMaxSegments))
		}
		if !more {
			return nil
		}
		rest = r
	}
}

func (g *trapGuard) pathPattern(name string) *trapPattern {
	p := g.path[name]
	if p == nil {
		p = &trapPattern{name: name}
		g.path[name] = p
	}
	return p
}

// notes returns one line per pattern that was cut and one for stripped
// session ids, sorted so that two runs of one site read alike.
func (g *trapGuard) notes() []string {
	var out []string
	for _, p := range g.patterns {
		if p.cut {
			out = append(out, fmt.Sprintf("crawler trap cut: %s: %d URLs visited, %d more skipped (each of them found from another of the same pattern, %d in a row)", p.name, p.visited, p.skipped, g.maxChain))
		}
	}
	for _, p := range g.path {
		out = append(out, fmt.Sprintf("crawler trap cut: %s: %d URLs skipped", p.name, p.skipped))
	}
	sort.Strings(out)
	if len(g.stripped) > 0 {
		var names []string
		n := 0
		for k, c := range g.stripped {
			names = append(names, k)
			n += c
		}
		sort.Strings(names)
		out = append(out, fmt.Sprintf("crawler trap cut: session ids (%s) stripped from %d links", strings.Join(names, ", "), n))
	}
	return out
}

// pathTemplate collapses the parts of a path that vary between pages of
// one kind: numbers become {n}, hex strings {hex}, long tokens {id}.
func pathTemplate(path string) string {
	var b strings.Builder
	b.Grow(len(path))
	rest := path
	for {
		seg, r, more := strings.Cut(rest, "/")
		switch {
		case isHexID(seg):
			b.WriteString("{hex}")
		case isTokenID(seg):
			b.WriteString("{id}")
		default:
			for i := 0; i < len(seg); i++ {
				if isDigit(seg[i]) {
					for i+1 < len(seg) && isDigit(seg[i+1]) {
						i++
					}
					b.WriteString("{n}")
					continue
				}
				b.WriteByte(seg[i])
			}
		}
		if !more {
			return b.String()
		}
		b.WriteByte('/')
		rest = r
	}
}

// queryKeys lists a query's keys, sorted and without repeats or values.
func queryKeys(q string) string {
	var ks []string
	for _, kv := range strings.Split(q, "&") {
		k, _, _ := strings.Cut(kv, "=")
		ks = append(ks, k)
	}
	sort.Strings(ks)
	out := ks[:0]
	for i, k := range ks {
		if i == 0 || k != ks[i-1] {
			out = append(out, k)
		}
	}
	return strings.Join(out, ", ")
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isHexID: eight or more hex digits with at least one digit (a hash, a
// UUID without dashes) or a dashed UUID.
func isHexID(s string) bool {
	if len(s) < 8 {
		return false
	}
	digit := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			digit = true
		case 'a' <= c && c <= 'f', 'A' <= c && c <= 'F', c == '-' && len(s) == 36:
		default:
			return false
		}
	}
	return digit
}

// isTokenID: a long run of letters and digits mixed, as random ids are;
// words with hyphens (slugs) are not ids.
func isTokenID(s string) bool {
	if len(s) < 16 {
		return false
	}
	letter, digit := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			digit = true
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_':
			letter = true
		default:
			return false
		}
	}
	return letter && digit
}

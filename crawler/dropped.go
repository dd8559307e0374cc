package crawler

import (
	"fmt"
	"hash/fnv"
	"io"
	"net/url"
	"strings"
)

// Bounds of the notes on dropped links: they name a few pages and URLs,
// and count the rest.
const (
	maxNotePages    = 3
	maxNoteExamples = 2
	noteExampleLen  = 80
	// maxLongRemembered bounds the over-long URLs remembered (by hash) so
	// that one met again is not counted again; past it, repeats of those
	// not remembered may count.
	maxLongRemembered = 10000
)

// droppedLinks counts, for the run's notes, the links a crawl found and
// did not follow: past the per-page cap, and URLs over maxURLLength. It
// keeps counts and a few examples, not the links.
type droppedLinks struct {
	pages     int      // pages with links past the cap
	over      int      // links past the cap, on every page
	pageNotes []string // the first pages, each with its count
	long      int      // distinct URLs over maxURLLength
	longSeen  hashSet  // their longKey, up to maxLongRemembered
	examples  []string // the first of them, clipped and quoted
}

// longURL is a URL over maxURLLength met once: a link, a redirect's
// Location, a sitemap entry.
type longURL struct {
	key     uint64 // longKey
	example string // noteExample
}

// newLongURL describes raw, an over-long reference found at base (nil for
// an absolute one).
func newLongURL(base *url.URL, raw string) longURL {
	return longURL{key: longKey(base, raw), example: noteExample(raw)}
}

// longKey tells over-long URLs apart: a hash of the URL resolved against
// base, so that one URL written relative on one page and absolute on
// another, or met by several agents, is one. normalize refused it, so it
// is resolved here as far as it goes, else taken as written. A 64-bit
// hash keeps the set small; a collision would only undercount a note.
func longKey(base *url.URL, raw string) uint64 {
	s := raw
	if p, ok := prepareRef(raw); ok {
		if ref, err := url.Parse(p); err == nil {
			if base == nil {
				base = ref
			}
			s = base.ResolveReference(ref).String()
		}
	}
	return hashString(s)
}

// hashString is a 64-bit hash for sets of URLs: smaller than the URLs.
func hashString(s string) uint64 {
	h := fnv.New64a()
	_, _ = io.WriteString(h, s)
	return h.Sum64()
}

// hashSet remembers hashes to count distinct things in bounded memory.
type hashSet map[uint64]struct{}

// add reports whether h is new, and remembers it while the set holds
// fewer than limit: past that, every hash not remembered is new.
func (s *hashSet) add(h uint64, limit int) bool {
	if _, ok := (*s)[h]; ok {
		return false
	}
	if *s == nil {
		*s = hashSet{}
	}
	if len(*s) < limit {
		(*s)[h] = struct{}{}
	}
	return true
}

// capped records a page whose links past the cap were not followed.
func (d *droppedLinks) capped(page string, over int) {
	d.pages++
	d.over += over
	if len(d.pageNotes) < maxNotePages {
		d.pageNotes = append(d.pageNotes, fmt.Sprintf("%d on %s", over, page))
	}
}

// tooLong records a URL over maxURLLength, unless it was recorded before.
func (d *droppedLinks) tooLong(l longURL) {
	if !d.longSeen.add(l.key, maxLongRemembered) {
		return
	}
	d.long++
	if len(d.examples) < maxNoteExamples {
		d.examples = append(d.examples, l.example)
	}
}

// noteExample clips a URL for a note and quotes it, so that its bytes
// (controls, broken UTF-8) are shown escaped, with its full length.
func noteExample(raw string) string {
	clipped := raw
	if len(clipped) > noteExampleLen {
		clipped = clipped[:noteExampleLen] + "..."
	}
	return fmt.Sprintf("%q (%d bytes)", clipped, len(raw))
}

func (d *droppedLinks) notes(maxLinks int) []string {
	var out []string
	if d.pages > 0 {
		s := fmt.Sprintf("links past the first %d of a page were not followed: %s", maxLinks, strings.Join(d.pageNotes, ", "))
		if more := d.pages - len(d.pageNotes); more > 0 {
			s += fmt.Sprintf(" and %d more pages (%d links in all)", more, d.over)
		}
		out = append(out, s)
	}
	if d.long > 0 {
		out = append(out, fmt.Sprintf("URLs longer than %d bytes were not crawled: %d (%s)", maxURLLength, d.long, strings.Join(d.examples, ", ")))
	}
	return out
}

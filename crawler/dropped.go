package crawler

import (
	"fmt"
	"strings"
)

// Bounds of the notes on dropped links: they name a few pages and URLs,
// and count the rest.
const (
	maxNotePages    = 3
	maxNoteExamples = 2
	noteExampleLen  = 80
)

// droppedLinks counts, for the run's notes, the links a crawl found and
// did not follow: past the per-page cap, and URLs over maxURLLength. It
// keeps counts and a few examples, not the links.
type droppedLinks struct {
	pages     int      // pages with links past the cap
	over      int      // links past the cap, on every page
	pageNotes []string // the first pages, each with its count
	long      int      // URLs over maxURLLength
	examples  []string // the first of them, clipped and quoted
}

// capped records a page whose links past the cap were not followed.
func (d *droppedLinks) capped(page string, over int) {
	d.pages++
	d.over += over
	if len(d.pageNotes) < maxNotePages {
		d.pageNotes = append(d.pageNotes, fmt.Sprintf("%d on %s", over, page))
	}
}

// tooLong records n URLs over maxURLLength; example is one of them, made
// by noteExample.
func (d *droppedLinks) tooLong(n int, example string) {
	d.long += n
	if example != "" && len(d.examples) < maxNoteExamples {
		d.examples = append(d.examples, example)
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

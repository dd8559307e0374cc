package audit

import (
	"slices"

	"authwall/crawler"
)

// A recheck (audit --recheck) fetches again only the URLs of an earlier
// report's findings and says, for each, whether it is fixed or remains.

// What a recheck found of a finding, in Finding.Recheck.
const (
	RecheckRemains = "remains" // the earlier report had it, and it is still there
	RecheckNew     = "new"     // not in the earlier report: new on a URL fetched again
	RecheckFixed   = "fixed"   // the earlier report had it, and it is gone
)

// Recheck is what a recheck found against the earlier report.
type Recheck struct {
	Report string // the earlier report, as the user named it
	URLs   int    // URLs fetched again
	// Fixed are the earlier report's findings that are gone now (Recheck
	// "fixed"); they never fail the run.
	Fixed []Finding
	// Unchecked are earlier findings whose URL no crawler agent got an
	// answer for this time (outside the crawl's scope, kept out by
	// robots.txt, or the fetch failed): neither fixed nor remaining.
	Unchecked []Finding
}

// restoreEarlier gives each page fetched again the referrers and the way
// it was found that the earlier report recorded, since a recheck follows
// no link: an undeclared URL linked from a public page is still one.
func (a *Auditor) restoreEarlier() {
	for _, f := range a.opts.Earlier {
		p := a.pages[f.URL]
		if p == nil {
			continue
		}
		if len(p.linkedFrom) == 0 && len(f.LinkedFrom) > 0 {
			p.linkedFrom = append([]string(nil), f.LinkedFrom...)
		}
		if f.FoundVia != "" && f.FoundVia != "robots" {
			p.foundVia = crawler.Found(f.FoundVia)
		}
	}
}

// applyRecheck marks each finding "remains" or "new" against the earlier
// report and lists the earlier findings that are gone. A finding counts as
// gone only when a crawler agent got an answer at its URL this time
// (robots-unavailable: robots.txt is read on every run). Failing is left
// as decide set it, so a remaining failing finding fails the run.
func (a *Auditor) applyRecheck(r *Report) {
	if a.opts.Recheck == "" {
		return
	}
	key := func(f Finding) string { return string(f.Kind) + " " + f.URL }
	before := make(map[string]bool, len(a.opts.Earlier))
	for _, f := range a.opts.Earlier {
		before[key(f)] = true
	}
	now := make(map[string]bool, len(r.Findings))
	for i := range r.Findings {
		f := &r.Findings[i]
		now[key(*f)] = true
		f.Recheck = RecheckNew
		if before[key(*f)] {
			f.Recheck = RecheckRemains
		}
	}
	rc := &Recheck{Report: a.opts.Recheck, URLs: r.URLs}
	for _, f := range a.opts.Earlier {
		k := key(f)
		if now[k] {
			continue
		}
		now[k] = true // once, however often the earlier report listed it
		f.New, f.Failing = false, false
		if f.Kind != RobotsUnavailable && !a.pages[f.URL].answered() {
			f.Recheck = ""
			rc.Unchecked = append(rc.Unchecked, f)
			continue
		}
		f.Recheck = RecheckFixed
		rc.Fixed = append(rc.Fixed, f)
	}
	SortFindings(rc.Fixed)
	SortFindings(rc.Unchecked)
	r.Recheck = rc
}

// answered reports whether a crawler agent got an HTTP answer at the URL:
// a page skipped by robots.txt or whose fetch failed shows nothing about
// the wall, and the browser control is not one of the agents audited.
func (p *pageRecord) answered() bool {
	if p == nil {
		return false
	}
	return slices.ContainsFunc(p.agents, func(r agentRecord) bool {
		return r.agent != crawler.BrowserAgentName && r.status != 0 && r.err == "" && r.skipped == ""
	})
}

package crawler

import (
	"fmt"
	"net/url"
	"slices"
)

// page is the crawl's state for one URL.
type page struct {
	depth     int
	via       Found
	referrers []string
	remaining int  // agent fetches not finished yet
	blocked   bool // some agent met a wall
	linksRead bool
	// The page's URL template and how many discoveries in a row within
	// that template led here (see traps.go).
	pattern *trapPattern
	chain   int32
}

// job is one fetch waiting. It is kept small: on a wide site the queue
// holds a job per agent for most URLs found. The URL is parsed again from
// its key when fetched rather than kept parsed (a *url.URL and its strings
// cost more than the key, which the page map holds anyway).
type job struct {
	key     string
	agent   *Agent // into cfg.Agents; nil for the browser control
	control bool
}

// enqueue adds a URL to the frontier, once, and schedules a fetch per agent.
func (r *run) enqueue(u *url.URL, depth int, via Found, referrer string) {
	// Only what links and redirects lead to may be a trap; the start URL,
	// seeds and sitemap entries were asked for.
	linked := via == FoundLink || via == FoundRedirect
	var stripped []string
	if linked && r.traps != nil {
		stripped = stripSessions(u)
	}
	key := u.String()
	r.mu.Lock()
	if stripped != nil {
		r.traps.noteStripped(stripped)
	}
	if p, ok := r.pages[key]; ok {
		if referrer != "" && len(p.referrers) < maxReferrers && !slices.Contains(p.referrers, referrer) {
			if cap(p.referrers) < maxReferrers {
				// One allocation of the final size instead of growing 1, 2, 4, 8.
				p.referrers = append(make([]string, 0, maxReferrers), p.referrers...)
			}
			p.referrers = append(p.referrers, referrer)
		}
		r.mu.Unlock()
		return
	}
	if r.cfg.MaxDepth > 0 && depth > r.cfg.MaxDepth {
		r.mu.Unlock()
		return
	}
	if len(r.pages) >= r.cfg.MaxPages {
		if !r.capped {
			r.capped = true
			r.notes = append(r.notes, fmt.Sprintf("--max-pages %d reached: further URLs were not visited", r.cfg.MaxPages))
		}
		r.mu.Unlock()
		return
	}
	p := &page{depth: depth, via: via}
	if r.traps != nil {
		pat, chain, ok := r.traps.check(u, key, linked, r.pages[referrer])
		if !ok {
			r.mu.Unlock()
			return
		}
		p.pattern, p.chain = pat, int32(min(chain, 1<<30))
	}
	if referrer != "" {
		p.referrers = []string{referrer}
	}
	r.pages[key] = p
	var skipped []Observation
	for i := range r.cfg.Agents {
		a := &r.cfg.Agents[i]
		v := r.robots[a.Name].test(a.RobotsToken, u)
		if !v.Allowed && !r.cfg.IgnoreRobots {
			o := r.observation(key, p, a.Name)
			o.RobotsDisallowed, o.RobotsLine, o.RobotsRule = true, v.Line, v.Rule
			o.Skipped = "robots"
			skipped = append(skipped, o)
			continue
		}
		p.remaining++
		r.queue = append(r.queue, job{key: key, agent: a})
	}
	r.cond.Broadcast()
	r.mu.Unlock()
	for _, o := range skipped {
		r.send(o)
	}
}

// observation starts an Observation with what the frontier knows; the
// caller holds r.mu.
func (r *run) observation(key string, p *page, agent string) Observation {
	return Observation{
		URL:        key,
		Agent:      agent,
		Depth:      p.depth,
		FoundVia:   p.via,
		LinkedFrom: append([]string(nil), p.referrers...),
		InSitemap:  r.sitemap[key],
	}
}

package crawler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
)

// readSitemaps reads robots.txt Sitemap lines and /sitemap.xml, following
// sitemap indexes, and remembers the in-scope URLs they list.
func (r *run) readSitemaps(ctx context.Context) {
	agent := r.cfg.Agents[0]
	var todo []string
	declared := map[string]bool{}
	for _, a := range r.cfg.Agents {
		for _, s := range r.robots[a.Name].fetch.Sitemaps {
			if u, err := normalize(r.cfg.start, s); err == nil && !declared[u.String()] {
				declared[u.String()] = true
				todo = append(todo, u.String())
			}
		}
	}
	def := (&url.URL{Scheme: r.cfg.start.Scheme, Host: r.cfg.start.Host, Path: "/sitemap.xml"}).String()
	if !declared[def] {
		todo = append(todo, def)
	}
	done := map[string]bool{}
	outside := 0
	for len(todo) > 0 && len(done) < maxSitemaps && ctx.Err() == nil {
		s := todo[0]
		todo = todo[1:]
		if done[s] {
			continue
		}
		done[s] = true
		su, _ := url.Parse(s)
		if su == nil || su.Scheme != r.cfg.start.Scheme || su.Host != r.cfg.start.Host {
			r.note(fmt.Sprintf("sitemap %s is on another site: not read", s))
			continue
		}
		a := r.getPolitely(ctx, s, agent)
		if a.err != nil {
			r.note(fmt.Sprintf("sitemap %s: %s", s, describe(a.err, r.cfg.Timeout)))
			continue
		}
		if a.status < 200 || a.status > 299 {
			if s != def || declared[s] || a.status != 404 {
				r.note(fmt.Sprintf("sitemap %s answered %d", s, a.status))
			}
			continue
		}
		sm, err := ParseSitemap(bytes.NewReader(a.body), maxSitemapBytes)
		if err != nil {
			// What was read before the error (the first 50,000 URLs, say) still counts.
			r.note(fmt.Sprintf("sitemap %s: %v", s, err))
		}
		for _, child := range sm.Sitemaps {
			if u, err := normalize(su, child); err == nil && !done[u.String()] {
				todo = append(todo, u.String())
			}
		}
		for _, loc := range sm.URLs {
			u, err := normalize(su, loc)
			if errors.Is(err, errTooLong) {
				r.longURL(su, loc)
				continue
			}
			if err != nil || !r.cfg.scope.allows(u) {
				outside++
				continue
			}
			if !r.sitemap[u.String()] && len(r.sitemapOrder) < r.cfg.MaxPages {
				r.sitemap[u.String()] = true
				r.sitemapOrder = append(r.sitemapOrder, u.String())
			}
		}
	}
	if len(todo) > 0 && len(done) >= maxSitemaps {
		r.note(fmt.Sprintf("more than %d sitemaps: the rest were not read", maxSitemaps))
	}
	if outside > 0 {
		r.note(fmt.Sprintf("%d sitemap URLs are outside the crawl scope and were skipped", outside))
	}
}

package main

import (
	"fmt"
	"sort"

	"authwall/audit"
	"authwall/crawler"
)

// A recheck (audit --recheck REPORT.json) fetches again only the URLs of
// an earlier report's findings, as every agent plus the control, and says
// which findings are fixed and which remain: the check after a config
// change, in seconds instead of a full crawl.

// forRecheck fills in what a recheck takes from the earlier report: the
// URL when none is given, and the agents unless --agents or the config
// names them, so the same agents ask again.
func (o auditOptions) forRecheck(earlier *audit.Report) auditOptions {
	if o.URL == "" {
		o.URL = earlier.Target
	}
	if !o.agentsGiven && len(earlier.Agents) > 0 {
		o.Agents = nil
		for _, a := range earlier.Agents {
			if _, err := crawler.ParseAgents([]string{a.Name}); err == nil {
				o.Agents = append(o.Agents, a.Name) // a built-in agent, with today's User-Agent
			} else {
				o.Agents = append(o.Agents, a.Name+"="+a.UserAgent)
			}
		}
	}
	return o
}

// recheckSeeds lists the URLs of the earlier findings, once each, in the
// report's order. robots-unavailable is left out: robots.txt is read on
// every run anyway.
func recheckSeeds(findings []audit.Finding) []string {
	seen := map[string]bool{}
	var seeds []string
	for _, f := range findings {
		if f.URL == "" || f.Kind == audit.RobotsUnavailable || seen[f.URL] {
			continue
		}
		seen[f.URL] = true
		seeds = append(seeds, f.URL)
	}
	return seeds
}

// earlierPaths declares paths from the patterns the earlier findings say
// declared them (declared_by), for a recheck given no paths of its own:
// without them a wall on a public path would look fixed. Shorter patterns
// go first, so a narrower one (!/blog/drafts/**) wins over a wider one
// (/blog/**) as it does in a paths file written in the usual order.
func earlierPaths(file string, findings []audit.Finding) (*audit.Paths, []string, error) {
	seen := map[string]bool{}
	var patterns []string
	for _, f := range findings {
		if by := f.DeclaredBy; by != "" && by != "sitemap" && !seen[by] {
			seen[by] = true
			patterns = append(patterns, by)
		}
	}
	sort.Slice(patterns, func(i, j int) bool {
		if len(patterns[i]) != len(patterns[j]) {
			return len(patterns[i]) < len(patterns[j])
		}
		return patterns[i] < patterns[j]
	})
	paths := &audit.Paths{}
	for _, p := range patterns {
		pattern, private := p, false
		if p[0] == '!' {
			pattern, private = p[1:], true
		}
		// The error names the file and the field already (origin).
		if err := paths.Add(pattern, private, file+" declared_by", 0); err != nil {
			return nil, nil, err
		}
	}
	if len(patterns) == 0 {
		return paths, nil, nil
	}
	note := fmt.Sprintf("no declared paths given: the recheck declares the %d patterns the findings of %s were declared by; give --public for the whole paths file", len(patterns), file)
	return paths, []string{note}, nil
}

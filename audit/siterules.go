package audit

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"

	"authwall/crawler"
)

// The whole-site rules: findings decided from what the crawl saw once
// per agent for the whole site, not from one page's records.

// robotsFindings is the robots-unavailable rule: robots.txt fetches that
// did not give rules make one finding for the robots.txt URL, with every
// agent's status, about the agents whose robots.txt failed.
func (a *Auditor) robotsFindings(fetches []crawler.RobotsFetch, order agentOrder) []Finding {
	fetches = slices.Clone(fetches)
	sort.SliceStable(fetches, func(i, j int) bool { return order.less(fetches[i].Agent, fetches[j].Agent) })
	var f *Finding
	var reasons []string
	for _, rf := range fetches {
		unavailable := rf.State == crawler.RobotsDisallowAll || rf.Status == 401 || rf.Status == 403
		if !unavailable {
			continue
		}
		if f == nil {
			u, _ := url.Parse(rf.URL)
			path := "/robots.txt"
			if u != nil {
				path = u.EscapedPath()
			}
			f = &Finding{Kind: RobotsUnavailable, Severity: SeverityWarning, URL: rf.URL, Path: path, Statuses: map[string]int{}, FoundVia: "robots"}
		}
		f.Statuses[rf.Agent] = rf.Status
		if rf.Agent != crawler.BrowserAgentName {
			f.Agents = append(f.Agents, rf.Agent)
		}
		if rf.State == crawler.RobotsDisallowAll {
			f.Severity = SeverityError
			reason := rf.Err
			if reason == "" {
				reason = fmt.Sprintf("status %d", rf.Status)
			}
			reasons = append(reasons, fmt.Sprintf("%s: %s, so the search engine would stop crawling the whole site (Google: for 12 hours, then it uses its last good copy for up to 30 days)", rf.Agent, reason))
		} else {
			reasons = append(reasons, fmt.Sprintf("%s: %d, so Google ignores the file and crawls everything; the rules in it have no effect", rf.Agent, rf.Status))
			if f.Attribution == nil && len(rf.Hops) > 0 {
				h := rf.Hops[len(rf.Hops)-1]
				best, alts := a.catalog.Attribute(Answer{URL: h.URL, Status: h.Status, Header: h.Header}, nil)
				f.Attribution, f.Alternatives = &best, alts
			}
		}
		for _, h := range rf.Hops {
			if h.Location != "" {
				f.Redirects = append(f.Redirects, Redirect{URL: h.URL, Status: h.Status, Location: h.Location})
			}
		}
	}
	if f == nil {
		return nil
	}
	if len(f.Agents) == 0 {
		f.Agents = order.all(nil)
	}
	f.Message = "robots.txt unavailable: " + strings.Join(reasons, "; ")
	if f.Severity == SeverityError {
		f.Message += ". The pages were fetched anyway, so the walls behind it are reported too."
	}
	return []Finding{*f}
}

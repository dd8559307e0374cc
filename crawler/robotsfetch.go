package crawler

import (
	"fmt"
	"net/url"

	"authwall/crawler/robots"
)

// agentRobots is the robots.txt outcome that governs one agent on the site.
type agentRobots struct {
	fetch RobotsFetch
	file  *robots.File // nil unless State is RobotsRules
}

// decide is the robots.txt decision for token at u, as a search engine
// would make it: an unreachable robots.txt disallows everything.
// target is the path and query as requested, or a whole URL; robots.Test
// always allows /robots.txt itself.
func (r *agentRobots) decide(token, target string) Verdict {
	switch {
	case r == nil || r.fetch.State == RobotsAllowAll:
		return Verdict{Allowed: true}
	case r.fetch.State == RobotsDisallowAll:
		return Verdict{Allowed: false, Rule: "robots.txt unreachable (" + robotsReason(r.fetch) + "): everything disallowed"}
	}
	return r.file.Test(token, target)
}

// robotsReason says why robots.txt could not be read: the error, or the status.
func robotsReason(f RobotsFetch) string {
	if f.Err != "" {
		return f.Err
	}
	return fmt.Sprintf("status %d", f.Status)
}

// test is decide for the crawl's frontier. An unreachable robots.txt means
// Google stops crawling the whole site; that is reported once for the site
// (the robots-unavailable finding), so per URL it reads as allowed and the
// audit still finds the walls behind it.
func (r *agentRobots) test(token string, u *url.URL) Verdict {
	if r != nil && r.fetch.State == RobotsDisallowAll {
		return Verdict{Allowed: true}
	}
	return r.decide(token, requestTarget(u))
}

// requestTarget is the path and query exactly as they go on the wire.
func requestTarget(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}

// fetchRobots reads robots.txt of origin's site as agent, following up to
// five redirects as Google does, and maps the outcome to a state.
func (f *fetcher) fetchRobots(origin *url.URL, agent Agent) *agentRobots {
	start := &url.URL{Scheme: origin.Scheme, Host: origin.Host, Path: "/robots.txt"}
	rf := RobotsFetch{Agent: agent.Name, URL: start.String()}
	cur := start
	var final answer
	for hop := 0; ; hop++ {
		a := f.get(cur.String(), agent)
		if a.err != nil {
			rf.Err = describe(a.err, f.timeout)
			rf.State = robots.StateForStatus(0)
			return &agentRobots{fetch: rf}
		}
		h := Hop{URL: cur.String(), Status: a.status, Header: a.header}
		if isRedirect(a.status) {
			next, err := normalize(cur, a.header.Get("Location"))
			if err == nil {
				h.Location = next.String()
			}
			rf.Hops = append(rf.Hops, h)
			if err != nil || hop+1 > maxRobotsRedirects {
				// Google treats a robots.txt it cannot reach through
				// redirects like a missing one.
				rf.Status = a.status
				rf.State = RobotsAllowAll
				if err != nil {
					rf.Err = "robots.txt redirect with a bad Location: " + err.Error()
				} else {
					rf.Err = "robots.txt redirects more than 5 times"
				}
				return &agentRobots{fetch: rf}
			}
			cur = next
			continue
		}
		rf.Hops = append(rf.Hops, h)
		final = a
		break
	}
	rf.Status = final.status
	rf.State = robots.StateForStatus(final.status)
	rf.Size = len(final.body)
	if rf.State != RobotsRules {
		return &agentRobots{fetch: rf}
	}
	rf.Capped = len(final.body) > robots.MaxSize
	file := robots.Parse(final.body)
	rf.Sitemaps = file.Sitemaps()
	return &agentRobots{fetch: rf, file: file}
}

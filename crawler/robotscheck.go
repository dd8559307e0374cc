package crawler

import (
	"context"
	"fmt"
	"net/url"

	"authwall/crawler/robots"
)

// RobotsCheck is the robots.txt verdict for one URL and agent, with the
// line that decided it.
type RobotsCheck struct {
	URL   string
	Agent string
	Token string
	Verdict
	State  RobotsState
	Status int    // robots.txt status; 0 when read from a file or on a network error
	Err    string // why robots.txt could not be read
}

// CheckRobots decides each URL for each agent with the code the crawl uses.
// With file set, that robots.txt body is used for every URL; otherwise the
// robots.txt of each URL's site is fetched once per site and agent.
func CheckRobots(ctx context.Context, o Options, urls []string, file []byte) ([]RobotsCheck, error) {
	// URLs are decided as given, not normalised: robots.txt rules match
	// the path as requested, and /%62az is not /baz to a crawler.
	parsed := make([]*url.URL, 0, len(urls))
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("URL %q: want an absolute http or https URL", raw)
		}
		parsed = append(parsed, u)
	}
	if len(parsed) == 0 {
		return nil, fmt.Errorf("no URL given")
	}
	if o.Start == "" {
		o.Start = parsed[0].Scheme + "://" + parsed[0].Host + "/"
	}
	cfg, err := o.validate()
	if err != nil {
		return nil, err
	}
	var fromFile *agentRobots
	if file != nil {
		fromFile = &agentRobots{fetch: RobotsFetch{State: RobotsRules, Size: len(file)}, file: robots.Parse(file)}
	}
	f := newFetcher(ctx, cfg)
	defer f.transport.close()
	cache := map[string]*agentRobots{}
	var out []RobotsCheck
	for i, u := range parsed {
		for _, a := range cfg.Agents {
			ar := fromFile
			if ar == nil {
				key := u.Scheme + "://" + u.Host + " " + a.Name
				if ar = cache[key]; ar == nil {
					ar = f.fetchRobots(u, a)
					cache[key] = ar
				}
			}
			out = append(out, RobotsCheck{
				URL: urls[i], Agent: a.Name, Token: a.RobotsToken,
				Verdict: ar.decide(a.RobotsToken, urls[i]),
				State:   ar.fetch.State, Status: ar.fetch.Status, Err: ar.fetch.Err,
			})
		}
	}
	return out, ctx.Err()
}

package audit

import "authwall/crawler"

// agentOrder is the report's agent order: the crawler agents in the order
// the crawl was configured with (crawler.Result.Agents). Findings list
// their agents in it, so every format shows them alike, whatever order
// the concurrent fetches came back in.
type agentOrder struct {
	names []string
	rank  map[string]int
}

func newAgentOrder(agents []crawler.Agent) agentOrder {
	o := agentOrder{rank: make(map[string]int, len(agents))}
	for _, a := range agents {
		if _, dup := o.rank[a.Name]; dup || a.Name == crawler.BrowserAgentName {
			continue
		}
		o.rank[a.Name] = len(o.names)
		o.names = append(o.names, a.Name)
	}
	return o
}

// less orders two agent names; names the crawl did not list come after
// the listed ones and keep their order among themselves (sort stably).
func (o agentOrder) less(a, b string) bool {
	ra, oka := o.rank[a]
	rb, okb := o.rank[b]
	switch {
	case oka && okb:
		return ra < rb
	case oka != okb:
		return oka
	}
	return false
}

// all names every crawler agent, for a finding that concerns them all:
// the crawl's agents, or, when the crawl listed none, the agents seen at
// the page.
func (o agentOrder) all(bots []*agentRecord) []string {
	if len(o.names) > 0 {
		return append([]string(nil), o.names...)
	}
	names := make([]string, 0, len(bots))
	for _, r := range bots {
		names = append(names, r.agent)
	}
	return names
}

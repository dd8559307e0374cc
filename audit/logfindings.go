package audit

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"authwall/accesslog"
)

// LogRun is what the caller read, for the report.
type LogRun struct {
	Files     []string
	Lines     int
	StartedAt time.Time
	Duration  time.Duration
	// Notes are the caller's: malformed lines per file, lines before
	// --since.
	Notes []string
}

// Finish builds the report: a crawler-blocked-in-logs finding per public
// path where real crawlers were walled (undeclared-blocked on an
// undeclared path), a private-exposed finding per private path they were
// served, and notes on spoofed crawlers and the limits met.
func (a *LogAuditor) Finish(run LogRun) *Report {
	rep := &Report{
		Tool: a.o.Tool, Version: a.o.Version, Target: strings.Join(run.Files, " "),
		StartedAt: run.StartedAt, Duration: run.Duration,
		Requests: total(a.counts),
		URLs:     len(a.paths),
	}
	order := a.agentOrder()
	for _, name := range order {
		rep.Agents = append(rep.Agents, AgentInfo{Name: name, RobotsToken: a.tokens[name]})
	}
	keys := slices.Sorted(maps.Keys(a.paths))
	for _, key := range keys {
		p := a.paths[key]
		if f, ok := a.pathFinding(key, p, order); ok {
			rep.Findings = append(rep.Findings, f)
		}
		if p.declared != Undeclared {
			rep.Pages = append(rep.Pages, Page{URL: key, Declared: string(p.declared), Statuses: commonStatuses(p, order, func(int) bool { return true })})
		}
	}
	rep.Notes = append(rep.Notes, a.summaryNote(run))
	if a.counts[accesslog.Unverified] > 0 {
		if a.o.Verifying {
			rep.Notes = append(rep.Notes, fmt.Sprintf("%s unverified: no ranges were given for their search engine, or the log holds a host name instead of an address", count(a.counts[accesslog.Unverified], "crawler request")))
		} else {
			rep.Notes = append(rep.Notes, "crawlers are recognised by their User-Agent alone, so every claim counts: give --ranges with the search engines' published IP ranges to tell real crawlers from spoofed ones")
		}
	}
	rep.Notes = append(rep.Notes, run.Notes...)
	if a.dropped.requests > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("the bound on distinct paths was reached (%d, and as many again for walled paths; --max-paths): %s to further paths were not tracked (%d of them walls)",
			a.o.MaxPaths, count(a.dropped.requests, "crawler request"), a.dropped.walls))
	}
	if a.long.requests > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%s to paths longer than %d bytes were not tracked (%d of them walls)",
			count(a.long.requests, "crawler request"), MaxLogPath, a.long.walls))
	}
	rep.Notes = append(rep.Notes, a.spoofNotes(order)...)
	SortFindings(rep.Findings)
	decide(rep, a.o.FailOn, a.o.Baseline, a.o.Prior)
	return rep
}

func (a *LogAuditor) summaryNote(run LogRun) string {
	s := fmt.Sprintf("read %s from %s: %s", count(run.Lines, "line"), count(len(run.Files), "file"), count(total(a.counts), "crawler request"))
	if a.o.Verifying {
		s += fmt.Sprintf(" (%d verified, %d spoofed, %d unverified)", a.counts[accesslog.Verified], a.counts[accesslog.Spoofed], a.counts[accesslog.Unverified])
	}
	return s + " to " + count(len(a.paths), "tracked path")
}

// count is "1 line", "2 lines".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func total(c [3]int) int { return c[0] + c[1] + c[2] }

// agentOrder is the agents seen, in the options' order, the others by name.
func (a *LogAuditor) agentOrder() []string {
	rank := map[string]int{}
	for i, n := range a.o.Agents {
		if _, dup := rank[n]; !dup {
			rank[n] = i
		}
	}
	names := slices.Collect(maps.Keys(a.tokens))
	sort.Slice(names, func(i, j int) bool {
		ri, oki := rank[names[i]]
		rj, okj := rank[names[j]]
		switch {
		case oki && okj:
			return ri < rj
		case oki != okj:
			return oki
		}
		return names[i] < names[j]
	})
	return names
}

// pathFinding is the finding a path makes, if any.
func (a *LogAuditor) pathFinding(path string, p *logPath, order []string) (Finding, bool) {
	counted := func(n [3]int) int { return n[accesslog.Verified] + n[accesslog.Unverified] }
	var agents []string
	verified := false
	kind := CrawlerBlockedInLogs
	pick := func(ag *logAgent) [3]int { return ag.walls }
	switch p.declared {
	case Private:
		kind, pick = PrivateExposed, func(ag *logAgent) [3]int { return ag.served }
	case Undeclared:
		kind = UndeclaredBlocked // the audit's kind for a wall on an undeclared URL
	}
	for _, name := range order {
		if ag := p.agents[name]; ag != nil && counted(pick(ag)) > 0 {
			agents = append(agents, name)
			verified = verified || pick(ag)[accesslog.Verified] > 0
		}
	}
	if len(agents) == 0 {
		return Finding{}, false
	}
	f := Finding{
		Kind: kind, URL: path, Path: path, DeclaredBy: p.declaredBy, FoundVia: "logs", Agents: agents,
		Logs: map[string]LogHits{},
	}
	switch {
	case verified, kind == UndeclaredBlocked: // undeclared: the audit's severity, claimed or not
		f.Severity = severityOf(kind)
	default:
		f.Severity = SeverityWarning // claims alone: a fake-crawler filter walls those too
	}
	for name, ag := range p.agents {
		h := ag.LogHits
		h.Statuses = maps.Clone(ag.Statuses)
		f.Logs[name] = h
	}
	match := isWall
	if kind == PrivateExposed {
		match = is2xx
	}
	f.Statuses = commonStatuses(p, order, func(s int) bool { return s != 0 })
	for _, name := range agents {
		f.Statuses[name] = mostCommon(p.agents[name].real, match)
	}
	f.Message = a.message(p, kind, agents, pick)
	return f, true
}

// commonStatuses is each agent's most common status among those keep
// accepts.
func commonStatuses(p *logPath, order []string, keep func(int) bool) map[string]int {
	out := map[string]int{}
	for _, name := range order {
		if ag := p.agents[name]; ag != nil {
			if s := mostCommon(ag.Statuses, keep); s != 0 {
				out[name] = s
			}
		}
	}
	return out
}

// mostCommon is the status with the most requests among those keep
// accepts, the lower status on a tie; 0 for none.
func mostCommon(statuses map[int]int, keep func(int) bool) int {
	best, n := 0, 0
	for s, c := range statuses {
		if keep(s) && (c > n || c == n && s < best) {
			best, n = s, c
		}
	}
	return best
}

// message says per agent how many requests met the wall (or got the
// private page), with which statuses, and how sure the crawler was real.
func (a *LogAuditor) message(p *logPath, kind Kind, agents []string, pick func(*logAgent) [3]int) string {
	var parts []string
	unverified := false
	for _, name := range agents {
		ag := p.agents[name]
		n := pick(ag)
		real := n[accesslog.Verified] + n[accesslog.Unverified]
		all := ag.Verified + ag.Unverified
		what := "walled"
		match := isWall
		if kind == PrivateExposed {
			what, match = "served", is2xx
		}
		var how string
		switch {
		case n[accesslog.Unverified] == 0:
			how = "verified"
		case n[accesslog.Verified] == 0:
			how, unverified = "unverified", true
		default:
			how, unverified = fmt.Sprintf("%d verified", n[accesslog.Verified]), true
		}
		parts = append(parts, fmt.Sprintf("%s %s on %d of %s (%s), %s", name, what, real, count(all, "request"), StatusCounts(ag.real, match), how))
	}
	msg := "real crawlers were walled: "
	if kind == PrivateExposed {
		msg = "crawlers got this private page: "
	}
	msg += strings.Join(parts, "; ")
	switch {
	case unverified && !a.o.Verifying:
		msg += " (claimed by the User-Agent, not verified: give --ranges)"
	case unverified:
		msg += " (unverified: no ranges for its search engine)"
	}
	if p.declared == Undeclared {
		msg += "; the path is not declared"
	}
	return msg
}

// StatusCounts is "401×12 403×2": the statuses keep accepts (all when keep
// is nil), most requests first, then by status. Reports show log hits
// with it, so the finding's message and the report read alike.
func StatusCounts(statuses map[int]int, keep func(int) bool) string {
	var ss []int
	for s := range statuses {
		if keep == nil || keep(s) {
			ss = append(ss, s)
		}
	}
	sort.Slice(ss, func(i, j int) bool {
		if statuses[ss[i]] != statuses[ss[j]] {
			return statuses[ss[i]] > statuses[ss[j]]
		}
		return ss[i] < ss[j]
	})
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = strconv.Itoa(s) + "×" + strconv.Itoa(statuses[s])
	}
	return strings.Join(parts, " ")
}

// spoofNotes summarise the requests that claimed a crawler's User-Agent
// from outside its published ranges: not a search problem, but people
// want to see who pretends to be Googlebot.
func (a *LogAuditor) spoofNotes(order []string) []string {
	var out []string
	for _, name := range order {
		s := a.spoofed[name]
		if s == nil {
			continue
		}
		addrs := strconv.Itoa(len(s.addrs))
		if len(s.addrs) >= maxSpoofAddrs {
			addrs = "at least " + addrs
		}
		if len(s.addrs) == 1 {
			addrs += " address"
		} else {
			addrs += " addresses"
		}
		out = append(out, fmt.Sprintf("spoofed %s: %s from %s outside the published ranges (%s); not the search engine, so no finding",
			name, count(s.requests, "request"), addrs, StatusCounts(s.statuses, nil)))
	}
	return out
}

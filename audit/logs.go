package audit

import (
	"bytes"
	"time"

	"authwall/accesslog"
)

// LogOptions configure the audit of access logs (authwall logs).
type LogOptions struct {
	Paths *Paths // declared paths; nil: nothing declared
	// Agents is the report's agent order; agents not in it follow, by name.
	Agents []string
	FailOn FailOn
	// Baseline names an earlier report ("" = none); Prior holds its
	// findings.
	Baseline string
	Prior    []Finding
	Tool     string
	Version  string
	// Verifying is set when IP ranges were given: hits are then verified
	// or spoofed, not only claimed by their User-Agent.
	Verifying bool
	// MaxPaths bounds the distinct paths tracked, twice over: paths where
	// crawlers were walled (or got a private page) have a reserve of their
	// own, so a flood of other URLs cannot crowd the walls out. 0 means
	// DefaultMaxLogPaths.
	MaxPaths int
}

// DefaultMaxLogPaths is the default bound on distinct paths tracked per
// kind of path; with a few crawlers each, that is tens of megabytes.
const DefaultMaxLogPaths = 50_000

// MaxLogPath is the longest path tracked, in bytes: longer ones are
// counted apart, so a log full of very long crawler paths cannot cost 64
// KiB (the longest line) per tracked path.
const MaxLogPath = 2 << 10

// maxSpoofAddrs bounds the distinct addresses counted per spoofed agent.
const maxSpoofAddrs = 10_000

// LogHit is one crawler request read from an access log.
type LogHit struct {
	Target  []byte // the request target as logged; Add cuts the query
	Agent   string // the crawler agent name (accesslog.Crawler.Name)
	Token   string // its product token
	Verdict accesslog.Verdict
	Status  int
	Time    time.Time // zero when the log has none
	// User is set when the log names an authenticated user: such a
	// request carried credentials, so its 2xx on a private path is no
	// exposure.
	User bool
	Addr []byte // the client address, counted for spoofed hits
}

// LogHits is what one crawler agent got at one path, according to the
// logs. Without IP ranges every hit is unverified. Spoofed requests are
// counted (in Spoofed and Statuses) from the path's first request that is
// not spoofed on: spoofed requests alone do not track a path.
type LogHits struct {
	Verified   int
	Spoofed    int
	Unverified int
	Statuses   map[int]int // status -> requests, all verdicts
	FirstSeen  time.Time   // zero when the log has no times
	LastSeen   time.Time
}

// Hits is the number of requests.
func (h LogHits) Hits() int { return h.Verified + h.Spoofed + h.Unverified }

// LogAuditor turns a stream of crawler requests into findings. Memory is
// bounded by MaxPaths, whatever the size of the logs.
type LogAuditor struct {
	o       LogOptions
	paths   map[string]*logPath
	plain   int       // paths tracked in the first reserve
	walled  int       // paths tracked in the walls' reserve
	dropped untracked // paths beyond MaxPaths
	long    untracked // paths longer than MaxLogPath
	spoofed map[string]*spoofStats
	tokens  map[string]string // agent -> token
	counts  [3]int            // requests per verdict
}

// untracked counts the requests to paths that were not tracked, and the
// walls among them, for a note.
type untracked struct{ requests, walls int }

func (u *untracked) add(wall bool) {
	u.requests++
	if wall {
		u.walls++
	}
}

type logPath struct {
	declared   Declared
	declaredBy string
	agents     map[string]*logAgent
}

// logAgent is LogHits plus the counts the verdict needs: per
// accesslog.Verdict, walls (401, 403) and private pages served, and the
// statuses of the requests that were not spoofed.
type logAgent struct {
	LogHits
	walls  [3]int
	served [3]int
	real   map[int]int
}

type spoofStats struct {
	requests int
	statuses map[int]int
	addrs    map[string]bool
}

// NewLogAuditor builds a log auditor.
func NewLogAuditor(o LogOptions) *LogAuditor {
	if o.MaxPaths <= 0 {
		o.MaxPaths = DefaultMaxLogPaths
	}
	if o.Paths == nil {
		o.Paths = &Paths{}
	}
	if o.Tool == "" {
		o.Tool = "authwall"
	}
	return &LogAuditor{o: o, paths: map[string]*logPath{}, spoofed: map[string]*spoofStats{}, tokens: map[string]string{}}
}

// isWall is a status that keeps a crawler out.
func isWall(status int) bool { return status == 401 || status == 403 }

// Add records one crawler request. It returns true when the request is a
// wall a real (or, without ranges, claimed) crawler met on a path not
// declared private: what a progress line counts.
func (a *LogAuditor) Add(h LogHit) bool {
	a.counts[h.Verdict]++
	if _, ok := a.tokens[h.Agent]; !ok {
		a.tokens[h.Agent] = h.Token
	}
	if h.Verdict == accesslog.Spoofed {
		a.spoof(h)
	}
	path := h.Target
	if i := bytes.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	real := h.Verdict != accesslog.Spoofed
	p := a.paths[string(path)] // no allocation for the lookup
	if p == nil {
		var wall bool
		if p, wall = a.track(path, h); p == nil {
			return wall
		}
	}
	ag := p.agents[h.Agent]
	if ag == nil {
		ag = &logAgent{LogHits: LogHits{Statuses: map[int]int{}}, real: map[int]int{}}
		p.agents[h.Agent] = ag
	}
	switch h.Verdict {
	case accesslog.Verified:
		ag.Verified++
	case accesslog.Spoofed:
		ag.Spoofed++
	default:
		ag.Unverified++
	}
	ag.Statuses[h.Status]++
	if real {
		ag.real[h.Status]++
	}
	if !h.Time.IsZero() {
		if ag.FirstSeen.IsZero() || h.Time.Before(ag.FirstSeen) {
			ag.FirstSeen = h.Time
		}
		if h.Time.After(ag.LastSeen) {
			ag.LastSeen = h.Time
		}
	}
	wall := isWall(h.Status)
	if wall {
		ag.walls[h.Verdict]++
	}
	if is2xx(h.Status) && !h.User {
		ag.served[h.Verdict]++
	}
	return real && wall && p.declared != Private
}

// track starts tracking a path at its first request, within the bounds.
// Beyond them p is nil, and wall says whether the request was a wall a
// real crawler met off a private path: what Add returns.
func (a *LogAuditor) track(path []byte, h LogHit) (p *logPath, wall bool) {
	if h.Verdict == accesslog.Spoofed {
		// Spoofed requests make no finding, so they do not take the
		// place of a path real crawlers met; the notes count them.
		return nil, false
	}
	key := string(path)
	decl, rule := a.o.Paths.Match(key)
	walled := isWall(h.Status)
	notable := decl != Private && walled || decl == Private && is2xx(h.Status) && !h.User
	switch {
	case decl == Undeclared && !walled:
		return nil, false // undeclared paths matter only where crawlers are walled
	case len(key) > MaxLogPath:
		a.long.add(notable && walled)
		return nil, notable && walled
	case a.plain < a.o.MaxPaths:
		a.plain++
	case notable && a.walled < a.o.MaxPaths:
		a.walled++
	default:
		a.dropped.add(notable && walled)
		return nil, notable && walled
	}
	p = &logPath{declared: decl, agents: map[string]*logAgent{}}
	if rule != nil {
		p.declaredBy = rule.String()
	}
	a.paths[key] = p
	return p, false
}

func is2xx(status int) bool { return status >= 200 && status < 300 }

func (a *LogAuditor) spoof(h LogHit) {
	s := a.spoofed[h.Agent]
	if s == nil {
		s = &spoofStats{statuses: map[int]int{}, addrs: map[string]bool{}}
		a.spoofed[h.Agent] = s
	}
	s.requests++
	s.statuses[h.Status]++
	if len(s.addrs) < maxSpoofAddrs && !s.addrs[string(h.Addr)] {
		s.addrs[string(h.Addr)] = true
	}
}

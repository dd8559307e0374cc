package crawler

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"
)

// Crawler fetches one site as several agents.
type Crawler struct {
	cfg *config

	mu  sync.Mutex
	cur *run // the crawl in progress, for Progress
}

// Progress is a snapshot of a running crawl.
type Progress struct {
	URLs     int // distinct URLs visited so far (links still waiting are not counted)
	Queued   int // fetches waiting
	Active   int // fetches in flight
	Requests int // HTTP requests sent
}

// Progress reports how far the current crawl is; safe to call from
// another goroutine while Run works. Zero before and after a run.
func (c *Crawler) Progress() Progress {
	c.mu.Lock()
	r := c.cur
	c.mu.Unlock()
	if r == nil {
		return Progress{}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return Progress{URLs: len(r.pages), Queued: r.queued(), Active: r.active, Requests: int(r.f.transport.requests.Load())}
}

// New validates the options once and returns a crawler.
func New(o Options) (*Crawler, error) {
	cfg, err := o.validate()
	if err != nil {
		return nil, err
	}
	return &Crawler{cfg: cfg}, nil
}

// UnreachableError means the site answered nothing at all: the audit could
// not run (exit code 3), as opposed to a site that answered badly.
type UnreachableError struct {
	URL    string
	Reason string
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("%s is unreachable: %s", e.URL, e.Reason)
}

// Blocked decides which observations get a control fetch with a browser
// User-Agent. The default treats 401, 403 and redirects that leave the site
// as blocked; the audit may pass a sharper rule.
type Blocked func(o *Observation) bool

// Run crawls the site and calls emit once per URL and agent (and once more
// per blocked URL for the browser control). emit is never called
// concurrently. Run returns when the frontier is empty or ctx is done; an
// interrupted crawl is marked Incomplete, and what was gathered stays valid.
func (c *Crawler) Run(ctx context.Context, blocked Blocked, emit func(Observation)) (Result, error) {
	cfg := c.cfg
	if blocked == nil {
		blocked = defaultBlocked
	}
	for _, e := range os.Environ() {
		if strings.HasPrefix(e, "COLLY_") {
			// colly reads COLLY_* variables and lets them override options.
			cfg.Logger.Warn("environment variable may change crawling behaviour", "variable", strings.SplitN(e, "=", 2)[0])
		}
	}
	r := newRun(cfg)
	r.blocked, r.emit = blocked, emit
	r.f = newFetcher(ctx, cfg)
	defer r.f.transport.close()
	c.mu.Lock()
	c.cur = r
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.cur = nil
		c.mu.Unlock()
	}()

	res := Result{Start: cfg.start.String(), StartedAt: r.started, Agents: cfg.Agents}

	// One robots.txt fetch per agent, all at once; recorded in agent order.
	fetched := make([]*agentRobots, len(cfg.Agents))
	var robotsWG sync.WaitGroup
	for i, a := range cfg.Agents {
		robotsWG.Go(func() { fetched[i] = r.f.fetchRobots(cfg.start, a) })
	}
	robotsWG.Wait()
	for i, a := range cfg.Agents {
		ar := fetched[i]
		r.robots[a.Name] = ar
		res.Robots = append(res.Robots, ar.fetch)
		if ar.fetch.State == RobotsDisallowAll {
			r.note(fmt.Sprintf("robots.txt is unreachable for %s (%s): a search engine would stop crawling the whole site; the audit fetched the pages anyway to find the walls behind it", a.Name, robotsReason(ar.fetch)))
		}
	}
	if !cfg.NoSitemaps && ctx.Err() == nil {
		r.readSitemaps(ctx)
	}

	var wg sync.WaitGroup
	for i := 0; i < cfg.Concurrency; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.work(ctx)
		}()
	}
	stop := context.AfterFunc(ctx, func() {
		r.mu.Lock()
		r.cond.Broadcast()
		r.mu.Unlock()
	})
	defer stop()

	if !cfg.SeedsOnly {
		r.enqueue(cfg.start, 0, FoundStart, "")
	}
	for _, s := range cfg.Seeds {
		u, err := normalize(cfg.start, s)
		if err != nil {
			r.note(fmt.Sprintf("declared path %q is not a valid URL path: %v", s, err))
			continue
		}
		if !cfg.scope.allows(u) {
			continue
		}
		r.enqueue(u, 0, FoundDeclared, "")
	}
	if !cfg.SeedsOnly {
		for _, s := range r.sitemapOrder {
			u, _ := url.Parse(s)
			r.enqueue(u, 0, FoundSitemap, "")
		}
	}
	r.mu.Lock()
	r.seeded = true
	r.cond.Broadcast()
	r.mu.Unlock()
	wg.Wait()

	res.Duration = time.Since(r.started)
	res.URLs = len(r.pages)
	res.Requests = int(r.f.transport.requests.Load())
	res.Notes = r.notes
	r.mu.Lock()
	res.Notes = append(res.Notes, r.dropped.notes(cfg.MaxLinksPerPage)...)
	if r.traps != nil {
		res.Notes = append(res.Notes, r.traps.notes()...)
	}
	r.mu.Unlock()
	res.Notes = append(res.Notes, r.f.transport.undecodedNotes()...)
	if ctx.Err() != nil {
		res.Incomplete = true
		r.mu.Lock()
		res.Notes = append(res.Notes, fmt.Sprintf("interrupted: %d queued fetches were not made", r.queued()))
		r.mu.Unlock()
	}
	if r.f.responses.Load() == 0 {
		reason := r.firstErr
		if reason == "" {
			reason = "no response"
		}
		if r.firstErrFatal || ctx.Err() == nil {
			return res, &UnreachableError{URL: cfg.start.String(), Reason: reason}
		}
	}
	return res, nil
}

func defaultBlocked(o *Observation) bool {
	for _, h := range o.Hops {
		if h.Status == 401 || h.Status == 403 {
			return true
		}
	}
	f := o.Final()
	return isRedirect(f.Status)
}

type run struct {
	cfg     *config
	f       *fetcher
	blocked Blocked
	started time.Time

	emitMu sync.Mutex
	emit   func(Observation)

	mu            sync.Mutex
	cond          *sync.Cond
	queue         []job
	active        int
	seeded        bool
	pages         map[string]*page // visited: fetches scheduled or made
	retired       *page            // stands for every visited page whose observations are all made
	waiting       map[string]*page // linked URLs in the link queue
	links         *linkQueue
	robots        map[string]*agentRobots
	sitemap       map[string]bool
	sitemapOrder  []string
	notes         []string
	capped        bool
	traps         *trapGuard // nil: no trap guard
	dropped       droppedLinks
	firstErr      string
	firstErrFatal bool
}

// newRun makes the state of one crawl, with nothing fetched yet.
func newRun(cfg *config) *run {
	r := &run{
		cfg:     cfg,
		pages:   map[string]*page{},
		retired: &page{done: true},
		waiting: map[string]*page{},
		robots:  map[string]*agentRobots{},
		sitemap: map[string]bool{},
		started: time.Now(),
	}
	// A link found again nearer the start is ordered by its new depth
	// with --max-depth only, where depth decides the order: reading the
	// run's record costs a map lookup per comparison (2% of a crawl's CPU),
	// and without it depth only breaks ties, as queued.
	var depth func(string) (int, bool)
	if cfg.MaxDepth > 0 {
		depth = r.waitingDepth
	}
	r.links = newLinkQueue(cfg.MaxDepth > 0, depth)
	if !cfg.NoTrapGuard {
		r.traps = newTrapGuard(cfg.MaxPages)
	}
	r.cond = sync.NewCond(&r.mu)
	return r
}

// longURL counts a URL over maxURLLength found at base outside a page's
// links (a redirect's Location, a sitemap entry).
func (r *run) longURL(base *url.URL, raw string) {
	l := newLongURL(base, raw)
	r.mu.Lock()
	r.dropped.tooLong(l)
	r.mu.Unlock()
}

// queued is how many fetches wait, counting the links not yet scheduled
// as one per agent; the caller holds r.mu.
func (r *run) queued() int {
	return len(r.queue) + len(r.waiting)*len(r.cfg.Agents)
}

func (r *run) note(s string) {
	r.mu.Lock()
	r.notes = append(r.notes, s)
	r.mu.Unlock()
}

func (r *run) send(o Observation) {
	r.emitMu.Lock()
	defer r.emitMu.Unlock()
	r.emit(o)
}

// next blocks until a job is ready; ok is false when the crawl is over.
func (r *run) next(ctx context.Context) (job, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for {
		if ctx.Err() != nil {
			return job{}, false
		}
		if len(r.queue) == 0 && r.seeded {
			// Links wait until every page asked for is scheduled.
			r.visitNextLink()
		}
		if len(r.queue) > 0 {
			j := r.queue[0]
			r.queue[0] = job{}
			r.queue = r.queue[1:]
			r.active++
			return j, true
		}
		if r.seeded && r.active == 0 {
			r.cond.Broadcast()
			return job{}, false
		}
		r.cond.Wait()
	}
}

func (r *run) work(ctx context.Context) {
	for {
		j, ok := r.next(ctx)
		if !ok {
			return
		}
		r.do(ctx, j)
		r.mu.Lock()
		r.active--
		r.cond.Broadcast()
		r.mu.Unlock()
	}
}

func (r *run) do(ctx context.Context, j job) {
	var agent Agent
	if j.control {
		agent = browserAgent()
	} else {
		agent = *j.agent
	}
	r.mu.Lock()
	p := r.pages[j.key]
	o := r.observation(j.key, p, agent.Name)
	if j.control {
		r.retire(j.key, p) // the page's last observation
	}
	r.mu.Unlock()
	u, err := url.Parse(j.key) // a normalised URL: parsing it gives it back
	if err != nil {
		o.Err = err.Error() // never expected
		r.finish(j, p, &o)
		r.send(o)
		return
	}
	if !j.control {
		v := r.robots[agent.Name].test(agent.RobotsToken, u)
		if !v.Allowed {
			o.RobotsDisallowed, o.RobotsLine, o.RobotsRule = true, v.Line, v.Rule
			if !r.cfg.IgnoreRobots {
				o.Skipped = "robots"
				r.finish(j, p, &o)
				r.send(o)
				return
			}
		}
	}

	began := time.Now()
	body, err := r.chain(ctx, &o, u, agent)
	o.Elapsed = time.Since(began)
	if err != nil {
		o.Err = describe(err, r.cfg.Timeout)
		r.mu.Lock()
		if r.firstErr == "" {
			r.firstErr, r.firstErrFatal = o.Err, unreachable(err)
		}
		r.mu.Unlock()
	}

	final := o.Final()
	r.cfg.Logger.Debug("fetch", "agent", agent.Name, "url", j.key, "status", o.Status(), "final", final.Status,
		"hops", len(o.Hops), "ms", o.Elapsed.Milliseconds(), "error", o.Err)
	var links []*url.URL
	var linkKeys []Link // linkKeys[i].URL is links[i].String()
	if !j.control && !r.cfg.SeedsOnly && o.Err == "" && final.Status >= 200 && final.Status < 300 && isHTML(o.ContentType, body) {
		r.mu.Lock()
		first := !p.linksRead
		p.linksRead = true
		r.mu.Unlock()
		if first {
			if base, err := url.Parse(final.URL); err == nil {
				read := readLinks(base, body, r.cfg.MaxLinksPerPage, r.cfg.scope.allows)
				links, linkKeys = read.parsed, read.links
				r.mu.Lock()
				if read.over > 0 {
					r.dropped.capped(final.URL, read.over)
				}
				for _, l := range read.long {
					r.dropped.tooLong(l)
				}
				r.mu.Unlock()
			}
		}
	}
	// Each response has a body of its own, so it is shared with the
	// observation rather than copied; a cut body is copied so that the
	// rest of a large one is not kept alive with it.
	o.Body = body
	if len(body) > r.cfg.KeepBody {
		o.Body = bytes.Clone(body[:r.cfg.KeepBody])
	}

	if !j.control && !r.cfg.SeedsOnly {
		// Redirect targets on the site are pages of their own, unless the
		// chain failed (a loop, too many hops, a timeout on the way): its
		// hops are that one problem, reported once at its first URL.
		for _, h := range o.Hops {
			if o.Err != "" {
				break
			}
			if h.Location == "" {
				continue
			}
			if t, err := url.Parse(h.Location); err == nil && r.cfg.scope.allows(t) {
				r.enqueue(t, p.depth+1, FoundRedirect, j.key)
			}
		}
		for i, t := range links {
			if r.cfg.scope.allows(t) {
				r.enqueueKey(t, linkKeys[i].URL, p.depth+1, FoundLink, j.key)
			}
		}
	}
	r.finish(j, p, &o)
	r.send(o)
}

// finish counts an agent's fetch of a page as done and, when every agent
// is done and one met a wall, queues the browser control.
func (r *run) finish(j job, p *page, o *Observation) {
	if j.control {
		return
	}
	isBlocked := r.blocked(o)
	r.mu.Lock()
	p.blocked = p.blocked || isBlocked
	p.remaining--
	switch {
	case p.remaining == 0 && p.blocked && !r.cfg.NoControl:
		r.queue = append(r.queue, job{key: j.key, control: true})
		r.cond.Broadcast()
	case p.remaining == 0:
		r.retire(j.key, p)
	}
	r.mu.Unlock()
}

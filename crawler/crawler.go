package crawler

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/url"
	"os"
	"slices"
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
	URLs     int // distinct URLs found so far
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
	return Progress{URLs: len(r.pages), Queued: len(r.queue), Active: r.active, Requests: int(r.f.transport.requests.Load())}
}

// New validates the options once and returns a crawler.
func New(o Options) (*Crawler, error) {
	cfg, err := o.validate()
	if err != nil {
		return nil, err
	}
	return &Crawler{cfg: cfg}, nil
}

// Agents returns the agents the crawler fetches as.
func (c *Crawler) Agents() []Agent { return c.cfg.Agents }

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
	r := &run{
		cfg:     cfg,
		blocked: blocked,
		emit:    emit,
		pages:   map[string]*page{},
		robots:  map[string]*agentRobots{},
		sitemap: map[string]bool{},
		started: time.Now(),
	}
	if !cfg.NoTrapGuard {
		r.traps = newTrapGuard(cfg.MaxPages)
	}
	r.cond = sync.NewCond(&r.mu)
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

	for _, a := range cfg.Agents {
		ar := r.f.fetchRobots(cfg.start, a)
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

	r.enqueue(cfg.start, 0, FoundStart, "")
	for _, s := range cfg.Seeds {
		u, err := Normalize(cfg.start, s)
		if err != nil {
			r.note(fmt.Sprintf("declared path %q is not a valid URL path: %v", s, err))
			continue
		}
		if !cfg.scope.Allows(u) {
			continue
		}
		r.enqueue(u, 0, FoundDeclared, "")
	}
	for _, s := range r.sitemapOrder {
		u, _ := url.Parse(s)
		r.enqueue(u, 0, FoundSitemap, "")
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
	if r.traps != nil {
		r.mu.Lock()
		res.Notes = append(res.Notes, r.traps.notes()...)
		r.mu.Unlock()
	}
	res.Notes = append(res.Notes, r.f.transport.undecodedNotes()...)
	if ctx.Err() != nil {
		res.Incomplete = true
		res.Notes = append(res.Notes, fmt.Sprintf("interrupted: %d queued fetches were not made", len(r.queue)))
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

func robotsReason(f RobotsFetch) string {
	if f.Err != "" {
		return f.Err
	}
	return fmt.Sprintf("status %d", f.Status)
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
	pages         map[string]*page
	robots        map[string]*agentRobots
	sitemap       map[string]bool
	sitemapOrder  []string
	notes         []string
	capped        bool
	traps         *trapGuard // nil: no trap guard
	firstErr      string
	firstErrFatal bool
}

func (r *run) note(s string) {
	r.mu.Lock()
	r.notes = append(r.notes, s)
	r.mu.Unlock()
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
		agent = BrowserAgent()
	} else {
		agent = *j.agent
	}
	r.mu.Lock()
	p := r.pages[j.key]
	o := r.observation(j.key, p, agent.Name)
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
	var links []Link
	if !j.control && o.Err == "" && final.Status >= 200 && final.Status < 300 && isHTML(o.ContentType, body) {
		r.mu.Lock()
		first := !p.linksRead
		p.linksRead = true
		r.mu.Unlock()
		if first {
			if base, err := url.Parse(final.URL); err == nil {
				links = ExtractLinks(base, body, maxLinksPerPage)
			}
		}
	}
	if len(body) > r.cfg.KeepBody {
		body = body[:r.cfg.KeepBody]
	}
	o.Body = bytes.Clone(body)

	if !j.control {
		// Redirect targets on the site are pages of their own.
		for _, h := range o.Hops {
			if h.Location == "" {
				continue
			}
			if t, err := url.Parse(h.Location); err == nil && r.cfg.scope.Allows(t) {
				r.enqueue(t, p.depth+1, FoundRedirect, j.key)
			}
		}
		for _, l := range links {
			if t, err := url.Parse(l.URL); err == nil && r.cfg.scope.Allows(t) {
				r.enqueue(t, p.depth+1, FoundLink, j.key)
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
	if p.remaining == 0 && p.blocked && !r.cfg.NoControl {
		r.queue = append(r.queue, job{key: j.key, control: true})
		r.cond.Broadcast()
	}
	r.mu.Unlock()
}

// chain fetches u as agent and follows redirects hop by hop inside the
// site, recording each, so a bounce to a login page stays visible. It
// returns the last body.
func (r *run) chain(ctx context.Context, o *Observation, u *url.URL, agent Agent) ([]byte, error) {
	seen := map[string]bool{u.String(): true}
	cur := u
	for hop := 0; ; hop++ {
		a := r.getPolitely(ctx, cur.String(), agent)
		if a.err != nil {
			if a.status != 0 {
				o.Hops = append(o.Hops, Hop{URL: cur.String(), Status: a.status, Header: a.header})
			}
			return nil, a.err
		}
		h := Hop{URL: cur.String(), Status: a.status, Header: a.header}
		if !isRedirect(a.status) || a.header.Get("Location") == "" {
			o.Hops = append(o.Hops, h)
			o.ContentType = a.header.Get("Content-Type")
			o.BodyTruncated = a.truncated
			return a.body, nil
		}
		next, err := Normalize(cur, a.header.Get("Location"))
		if err != nil {
			h.Location = a.header.Get("Location")
			o.Hops = append(o.Hops, h)
			return a.body, nil // a Location we cannot follow ends the chain
		}
		h.Location = next.String()
		o.Hops = append(o.Hops, h)
		if !r.cfg.scope.Allows(next) {
			return a.body, nil // off-site (an SSO provider, say): recorded, not followed
		}
		if seen[next.String()] {
			return a.body, fmt.Errorf("redirect loop: %s redirects back to %s", cur, next)
		}
		if hop+1 > maxRedirects {
			// Googlebot follows up to 10 redirects; the 11th ends the chain.
			return a.body, fmt.Errorf("more than %d redirects", maxRedirects)
		}
		seen[next.String()] = true
		cur = next
	}
}

// getPolitely sends one request and honours Retry-After on 429 and 503
// within bounds, pausing every worker, not just this one.
func (r *run) getPolitely(ctx context.Context, u string, agent Agent) answer {
	for attempt := 0; ; attempt++ {
		a := r.f.get(u, agent)
		if a.err != nil || (a.status != 429 && a.status != 503) || attempt >= r.cfg.MaxRetries || ctx.Err() != nil {
			return a
		}
		d, ok := retryAfter(a.header, time.Now())
		if !ok || d > r.cfg.MaxRetryWait {
			return a
		}
		if d < 100*time.Millisecond {
			d = 100 * time.Millisecond // a zero Retry-After must not become a tight loop
		}
		r.f.transport.pause(d)
	}
}

func isHTML(contentType string, body []byte) bool {
	if contentType == "" {
		return bytes.Contains(bytes.ToLower(body[:min(len(body), 512)]), []byte("<html"))
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return strings.Contains(strings.ToLower(contentType), "html")
	}
	return mt == "text/html" || mt == "application/xhtml+xml"
}

// readSitemaps reads robots.txt Sitemap lines and /sitemap.xml, following
// sitemap indexes, and remembers the in-scope URLs they list.
func (r *run) readSitemaps(ctx context.Context) {
	agent := r.cfg.Agents[0]
	var todo []string
	declared := map[string]bool{}
	for _, a := range r.cfg.Agents {
		for _, s := range r.robots[a.Name].fetch.Sitemaps {
			if u, err := Normalize(r.cfg.start, s); err == nil && !declared[u.String()] {
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
			if u, err := Normalize(su, child); err == nil && !done[u.String()] {
				todo = append(todo, u.String())
			}
		}
		for _, loc := range sm.URLs {
			u, err := Normalize(su, loc)
			if err != nil || !r.cfg.scope.Allows(u) {
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

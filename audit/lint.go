package audit

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"authwall/audit/serverconf"
	"authwall/crawler"
)

// LintOptions is a static check of server configs against the declared
// paths: nothing is requested.
type LintOptions struct {
	// Target names the scheme, host and port the configs serve
	// (https://example.org/); only its origin is used.
	Target  string
	Paths   *Paths
	Sitemap []string // URLs the site's sitemaps list; they count as public unless declared
	Agents  []crawler.Agent
	Configs []serverconf.Evaluator
	FailOn  FailOn
	Tool    string
	Version string
	Notes   []string // what the caller skipped (sitemap indexes, say)
}

// lintSample is one path the lint asks the configs about and why.
type lintSample struct {
	path       string
	declaredBy string // the line that declares it, or "sitemap"
	foundVia   string // "declared", "sitemap" or "sample"
}

// Lint decides, from the configs alone, what each agent would get on every
// literal declared path, every sitemap URL on the target's origin, and
// sample paths of each glob pattern (its literal prefix, a page under it,
// and the configs' own location paths under it). A public path a config
// walls is public-401 or public-403 (public-5xx for a 5xx), by the
// status the config predicts, attributed to the deciding line; a private
// path a config leaves open is private-exposed, with the block that serves
// it. Each finding carries every agent's predicted status.
func Lint(o LintOptions) (*Report, error) {
	origin, err := url.Parse(o.Target)
	if err != nil || origin.Host == "" || (origin.Scheme != "http" && origin.Scheme != "https") {
		return nil, fmt.Errorf("lint target %q: want http:// or https:// and a host", o.Target)
	}
	origin.Path, origin.RawPath, origin.RawQuery, origin.Fragment = "", "", "", ""
	if o.Paths == nil {
		o.Paths = &Paths{}
	}
	if o.Tool == "" {
		o.Tool = "authwall"
	}
	rep := &Report{Tool: o.Tool, Version: o.Version, Target: origin.String() + "/", StartedAt: time.Now().UTC(), Notes: slices.Clone(o.Notes)}
	for _, ag := range o.Agents {
		rep.Agents = append(rep.Agents, AgentInfo{Name: ag.Name, UserAgent: ag.UserAgent, RobotsToken: ag.RobotsToken})
	}
	var samples serverconf.Samples
	for _, c := range o.Configs {
		s := serverconf.SamplesOf(c)
		samples.Paths = append(samples.Paths, s.Paths...)
		samples.Suffixes = append(samples.Suffixes, s.Suffixes...)
	}
	for _, s := range lintSamples(o.Paths, o.Sitemap, origin, samples) {
		decl, rule := o.Paths.Match(s.path)
		switch {
		case rule != nil:
			s.declaredBy = rule.String() // the last matching line, maybe not the pattern sampled
		case s.foundVia == "sitemap":
			decl, s.declaredBy = Public, "sitemap"
		default:
			continue
		}
		rep.URLs++
		page, findings, notes := lintPath(o, origin.String()+s.path, s, decl)
		rep.Pages = append(rep.Pages, page)
		rep.Findings = append(rep.Findings, findings...)
		rep.Notes = append(rep.Notes, notes...)
	}
	SortFindings(rep.Findings)
	decide(rep, o.FailOn, "", nil)
	return rep, nil
}

// lintSamples lists the paths to check, each once, in the order found:
// the declared patterns' paths, then the sitemap's. A pattern with a
// wildcard stands for its literal prefix, a page under it, the configs'
// own paths under it, and the prefix completed by each example of the
// configs' unanchored regexes.
func lintSamples(p *Paths, sitemap []string, origin *url.URL, config serverconf.Samples) []lintSample {
	var out []lintSample
	seen := map[string]bool{}
	add := func(path, via string) {
		if path != "" && !seen[path] {
			seen[path] = true
			out = append(out, lintSample{path: path, foundVia: via})
		}
	}
	for _, r := range p.rules {
		if lit, ok := literalPattern(r.Pattern); ok {
			add(lit, "declared")
			continue
		}
		prefix := globPrefix(r.Pattern)
		add(prefix, "sample")
		if !strings.HasSuffix(prefix, "/") {
			continue
		}
		add(prefix+serverconf.SamplePage+".html", "sample")
		for _, l := range config.Paths {
			if strings.HasPrefix(l, prefix) {
				add(l, "sample")
			}
		}
		for _, suffix := range config.Suffixes {
			add(prefix+suffix, "sample")
		}
	}
	for _, raw := range sitemap {
		u, err := url.Parse(raw)
		if err != nil || !strings.EqualFold(u.Host, origin.Host) {
			continue
		}
		add(u.RequestURI(), "sitemap")
	}
	return out
}

// globPrefix is a pattern's literal part up to its last '/' before the
// first wildcard: /blog/** → /blog/, /docs/*.html → /docs/.
func globPrefix(pattern string) string {
	i := strings.IndexAny(pattern, `*?[{\`)
	if i < 0 {
		return pattern
	}
	lit := pattern[:i]
	return lit[:strings.LastIndex(lit, "/")+1]
}

// lintPath asks the configs about one path as every agent.
func lintPath(o LintOptions, rawURL string, s lintSample, decl Declared) (Page, []Finding, []string) {
	page := Page{URL: rawURL, Declared: string(decl), Statuses: map[string]int{}}
	var walled, open []string
	var wallVerdict, openVerdict *configVerdict
	wallKind := Kind("")
	var notes []string
	for _, ag := range o.Agents {
		cv, ok := askConfigs(o.Configs, rawURL, ag.UserAgent)
		if !ok {
			notes = appendNew(notes, fmt.Sprintf("%s: no server block of the given configs serves this host and port", rawURL))
			continue
		}
		page.Statuses[ag.Name] = cv.v.Status
		if cv.v.Outcome == serverconf.OutcomeUnsupported {
			if d := cv.v.DecidedBy; d != nil && decl == Public {
				notes = appendNew(notes, fmt.Sprintf("%s: `%s` at %s:%d hands the decision to something the config does not show (unsupported): not checked", rawURL, d.Directive, d.File, d.Line))
			}
			continue
		}
		switch k := lintWallKind(cv); {
		case decl == Public && k != "" && cv.walls():
			if wallVerdict == nil {
				c := cv
				wallVerdict, wallKind = &c, k
			}
			walled = append(walled, ag.Name)
		case decl == Private && !cv.walls() && cv.v.Status >= 200 && cv.v.Status < 300:
			if openVerdict == nil {
				c := cv
				openVerdict = &c
			}
			open = append(open, ag.Name)
		}
	}
	var out []Finding
	finding := func(k Kind, agents []string) Finding {
		return Finding{Kind: k, Severity: severityOf(k), URL: rawURL, Path: s.path, DeclaredBy: s.declaredBy,
			Statuses: maps.Clone(page.Statuses), FoundVia: s.foundVia, Agents: agents}
	}
	if wallVerdict != nil {
		f := finding(wallKind, walled)
		att := wallVerdict.attribution()
		f.Attribution = &att
		f.Message = fmt.Sprintf("the %s config answers %s with %d (%s at %s:%d)", wallVerdict.server, joinAgents(walled), wallVerdict.v.Status,
			wallVerdict.directiveName(), wallVerdict.v.DecidedBy.File, wallVerdict.v.DecidedBy.Line)
		out = append(out, f)
	}
	if openVerdict != nil {
		f := finding(PrivateExposed, open)
		att := openVerdict.exposedAttribution()
		f.Attribution = &att
		f.Message = fmt.Sprintf("the %s config serves this private path to %s with no access rule (%s)", openVerdict.server, joinAgents(open), openVerdict.v.Selected.Context)
		out = append(out, f)
	}
	return page, out, notes
}

// lintWallKind is the kind a public path walled with the config's status
// gets; "" for a status that is no wall (a redirect a return sends, say).
func lintWallKind(cv configVerdict) Kind {
	switch s := cv.v.Status; {
	case s == 401:
		return PublicUnauthorized
	case s == 403:
		return PublicForbidden
	case s >= 500:
		return PublicServerError
	}
	return ""
}

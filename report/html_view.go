package report

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"authwall/audit"
)

// htmlPage is what the template renders: every string already made
// visible-safe (html/template escapes it on output), every list sorted.
type htmlPage struct {
	CSP        string
	Title      string
	Target     htmlLink
	Tool       string
	Started    string
	StartedISO string
	Duration   string
	URLs       int
	Requests   int
	Agents     []htmlAgent
	Failed     bool
	Incomplete bool
	Notes      []string

	Total    int
	Errors   int
	Warnings int
	Infos    int

	Baseline string
	NewCount int
	Fixed    []htmlFixed

	Cards       []htmlCard
	KindChart   htmlChart
	SourceChart htmlChart

	Columns       []htmlColumn
	ShowRealm     bool
	ShowNew       bool
	ColSpan       int
	Rows          []htmlFinding
	KindOptions   []string
	SourceOptions []string

	Groups       []htmlGroup
	Unattributed int

	PageColumns []htmlColumn
	Pages       []htmlPageRow
}

// htmlLink is a value shown as a link when Href is set, as text otherwise.
type htmlLink struct {
	Text string
	Href string
}

type htmlAgent struct {
	Name      string
	UserAgent string
	Token     string
}

type htmlFixed struct {
	Kind string
	URL  htmlLink
}

type htmlCard struct {
	Kind        string
	Description string
	Sev         string // CSS class suffix, from a fixed set
	SevLabel    string
	Count       int
}

type htmlColumn struct {
	Index   int
	Key     string // the name in Statuses
	Name    string
	Title   string
	Control bool // the browser control, which no finding concerns
}

type htmlGroup struct {
	Source    string
	Directive string
	Sev       string
	Count     int
	Fixes     []string
	Locations []string
	Pages     []htmlLink
}

type htmlPageRow struct {
	URL      htmlLink
	Depth    int
	Declared string
	Statuses []htmlStatus
	FinalURL htmlLink
	Error    string
}

// unattributed is the source filter's value for findings without an
// attribution; no catalog source has this name.
const unattributed = "(unattributed)"

func newHTMLPage(r *audit.Report) *htmlPage {
	findings := sortedFindings(r.Findings)
	origin := originOf(r.Target)
	p := &htmlPage{
		Title:      "authwall report",
		Target:     link(r.Target, r.Target),
		Tool:       strings.TrimSpace(visibleText(r.Tool) + " " + visibleText(r.Version)),
		Duration:   formatDuration(r.Duration),
		URLs:       r.URLs,
		Requests:   r.Requests,
		Failed:     r.Failed,
		Incomplete: r.Incomplete,
		Notes:      visibleTexts(r.Notes),
		Total:      len(findings),
		Baseline:   visibleText(r.Baseline),
	}
	if r.Target != "" {
		p.Title += ": " + visibleText(r.Target)
	}
	if !r.StartedAt.IsZero() {
		t := r.StartedAt.UTC()
		p.Started = t.Format("2006-01-02 15:04:05 UTC")
		p.StartedISO = t.Format("2006-01-02T15:04:05.000Z")
	}
	if p.Tool == "" {
		p.Tool = "authwall"
	}
	for _, a := range r.Agents {
		p.Agents = append(p.Agents, htmlAgent{Name: visibleText(a.Name), UserAgent: visibleText(a.UserAgent), Token: visibleText(a.RobotsToken)})
	}
	n := severityCounts(findings)
	p.Errors, p.Warnings, p.Infos = n.errors, n.warnings, n.infos
	for _, f := range findings {
		if f.New {
			p.NewCount++
		}
	}
	for _, f := range sortedFindings(r.Fixed) {
		p.Fixed = append(p.Fixed, htmlFixed{Kind: visibleText(string(f.Kind)), URL: link(relativeURL(origin, f.URL, f.Path), f.URL)})
	}
	p.Cards = kindCards(findings)
	p.KindChart = kindChart(p.Cards)
	p.SourceChart = sourceChart(findings)

	names := findingAgentNames(findings)
	p.Columns = columns(r.Agents, agentColumns(r.Agents, names), hasControl(names))
	p.ShowRealm = anyRealm(findings)
	p.ShowNew = r.Baseline != ""
	// toggle, kind, severity, URL, statuses, source, confidence
	p.ColSpan = 6 + len(p.Columns)
	if p.ShowRealm {
		p.ColSpan++
	}
	if p.ShowNew {
		p.ColSpan++
	}
	kinds := map[string]bool{}
	sources := map[string]bool{}
	for i, f := range findings {
		row := newHTMLFinding(i, f, origin, p.Columns)
		p.Rows = append(p.Rows, row)
		if !kinds[row.Kind] {
			kinds[row.Kind] = true
			p.KindOptions = append(p.KindOptions, row.Kind)
		}
		sources[row.SourceKey] = true
	}
	for s := range sources {
		p.SourceOptions = append(p.SourceOptions, s)
	}
	sort.Strings(p.SourceOptions)
	p.Groups, p.Unattributed = fixGroups(findings, origin)

	pages := sortedPages(r.Pages)
	pageNames := pageAgentNames(pages)
	p.PageColumns = columns(r.Agents, agentColumns(r.Agents, pageNames), hasControl(pageNames))
	for _, pg := range pages {
		row := htmlPageRow{
			URL:      link(relativeURL(origin, pg.URL, ""), pg.URL),
			Depth:    pg.Depth,
			Declared: visibleText(pg.Declared),
			Error:    visibleText(pg.Error),
		}
		if pg.FinalURL != "" && pg.FinalURL != pg.URL {
			row.FinalURL = link(relativeURL(origin, pg.FinalURL, ""), pg.FinalURL)
		}
		for _, c := range p.PageColumns {
			row.Statuses = append(row.Statuses, pageStatus(pg, c.Key))
		}
		p.Pages = append(p.Pages, row)
	}
	return p
}

// columns names the status columns, the agents' and the control's when
// browser is set, with the user agent as their tooltip.
func columns(infos []audit.AgentInfo, agents []string, browser bool) []htmlColumn {
	uas := map[string]string{}
	for _, a := range infos {
		uas[a.Name] = a.UserAgent
	}
	var cols []htmlColumn
	for _, a := range agents {
		cols = append(cols, htmlColumn{Index: len(cols), Key: a, Name: visibleText(a), Title: visibleText(uas[a])})
	}
	if browser {
		cols = append(cols, htmlColumn{Index: len(cols), Key: controlAgent, Name: controlAgent, Title: "control fetch with a browser User-Agent", Control: true})
	}
	return cols
}

func pageStatus(pg audit.Page, agent string) htmlStatus {
	s, ok := pg.Statuses[agent]
	switch {
	case !ok:
		return htmlStatus{Text: "-", Class: "none"}
	case s == 0 && pg.Error != "":
		return htmlStatus{Text: "error", Class: "err", Reason: visibleText(pg.Error)}
	case s == 0:
		return htmlStatus{Text: "no answer", Class: "err"}
	}
	return htmlStatus{Text: strconv.Itoa(s), Class: statusClass(s), Sort: s}
}

// sevClass maps a severity to a CSS class from a fixed set, whatever the
// report says.
func sevClass(s audit.Severity) string {
	switch s {
	case audit.SeverityError, audit.SeverityWarning, audit.SeverityInfo:
		return string(s)
	}
	return "unknown"
}

// kindCards returns a card per kind that occurred, in kind table order,
// with the worst severity among its findings and the kind table's
// description of it.
func kindCards(findings []audit.Finding) []htmlCard {
	counts := map[audit.Kind]int{}
	worst := map[audit.Kind]audit.Severity{}
	for _, f := range findings {
		counts[f.Kind]++
		if w, ok := worst[f.Kind]; !ok || f.Severity.Rank() > w.Rank() {
			worst[f.Kind] = f.Severity
		}
	}
	var cards []htmlCard
	for _, k := range sortedCountKinds(counts) {
		desc := "a finding kind this version of the report does not describe"
		if info, ok := audit.LookupKind(k); ok {
			desc = info.Description
		}
		label := visibleText(string(worst[k]))
		if label == "" {
			label = "-"
		}
		cards = append(cards, htmlCard{Kind: visibleText(string(k)), Description: desc, Sev: sevClass(worst[k]), SevLabel: label, Count: counts[k]})
	}
	return cards
}

// fixGroups groups attributed findings by source and directive: the pages
// one change would clear. Largest group first.
func fixGroups(findings []audit.Finding, origin string) ([]htmlGroup, int) {
	index := map[string]int{}
	var groups []htmlGroup
	none := 0
	for _, f := range findings {
		a := f.Attribution
		if a == nil {
			none++
			continue
		}
		directive := a.Directive
		if directive == "" {
			directive = a.Mechanism
		}
		key := a.Source + "\x00" + directive
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, htmlGroup{Source: visibleText(a.Source), Directive: visibleText(directive), Sev: sevClass(f.Severity)})
		}
		g := &groups[i]
		g.Count++
		g.Pages = append(g.Pages, link(relativeURL(origin, f.URL, f.Path), f.URL))
		if fix := visibleBlock(a.Fix); fix != "" && !slices.Contains(g.Fixes, fix) {
			g.Fixes = append(g.Fixes, fix)
		}
		if a.Location != nil && a.Location.File != "" {
			if loc := fmt.Sprintf("%s:%d", visibleText(a.Location.File), a.Location.Line); !slices.Contains(g.Locations, loc) {
				g.Locations = append(g.Locations, loc)
			}
		}
	}
	// Findings come sorted worst first, so each group's first finding set
	// its severity; a stable sort keeps that order among equal counts.
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].Count > groups[j].Count })
	return groups, none
}

// link makes text a link to u when u is an absolute http or https URL;
// anything else (javascript:, data:, relative, unparsable) stays text.
// html/template would also defuse a javascript: href, but only as
// "#ZgotmplZ": deciding here keeps such values readable and out of href.
func link(text, u string) htmlLink {
	l := htmlLink{Text: visibleText(text)}
	if l.Text == "" {
		l.Text = "-"
	}
	if p, err := url.Parse(u); err == nil && p.Host != "" && (strings.EqualFold(p.Scheme, "http") || strings.EqualFold(p.Scheme, "https")) {
		l.Href = u
	}
	return l
}

// visibleBlock is visibleText for preformatted text: line breaks stay
// line breaks, tabs become spaces, everything else is shown as
// visibleText shows it.
func visibleBlock(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = visibleText(strings.ReplaceAll(l, "\t", "    "))
	}
	return strings.Join(lines, "\n")
}

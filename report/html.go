package report

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"authwall/audit"
)

var _ Writer = (*HTML)(nil)

// htmlTemplateText is the page: markup, CSS and the script in one file, so
// the report is one self-contained document.
//
//go:embed html.tmpl
var htmlTemplateText string

// HTML writes the report as one self-contained web page for people: a
// verdict, cards and bar charts per kind and source, a findings table that
// sorts, filters and expands (a little inline script working on the DOM
// only), the pages one fix would clear, and every crawled URL.
//
// Everything in a report came from the audited site, so every value goes
// through html/template's contextual escaping; no site value is ever
// marked as safe HTML, JS or URL. On top of that:
//   - only absolute http and https URLs become links, anything else
//     (javascript:, data:, relative) is shown as text;
//   - control, bidi and zero-width characters and bytes that are not UTF-8
//     are shown as visible escapes (\x1b, \u202e, \xff), so a URL cannot
//     disguise itself;
//   - a Content-Security-Policy meta tag allows inline styles and the one
//     script, by its hash, and nothing else: no network, no other script;
//   - the output depends on the report only (its StartedAt, never the
//     clock), so two writes of one report are byte for byte equal.
type HTML struct{}

// Chart geometry in SVG user units.
const (
	chartLabelWidth = 176
	chartBarMax     = 260
	chartRow        = 26
	chartBar        = 16
	chartLabelCols  = 26
)

// Write renders r as HTML. A nil *HTML writes with default options.
func (h *HTML) Write(w io.Writer, r *audit.Report) error {
	if r == nil {
		return errors.New("write HTML report: no report (nil)")
	}
	// Parsed per write: a package-level template would be shared state.
	tmpl, err := template.New("html").Parse(htmlTemplateText)
	if err != nil {
		return fmt.Errorf("write HTML report: parse template: %w", err)
	}
	var script bytes.Buffer
	if err := tmpl.ExecuteTemplate(&script, "script", nil); err != nil {
		return fmt.Errorf("write HTML report: render script: %w", err)
	}
	csp, err := contentSecurityPolicy(script.String())
	if err != nil {
		return fmt.Errorf("write HTML report: %w", err)
	}
	page := newHTMLPage(r)
	page.CSP = csp
	// Render into a buffer so a failure leaves no half page behind.
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, "page", page); err != nil {
		return fmt.Errorf("write HTML report: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write HTML report: %w", err)
	}
	return nil
}

// contentSecurityPolicy allows inline styles and exactly the given script
// element, by the hash of its text as the page carries it (the page
// renders the same "script" template in the same context).
func contentSecurityPolicy(element string) (string, error) {
	body, ok := strings.CutPrefix(element, "<script>")
	if ok {
		body, ok = strings.CutSuffix(body, "</script>")
	}
	if !ok {
		return "", errors.New(`template "script" must be one <script> element`)
	}
	sum := sha256.Sum256([]byte(body))
	return "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-" +
		base64.StdEncoding.EncodeToString(sum[:]) +
		"'; base-uri 'none'; form-action 'none'", nil
}

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

type htmlChart struct {
	Label  string
	Height int
	Bars   []htmlBar
}

type htmlBar struct {
	Label  string
	Full   string
	Class  string
	Count  int
	Y      int
	TextY  int
	Width  int
	CountX int
}

type htmlColumn struct {
	Index   int
	Key     string // the name in Statuses
	Name    string
	Title   string
	Control bool // the browser control, which no finding concerns
}

type htmlStatus struct {
	Text   string
	Class  string
	Sort   int
	Wall   bool
	Reason string
}

type htmlFinding struct {
	ID           string
	Kind         string
	KindRank     int
	Sev          string
	SevLabel     string
	SevRank      int
	Path         htmlLink
	URL          htmlLink
	Statuses     []htmlStatus
	SourceKey    string
	Source       string
	Directive    string
	Location     string
	SourceSort   string
	Realm        string
	Confidence   string
	ConfRank     int
	New          bool
	Failing      bool
	Agents       []string
	Message      string
	DeclaredBy   string
	FoundVia     string
	LinkedFrom   []htmlLink
	Redirects    []htmlHop
	Attribution  *htmlAttribution
	Alternatives []htmlAttribution
}

type htmlHop struct {
	Status   int
	URL      htmlLink
	Location htmlLink
}

type htmlAttribution struct {
	Source     string
	Mechanism  string
	Directive  string
	Realm      string
	Confidence string
	Signature  string
	Edge       string
	Evidence   []string
	Location   string
	Context    string
	Fix        string
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
	p.Cards, p.KindChart = kindSummary(findings)
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

func newHTMLFinding(i int, f audit.Finding, origin string, cols []htmlColumn) htmlFinding {
	row := htmlFinding{
		ID:         "f" + strconv.Itoa(i+1),
		Kind:       visibleText(string(f.Kind)),
		KindRank:   kindRank(f.Kind),
		Sev:        sevClass(f.Severity),
		SevLabel:   visibleText(string(f.Severity)),
		SevRank:    f.Severity.Rank(),
		Path:       link(relativeURL(origin, f.URL, f.Path), f.URL),
		URL:        link(f.URL, f.URL),
		SourceKey:  unattributed,
		Confidence: "-",
		New:        f.New,
		Failing:    f.Failing,
		Agents:     visibleTexts(f.Agents),
		Message:    visibleText(f.Message),
		DeclaredBy: visibleText(f.DeclaredBy),
		FoundVia:   visibleText(f.FoundVia),
	}
	if row.SevLabel == "" {
		row.SevLabel = "-"
	}
	for _, c := range cols {
		row.Statuses = append(row.Statuses, findingStatus(f, c.Key))
	}
	if a := f.Attribution; a != nil {
		row.SourceKey = visibleText(a.Source)
		row.Source = visibleText(a.Source)
		row.Directive = visibleText(a.Directive)
		if row.Directive == "" {
			row.Directive = visibleText(a.Mechanism)
		}
		if a.Location != nil && a.Location.File != "" {
			row.Location = fmt.Sprintf("%s:%d", visibleText(a.Location.File), a.Location.Line)
		}
		row.SourceSort = row.Source + " " + row.Directive
		row.Realm = visibleText(a.Realm)
		if a.Confidence != "" {
			row.Confidence = visibleText(a.Confidence)
		}
		row.ConfRank = confidenceRank(a.Confidence)
		ha := newHTMLAttribution(*a)
		row.Attribution = &ha
	}
	for _, u := range f.LinkedFrom {
		row.LinkedFrom = append(row.LinkedFrom, link(relativeURL(origin, u, ""), u))
	}
	for _, h := range f.Redirects {
		hop := htmlHop{Status: h.Status, URL: link(h.URL, h.URL)}
		if h.Location != "" {
			hop.Location = link(h.Location, h.Location)
		}
		row.Redirects = append(row.Redirects, hop)
	}
	for _, a := range f.Alternatives {
		row.Alternatives = append(row.Alternatives, newHTMLAttribution(a))
	}
	return row
}

func newHTMLAttribution(a audit.Attribution) htmlAttribution {
	ha := htmlAttribution{
		Source:     visibleText(a.Source),
		Mechanism:  visibleText(a.Mechanism),
		Directive:  visibleText(a.Directive),
		Realm:      visibleText(a.Realm),
		Confidence: visibleText(a.Confidence),
		Signature:  visibleText(a.Signature),
		Edge:       visibleText(a.Edge),
		Evidence:   visibleTexts(a.Evidence),
		Fix:        visibleBlock(a.Fix),
	}
	if a.Location != nil {
		ha.Location = fmt.Sprintf("%s:%d", visibleText(a.Location.File), a.Location.Line)
		ha.Context = visibleText(a.Location.Context)
	}
	return ha
}

// findingStatus shows what one agent got. The status of each agent the
// finding concerns (Finding.Agents) is marked as the wall, which the agent
// filter keeps.
func findingStatus(f audit.Finding, agent string) htmlStatus {
	st := htmlStatus{Text: statusText(f, agent), Class: "none", Sort: -2}
	s, ok := f.Statuses[agent]
	if !ok {
		return st
	}
	st.Reason = visibleText(f.NotFetched[agent])
	st.Wall = slices.Contains(f.Agents, agent)
	switch {
	case s == 0:
		st.Sort = -1
		st.Class = "err"
		if st.Text == "disallow" {
			st.Class = "disallow"
		}
	case st.Wall:
		st.Sort = s
		st.Class = "wall"
	default:
		st.Sort = s
		st.Class = statusClass(s)
	}
	return st
}

func statusClass(s int) string {
	switch {
	case s == 401 || s == 403 || s == 407:
		return "wall"
	case s >= 200 && s < 300:
		return "ok"
	case s >= 300 && s < 400:
		return "redir"
	}
	return "err"
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

func confidenceRank(c string) int {
	switch c {
	case "high":
		return 3
	case "medium":
		return 2
	case "low":
		return 1
	}
	return 0
}

// kindSummary returns a card per kind that occurred, in report order, with
// the worst severity among its findings, and the same as a bar chart.
func kindSummary(findings []audit.Finding) ([]htmlCard, htmlChart) {
	counts := map[audit.Kind]int{}
	worst := map[audit.Kind]audit.Severity{}
	for _, f := range findings {
		counts[f.Kind]++
		if w, ok := worst[f.Kind]; !ok || f.Severity.Rank() > w.Rank() {
			worst[f.Kind] = f.Severity
		}
	}
	var cards []htmlCard
	var bars []chartItem
	for _, k := range sortedCountKinds(counts) {
		desc := "a finding kind this version of the report does not describe"
		if info, ok := audit.LookupKind(k); ok {
			desc = info.Description
		}
		label := visibleText(string(worst[k]))
		if label == "" {
			label = "-"
		}
		c := htmlCard{Kind: visibleText(string(k)), Description: desc, Sev: sevClass(worst[k]), SevLabel: label, Count: counts[k]}
		cards = append(cards, c)
		bars = append(bars, chartItem{label: c.Kind, class: "sev-" + c.Sev, count: c.Count})
	}
	return cards, newChart("Findings by kind", bars)
}

// sourceChart counts findings per attributed source, most first.
func sourceChart(findings []audit.Finding) htmlChart {
	counts := map[string]int{}
	for _, f := range findings {
		s := unattributed
		if f.Attribution != nil {
			s = visibleText(f.Attribution.Source)
		}
		counts[s]++
	}
	items := make([]chartItem, 0, len(counts))
	for s, n := range counts {
		class := "src"
		if s == unattributed {
			class = "src-none"
		}
		items = append(items, chartItem{label: s, class: class, count: n})
	}
	sort.Slice(items, func(i, j int) bool {
		if items[i].count != items[j].count {
			return items[i].count > items[j].count
		}
		return items[i].label < items[j].label
	})
	return newChart("Findings by source", items)
}

type chartItem struct {
	label, class string
	count        int
}

// newChart lays out horizontal bars scaled to the largest count.
func newChart(label string, items []chartItem) htmlChart {
	c := htmlChart{Label: label, Height: max(chartRow, len(items)*chartRow+4)}
	most := 0
	for _, it := range items {
		most = max(most, it.count)
	}
	for i, it := range items {
		w := 0
		if most > 0 {
			w = max(2, it.count*chartBarMax/most)
		}
		y := 4 + i*chartRow
		c.Bars = append(c.Bars, htmlBar{
			Label: cutToWidth(it.label, chartLabelCols), Full: it.label, Class: it.class, Count: it.count,
			Y: y, TextY: y + chartBar - 4, Width: w, CountX: chartLabelWidth + w + 6,
		})
	}
	return c
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

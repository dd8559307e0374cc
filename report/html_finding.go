package report

import (
	"fmt"
	"slices"
	"strconv"

	"authwall/audit"
)

// htmlStatus is one status cell: the text, a CSS class from a fixed set,
// the sort key, whether it is the wall (the status of an agent the finding
// concerns) and, for status 0, why.
type htmlStatus struct {
	Text   string
	Class  string
	Sort   int
	Wall   bool
	Reason string
}

// htmlFinding is one row of the findings table and its details.
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
	Logs         []htmlLogHits
}

// htmlLogHits is one agent's requests in the access logs, for a finding
// made from them.
type htmlLogHits struct {
	Agent                         string
	Verified, Spoofed, Unverified int
	Statuses, FirstSeen, LastSeen string
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
	order := make([]string, len(cols))
	for i, c := range cols {
		order[i] = c.Key
	}
	for _, agent := range logAgents(f, order) {
		h := f.Logs[agent]
		row.Logs = append(row.Logs, htmlLogHits{Agent: visibleText(agent), Verified: h.Verified, Spoofed: h.Spoofed, Unverified: h.Unverified,
			Statuses: audit.StatusCounts(h.Statuses, nil), FirstSeen: logTime(h.FirstSeen), LastSeen: logTime(h.LastSeen)})
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

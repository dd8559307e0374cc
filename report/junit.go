package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"authwall/audit"
)

// JUnit writes the audit as JUnit XML, the test report format Jenkins,
// GitLab, Azure DevOps and most CI systems show: each crawler agent is a
// test suite and each URL checked is a test case, so a wall shows up as a
// failed test of the agent that met it.
//
// Layout (the common Jenkins/Ant format; testdata/junit/junit.xsd):
//   - <testsuites> sums up every suite;
//   - one <testsuite name="authwall AGENT"> per agent, in the report's
//     order, with tests, failures, errors, skipped, time (the audit's
//     duration) and timestamp (its start, UTC); properties name the target,
//     the agent's User-Agent and robots.txt token, and the baseline;
//     system-out holds the report's notes and the findings a baseline
//     listed that are fixed now;
//   - one <testcase> per declared (public or private) page, named by its URL
//     (the path when on the target's origin), classname the path's first
//     segment (the host for the home page and for other hosts). A finding
//     at a URL that is not a declared page (robots.txt, an undeclared link,
//     a sitemap URL not crawled) gets a test case of its own, so no finding
//     is ever left out;
//   - a finding goes into the suite of each agent it concerns
//     (Finding.Agents: a wall that only Googlebot met is in Googlebot's
//     suite only); a finding that names no agent (one read from an older
//     report, say) goes into every suite, so no finding is left out and a
//     failing one is always a failed test;
//   - a failing finding (Finding.Failing: it makes the exit code 1, after
//     --fail-on and the baseline) is a <failure> (type the kind; message
//     the kind, the attributed source, directive and realm, and the fix;
//     the text adds the evidence and the redirect chain), so the failed
//     tests are exactly what fails the run. Any other finding (info, a
//     warning --fail-on lets pass, one already in the baseline) goes to
//     the test case's <system-out>, with the same message and text;
//   - a case without a failure where the agent got no answer (robots.txt
//     kept it out, or the fetch failed) is <skipped>, with the reason;
//   - errors is always 0: a finding is a verdict on the site, not a test
//     that broke;
//   - with a baseline, a finding that was already in it says "(already in
//     baseline)" in its message.
//
// Counts are per test case: failures is the number of cases with at least
// one failure. Everything came from the audited site, so values are escaped
// by encoding/xml, characters XML 1.0 forbids (C0 controls but tab, CR and
// LF; U+FFFE, U+FFFF) are removed, and bytes that are not UTF-8 become
// U+FFFD.
type JUnit struct{}

type junitSuites struct {
	XMLName   xml.Name     `xml:"testsuites"`
	Name      string       `xml:"name,attr"`
	Tests     int          `xml:"tests,attr"`
	Failures  int          `xml:"failures,attr"`
	Errors    int          `xml:"errors,attr"`
	Skipped   int          `xml:"skipped,attr"`
	Time      string       `xml:"time,attr"`
	Timestamp string       `xml:"timestamp,attr,omitempty"`
	Suites    []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Errors     int              `xml:"errors,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Time       string           `xml:"time,attr"`
	Timestamp  string           `xml:"timestamp,attr,omitempty"`
	Properties *junitProperties `xml:"properties"`
	Cases      []junitCase      `xml:"testcase"`
	SystemOut  string           `xml:"system-out,omitempty"`
}

type junitProperties struct {
	Property []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string         `xml:"name,attr"`
	Classname string         `xml:"classname,attr"`
	Time      string         `xml:"time,attr"`
	Failures  []junitFailure `xml:"failure"`
	Skipped   *junitSkipped  `xml:"skipped"`
	SystemOut string         `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// Write renders r as JUnit XML. A nil *JUnit writes the same.
func (*JUnit) Write(w io.Writer, r *audit.Report) error {
	if r == nil {
		return errors.New("write JUnit report: no report (nil)")
	}
	// Encode into a buffer so a failure leaves no half document behind.
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(newJUnitReport(r)); err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	buf.WriteByte('\n')
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write JUnit report: %w", err)
	}
	return nil
}

// junitTime is the audit's duration in seconds; there is no time per URL
// (the agents fetch concurrently), so cases say 0.
func junitTime(r *audit.Report) string {
	return strconv.FormatFloat(r.Duration.Seconds(), 'f', 3, 64)
}

func newJUnitReport(r *audit.Report) *junitSuites {
	findings := sortedFindings(r.Findings)
	pages := declaredPages(r.Pages)
	agents := agentColumns(r.Agents, findingAgentNames(findings), pageAgentNames(slices.Collect(maps.Values(pages))))

	timestamp := ""
	if !r.StartedAt.IsZero() {
		// The Ant format's timestamp has no zone; it is UTC.
		timestamp = r.StartedAt.UTC().Format("2006-01-02T15:04:05")
	}
	doc := &junitSuites{
		Name:      xmlText("authwall " + r.Target),
		Time:      junitTime(r),
		Timestamp: timestamp,
		Suites:    []junitSuite{},
	}
	for _, agent := range agents {
		s := newJUnitSuite(r, agent, agents, pages, findings)
		s.Timestamp = timestamp
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
		doc.Suites = append(doc.Suites, s)
	}
	return doc
}

// declaredPages returns the public and private pages by URL, sorted, one
// per URL.
func declaredPages(ps []audit.Page) map[string]audit.Page {
	out := map[string]audit.Page{}
	for _, p := range sortedPages(ps) {
		if _, dup := out[p.URL]; p.Declared != "" && !dup {
			out[p.URL] = p
		}
	}
	return out
}

func newJUnitSuite(r *audit.Report, agent string, agents []string, pages map[string]audit.Page, findings []audit.Finding) junitSuite {
	s := junitSuite{
		Name:  xmlText("authwall " + agent),
		Time:  junitTime(r),
		Cases: []junitCase{},
	}
	props := []junitProperty{{"target", r.Target}}
	for _, a := range r.Agents {
		if a.Name == agent {
			props = append(props, junitProperty{"user_agent", a.UserAgent}, junitProperty{"robots_token", a.RobotsToken})
			break
		}
	}
	if r.Baseline != "" {
		props = append(props, junitProperty{"baseline", r.Baseline})
	}
	if r.Incomplete {
		props = append(props, junitProperty{"incomplete", "true"})
	}
	for i := range props {
		props[i].Value = xmlText(props[i].Value)
	}
	s.Properties = &junitProperties{Property: props}

	byURL := map[string][]audit.Finding{}
	urls := make([]string, 0, len(pages))
	for u := range pages {
		urls = append(urls, u)
	}
	for _, f := range findings {
		if len(f.Agents) > 0 && !slices.Contains(f.Agents, agent) {
			continue
		}
		if _, ok := pages[f.URL]; !ok && byURL[f.URL] == nil {
			urls = append(urls, f.URL)
		}
		byURL[f.URL] = append(byURL[f.URL], f)
	}
	sort.Strings(urls)

	origin := originOf(r.Target)
	for _, u := range urls {
		page, isPage := pages[u]
		c := newJUnitCase(r, origin, agent, agents, u, page, isPage, byURL[u])
		s.Tests++
		switch {
		case len(c.Failures) > 0:
			s.Failures++
		case c.Skipped != nil:
			s.Skipped++
		}
		s.Cases = append(s.Cases, c)
	}

	var out []string
	for _, n := range r.Notes {
		out = append(out, "note: "+n)
	}
	if r.Baseline != "" {
		for _, f := range sortedFindings(r.Fixed) {
			out = append(out, fmt.Sprintf("fixed since baseline: %s %s", f.Kind, f.URL))
		}
	}
	s.SystemOut = xmlText(strings.Join(out, "\n"))
	return s
}

func newJUnitCase(r *audit.Report, origin, agent string, agents []string, u string, page audit.Page, isPage bool, fs []audit.Finding) junitCase {
	path := ""
	if len(fs) > 0 {
		path = fs[0].Path
	}
	name := relativeURL(origin, u, path)
	if name == "" {
		name = "(no URL)"
	}
	c := junitCase{Name: xmlText(name), Classname: xmlText(junitClassname(r.Target, u)), Time: "0"}
	baseline := r.Baseline != ""

	var passing []string
	for _, f := range fs {
		if !f.Failing {
			passing = append(passing, junitMessage(f, baseline)+"\n"+junitDetails(f, agents))
			continue
		}
		c.Failures = append(c.Failures, junitFailure{
			Message: xmlText(junitMessage(f, baseline)),
			Type:    xmlText(string(f.Kind)),
			Text:    xmlText(junitDetails(f, agents)),
		})
	}
	c.SystemOut = xmlText(strings.Join(passing, "\n\n"))
	if len(c.Failures) == 0 {
		if why, skipped := junitSkip(agent, page, isPage, fs); skipped {
			c.Skipped = &junitSkipped{Message: xmlText(why)}
		}
	}
	return c
}

// junitSkip says whether the agent got no answer at this URL, and why.
func junitSkip(agent string, page audit.Page, isPage bool, fs []audit.Finding) (string, bool) {
	status, known := 0, false
	if isPage {
		status, known = page.Statuses[agent]
		if !known {
			return agent + " did not fetch this URL", true
		}
	} else {
		for _, f := range fs {
			if s, ok := f.Statuses[agent]; ok {
				status, known = s, true
				break
			}
		}
	}
	if !known || status != 0 {
		return "", false
	}
	for _, f := range fs {
		switch why := f.NotFetched[agent]; why {
		case "":
		case "robots":
			return "robots.txt disallows this URL for " + agent, true
		default:
			return agent + " got no answer: " + why, true
		}
	}
	if isPage && page.Error != "" {
		return agent + " got no answer: " + page.Error, true
	}
	return agent + " got no answer", true
}

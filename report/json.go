package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"authwall/audit"
)

// SchemaVersion is the JSON report schema this package writes and reads
// (DESIGN.md, "JSON report"). Fields are only ever added to a version.
const SchemaVersion = 1

// JSON writes the report as one JSON document, schema version 1.
//
// Choices the schema leaves open, fixed here so readers can rely on them:
//   - every key is always present: lists are [] and maps {} when empty, and
//     a finding without attribution has "attribution": null (likewise
//     "location": null), so every finding has the same shape;
//   - findings are sorted by severity (worst first), then kind in the order
//     of audit.Kinds, then URL; pages by URL; map keys sorted;
//   - HTML characters are not escaped (`<` stays `<`, not `\u003c`): the
//     output is data for programs, and the HTML report escapes on rendering;
//   - strings that are not valid UTF-8 have each bad byte replaced with
//     U+FFFD, so what ReadJSON returns equals what was written;
//   - started_at is in UTC, with at most millisecond precision;
//   - additions to schema 1: summary.incomplete, notes[], and per finding
//     message, agents[], failing, redirects[], alternatives[],
//     attribution.edge and attribution.signature. summary.failed is true
//     exactly when some finding is failing.
type JSON struct {
	// Indent pretty-prints with two spaces; the zero value writes the whole
	// report on one line.
	Indent bool
}

// JSONReport is the JSON report, as written by JSON and read by ReadJSON.
type JSONReport struct {
	Schema     int           `json:"schema"`
	Tool       JSONTool      `json:"tool"`
	Target     string        `json:"target"`
	StartedAt  time.Time     `json:"started_at"`
	DurationMS int64         `json:"duration_ms"`
	Agents     []JSONAgent   `json:"agents"`
	Summary    JSONSummary   `json:"summary"`
	Notes      []string      `json:"notes"`
	Findings   []JSONFinding `json:"findings"`
	Pages      []JSONPage    `json:"pages"`
}

// JSONTool names the program that wrote the report.
type JSONTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// JSONAgent is one crawler identity the audit used.
type JSONAgent struct {
	Name        string `json:"name"`
	UserAgent   string `json:"user_agent"`
	RobotsToken string `json:"robots_token"`
}

// JSONSummary sums the run up; Findings counts findings per kind and holds
// only kinds that occurred.
type JSONSummary struct {
	URLs       int            `json:"urls"`
	Requests   int            `json:"requests"`
	Findings   map[string]int `json:"findings"`
	Failed     bool           `json:"failed"`
	Incomplete bool           `json:"incomplete"`
}

// JSONFinding is one problem at one URL.
type JSONFinding struct {
	Kind         string            `json:"kind"`
	Severity     string            `json:"severity"`
	Message      string            `json:"message"`
	URL          string            `json:"url"`
	Path         string            `json:"path"`
	DeclaredBy   string            `json:"declared_by"`
	Statuses     map[string]int    `json:"statuses"`
	Agents       []string          `json:"agents"`                // the crawler agents the finding concerns
	Failing      bool              `json:"failing"`               // whether it makes the exit code 1
	NotFetched   map[string]string `json:"not_fetched,omitempty"` // agent -> "robots" or the fetch error, for status 0
	FoundVia     string            `json:"found_via"`
	LinkedFrom   []string          `json:"linked_from"`
	Redirects    []JSONRedirect    `json:"redirects"`
	Attribution  *JSONAttribution  `json:"attribution"`
	Alternatives []JSONAttribution `json:"alternatives"`
	New          bool              `json:"new"`
}

// JSONRedirect is one hop of a redirect chain.
type JSONRedirect struct {
	URL      string `json:"url"`
	Status   int    `json:"status"`
	Location string `json:"location"`
}

// JSONAttribution says which auth source and setting most likely produced a
// wall.
type JSONAttribution struct {
	Source     string        `json:"source"`
	Mechanism  string        `json:"mechanism"`
	Directive  string        `json:"directive"`
	Realm      string        `json:"realm"`
	Confidence string        `json:"confidence"`
	Evidence   []string      `json:"evidence"`
	Location   *JSONLocation `json:"location"`
	Fix        string        `json:"fix"`
	Edge       string        `json:"edge"`
	Signature  string        `json:"signature"`
}

// JSONLocation is where in a server config the directive is.
type JSONLocation struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Context string `json:"context"`
}

// JSONPage is one crawled URL with what each agent got.
type JSONPage struct {
	URL      string         `json:"url"`
	Depth    int            `json:"depth"`
	Declared string         `json:"declared"`
	Statuses map[string]int `json:"statuses"`
	FinalURL string         `json:"final_url"`
	Error    string         `json:"error"`
}

// Write renders r as JSON. A nil *JSON writes with default options.
func (j *JSON) Write(w io.Writer, r *audit.Report) error {
	if r == nil {
		return errors.New("write JSON report: no report (nil)")
	}
	return j.encode(w, newJSONReport(r))
}

func (j *JSON) encode(w io.Writer, jr *JSONReport) error {
	// Encode into a buffer so a failure leaves no half document behind.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if j != nil && j.Indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(jr); err != nil {
		return fmt.Errorf("write JSON report: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write JSON report: %w", err)
	}
	return nil
}

// newJSONReport converts the domain report into the output types.
func newJSONReport(r *audit.Report) *JSONReport {
	jr := &JSONReport{
		Schema:     SchemaVersion,
		Tool:       JSONTool{Name: validUTF8(r.Tool), Version: validUTF8(r.Version)},
		Target:     validUTF8(r.Target),
		StartedAt:  r.StartedAt.UTC().Truncate(time.Millisecond),
		DurationMS: r.Duration.Milliseconds(),
		Agents:     make([]JSONAgent, 0, len(r.Agents)),
		Summary: JSONSummary{
			URLs:       r.URLs,
			Requests:   r.Requests,
			Findings:   map[string]int{},
			Failed:     r.Failed,
			Incomplete: r.Incomplete,
		},
		Notes:    validUTF8s(r.Notes),
		Findings: make([]JSONFinding, 0, len(r.Findings)),
		Pages:    make([]JSONPage, 0, len(r.Pages)),
	}
	for _, a := range r.Agents {
		jr.Agents = append(jr.Agents, JSONAgent{Name: validUTF8(a.Name), UserAgent: validUTF8(a.UserAgent), RobotsToken: validUTF8(a.RobotsToken)})
	}
	for k, n := range r.Counts() {
		jr.Summary.Findings[validUTF8(string(k))] += n
	}
	for _, f := range sortedFindings(r.Findings) {
		jf := JSONFinding{
			Kind:         validUTF8(string(f.Kind)),
			Severity:     validUTF8(string(f.Severity)),
			Message:      validUTF8(f.Message),
			URL:          validUTF8(f.URL),
			Path:         validUTF8(f.Path),
			DeclaredBy:   validUTF8(f.DeclaredBy),
			Statuses:     statuses(f.Statuses),
			Agents:       validUTF8s(f.Agents),
			Failing:      f.Failing,
			NotFetched:   notFetched(f.NotFetched),
			FoundVia:     validUTF8(f.FoundVia),
			LinkedFrom:   validUTF8s(f.LinkedFrom),
			Redirects:    make([]JSONRedirect, 0, len(f.Redirects)),
			Alternatives: make([]JSONAttribution, 0, len(f.Alternatives)),
			New:          f.New,
		}
		for _, h := range f.Redirects {
			jf.Redirects = append(jf.Redirects, JSONRedirect{URL: validUTF8(h.URL), Status: h.Status, Location: validUTF8(h.Location)})
		}
		if f.Attribution != nil {
			a := attribution(*f.Attribution)
			jf.Attribution = &a
		}
		for _, a := range f.Alternatives {
			jf.Alternatives = append(jf.Alternatives, attribution(a))
		}
		jr.Findings = append(jr.Findings, jf)
	}
	for _, p := range sortedPages(r.Pages) {
		jr.Pages = append(jr.Pages, JSONPage{
			URL:      validUTF8(p.URL),
			Depth:    p.Depth,
			Declared: validUTF8(p.Declared),
			Statuses: statuses(p.Statuses),
			FinalURL: validUTF8(p.FinalURL),
			Error:    validUTF8(p.Error),
		})
	}
	return jr
}

func attribution(a audit.Attribution) JSONAttribution {
	ja := JSONAttribution{
		Source:     validUTF8(a.Source),
		Mechanism:  validUTF8(a.Mechanism),
		Directive:  validUTF8(a.Directive),
		Realm:      validUTF8(a.Realm),
		Confidence: validUTF8(a.Confidence),
		Evidence:   validUTF8s(a.Evidence),
		Fix:        validUTF8(a.Fix),
		Edge:       validUTF8(a.Edge),
		Signature:  validUTF8(a.Signature),
	}
	if a.Location != nil {
		ja.Location = &JSONLocation{File: validUTF8(a.Location.File), Line: a.Location.Line, Context: validUTF8(a.Location.Context)}
	}
	return ja
}

func statuses(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[validUTF8(k)] = v
	}
	return out
}

// validUTF8 replaces each invalid byte with U+FFFD, as encoding/json would, so
// the values handed to the encoder are exactly the values read back.
func validUTF8(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

func validUTF8s(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = validUTF8(s)
	}
	return out
}

// ReadJSON reads a JSON report written by JSON. It checks the schema version
// and that the fields every reader relies on are present; fields it does not
// know are ignored, since schema 1 only ever grows.
func ReadJSON(r io.Reader) (*JSONReport, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read JSON report: %w", err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("read JSON report: not JSON: at byte %d: %w", se.Offset, err)
		}
		return nil, fmt.Errorf("read JSON report: not a JSON object: %w", err)
	}
	if top == nil {
		return nil, errors.New("read JSON report: not a JSON object: null")
	}
	raw, ok := top["schema"]
	if !present(raw, ok) {
		return nil, errors.New(`read JSON report: missing field "schema" (not an authwall JSON report?)`)
	}
	var schema int
	if err := json.Unmarshal(raw, &schema); err != nil {
		return nil, fmt.Errorf("read JSON report: field \"schema\": want an integer, got %s", clip(raw))
	}
	if schema != SchemaVersion {
		return nil, fmt.Errorf("read JSON report: schema version %d is not supported (this version of authwall reads %d)", schema, SchemaVersion)
	}
	// Required: what DESIGN.md's example shows and a reader (a baseline, a
	// dashboard) needs. Additions to the schema stay optional.
	if err := checkFields(top, "read JSON report", []string{"tool", "target", "started_at", "duration_ms", "agents", "summary", "findings", "pages"}); err != nil {
		return nil, err
	}
	if err := checkObject(top["summary"], "summary", []string{"urls", "requests", "findings", "failed"}); err != nil {
		return nil, err
	}
	for _, list := range []struct {
		key    string
		fields []string
	}{
		{"agents", []string{"name"}},
		{"findings", []string{"kind", "severity", "url", "statuses"}},
		{"pages", []string{"url"}},
	} {
		if err := checkList(top[list.key], list.key, list.fields); err != nil {
			return nil, err
		}
	}
	var jr JSONReport
	if err := json.Unmarshal(data, &jr); err != nil {
		return nil, fmt.Errorf("read JSON report: %w", err)
	}
	return &jr, nil
}

// present treats an explicit null like a missing field.
func present(raw json.RawMessage, ok bool) bool {
	return ok && len(raw) > 0 && string(raw) != "null"
}

func checkFields(obj map[string]json.RawMessage, where string, fields []string) error {
	for _, f := range fields {
		if raw, ok := obj[f]; !present(raw, ok) {
			return fmt.Errorf("%s: missing field %q", where, f)
		}
	}
	return nil
}

func checkObject(raw json.RawMessage, where string, fields []string) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return fmt.Errorf("read JSON report: field %q: want an object, got %s", where, clip(raw))
	}
	return checkFields(obj, "read JSON report: "+where, fields)
}

func checkList(raw json.RawMessage, where string, fields []string) error {
	var objs []json.RawMessage
	if err := json.Unmarshal(raw, &objs); err != nil {
		return fmt.Errorf("read JSON report: field %q: want a list, got %s", where, clip(raw))
	}
	for i, o := range objs {
		if err := checkObject(o, fmt.Sprintf("%s[%d]", where, i), fields); err != nil {
			return err
		}
	}
	return nil
}

// clip shortens a raw value for an error message.
func clip(raw json.RawMessage) string {
	const max = 40
	s := string(raw)
	if len(s) > max {
		s = s[:max] + "..."
	}
	return validUTF8(s)
}

// notFetched copies the reasons with valid UTF-8; nil stays nil (omitted).
func notFetched(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[validUTF8(k)] = validUTF8(v)
	}
	return out
}

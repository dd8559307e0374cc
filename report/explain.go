package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"authwall/audit/serverconf"
)

// Explanation is what a server config does with one URL, as `authwall
// explain` prints it.
type Explanation struct {
	URL     string
	Server  string // the server whose config decided: "nginx"
	Verdict serverconf.Verdict
}

// The JSON form of an explanation, one object per URL. Every key is always
// present: decided_by is null when nothing walls the request, lists are []
// when empty.
type explainJSON struct {
	URL       string            `json:"url"`
	Server    string            `json:"server"`
	Status    int               `json:"status"`
	Outcome   string            `json:"outcome"`
	Mechanism string            `json:"mechanism"`
	Realm     string            `json:"realm"`
	Certainty string            `json:"certainty"`
	DecidedBy *explainRef       `json:"decided_by"`
	Selected  *explainPlace     `json:"selected"`
	Redirects []explainRedirect `json:"redirects"`
	Notes     []string          `json:"notes"`
}

type explainRef struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Directive string `json:"directive"`
	Context   string `json:"context"`
}

type explainPlace struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Context string `json:"context"`
}

type explainRedirect struct {
	URI      string       `json:"uri"`
	Selected explainPlace `json:"selected"`
}

func newExplainJSON(e Explanation) explainJSON {
	v := e.Verdict
	j := explainJSON{
		URL: validUTF8(e.URL), Server: e.Server, Status: v.Status, Outcome: string(v.Outcome),
		Mechanism: validUTF8(v.Mechanism), Realm: validUTF8(v.Realm), Certainty: string(v.Certainty),
		Redirects: []explainRedirect{}, Notes: validUTF8s(v.Notes),
	}
	if d := v.DecidedBy; d != nil {
		j.DecidedBy = &explainRef{File: validUTF8(d.File), Line: d.Line, Directive: validUTF8(d.Directive), Context: validUTF8(d.Context)}
	}
	if s := v.Selected; s != nil {
		p := explainPlaceOf(*s)
		j.Selected = &p
	}
	for _, r := range v.Redirects {
		j.Redirects = append(j.Redirects, explainRedirect{URI: validUTF8(r.URI), Selected: explainPlaceOf(r.Selected)})
	}
	return j
}

func explainPlaceOf(s serverconf.Selection) explainPlace {
	return explainPlace{File: validUTF8(s.File), Line: s.Line, Context: validUTF8(s.Context)}
}

// WriteExplainJSON writes the explanations as one indented JSON array, in
// the order given.
func WriteExplainJSON(w io.Writer, es []Explanation) error {
	out := make([]explainJSON, 0, len(es))
	for _, e := range es {
		out = append(out, newExplainJSON(e))
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write explain JSON: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write explain JSON: %w", err)
	}
	return nil
}

// maxExplainCell bounds a directive or a context in the explain table;
// the file:line after it is never cut.
const maxExplainCell = 48

// WriteExplainTable writes one row per URL, in the order given: the
// predicted status and outcome, the deciding directive with its file:line,
// and the block selected; then each URL's internal redirects and notes,
// one line each. Config text and URLs are untrusted, so every cell is made
// safe for a terminal first.
func WriteExplainTable(w io.Writer, es []Explanation) error {
	var out bytes.Buffer
	tbl := newPlainTable(&out)
	tbl.Header("URL", "STATUS", "OUTCOME", "DECIDED BY", "SELECTED")
	for _, e := range es {
		v := e.Verdict
		row := []string{
			visibleCell(e.URL, maxURLWidth),
			explainStatus(v),
			visibleCell(explainOutcome(v), maxExplainCell),
			decidedText(v.DecidedBy),
			selectedText(v.Selected),
		}
		if err := tbl.Append(row); err != nil {
			return fmt.Errorf("write explain table: add row for %s: %w", visibleCell(e.URL, maxURLWidth), err)
		}
	}
	if err := tbl.Render(); err != nil {
		return fmt.Errorf("write explain table: %w", err)
	}
	var buf bytes.Buffer
	writeTrimmed(&buf, out.String())
	for _, e := range es {
		u := visibleText(e.URL)
		for _, r := range e.Verdict.Redirects {
			fmt.Fprintf(&buf, "%s: internal redirect to %s: %s\n", u, visibleText(r.URI), selectedText(&r.Selected))
		}
		for _, n := range e.Verdict.Notes {
			fmt.Fprintf(&buf, "%s: note: %s\n", u, visibleText(n))
		}
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write explain table: %w", err)
	}
	return nil
}

// explainStatus is the predicted status; "?" when the config cannot tell.
func explainStatus(v serverconf.Verdict) string {
	if v.Status == 0 {
		return "?"
	}
	return strconv.Itoa(v.Status)
}

// explainOutcome is the outcome with what qualifies it: the mechanism and
// realm, and "uncertain" when something on the path was not modelled.
func explainOutcome(v serverconf.Verdict) string {
	s := string(v.Outcome)
	if v.Mechanism != "" {
		s += " " + v.Mechanism
	}
	if v.Realm != "" {
		s += " " + strconv.Quote(v.Realm)
	}
	if v.Certainty == serverconf.Uncertain {
		s += " (uncertain)"
	}
	return s
}

// decidedText is the deciding directive and where it is, made safe for a
// terminal.
func decidedText(d *serverconf.Ref) string {
	if d == nil {
		return "-"
	}
	return fmt.Sprintf("%s (%s:%d)", visibleCell(d.Directive, maxExplainCell), visibleText(d.File), d.Line)
}

// selectedText is the block chosen and where it is, made safe for a
// terminal.
func selectedText(s *serverconf.Selection) string {
	if s == nil {
		return "-"
	}
	return fmt.Sprintf("%s (%s:%d)", visibleCell(s.Context, maxExplainCell), visibleText(s.File), s.Line)
}

package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"authwall/audit"
)

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
//     U+FFFD, so what readJSON returns equals what was written;
//   - started_at is in UTC, with at most millisecond precision;
//   - additions to schema 1: summary.incomplete, notes[], and per finding
//     message, agents[], failing, redirects[], alternatives[],
//     attribution.edge and attribution.signature; from audit --recheck
//     only, a top-level recheck object and per finding recheck (left out
//     otherwise); logs on the findings of authwall logs (absent elsewhere,
//     like not_fetched). summary.failed is true exactly when some finding is
//     failing.
type JSON struct {
	// Indent pretty-prints with two spaces; the zero value writes the whole
	// report on one line.
	Indent bool
}

// Write renders r as JSON. A nil *JSON writes with default options.
//
// The pages are encoded one at a time as they are written: the report of
// a million-page crawl is never held whole in memory. A failed write can
// leave part of a document behind; report files are written to a
// temporary file and renamed into place, so they never do.
func (j *JSON) Write(w io.Writer, r *audit.Report) error {
	if r == nil {
		return errors.New("write JSON report: no report (nil)")
	}
	if j == nil || !j.Indent {
		return writeJSON(w, r)
	}
	// Indented output is for people reading small reports: rendered whole,
	// then indented as json.Encoder would.
	var compact, out bytes.Buffer
	if err := writeJSON(&compact, r); err != nil {
		return err
	}
	if err := json.Indent(&out, compact.Bytes(), "", "  "); err != nil {
		return fmt.Errorf("write JSON report: %w", err)
	}
	if _, err := w.Write(out.Bytes()); err != nil {
		return fmt.Errorf("write JSON report: %w", err)
	}
	return nil
}

// writeJSON writes r compact, as one line: the fields before the pages,
// each page, then the recheck object. The bytes are those json.Encoder
// writes for the whole jsonReport.
func writeJSON(w io.Writer, r *audit.Report) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	// put writes v's encoding without the newline Encode ends it with;
	// trim drops that many more bytes from its end.
	put := func(v any, trim int) error {
		buf.Reset()
		if err := enc.Encode(v); err != nil {
			return err
		}
		_, err := bw.Write(buf.Bytes()[:buf.Len()-1-trim])
		return err
	}
	err := put(newJSONHead(r), 1) // without its closing brace
	if err == nil {
		_, err = bw.WriteString(`,"pages":[`)
	}
	for i, p := range sortedPages(r.Pages) {
		if err != nil {
			break
		}
		if i > 0 {
			err = bw.WriteByte(',')
		}
		if err == nil {
			err = put(newJSONPage(p), 0)
		}
	}
	if err == nil {
		_, err = bw.WriteString("]")
	}
	if rc := newJSONRecheck(r); rc != nil && err == nil {
		if _, err = bw.WriteString(`,"recheck":`); err == nil {
			err = put(rc, 0)
		}
	}
	if err == nil {
		_, err = bw.WriteString("}\n")
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("write JSON report: %w", err)
	}
	return nil
}

// newJSONReport converts the domain report into the output types, pages
// included: what readJSON returns for what Write wrote.
func newJSONReport(r *audit.Report) *jsonReport {
	jr := &jsonReport{jsonHead: newJSONHead(r), Pages: make([]jsonPage, 0, len(r.Pages)), Recheck: newJSONRecheck(r)}
	for _, p := range sortedPages(r.Pages) {
		jr.Pages = append(jr.Pages, newJSONPage(p))
	}
	return jr
}

// newJSONHead converts every field of the report before its pages.
func newJSONHead(r *audit.Report) jsonHead {
	h := jsonHead{
		Schema:     schemaVersion,
		Tool:       jsonTool{Name: validUTF8(r.Tool), Version: validUTF8(r.Version)},
		Target:     validUTF8(r.Target),
		StartedAt:  r.StartedAt.UTC().Truncate(time.Millisecond),
		DurationMS: r.Duration.Milliseconds(),
		Agents:     newJSONAgents(r.Agents),
		Summary: jsonSummary{
			URLs:       r.URLs,
			Requests:   r.Requests,
			Findings:   map[string]int{},
			Failed:     r.Failed,
			Incomplete: r.Incomplete,
		},
		Notes:    validUTF8s(r.Notes),
		Findings: newJSONFindings(r.Findings),
	}
	for k, n := range r.Counts() {
		h.Summary.Findings[validUTF8(string(k))] += n
	}
	return h
}

func newJSONPage(p audit.Page) jsonPage {
	return jsonPage{
		URL:      validUTF8(p.URL),
		Depth:    p.Depth,
		Declared: validUTF8(p.Declared),
		Statuses: validUTF8Statuses(p.Statuses),
		FinalURL: validUTF8(p.FinalURL),
		Error:    validUTF8(p.Error),
	}
}

// newJSONRecheck is the top-level recheck object; nil when the report is
// not a recheck.
func newJSONRecheck(r *audit.Report) *jsonRecheck {
	rc := r.Recheck
	if rc == nil {
		return nil
	}
	out := &jsonRecheck{Report: validUTF8(rc.Report), URLs: rc.URLs,
		Fixed: newJSONFindings(rc.Fixed), Unchecked: newJSONFindings(rc.Unchecked)}
	out.Remains, out.New = recheckCounts(r.Findings)
	return out
}

// newJSONFindings converts findings in report order; nil becomes [].
func newJSONFindings(fs []audit.Finding) []jsonFinding {
	out := make([]jsonFinding, 0, len(fs))
	for _, f := range sortedFindings(fs) {
		out = append(out, newJSONFinding(f))
	}
	return out
}

func newJSONFinding(f audit.Finding) jsonFinding {
	jf := jsonFinding{
		Kind:         validUTF8(string(f.Kind)),
		Severity:     validUTF8(string(f.Severity)),
		Message:      validUTF8(f.Message),
		URL:          validUTF8(f.URL),
		Path:         validUTF8(f.Path),
		DeclaredBy:   validUTF8(f.DeclaredBy),
		Statuses:     validUTF8Statuses(f.Statuses),
		Agents:       validUTF8s(f.Agents),
		Failing:      f.Failing,
		NotFetched:   validUTF8Reasons(f.NotFetched),
		FoundVia:     validUTF8(f.FoundVia),
		LinkedFrom:   validUTF8s(f.LinkedFrom),
		Redirects:    make([]jsonRedirect, 0, len(f.Redirects)),
		Alternatives: make([]jsonAttribution, 0, len(f.Alternatives)),
		New:          f.New,
		Recheck:      validUTF8(f.Recheck),
		Logs:         newJSONLogs(f.Logs),
	}
	for _, h := range f.Redirects {
		jf.Redirects = append(jf.Redirects, jsonRedirect{URL: validUTF8(h.URL), Status: h.Status, Location: validUTF8(h.Location)})
	}
	if f.Attribution != nil {
		a := newJSONAttribution(*f.Attribution)
		jf.Attribution = &a
	}
	for _, a := range f.Alternatives {
		jf.Alternatives = append(jf.Alternatives, newJSONAttribution(a))
	}
	return jf
}

func newJSONAttribution(a audit.Attribution) jsonAttribution {
	ja := jsonAttribution{
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
		ja.Location = &jsonLocation{File: validUTF8(a.Location.File), Line: a.Location.Line, Context: validUTF8(a.Location.Context)}
	}
	return ja
}

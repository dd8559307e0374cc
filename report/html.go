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
	"strings"

	"authwall/audit"
)

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

package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"authwall/audit"
)

// SARIF writes the report as a SARIF 2.1.0 log with one run, for GitHub code
// scanning and other SARIF viewers.
//
// Choices the format leaves open, fixed here:
//   - rules: one per finding kind of audit.Kinds, in that order, then any
//     other kind the findings carry (sorted), so every result has a rule;
//   - results: sorted as in the JSON report; level from the finding's
//     severity (error, warning; info is note);
//   - locations: the server config file and line when attribution found
//     them, else a pseudo-path for the URL (see urlArtifactURI); the URL is
//     always a logical location too;
//   - partialFingerprints: a hash of kind and URL, the identity the baseline
//     uses, so an alert follows a wall across runs;
//   - with a baseline, results are "new" or "unchanged";
//   - times in UTC with millisecond precision; output indented, one run.
type SARIF struct {
	// Absent adds the baseline's fixed findings as results with
	// baselineState "absent" and level note. Off by default: GitHub code
	// scanning ignores baselineState and would show them as open alerts,
	// while it closes an alert on its own once its result is gone.
	Absent bool
}

const (
	// sarifFingerprintKey names the partial fingerprint authwall computes;
	// the version lets the recipe change without matching old alerts wrongly.
	sarifFingerprintKey = "authwall/v1"
	// sarifSrcRoot is the base of config paths given relative to where
	// authwall ran.
	sarifSrcRoot = "SRCROOT"
)

// Write renders r as SARIF. A nil *SARIF writes with default options.
func (s *SARIF) Write(w io.Writer, r *audit.Report) error {
	if r == nil {
		return errors.New("write SARIF report: no report (nil)")
	}
	log, err := s.build(r)
	if err != nil {
		return fmt.Errorf("write SARIF report: %w", err)
	}
	// Render into a buffer so a failure leaves no half document behind.
	var buf bytes.Buffer
	if err := log.PrettyWrite(&buf); err != nil {
		return fmt.Errorf("write SARIF report: %w", err)
	}
	buf.WriteByte('\n')
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write SARIF report: %w", err)
	}
	return nil
}

func (s *SARIF) build(r *audit.Report) (*sarif.Report, error) {
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return nil, err
	}
	driver := sarif.NewDriver("authwall")
	if v := validUTF8(r.Version); v != "" {
		driver.WithVersion(v)
	}
	run := sarif.NewRun(*sarif.NewTool(driver))
	run.WithOriginalUriBaseIds(map[string]*sarif.ArtifactLocation{
		// No absolute URI: the directory authwall ran in is not known to
		// the report, only that --server-config paths are relative to it.
		sarifSrcRoot: sarif.NewArtifactLocation().WithDescriptionText("The directory authwall ran in: relative --server-config paths start there."),
	})
	findings := sortedFindings(r.Findings)
	var fixed []audit.Finding
	if s != nil && s.Absent {
		fixed = sortedFindings(r.Fixed)
	}
	for _, rule := range sarifRules(findings, fixed) {
		driver.AddRule(rule)
	}
	baseline := r.Baseline != ""
	for _, f := range findings {
		res := sarifResult(r, f, "")
		if baseline {
			state := "unchanged"
			if f.New {
				state = "new"
			}
			res.WithBaselineState(state)
		}
		run.AddResult(res)
	}
	for _, f := range fixed {
		res := sarifResult(r, f, "fixed since the baseline: ")
		res.WithBaselineState("absent").WithLevel("note")
		run.AddResult(res)
	}
	run.AddInvocations(sarifInvocation(r))
	run.Properties = sarifRunProperties(r)
	log.AddRun(run)
	return log, nil
}

// sarifRules returns a rule for every kind of audit.Kinds, in order, then
// one for each other kind among the findings, sorted.
func sarifRules(findings, fixed []audit.Finding) []*sarif.ReportingDescriptor {
	rules := make([]*sarif.ReportingDescriptor, 0, len(audit.Kinds()))
	known := map[string]bool{}
	for _, k := range audit.Kinds() {
		known[string(k.Kind)] = true
		full, help := sarifRuleText(k.Kind)
		rules = append(rules, sarif.NewRule(string(k.Kind)).
			WithName(camelCase(string(k.Kind))).
			WithDescription(k.Description).
			WithFullDescription(sarif.NewMultiformatMessageString(full)).
			WithTextHelp(help).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(k.Severity))))
	}
	var other []string
	for _, f := range append(append([]audit.Finding(nil), findings...), fixed...) {
		id := sarifRuleID(f.Kind)
		if !known[id] {
			known[id] = true
			other = append(other, id)
		}
	}
	sort.Strings(other)
	for _, id := range other {
		full, help := sarifRuleText(audit.Kind(id))
		rules = append(rules, sarif.NewRule(id).
			WithName(camelCase(id)).
			WithDescription("a finding of kind "+id).
			WithFullDescription(sarif.NewMultiformatMessageString(full)).
			WithTextHelp(help))
	}
	return rules
}

// sarifRuleID is the rule id of a kind: the kind itself, made valid UTF-8.
func sarifRuleID(k audit.Kind) string {
	if id := validUTF8(string(k)); id != "" {
		return id
	}
	return "unknown"
}

// sarifRuleText is the kind table's prose: what the kind means for search
// engines (fullDescription) and how it is fixed in general (help).
func sarifRuleText(k audit.Kind) (full, help string) {
	if info, ok := audit.LookupKind(k); ok {
		return info.Meaning, info.Fix
	}
	return "A finding kind this version of the SARIF writer has no description for.", "See the finding's message and properties."
}

// sarifLevel maps a severity to a SARIF level; an unknown severity gets
// SARIF's default, warning.
func sarifLevel(s audit.Severity) string {
	switch s {
	case audit.SeverityError:
		return "error"
	case audit.SeverityInfo:
		return "note"
	}
	return "warning"
}

// camelCase turns a kind into a rule name: public-login-redirect becomes
// PublicLoginRedirect. Anything but letters and digits separates words.
func camelCase(s string) string {
	var b strings.Builder
	upper := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			upper = true
			continue
		}
		if upper {
			r = unicode.ToUpper(r)
			upper = false
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return "Unknown"
	}
	return b.String()
}

// sarifResult builds the result for one finding; prefix starts its message.
func sarifResult(r *audit.Report, f audit.Finding, prefix string) *sarif.Result {
	text, markdown := sarifMessage(r, f)
	msg := sarif.NewMessage().WithText(prefix + text).WithMarkdown(mdEscape(prefix) + markdown)
	res := sarif.NewRuleResult(sarifRuleID(f.Kind)).
		WithLevel(sarifLevel(f.Severity)).
		WithMessage(msg).
		WithLocations([]*sarif.Location{sarifLocation(f)})
	fp := sarifFingerprint(f)
	res.WithPartialFingerPrints(map[string]interface{}{
		sarifFingerprintKey: fp,
		// GitHub code scanning matches alerts across runs by this key
		// alone and computes it from the source line when it is missing,
		// which for a URL pseudo-path cannot work; kind and URL are the
		// identity here.
		"primaryLocationLineHash": fp[:16] + ":1",
	})
	res.Properties = sarifResultProperties(f)
	return res
}

// sarifFingerprint hashes kind and URL, as the baseline compares findings.
// Both are made valid UTF-8 first, as the JSON report stores them, so a
// finding read back from a baseline hashes the same.
func sarifFingerprint(f audit.Finding) string {
	sum := sha256.Sum256([]byte(validUTF8(string(f.Kind)) + "\x00" + validUTF8(f.URL)))
	return hex.EncodeToString(sum[:])
}

// sarifResultProperties carries what a script reading the SARIF needs
// beyond the message, under the JSON report's field names: agents (the
// crawler agents the finding concerns) and failing (whether it makes the
// exit code 1) among them, since SARIF's level is the severity.
func sarifResultProperties(f audit.Finding) sarif.Properties {
	p := sarif.Properties{
		"url":      validUTF8(f.URL),
		"severity": validUTF8(string(f.Severity)),
		"statuses": validUTF8Statuses(f.Statuses),
		"agents":   validUTF8s(f.Agents),
		"failing":  f.Failing,
	}
	for k, v := range map[string]string{"path": f.Path, "declared_by": f.DeclaredBy, "found_via": f.FoundVia} {
		if v != "" {
			p[k] = validUTF8(v)
		}
	}
	if nf := validUTF8Reasons(f.NotFetched); nf != nil {
		p["not_fetched"] = nf
	}
	if logs := newJSONLogs(f.Logs); logs != nil {
		p["logs"] = logs
	}
	if a := f.Attribution; a != nil {
		for k, v := range map[string]string{
			"source": a.Source, "mechanism": a.Mechanism, "directive": a.Directive, "realm": a.Realm,
			"confidence": a.Confidence, "fix": a.Fix, "edge": a.Edge, "signature": a.Signature,
		} {
			if v != "" {
				p[k] = validUTF8(v)
			}
		}
		p["evidence"] = validUTF8s(a.Evidence)
	}
	return p
}

// sarifInvocation records whether the crawl ran to the end, and the notes
// that say what was cut short.
func sarifInvocation(r *audit.Report) *sarif.Invocation {
	inv := sarif.NewInvocation().WithExecutionSuccess(!r.Incomplete)
	if !r.StartedAt.IsZero() {
		start := r.StartedAt.UTC().Truncate(time.Millisecond)
		inv.WithStartTimeUTC(start).WithEndTimeUTC(start.Add(r.Duration.Truncate(time.Millisecond)))
	}
	for _, n := range r.Notes {
		inv.AddTToolExecutionNotification(sarif.NewNotification().WithLevel("warning").WithTextMessage(validUTF8(n)))
	}
	return inv
}

// sarifRunProperties sums the run up as the JSON report's summary does.
func sarifRunProperties(r *audit.Report) sarif.Properties {
	p := sarif.Properties{
		"target":      validUTF8(r.Target),
		"agents":      newJSONAgents(r.Agents),
		"urls":        r.URLs,
		"requests":    r.Requests,
		"duration_ms": r.Duration.Milliseconds(),
		"failed":      r.Failed,
		"incomplete":  r.Incomplete,
	}
	if r.Baseline != "" {
		p["baseline"] = validUTF8(r.Baseline)
		p["fixed"] = len(r.Fixed)
	}
	return p
}

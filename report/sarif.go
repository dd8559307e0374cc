package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"path"
	"path/filepath"
	"sort"
	"strconv"
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

var _ Writer = (*SARIF)(nil)

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

// sarifLocation is where a viewer points for the finding. GitHub code
// scanning rejects a whole upload when a result has no physical location
// ("expected a physical location") or when an artifact URI has a scheme
// other than the checkout's file: ("SARIF URI scheme "https" did not match
// the checkout URI scheme "file""), so a URL cannot be the artifact URI.
// The config file and line are the real place to fix when attribution
// found them; otherwise the URL becomes a scheme-less relative pseudo-path
// (urlArtifactURI), which GitHub accepts as a file that is not in the
// repository. Either way the URL itself is a logical location of kind
// "resource", SARIF's own term for a subject that is not a file.
func sarifLocation(f audit.Finding) *sarif.Location {
	loc := sarif.NewLocation()
	if a := f.Attribution; a != nil && a.Location != nil && a.Location.File != "" {
		pl := sarif.NewPhysicalLocation().WithArtifactLocation(configArtifact(a.Location.File))
		if a.Location.Line >= 1 {
			pl.WithRegion(sarif.NewRegion().WithStartLine(a.Location.Line))
		}
		loc.WithPhysicalLocation(pl)
		if c := oneLine(a.Location.Context); c != "" {
			loc.WithDescriptionText(c)
		}
	} else {
		// No region: the pseudo-path has no lines, and a made-up line 1
		// would claim more than is known.
		loc.WithPhysicalLocation(sarif.NewPhysicalLocation().
			WithArtifactLocation(sarif.NewSimpleArtifactLocation(urlArtifactURI(f.URL))))
	}
	ll := sarif.NewLogicalLocation().WithFullyQualifiedName(validUTF8(f.URL)).WithKind("resource")
	if p := validUTF8(f.Path); p != "" {
		ll.WithName(p)
	}
	return loc.WithLogicalLocations([]*sarif.LogicalLocation{ll})
}

// configArtifact locates a server config file: a relative path as given,
// against SRCROOT; an absolute one as a file: URI, which GitHub maps into
// the checkout when it lies there.
func configArtifact(file string) *sarif.ArtifactLocation {
	p := filepath.ToSlash(file)
	if filepath.IsAbs(file) {
		return sarif.NewSimpleArtifactLocation((&url.URL{Scheme: "file", Path: p}).String())
	}
	// url.URL escapes what a URI cannot hold and prefixes "./" when the
	// first segment has a colon, so the result is always a relative
	// reference.
	return sarif.NewSimpleArtifactLocation((&url.URL{Path: p}).String()).WithUriBaseId(sarifSrcRoot)
}

// urlArtifactURI maps a page URL to a relative pseudo-path for the
// artifact URI: host, then the dot-segment-normalised path, without scheme,
// query or fragment (https://example.org:8443/a/../b/?q=1 becomes
// example.org_8443/b/). The port's colon becomes "_" because a colon in
// the first segment would read as a scheme. A URL that does not parse as
// http(s) with a host is kept whole, escaped, under other-url/.
func urlArtifactURI(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "other-url/" + url.PathEscape(raw)
	}
	host := url.PathEscape(strings.ReplaceAll(strings.ToLower(u.Host), ":", "_"))
	clean := path.Clean("/" + u.Path)
	var b strings.Builder
	b.WriteString(host)
	for _, seg := range strings.Split(strings.TrimPrefix(clean, "/"), "/") {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(seg))
	}
	s := b.String()
	if strings.HasSuffix(u.Path, "/") && !strings.HasSuffix(s, "/") {
		s += "/"
	}
	return s
}

// sarifMessage returns the one-line summary of a finding as plain text and
// as Markdown: kind and URL, what each agent got, the finding's own message,
// the likely source, and the first line of the fix. In the Markdown every
// value from the site is escaped or in a code span, so a hostile URL or
// realm cannot become a link or markup.
func sarifMessage(r *audit.Report, f audit.Finding) (text, markdown string) {
	kind, u := oneLine(string(f.Kind)), oneLine(f.URL)
	var t, m []string
	head, mhead := kind, "**"+mdEscape(kind)+"**"
	if u != "" {
		head += " at " + u
		mhead += " at " + codeSpan(u)
	}
	if st := statusLine(r, f); st != "" {
		head += ": " + st
		mhead += ": " + mdEscape(st)
	}
	t, m = append(t, head), append(m, mhead)
	if msg := oneLine(f.Message); msg != "" {
		t, m = append(t, msg), append(m, mdEscape(msg))
	}
	if a := f.Attribution; a != nil {
		var src, msrc []string
		if s := oneLine(a.Source); s != "" {
			src, msrc = append(src, s), append(msrc, mdEscape(s))
		}
		if d := oneLine(a.Directive); d != "" {
			src, msrc = append(src, d), append(msrc, codeSpan(d))
		}
		if rl := oneLine(a.Realm); rl != "" {
			src, msrc = append(src, "realm "+strconv.Quote(rl)), append(msrc, "realm "+codeSpan(rl))
		}
		if len(src) > 0 {
			t, m = append(t, strings.Join(src, " ")), append(m, strings.Join(msrc, " "))
		}
		if fix := oneLine(firstLine(a.Fix)); fix != "" {
			t, m = append(t, "fix: "+fix), append(m, "fix: "+mdEscape(fix))
		}
	}
	return strings.Join(t, "; "), strings.Join(m, "; ")
}

// statusLine lists what each agent got, agents as the one agent-column
// rule orders them (for this finding), then the browser control; a status
// 0 says it was not fetched, and why.
func statusLine(r *audit.Report, f audit.Finding) string {
	agents := agentColumns(r.Agents, maps.Keys(f.Statuses))
	return oneLine(strings.Join(statusList(f, agents, sarifStatus), ", "))
}

func sarifStatus(f audit.Finding, agent string) string {
	s := f.Statuses[agent]
	if s != 0 {
		return strconv.Itoa(s)
	}
	if why := f.NotFetched[agent]; why != "" {
		return "not fetched (" + why + ")"
	}
	return "not fetched"
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

// oneLine makes s valid UTF-8 and replaces control characters and bidi
// overrides with spaces, so a value from the site cannot break a one-line
// message or reorder what a viewer shows.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || isBidiControl(r) {
			return ' '
		}
		return r
	}, validUTF8(s))
}

func isBidiControl(r rune) bool {
	return r == '\u061c' || r == '\u200e' || r == '\u200f' ||
		(r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(line)
}

// mdEscape backslash-escapes every ASCII punctuation character, which
// CommonMark then shows literally: no emphasis, link, HTML or code from s.
func mdEscape(s string) string {
	const punct = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(punct, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// codeSpan puts s in a CommonMark code span, whose content is literal:
// the fence is one backtick longer than the longest run inside, and a
// space pads content that starts or ends with a backtick or a space.
func codeSpan(s string) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") {
		s = " " + s + " "
	}
	return fence + s + fence
}

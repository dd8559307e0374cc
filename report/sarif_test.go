package report

import (
	"bytes"
	"encoding/json"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/owenrumney/go-sarif/v2/sarif"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/audit"
)

// sarifSchema compiles the official SARIF 2.1.0 schema shipped in testdata,
// with format assertions on (uri, uri-reference, date-time).
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	file, err := filepath.Abs(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(file)
	require.NoError(t, err, "compile the SARIF schema")
	return sch
}

// uriReference is RFC 3986's character set for a URI reference: anything
// else must be percent-encoded.
var uriReference = regexp.MustCompile(`^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$`)

// checkSARIF is what every SARIF log must satisfy: the official schema, the
// rules every result points at, and locations GitHub code scanning takes
// (a physical location whose URI is repository-relative or file:, with no
// colon in a relative first segment).
func checkSARIF(t *testing.T, r *audit.Report, out []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	require.NoError(t, err)
	if err := sarifSchema(t).Validate(inst); err != nil {
		t.Fatalf("output does not conform to the SARIF 2.1.0 schema: %v", err)
	}
	log, err := sarif.FromBytes(out)
	require.NoError(t, err)
	require.Len(t, log.Runs, 1)
	run := log.Runs[0]
	assert.Equal(t, "authwall", run.Tool.Driver.Name)
	rules := run.Tool.Driver.Rules
	want := len(r.Findings)
	require.Len(t, run.Results, want, "one result per finding")
	for i, res := range run.Results {
		require.NotNil(t, res.RuleIndex, "result %d has a ruleIndex", i)
		require.Less(t, int(*res.RuleIndex), len(rules), "result %d: ruleIndex in range", i)
		assert.Equal(t, rules[*res.RuleIndex].ID, *res.RuleID, "result %d: ruleIndex points at its rule", i)
		require.NotNil(t, res.Message.Text)
		assert.NotContains(t, *res.Message.Text, "\n", "result %d: one-line message", i)
		require.Len(t, res.Locations, 1, "result %d: one location", i)
		pl := res.Locations[0].PhysicalLocation
		require.NotNil(t, pl, "result %d: a physical location (GitHub requires one)", i)
		require.NotNil(t, pl.ArtifactLocation)
		require.NotNil(t, pl.ArtifactLocation.URI)
		checkGitHubURI(t, *pl.ArtifactLocation.URI)
		assert.Len(t, res.PartialFingerprints, 2, "result %d: fingerprints", i)
	}
}

// checkGitHubURI fails for an artifact URI GitHub code scanning would
// reject: not a URI reference, a scheme other than file:, or a colon in the
// first segment of a relative reference.
func checkGitHubURI(t *testing.T, uri string) {
	t.Helper()
	assert.NotEmpty(t, uri)
	assert.Regexp(t, uriReference, uri, "artifact URI uses only URI characters")
	u, err := url.Parse(uri)
	if !assert.NoError(t, err, "artifact URI %q parses", uri) {
		return
	}
	assert.Contains(t, []string{"", "file"}, u.Scheme, "artifact URI %q: scheme", uri)
	if u.Scheme == "" {
		first, _, _ := strings.Cut(uri, "/")
		assert.NotContains(t, first, ":", "artifact URI %q: colon in the first segment", uri)
		assert.False(t, strings.HasPrefix(uri, "/"), "artifact URI %q: relative", uri)
	}
}

// sarifHostileReport adds to hostileReport what only SARIF could trip on:
// javascript: URLs, markdown links, backticks, ports, IPv6 hosts, dot
// segments and config paths that are not plain file names.
func sarifHostileReport() *audit.Report {
	r := hostileReport()
	attr := func(file string, line int) *audit.Attribution {
		return &audit.Attribution{
			Source: "nginx", Directive: "``` `x` ```", Realm: "[click](javascript:alert(1)) <img src=x onerror=alert(1)>",
			Fix:      "[fix](javascript:alert(1))\n<script>alert(\"x\")</script>",
			Location: &audit.Location{File: file, Line: line, Context: "server > location \"/a\"\n" + hBad},
		}
	}
	for i, u := range []string{
		"javascript:alert(document.cookie)",
		"JaVaScRiPt:alert(1)",
		"https://evil.example/a\"b\nc?d=<script>",
		"https://EVIL.example:8443/x/../../../../etc/passwd?q=1#frag",
		"http://[::1]:8080/admin/",
		"https://evil.example/%2e%2e/%2F/`tick`/sp ace/ü",
		"//evil.example/no-scheme",
		"",
	} {
		f := audit.Finding{
			Kind: audit.PublicUnauthorized, Severity: audit.SeverityError, URL: u, Path: "/" + hLines,
			Statuses: map[string]int{"googlebot": 0}, NotFetched: map[string]string{"googlebot": hANSI + "robots\n"},
			Message: "[x](javascript:alert(1)) **bold** " + hC1,
		}
		switch i % 4 {
		case 1:
			f.Attribution = attr("conf/"+hScript+"\"quoted\".conf", 7)
		case 2:
			f.Attribution = attr("/etc/nginx/sites enabled/<x>.conf", 0)
		case 3:
			f.Attribution = attr("C:\\nginx\\conf\\nginx.conf", 3)
		}
		r.Findings = append(r.Findings, f)
	}
	return r
}

// baselineReport is the sample report compared with a baseline: one new
// finding, the others unchanged, and two fixed ones.
func baselineReport() *audit.Report {
	r := sampleReport()
	r.Baseline = "authwall-previous.json"
	r.Fixed = []audit.Finding{
		{
			Kind: audit.PublicUnauthorized, Severity: audit.SeverityError, URL: "https://example.org/old/", Path: "/old/",
			Statuses: map[string]int{"googlebot": 401, "bingbot": 401},
			Attribution: &audit.Attribution{
				Source: "apache", Directive: "Require valid-user", Confidence: "high",
				Location: &audit.Location{File: "conf/old.conf", Line: 3, Context: "<Location /old/>"},
				Fix:      "Require all granted",
			},
		},
		{Kind: audit.FetchError, Severity: audit.SeverityInfo, URL: "https://example.org/gone", Statuses: map[string]int{"googlebot": 0}},
	}
	// Only new findings fail with a baseline.
	for i := range r.Findings {
		r.Findings[i].Failing = r.Findings[i].Failing && r.Findings[i].New
	}
	return r
}

func writeSARIF(t *testing.T, s *SARIF, r *audit.Report) []byte {
	t.Helper()
	var out bytes.Buffer
	require.NoError(t, s.Write(&out, r))
	return out.Bytes()
}

func readSARIF(t *testing.T, out []byte) *sarif.Run {
	t.Helper()
	log, err := sarif.FromBytes(out)
	require.NoError(t, err)
	require.Len(t, log.Runs, 1)
	return log.Runs[0]
}

// TestSARIFSchema validates the output against the official SARIF 2.1.0
// schema for every kind of report the writer meets.
func TestSARIFSchema(t *testing.T) {
	withLocations := largeReport(60)
	tests := []struct {
		name   string
		writer *SARIF
		report *audit.Report
	}{
		{"sample", &SARIF{}, sampleReport()},
		{"empty", &SARIF{}, &audit.Report{}},
		{"hostile", &SARIF{}, sarifHostileReport()},
		{"config locations", &SARIF{}, withLocations},
		{"baseline", &SARIF{}, baselineReport()},
		{"baseline with absent results", &SARIF{Absent: true}, baselineReport()},
	}
	sch := sarifSchema(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := writeSARIF(t, tc.writer, tc.report)
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
			require.NoError(t, err)
			if err := sch.Validate(inst); err != nil {
				t.Fatalf("output does not conform to the SARIF 2.1.0 schema: %v", err)
			}
			run := readSARIF(t, out)
			for _, res := range run.Results {
				checkGitHubURI(t, *res.Locations[0].PhysicalLocation.ArtifactLocation.URI)
			}
		})
	}
	// The schema is not a formality: it rejects what GitHub would.
	bad := bytes.Replace(writeSARIF(t, &SARIF{}, sampleReport()), []byte(`"level": "error"`), []byte(`"level": "fatal"`), 1)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(bad))
	require.NoError(t, err)
	assert.Error(t, sch.Validate(inst), "a level outside the enum fails the schema")
}

func TestSARIFRules(t *testing.T) {
	run := readSARIF(t, writeSARIF(t, &SARIF{}, &audit.Report{}))
	rules := run.Tool.Driver.Rules
	require.Len(t, rules, len(audit.Kinds()), "one rule per finding kind, none extra for an empty report")
	wantLevel := map[audit.Severity]string{audit.SeverityError: "error", audit.SeverityWarning: "warning", audit.SeverityInfo: "note"}
	for i, k := range audit.Kinds() {
		rule := rules[i]
		assert.Equal(t, string(k.Kind), rule.ID, "rules in the order of audit.Kinds")
		require.NotNil(t, rule.Name)
		assert.Regexp(t, `^[A-Z][A-Za-z0-9]*$`, *rule.Name, "CamelCase name")
		assert.Equal(t, k.Description, *rule.ShortDescription.Text)
		require.NotNil(t, rule.FullDescription)
		require.NotNil(t, rule.Help)
		for _, s := range []string{*rule.FullDescription.Text, *rule.Help.Text} {
			assert.NotEmpty(t, s)
			assert.LessOrEqual(t, len(s), 1024, "GitHub's limit for rule descriptions")
			assert.NotContains(t, s, "no description", "%s has its own text", k.Kind)
		}
		assert.Equal(t, wantLevel[k.Severity], rule.DefaultConfiguration.Level, k.Kind)
	}
	assert.Equal(t, "PublicLoginRedirect", camelCase("public-login-redirect"))
	assert.Equal(t, "Public5xx", camelCase("public-5xx"))
	assert.Equal(t, "Unknown", camelCase("\x1b[--"))
	assert.Nil(t, run.Tool.Driver.InformationURI, "no invented URL")
	assert.Nil(t, run.Tool.Driver.Version, "no version when the report has none")
}

func TestSARIFResults(t *testing.T) {
	r := sampleReport()
	out := writeSARIF(t, &SARIF{}, r)
	run := readSARIF(t, out)
	assert.Equal(t, "1.0.0", *run.Tool.Driver.Version)
	require.Len(t, run.Results, len(r.Findings))

	// Results come in the JSON report's order.
	sorted := sortedFindings(r.Findings)
	byURL := map[string]*sarif.Result{}
	for i, res := range run.Results {
		f := sorted[i]
		assert.Equal(t, string(f.Kind), *res.RuleID)
		assert.Equal(t, sarifLevel(f.Severity), *res.Level)
		assert.Equal(t, f.URL, res.Properties["url"])
		assert.Nil(t, res.BaselineState, "no baseline, no baseline state")
		byURL[f.URL] = res
	}

	// Levels follow severities, not the kind's default.
	assert.Equal(t, "error", *byURL["https://example.org/blog/"].Level)
	assert.Equal(t, "warning", *byURL["https://example.org/products/outdoor/garden/furniture/tables/extendable-teak-table-180cm?colour=natural"].Level)
	assert.Equal(t, "note", *byURL["https://example.org/slow"].Level)

	// A config location is the file and line GitHub annotates.
	blog := byURL["https://example.org/blog/"]
	loc := blog.Locations[0]
	assert.Equal(t, "conf/site.conf", *loc.PhysicalLocation.ArtifactLocation.URI)
	assert.Equal(t, "SRCROOT", *loc.PhysicalLocation.ArtifactLocation.URIBaseId)
	assert.Equal(t, 12, *loc.PhysicalLocation.Region.StartLine)
	assert.Equal(t, "server > location /blog/", *loc.Message.Text)
	assert.Equal(t, "https://example.org/blog/", *loc.LogicalLocations[0].FullyQualifiedName)
	assert.Equal(t, "resource", *loc.LogicalLocations[0].Kind)
	assert.Equal(t, "public-401 at https://example.org/blog/: googlebot 401, bingbot 401, browser 401; "+
		`HTTP Basic auth (realm "Restricted") on a public path; nginx auth_basic realm "Restricted"; `+
		"fix: In location /blog/, set: auth_basic off;", *blog.Message.Text)
	assert.Equal(t, map[string]interface{}{"bingbot": 401.0, "browser": 401.0, "googlebot": 401.0}, blog.Properties["statuses"])
	for _, k := range []string{"source", "mechanism", "confidence", "evidence", "directive", "realm", "fix"} {
		assert.Contains(t, blog.Properties, k)
	}

	// Without one, the URL is a pseudo-path and a logical location.
	pricing := byURL["https://example.org/pricing"].Locations[0]
	assert.Equal(t, "example.org/pricing", *pricing.PhysicalLocation.ArtifactLocation.URI)
	assert.Nil(t, pricing.PhysicalLocation.ArtifactLocation.URIBaseId)
	assert.Nil(t, pricing.PhysicalLocation.Region, "no made-up line")
	assert.Equal(t, "https://example.org/pricing", *pricing.LogicalLocations[0].FullyQualifiedName)

	// Fingerprints: the same across writes, different across findings.
	again := readSARIF(t, writeSARIF(t, &SARIF{}, reversed(r)))
	seen := map[string]bool{}
	for i, res := range run.Results {
		fp := res.PartialFingerprints["authwall/v1"].(string)
		assert.Regexp(t, `^[0-9a-f]{64}$`, fp)
		assert.Equal(t, fp[:16]+":1", res.PartialFingerprints["primaryLocationLineHash"])
		assert.Equal(t, fp, again.Results[i].PartialFingerprints["authwall/v1"], "stable across writes")
		assert.False(t, seen[fp], "fingerprints differ across findings")
		seen[fp] = true
	}
	// Only kind and URL count: a new message or status keeps the identity.
	changed := sampleReport()
	for i := range changed.Findings {
		changed.Findings[i].Message = "changed"
		changed.Findings[i].Statuses = map[string]int{"googlebot": 403}
	}
	for i, res := range readSARIF(t, writeSARIF(t, &SARIF{}, changed)).Results {
		assert.Equal(t, run.Results[i].PartialFingerprints, res.PartialFingerprints)
	}
}

func TestSARIFInvocation(t *testing.T) {
	run := readSARIF(t, writeSARIF(t, &SARIF{}, sampleReport()))
	require.Len(t, run.Invocations, 1)
	inv := run.Invocations[0]
	assert.False(t, *inv.ExecutionSuccessful, "the sample crawl was incomplete")
	assert.Equal(t, "2025-03-01T10:00:00.123Z", inv.StartTimeUTC.Format("2006-01-02T15:04:05.000Z07:00"))
	assert.Equal(t, "2025-03-01T10:00:04.340Z", inv.EndTimeUTC.Format("2006-01-02T15:04:05.000Z07:00"))
	require.Len(t, inv.ToolExecutionNotifications, 1)
	assert.Equal(t, "stopped at --max-pages 57; 12 linked URLs were not visited", *inv.ToolExecutionNotifications[0].Message.Text)
	assert.Equal(t, "https://example.org/", run.Properties["target"])
	assert.Equal(t, 57.0, run.Properties["urls"])

	complete := sampleReport()
	complete.Incomplete, complete.Notes = false, nil
	inv = readSARIF(t, writeSARIF(t, &SARIF{}, complete)).Invocations[0]
	assert.True(t, *inv.ExecutionSuccessful)
	assert.Empty(t, inv.ToolExecutionNotifications)

	inv = readSARIF(t, writeSARIF(t, &SARIF{}, &audit.Report{})).Invocations[0]
	assert.Nil(t, inv.StartTimeUTC, "no start time when the report has none")
}

func TestSARIFBaseline(t *testing.T) {
	r := baselineReport()
	run := readSARIF(t, writeSARIF(t, &SARIF{}, r))
	require.Len(t, run.Results, len(r.Findings), "fixed findings are left out by default")
	for i, f := range sortedFindings(r.Findings) {
		want := "unchanged"
		if f.New {
			want = "new"
		}
		assert.Equal(t, want, *run.Results[i].BaselineState, f.URL)
	}
	assert.Equal(t, "authwall-previous.json", run.Properties["baseline"])
	assert.Equal(t, 2.0, run.Properties["fixed"])

	run = readSARIF(t, writeSARIF(t, &SARIF{Absent: true}, r))
	require.Len(t, run.Results, len(r.Findings)+len(r.Fixed))
	absent := run.Results[len(r.Findings):]
	assert.Equal(t, "public-401", *absent[0].RuleID, "fixed findings sorted, after the current ones")
	for _, res := range absent {
		assert.Equal(t, "absent", *res.BaselineState)
		assert.Equal(t, "note", *res.Level)
		assert.True(t, strings.HasPrefix(*res.Message.Text, "fixed since the baseline: "), *res.Message.Text)
	}
	assert.Equal(t, "conf/old.conf", *absent[0].Locations[0].PhysicalLocation.ArtifactLocation.URI)
	assert.Equal(t, 3, *absent[0].Locations[0].PhysicalLocation.Region.StartLine)

	// A fixed finding keeps the fingerprint it had while it was current, so
	// a viewer can pair the two.
	current := sampleReport()
	current.Findings = r.Fixed[:1]
	was := readSARIF(t, writeSARIF(t, &SARIF{}, current)).Results[0]
	assert.Equal(t, was.PartialFingerprints, absent[0].PartialFingerprints)
}

func TestSARIFHostile(t *testing.T) {
	r := sarifHostileReport()
	out := writeSARIF(t, &SARIF{Absent: true}, r)
	assert.True(t, json.Valid(out))
	assert.NotContains(t, string(out), "<script>", "HTML characters are escaped in the JSON")
	run := readSARIF(t, out)
	for _, res := range run.Results {
		for _, s := range []string{*res.Message.Text, *res.Message.Markdown} {
			for _, c := range s {
				assert.False(t, unicode.IsControl(c) || isBidiControl(c), "control or bidi character %U in %q", c, s)
			}
		}
		md := *res.Message.Markdown
		assert.NotRegexp(t, `(^|[^\\])\[[^\]]*\]\(javascript:`, outsideCodeSpans(md), "no markdown link survives: %s", md)
		assert.NotRegexp(t, `(^|[^\\])<[a-zA-Z]`, outsideCodeSpans(md), "no raw HTML survives: %s", md)
	}
	// The hostile kind gets a rule of its own, after the known ones.
	rules := run.Tool.Driver.Rules
	assert.Len(t, rules, len(audit.Kinds())+1)
	assert.Equal(t, validUTF8(hANSI), rules[len(rules)-1].ID)
}

// outsideCodeSpans blanks the code spans of md, whose content CommonMark
// shows literally.
func outsideCodeSpans(md string) string {
	var b strings.Builder
	for i := 0; i < len(md); {
		if md[i] == '\\' && i+1 < len(md) {
			b.WriteString(md[i : i+2])
			i += 2
			continue
		}
		if md[i] != '`' {
			b.WriteByte(md[i])
			i++
			continue
		}
		n := 0
		for i+n < len(md) && md[i+n] == '`' {
			n++
		}
		fence := md[i : i+n]
		end := strings.Index(md[i+n:], fence)
		for end >= 0 && i+n+end+n < len(md) && md[i+n+end+n] == '`' {
			// A longer run is not the closing fence.
			next := strings.Index(md[i+n+end+n:], fence)
			if next < 0 {
				end = -1
				break
			}
			end += n + next
		}
		if end < 0 {
			b.WriteString(fence)
			i += n
			continue
		}
		b.WriteString(" ")
		i += n + end + n
	}
	return b.String()
}

func TestURLArtifactURI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://example.org/blog/", "example.org/blog/"},
		{"https://example.org", "example.org/"},
		{"https://example.org/pricing?plan=pro#faq", "example.org/pricing"},
		{"https://Example.ORG:8443/a/../b/", "example.org_8443/b/"},
		{"https://example.org/../../../etc/passwd", "example.org/etc/passwd"},
		{"http://[::1]:8080/admin/", "%5B__1%5D_8080/admin/"},
		{"https://example.org/sp ace/%C3%BC/a%2Fb", "example.org/sp%20ace/%C3%BC/a/b"},
		{"javascript:alert(1)", "other-url/javascript:alert%281%29"},
		{"//example.org/x", "other-url/%2F%2Fexample.org%2Fx"},
		{"", "other-url/"},
	}
	for _, tc := range tests {
		got := urlArtifactURI(tc.in)
		assert.Equal(t, tc.want, got, tc.in)
		checkGitHubURI(t, got)
	}
}

func TestConfigArtifact(t *testing.T) {
	tests := []struct{ file, uri, base string }{
		{"conf/site.conf", "conf/site.conf", "SRCROOT"},
		{"../nginx/nginx.conf", "../nginx/nginx.conf", "SRCROOT"},
		{"sites enabled/a b.conf", "sites%20enabled/a%20b.conf", "SRCROOT"},
		{"c:/x.conf", "./c:/x.conf", "SRCROOT"},
		{"/etc/nginx/nginx.conf", "file:///etc/nginx/nginx.conf", ""},
	}
	for _, tc := range tests {
		a := configArtifact(tc.file)
		assert.Equal(t, tc.uri, *a.URI, tc.file)
		if tc.base == "" {
			assert.Nil(t, a.URIBaseId, tc.file)
		} else {
			assert.Equal(t, tc.base, *a.URIBaseId, tc.file)
		}
		checkGitHubURI(t, *a.URI)
	}
}

func TestCodeSpanAndEscape(t *testing.T) {
	for _, s := range []string{"plain", "a`b", "``x``", "`", " lead", "trail ", "a ``` b"} {
		span := codeSpan(s)
		n := 0
		for n < len(span) && span[n] == '`' {
			n++
		}
		inner := span[n : len(span)-n]
		assert.NotContains(t, inner, strings.Repeat("`", n), "the fence is longer than any run inside %q", s)
		if strings.HasPrefix(inner, " ") && strings.HasSuffix(inner, " ") && strings.TrimSpace(inner) != "" {
			inner = inner[1 : len(inner)-1]
		}
		assert.Equal(t, s, inner, "CommonMark gives back the content of %s", span)
	}
	assert.Equal(t, `\[x\]\(javascript\:alert\(1\)\) \<b\> \*\*`, mdEscape("[x](javascript:alert(1)) <b> **"))
}

package audit

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"regexp"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// catalogYAML is the black-box signature catalog. Adding a source means
// adding an entry there and a fixture under testdata/responses, not code.
//
//go:embed catalog.yaml
var catalogYAML []byte

// Catalog is the black-box signature catalog (data, not code paths).
type Catalog struct {
	sigs    []*signature
	uaRules []*uaRule
	layers  []edgeLayer
	// headers are the response headers attribution reads: those the
	// signatures and layers name, and the ones every wall view reads.
	headers map[string]bool
}

// signature is one compiled catalog entry.
type signature struct {
	id           string
	source       string
	mechanism    string // one of attributionMechanisms, or mechanismFromChallenge
	directive    string
	uniqueness   string
	defaultRealm string
	require      []predicate
	signals      []predicate
	fix          string
	// replacesContent: a 2xx answer matching require is a soft wall on its
	// own, an application's page served in place of any content.
	replacesContent bool
}

// uaRule says, per source, which setting blocks by User-Agent and how to
// fix it; source "*" is the entry for every other source.
type uaRule struct {
	id        string
	source    string
	directive string
	fix       string
}

// edgeLayer recognises the outermost hop (CDN, proxy, server) from a header,
// to tell it apart from the layer that generated the wall.
type edgeLayer struct {
	name    string
	header  string
	re      *regexp.Regexp
	sources []string // attribution sources that are this same layer
}

// mechanismFromChallenge makes a (generic) signature take its mechanism
// from the scheme of the first challenge.
const mechanismFromChallenge = "from-challenge"

// DefaultCatalog parses the embedded catalog.yaml.
func DefaultCatalog() (*Catalog, error) {
	c, err := parseCatalog(catalogYAML)
	if err != nil {
		return nil, fmt.Errorf("embedded catalog.yaml: %w", err)
	}
	return c, nil
}

// ids lists the entry ids in catalog order, signatures first.
func (c *Catalog) ids() []string {
	ids := make([]string, 0, len(c.sigs)+len(c.uaRules))
	for _, s := range c.sigs {
		ids = append(ids, s.id)
	}
	for _, u := range c.uaRules {
		ids = append(ids, u.id)
	}
	return ids
}

// Sources lists the distinct sources the signatures name, sorted, for
// documentation that must cover every one.
func (c *Catalog) Sources() []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range c.sigs {
		if !seen[s.source] {
			seen[s.source] = true
			out = append(out, s.source)
		}
	}
	sort.Strings(out)
	return out
}

// The YAML shapes. Field names are the catalog's vocabulary; unknown
// fields are errors so that a typo cannot silently drop a matcher.
type catalogSpec struct {
	Layers     []layerSpec     `yaml:"layers"`
	UARules    []uaRuleSpec    `yaml:"ua_rules"`
	Signatures []signatureSpec `yaml:"signatures"`
}

type layerSpec struct {
	Name    string   `yaml:"name"`
	Header  string   `yaml:"header"`
	Match   string   `yaml:"match"`
	Sources []string `yaml:"sources"`
}

type uaRuleSpec struct {
	ID        string `yaml:"id"`
	Source    string `yaml:"source"`
	Directive string `yaml:"directive"`
	Fix       string `yaml:"fix"`
}

type signatureSpec struct {
	ID           string          `yaml:"id"`
	Source       string          `yaml:"source"`
	Mechanism    string          `yaml:"mechanism"`
	Directive    string          `yaml:"directive"`
	Uniqueness   string          `yaml:"uniqueness"`
	About        string          `yaml:"about"` // for people reading the catalog
	DefaultRealm string          `yaml:"default_realm"`
	Require      []predicateSpec `yaml:"require"`
	Signals      []predicateSpec `yaml:"signals"`
	Fix          string          `yaml:"fix"`
	// ReplacesContent marks a page the application serves instead of the
	// content (MediaWiki's "Login required"): a 2xx match is a soft wall.
	ReplacesContent bool `yaml:"replaces_content"`
}

// predicateSpec is one matcher: exactly one of the kind fields is set;
// match, absent, scheme (with param), weight and note modify it.
type predicateSpec struct {
	Status        []int           `yaml:"status"`
	Scheme        string          `yaml:"scheme"`
	Param         string          `yaml:"param"`
	Header        string          `yaml:"header"`
	Cookie        string          `yaml:"cookie"`
	Body          string          `yaml:"body"`
	BodyRegexp    string          `yaml:"body_regexp"`
	EmptyBody     bool            `yaml:"empty_body"`
	Location      string          `yaml:"location"`
	LoginRedirect bool            `yaml:"login_redirect"`
	SoftWall      bool            `yaml:"soft_wall"`
	Any           []predicateSpec `yaml:"any"`

	Match  string `yaml:"match"`
	Absent bool   `yaml:"absent"`
	Weight *int   `yaml:"weight"`
	Note   string `yaml:"note"`
}

// parseCatalog reads and validates a catalog. Errors name the entry id
// and the field at fault.
func parseCatalog(data []byte) (*Catalog, error) {
	var spec catalogSpec
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&spec); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("parse catalog: empty document")
		}
		return nil, fmt.Errorf("parse catalog: %w", nameEntries(data, err))
	}
	c := &Catalog{}
	for i, ls := range spec.Layers {
		l, err := compileLayer(ls)
		if err != nil {
			return nil, fmt.Errorf("catalog layer %d (%q): %w", i+1, ls.Name, err)
		}
		c.layers = append(c.layers, l)
	}
	seen := map[string]bool{}
	for i, ss := range spec.Signatures {
		name := ss.ID
		if name == "" {
			name = fmt.Sprintf("#%d", i+1)
		}
		s, err := compileSignature(ss)
		if err != nil {
			return nil, fmt.Errorf("catalog signature %s: %w", name, err)
		}
		if seen[s.id] {
			return nil, fmt.Errorf("catalog signature %s: id: used twice", s.id)
		}
		seen[s.id] = true
		c.sigs = append(c.sigs, s)
	}
	fallback := false
	for i, us := range spec.UARules {
		name := us.ID
		if name == "" {
			name = fmt.Sprintf("#%d", i+1)
		}
		u, err := compileUARule(us)
		if err != nil {
			return nil, fmt.Errorf("catalog ua_rule %s: %w", name, err)
		}
		if seen[u.id] {
			return nil, fmt.Errorf("catalog ua_rule %s: id: used twice", u.id)
		}
		seen[u.id] = true
		for _, other := range c.uaRules {
			if other.source == u.source {
				return nil, fmt.Errorf("catalog ua_rule %s: source: %q already has ua_rule %s", u.id, u.source, other.id)
			}
		}
		fallback = fallback || u.source == "*"
		c.uaRules = append(c.uaRules, u)
	}
	if len(c.sigs) == 0 {
		return nil, errors.New("catalog: no signatures")
	}
	if !fallback {
		return nil, errors.New(`catalog: ua_rules: no entry with source "*" for the sources without their own`)
	}
	c.headers = c.headersRead()
	return c, nil
}

// viewHeaders are the headers newWallView reads for every answer.
var viewHeaders = []string{"Www-Authenticate", "Location", "Set-Cookie"}

// headersRead lists the canonical names of every header attribution reads.
func (c *Catalog) headersRead() map[string]bool {
	names := map[string]bool{}
	for _, h := range viewHeaders {
		names[h] = true
	}
	for _, l := range c.layers {
		names[l.header] = true
	}
	var add func(ps []predicate)
	add = func(ps []predicate) {
		for _, p := range ps {
			if p.kind == predHeader {
				names[p.name] = true
			}
			add(p.any)
		}
	}
	for _, s := range c.sigs {
		add(s.require)
		add(s.signals)
	}
	return names
}

// keptHeader is h with only the headers attribution reads: what a wall
// kept until the end of the crawl needs (the rest of a response's headers
// cost a kilobyte or more per wall). nil when none is left.
func (c *Catalog) keptHeader(h http.Header) http.Header {
	var out http.Header
	for name, vals := range h {
		if !c.headers[name] {
			continue
		}
		if out == nil {
			out = make(http.Header, 4)
		}
		out[name] = slices.Clone(vals)
	}
	return out
}

// nameEntries adds the id of the entry a YAML error points into, so that
// "line 40: field statsu not found" says which signature it is in.
func nameEntries(data []byte, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return err
	}
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil || len(root.Content) == 0 {
		return err
	}
	type entry struct {
		line int
		name string
	}
	var entries []entry
	doc := root.Content[0]
	for i := 0; i+1 < len(doc.Content); i += 2 {
		section := doc.Content[i].Value
		for _, item := range doc.Content[i+1].Content {
			name := fmt.Sprintf("%s entry at line %d", section, item.Line)
			for j := 0; j+1 < len(item.Content); j += 2 {
				if k := item.Content[j].Value; k == "id" || k == "name" {
					name = fmt.Sprintf("%s %s", strings.TrimSuffix(section, "s"), item.Content[j+1].Value)
				}
			}
			entries = append(entries, entry{item.Line, name})
		}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].line < entries[j].line })
	msgs := make([]string, len(te.Errors))
	for i, m := range te.Errors {
		msgs[i] = m
		var line int
		if _, scanErr := fmt.Sscanf(m, "line %d:", &line); scanErr != nil {
			continue
		}
		for k := len(entries) - 1; k >= 0; k-- {
			if entries[k].line <= line {
				msgs[i] = entries[k].name + ": " + m
				break
			}
		}
	}
	return errors.New(strings.Join(msgs, "; "))
}

func compileLayer(ls layerSpec) (edgeLayer, error) {
	if ls.Name == "" {
		return edgeLayer{}, errors.New("name: missing")
	}
	if ls.Header == "" {
		return edgeLayer{}, errors.New("header: missing")
	}
	re, err := compileRegexp(ls.Match)
	if err != nil {
		return edgeLayer{}, fmt.Errorf("match: %w", err)
	}
	for _, s := range ls.Sources {
		if !knownSource(s) {
			return edgeLayer{}, fmt.Errorf("sources: unknown source %q (one of %s)", s, strings.Join(attributionSources, ", "))
		}
	}
	return edgeLayer{name: ls.Name, header: textproto.CanonicalMIMEHeaderKey(ls.Header), re: re, sources: ls.Sources}, nil
}

func compileUARule(us uaRuleSpec) (*uaRule, error) {
	if !validEntryID(us.ID) {
		return nil, fmt.Errorf("id: %q is not of the form word.word (lower case, digits, '.', '_', '-')", us.ID)
	}
	if us.Source != "*" && !knownSource(us.Source) {
		return nil, fmt.Errorf("source: unknown source %q (one of %s, or \"*\" for the fallback)", us.Source, strings.Join(attributionSources, ", "))
	}
	if strings.TrimSpace(us.Directive) == "" {
		return nil, errors.New("directive: missing")
	}
	if strings.TrimSpace(us.Fix) == "" {
		return nil, errors.New("fix: missing")
	}
	return &uaRule{id: us.ID, source: us.Source, directive: strings.TrimSpace(us.Directive), fix: strings.TrimSpace(us.Fix)}, nil
}

func compileSignature(ss signatureSpec) (*signature, error) {
	if !validEntryID(ss.ID) {
		return nil, fmt.Errorf("id: %q is not of the form word.word (lower case, digits, '.', '_', '-')", ss.ID)
	}
	if !knownSource(ss.Source) {
		return nil, fmt.Errorf("source: unknown source %q (one of %s)", ss.Source, strings.Join(attributionSources, ", "))
	}
	if ss.Mechanism != mechanismFromChallenge && !knownMechanism(ss.Mechanism) {
		return nil, fmt.Errorf("mechanism: unknown mechanism %q (one of %s, or %q)", ss.Mechanism, strings.Join(attributionMechanisms, ", "), mechanismFromChallenge)
	}
	if strings.TrimSpace(ss.Directive) == "" {
		return nil, errors.New("directive: missing")
	}
	if confidenceOf(ss.Uniqueness) == "" {
		return nil, fmt.Errorf("uniqueness: %q is not one of unique, strong, shared, weak", ss.Uniqueness)
	}
	if strings.TrimSpace(ss.Fix) == "" {
		return nil, errors.New("fix: missing")
	}
	if len(ss.Require) == 0 {
		return nil, errors.New("require: at least one predicate is needed (a status set at least)")
	}
	s := &signature{
		id: ss.ID, source: ss.Source, mechanism: ss.Mechanism, directive: strings.TrimSpace(ss.Directive),
		uniqueness: ss.Uniqueness, defaultRealm: ss.DefaultRealm, fix: strings.TrimSpace(ss.Fix),
		replacesContent: ss.ReplacesContent,
	}
	for i, ps := range ss.Require {
		p, err := compilePredicate(ps)
		if err != nil {
			return nil, fmt.Errorf("require[%d]: %w", i, err)
		}
		s.require = append(s.require, p)
	}
	for i, ps := range ss.Signals {
		p, err := compilePredicate(ps)
		if err != nil {
			return nil, fmt.Errorf("signals[%d]: %w", i, err)
		}
		s.signals = append(s.signals, p)
	}
	return s, nil
}

func validEntryID(id string) bool {
	if id == "" || !strings.Contains(id, ".") {
		return false
	}
	for _, r := range id {
		if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

func compileRegexp(expr string) (*regexp.Regexp, error) {
	if expr == "" {
		return nil, errors.New("empty regexp")
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("bad regexp %q: %w", expr, err)
	}
	return re, nil
}

// attributionSources are the values an attribution's source may take.
// They are part of the JSON report's contract, so a catalog entry cannot
// invent one.
var attributionSources = []string{
	"nginx", "apache", "caddy", "haproxy", "lighttpd", "traefik", "iis", "tomcat", "envoy", "kong",
	"oauth2-proxy", "cloudflare-access", "vercel", "netlify", "aws-alb", "aws-api-gateway", "aws-cloudfront",
	"google-iap", "azure-app-service", "wordpress", "drupal", "joomla", "django", "laravel", "express", "rails",
	"spring", "app", "unknown", "mediawiki",
}

// attributionMechanisms are the values an attribution's mechanism may
// take, as in the JSON report: "ua-rule" means the crawler agents met the
// wall and the browser control did not.
var attributionMechanisms = []string{
	"basic", "digest", "bearer", "negotiate", "ntlm", "auth-request", "forward-auth", "login-redirect",
	"session", "ua-rule", "ip-rule", "unknown",
}

func knownSource(s string) bool { return slices.Contains(attributionSources, s) }

func knownMechanism(m string) bool { return slices.Contains(attributionMechanisms, m) }

// confidenceOf maps a signature's uniqueness to the confidence its match
// gives: a signature only one source emits is proof, a shared one a hint.
func confidenceOf(uniqueness string) string {
	switch uniqueness {
	case "unique":
		return "high"
	case "strong":
		return "medium"
	case "shared", "weak":
		return "low"
	}
	return ""
}

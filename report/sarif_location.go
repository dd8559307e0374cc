package report

import (
	"net/url"
	"path"
	"path/filepath"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"authwall/audit"
)

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

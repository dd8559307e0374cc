package crawler

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/bmatcuk/doublestar/v4"
)

// Scope decides which URLs the crawl may visit: same scheme and host
// (host:port) as the start URL, then the --include/--exclude path globs
// (doublestar syntax on the URL's decoded, dot-segment-free path; `**`
// crosses '/', `*` does not). With includes, a path must match at least one;
// an exclude always wins. The start URL's own path is not exempt from
// excludes. The query plays no part.
type Scope struct {
	scheme  string
	host    string // canonical: lower-case, no default port
	include []string
	exclude []string
}

// newScope builds the scope of a crawl that starts at start. A glob that is
// malformed, or that cannot match because it does not start the way every
// path does ('/', or a wildcard), is an error naming it.
func newScope(start *url.URL, include, exclude []string) (*Scope, error) {
	if start == nil {
		return nil, errors.New("scope: no start URL")
	}
	scheme := lowerASCII(start.Scheme)
	if scheme != "http" && scheme != "https" {
		return nil, fmt.Errorf("scope: start URL %q is not http or https", start.Redacted())
	}
	host, err := canonicalHost(scheme, start.Host)
	if err != nil {
		return nil, fmt.Errorf("scope: start URL %q: %w", start.Redacted(), err)
	}
	s := &Scope{scheme: scheme, host: host}
	if s.include, err = checkGlobs("include", include); err != nil {
		return nil, err
	}
	if s.exclude, err = checkGlobs("exclude", exclude); err != nil {
		return nil, err
	}
	return s, nil
}

func checkGlobs(kind string, globs []string) ([]string, error) {
	if len(globs) == 0 {
		return nil, nil
	}
	out := make([]string, 0, len(globs))
	for _, g := range globs {
		switch {
		case g == "":
			return nil, fmt.Errorf("scope: empty %s glob", kind)
		case !doublestar.ValidatePattern(g):
			return nil, fmt.Errorf("scope: bad %s glob %q: %w", kind, g, doublestar.ErrBadPattern)
		case g[0] != '/' && g[0] != '*' && g[0] != '{' && g[0] != '[':
			return nil, fmt.Errorf("scope: %s glob %q never matches: paths start with '/' (try %q)", kind, g, "/"+g)
		}
		out = append(out, g)
	}
	return out, nil
}

// allows reports whether the crawl may visit u. u need not be normalised.
func (s *Scope) allows(u *url.URL) bool {
	if u == nil || lowerASCII(u.Scheme) != s.scheme {
		return false
	}
	if u.Host != s.host {
		h, err := canonicalHost(s.scheme, u.Host)
		if err != nil || h != s.host {
			return false
		}
	}
	p := u.Path
	if p == "" {
		p = "/"
	} else if hasDotSegment(p) {
		// Resolving against nothing removes the dot segments, as normalize does.
		p = (&url.URL{Path: p}).ResolveReference(&url.URL{}).Path
	}
	if len(s.include) > 0 && !matchAny(s.include, p) {
		return false
	}
	return !matchAny(s.exclude, p)
}

func matchAny(globs []string, p string) bool {
	for _, g := range globs {
		// Patterns were validated in newScope, so Match cannot fail.
		if ok, _ := doublestar.Match(g, p); ok {
			return true
		}
	}
	return false
}

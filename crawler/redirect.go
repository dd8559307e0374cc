package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/url"
)

// chain fetches u as agent and follows redirects hop by hop inside the
// site, recording each, so a bounce to a login page stays visible. It
// returns the last body.
func (r *run) chain(ctx context.Context, o *Observation, u *url.URL, agent Agent) ([]byte, error) {
	seen := map[string]bool{u.String(): true}
	cur := u
	for hop := 0; ; hop++ {
		a := r.getPolitely(ctx, cur.String(), agent)
		if a.err != nil {
			if a.status != 0 {
				o.Hops = append(o.Hops, Hop{URL: cur.String(), Status: a.status, Header: a.header})
			}
			return nil, a.err
		}
		h := Hop{URL: cur.String(), Status: a.status, Header: a.header}
		if !isRedirect(a.status) || a.header.Get("Location") == "" {
			o.Hops = append(o.Hops, h)
			o.ContentType = a.header.Get("Content-Type")
			o.BodyTruncated = a.truncated
			return a.body, nil
		}
		next, err := normalize(cur, a.header.Get("Location"))
		if errors.Is(err, errTooLong) {
			r.longURL(cur, a.header.Get("Location"))
		}
		if err != nil {
			h.Location = a.header.Get("Location")
			o.Hops = append(o.Hops, h)
			return a.body, nil // a Location we cannot follow ends the chain
		}
		h.Location = next.String()
		o.Hops = append(o.Hops, h)
		if !r.cfg.scope.allows(next) {
			return a.body, nil // off-site (an SSO provider, say): recorded, not followed
		}
		if seen[next.String()] {
			return a.body, fmt.Errorf("redirect loop: %s redirects back to %s", cur, next)
		}
		if hop+1 > maxRedirects {
			// Googlebot follows up to 10 redirects; the 11th ends the chain.
			return a.body, fmt.Errorf("more than %d redirects", maxRedirects)
		}
		seen[next.String()] = true
		cur = next
	}
}

// isRedirect reports the statuses whose Location the crawl follows.
func isRedirect(status int) bool {
	switch status {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

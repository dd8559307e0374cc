package audit

import (
	"net/http"
	"strings"
)

// Answer is the response that made the wall: the 401/403 itself, or the
// 3xx that pointed to a login page (then Location is set), with the
// redirect chain that led there.
type Answer struct {
	URL      string
	Status   int
	Header   http.Header
	Body     []byte     // first bytes of the body (may be empty, e.g. for a 3xx)
	Location string     // absolute, for 3xx
	Chain    []Redirect // every hop from the requested URL, first first
}

// wallView is an Answer prepared once for all signatures.
type wallView struct {
	a          *Answer
	challenges []challenge
	rawOf      []string // rawOf[i]: the header value challenges[i] came from
	raw        []string // every WWW-Authenticate value, as sent
	problems   []string
	cookies    []string // Set-Cookie names
	location   string
	login      string // login pattern the Location matched, if any
	soft       string // for a 2xx: the soft-wall marker of the page (softwall.go), if any
}

func newWallView(a *Answer) *wallView { return newWallViewOf(a, true) }

// newWallViewOf is newWallView; readPage false leaves a 2xx body unread
// for a soft-wall marker (soft stays "").
func newWallViewOf(a *Answer, readPage bool) *wallView {
	v := &wallView{a: a, location: a.Location}
	if a.Header != nil {
		v.raw = a.Header.Values("WWW-Authenticate")
		if v.location == "" {
			v.location = a.Header.Get("Location")
		}
		for _, sc := range a.Header.Values("Set-Cookie") {
			name, _, _ := strings.Cut(sc, "=")
			if name = strings.TrimSpace(name); name != "" {
				v.cookies = append(v.cookies, name)
			}
		}
	}
	for _, raw := range v.raw {
		cs, probs := parseWWWAuthenticate([]string{raw})
		for range cs {
			v.rawOf = append(v.rawOf, raw)
		}
		v.challenges = append(v.challenges, cs...)
		v.problems = append(v.problems, probs...)
	}
	if len(v.raw) > 1 {
		// Parse again together so that problems say which header.
		_, v.problems = parseWWWAuthenticate(v.raw)
	}
	if a.Status >= 300 && a.Status < 400 && v.location != "" {
		v.login, _ = loginRedirect(v.location)
	}
	if readPage && a.Status >= 200 && a.Status < 300 && maySoftWall(a.Body) {
		v.soft, _ = softWallPage(a.Body)
	}
	return v
}

// realm is the realm of the first challenge carrying one.
func (v *wallView) realm() (string, bool) {
	for _, c := range v.challenges {
		if r, ok := c.Params["realm"]; ok {
			return r, true
		}
	}
	return "", false
}

// schemeMechanism is the mechanism the first challenge's scheme names.
func (v *wallView) schemeMechanism() string {
	if len(v.challenges) == 0 {
		return "unknown"
	}
	switch m := strings.ToLower(v.challenges[0].Scheme); m {
	case "basic", "digest", "bearer", "negotiate", "ntlm":
		return m
	}
	return "unknown"
}

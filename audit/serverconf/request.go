package serverconf

import (
	"fmt"
	"net/url"
	"strconv"
)

// RequestFor is the anonymous GET for an http or https URL as an agent with
// the given User-Agent: host, port (the scheme's when the URL names none)
// and the request target as sent, query included.
func RequestFor(rawURL, userAgent string) (Request, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return Request{}, err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return Request{}, fmt.Errorf("want http:// or https:// and a host")
	}
	port := 80
	if u.Scheme == "https" {
		port = 443
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port < 1 || port > 65535 {
			return Request{}, fmt.Errorf("bad port %q", p)
		}
	}
	return Request{Host: u.Hostname(), Port: port, Path: u.RequestURI(), UserAgent: userAgent}, nil
}

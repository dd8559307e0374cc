package robots

// State is how the outcome of a robots.txt fetch governs crawling (RFC 9309
// section 2.3.1, with Google's treatment of 429).
type State string

const (
	// StateRules: the fetch succeeded (2xx); obey the file.
	StateRules State = "rules"
	// StateAllowAll: the file is unavailable (4xx except 429, 401 and 403
	// included); crawl everything.
	StateAllowAll State = "allow-all"
	// StateDisallowAll: the server is unreachable (429, 5xx, network error,
	// timeout); crawl nothing.
	StateDisallowAll State = "disallow-all"
)

// StateForStatus maps the final status of a robots.txt fetch, after
// redirects, to a State. Status 0 stands for a network error or a timeout.
//
// A 3xx here means the redirects were not followed or ran out of hops; RFC
// 9309 lets a crawler call that unavailable and Google treats it as a 404, so
// it is allow-all. Statuses that HTTP does not define as final (1xx, or
// outside 100-599) say nothing about the file, so they count as unreachable,
// the cautious side.
func StateForStatus(status int) State {
	switch {
	case status >= 200 && status < 300:
		return StateRules
	case status == 429:
		// Google treats "too many requests" like a server error.
		return StateDisallowAll
	case status >= 300 && status < 500:
		return StateAllowAll
	default:
		return StateDisallowAll
	}
}

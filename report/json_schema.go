package report

import (
	"time"

	"authwall/audit"
)

// The JSON report's types: what the JSON writer writes, readJSON reads and
// the SARIF writer's properties reuse, so those speak the same names.

// schemaVersion is the JSON report schema this package writes and reads.
// Scripts and baselines rely on its field names, so fields are only ever
// added to a version, never renamed or removed. testdata/schema1_example.json
// is an example report with the fields readers rely on; the tests check the
// output against it.
const schemaVersion = 1

// jsonReport is the JSON report, as written by JSON and read by readJSON.
// The pages are apart from the rest (jsonHead), so that the writer can
// stream them one at a time.
type jsonReport struct {
	jsonHead
	Pages   []jsonPage   `json:"pages"`
	Recheck *jsonRecheck `json:"recheck,omitempty"` // only from audit --recheck
}

// jsonHead is every field of the report before its pages.
type jsonHead struct {
	Schema     int           `json:"schema"`
	Tool       jsonTool      `json:"tool"`
	Target     string        `json:"target"`
	StartedAt  time.Time     `json:"started_at"`
	DurationMS int64         `json:"duration_ms"`
	Agents     []jsonAgent   `json:"agents"`
	Summary    jsonSummary   `json:"summary"`
	Notes      []string      `json:"notes"`
	Findings   []jsonFinding `json:"findings"`
}

// jsonRecheck is what audit --recheck found against the earlier report:
// the counts of its findings that remain and of new ones (each finding
// says which in its own "recheck"), the earlier findings that are fixed,
// and those whose URL was not fetched again (outside the crawl's scope).
type jsonRecheck struct {
	Report    string        `json:"report"`
	URLs      int           `json:"urls"`
	Remains   int           `json:"remains"`
	New       int           `json:"new"`
	Fixed     []jsonFinding `json:"fixed"`
	Unchecked []jsonFinding `json:"unchecked"`
}

// jsonTool names the program that wrote the report.
type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// jsonAgent is one crawler identity the audit used.
type jsonAgent struct {
	Name        string `json:"name"`
	UserAgent   string `json:"user_agent"`
	RobotsToken string `json:"robots_token"`
}

// jsonSummary sums the run up; Findings counts findings per kind and holds
// only kinds that occurred.
type jsonSummary struct {
	URLs       int            `json:"urls"`
	Requests   int            `json:"requests"`
	Findings   map[string]int `json:"findings"`
	Failed     bool           `json:"failed"`
	Incomplete bool           `json:"incomplete"`
}

// jsonFinding is one problem at one URL.
type jsonFinding struct {
	Kind         string            `json:"kind"`
	Severity     string            `json:"severity"`
	Message      string            `json:"message"`
	URL          string            `json:"url"`
	Path         string            `json:"path"`
	DeclaredBy   string            `json:"declared_by"`
	Statuses     map[string]int    `json:"statuses"`
	Agents       []string          `json:"agents"`                // the crawler agents the finding concerns
	Failing      bool              `json:"failing"`               // whether it makes the exit code 1
	NotFetched   map[string]string `json:"not_fetched,omitempty"` // agent -> "robots" or the fetch error, for status 0
	FoundVia     string            `json:"found_via"`
	LinkedFrom   []string          `json:"linked_from"`
	Redirects    []jsonRedirect    `json:"redirects"`
	Attribution  *jsonAttribution  `json:"attribution"`
	Alternatives []jsonAttribution `json:"alternatives"`
	New          bool              `json:"new"`
	Recheck      string            `json:"recheck,omitempty"` // audit --recheck: remains, new or fixed
	// Logs: only on findings made from access logs (authwall logs).
	Logs map[string]jsonLogHits `json:"logs,omitempty"`
}

// jsonRedirect is one hop of a redirect chain.
type jsonRedirect struct {
	URL      string `json:"url"`
	Status   int    `json:"status"`
	Location string `json:"location"`
}

// jsonAttribution says which auth source and setting most likely produced a
// wall.
type jsonAttribution struct {
	Source     string        `json:"source"`
	Mechanism  string        `json:"mechanism"`
	Directive  string        `json:"directive"`
	Realm      string        `json:"realm"`
	Confidence string        `json:"confidence"`
	Evidence   []string      `json:"evidence"`
	Location   *jsonLocation `json:"location"`
	Fix        string        `json:"fix"`
	Edge       string        `json:"edge"`
	Signature  string        `json:"signature"`
}

// jsonLocation is where in a server config the directive is.
type jsonLocation struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Context string `json:"context"`
}

// jsonPage is one crawled URL with what each agent got.
type jsonPage struct {
	URL      string         `json:"url"`
	Depth    int            `json:"depth"`
	Declared string         `json:"declared"`
	Statuses map[string]int `json:"statuses"`
	FinalURL string         `json:"final_url"`
	Error    string         `json:"error"`
}

// newJSONAgents lists the report's agents with valid UTF-8.
func newJSONAgents(infos []audit.AgentInfo) []jsonAgent {
	out := make([]jsonAgent, 0, len(infos))
	for _, a := range infos {
		out = append(out, jsonAgent{Name: validUTF8(a.Name), UserAgent: validUTF8(a.UserAgent), RobotsToken: validUTF8(a.RobotsToken)})
	}
	return out
}

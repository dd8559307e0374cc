package report

import (
	"time"

	"authwall/audit"
)

// The JSON report's types: what the JSON writer writes, ReadJSON reads and
// the SARIF writer's properties reuse, so those speak the same names.

// SchemaVersion is the JSON report schema this package writes and reads
// (schema 1, documented in the README). Fields are only ever added to a
// version.
const SchemaVersion = 1

// JSONReport is the JSON report, as written by JSON and read by ReadJSON.
type JSONReport struct {
	Schema     int           `json:"schema"`
	Tool       JSONTool      `json:"tool"`
	Target     string        `json:"target"`
	StartedAt  time.Time     `json:"started_at"`
	DurationMS int64         `json:"duration_ms"`
	Agents     []JSONAgent   `json:"agents"`
	Summary    JSONSummary   `json:"summary"`
	Notes      []string      `json:"notes"`
	Findings   []JSONFinding `json:"findings"`
	Pages      []JSONPage    `json:"pages"`
}

// JSONTool names the program that wrote the report.
type JSONTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// JSONAgent is one crawler identity the audit used.
type JSONAgent struct {
	Name        string `json:"name"`
	UserAgent   string `json:"user_agent"`
	RobotsToken string `json:"robots_token"`
}

// JSONSummary sums the run up; Findings counts findings per kind and holds
// only kinds that occurred.
type JSONSummary struct {
	URLs       int            `json:"urls"`
	Requests   int            `json:"requests"`
	Findings   map[string]int `json:"findings"`
	Failed     bool           `json:"failed"`
	Incomplete bool           `json:"incomplete"`
}

// JSONFinding is one problem at one URL.
type JSONFinding struct {
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
	Redirects    []JSONRedirect    `json:"redirects"`
	Attribution  *JSONAttribution  `json:"attribution"`
	Alternatives []JSONAttribution `json:"alternatives"`
	New          bool              `json:"new"`
}

// JSONRedirect is one hop of a redirect chain.
type JSONRedirect struct {
	URL      string `json:"url"`
	Status   int    `json:"status"`
	Location string `json:"location"`
}

// JSONAttribution says which auth source and setting most likely produced a
// wall.
type JSONAttribution struct {
	Source     string        `json:"source"`
	Mechanism  string        `json:"mechanism"`
	Directive  string        `json:"directive"`
	Realm      string        `json:"realm"`
	Confidence string        `json:"confidence"`
	Evidence   []string      `json:"evidence"`
	Location   *JSONLocation `json:"location"`
	Fix        string        `json:"fix"`
	Edge       string        `json:"edge"`
	Signature  string        `json:"signature"`
}

// JSONLocation is where in a server config the directive is.
type JSONLocation struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Context string `json:"context"`
}

// JSONPage is one crawled URL with what each agent got.
type JSONPage struct {
	URL      string         `json:"url"`
	Depth    int            `json:"depth"`
	Declared string         `json:"declared"`
	Statuses map[string]int `json:"statuses"`
	FinalURL string         `json:"final_url"`
	Error    string         `json:"error"`
}

// newJSONAgents lists the report's agents with valid UTF-8.
func newJSONAgents(infos []audit.AgentInfo) []JSONAgent {
	out := make([]JSONAgent, 0, len(infos))
	for _, a := range infos {
		out = append(out, JSONAgent{Name: validUTF8(a.Name), UserAgent: validUTF8(a.UserAgent), RobotsToken: validUTF8(a.RobotsToken)})
	}
	return out
}

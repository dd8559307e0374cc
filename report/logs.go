package report

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"authwall/audit"
)

// What a finding made from access logs (authwall logs) carries per agent,
// in the JSON report and as text for the table, CSV and HTML.

// jsonLogHits is one agent's requests to the finding's path, from the
// logs: counts per verification, statuses (keyed by the status as text,
// as JSON keys are) and the first and last request, RFC 3339 in UTC, ""
// when the log has no times.
type jsonLogHits struct {
	VerifiedHits   int            `json:"verified_hits"`
	SpoofedHits    int            `json:"spoofed_hits"`
	UnverifiedHits int            `json:"unverified_hits"`
	Statuses       map[string]int `json:"statuses"`
	FirstSeen      string         `json:"first_seen"`
	LastSeen       string         `json:"last_seen"`
}

func newJSONLogs(logs map[string]audit.LogHits) map[string]jsonLogHits {
	if logs == nil {
		return nil
	}
	out := make(map[string]jsonLogHits, len(logs))
	for agent, h := range logs {
		jh := jsonLogHits{VerifiedHits: h.Verified, SpoofedHits: h.Spoofed, UnverifiedHits: h.Unverified,
			Statuses: make(map[string]int, len(h.Statuses)), FirstSeen: logTime(h.FirstSeen), LastSeen: logTime(h.LastSeen)}
		for s, n := range h.Statuses {
			jh.Statuses[strconv.Itoa(s)] = n
		}
		out[validUTF8(agent)] = jh
	}
	return out
}

func logTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// auditLogs reads the logs field back; statuses that are not numbers and
// times that are not RFC 3339 are left out.
func auditLogs(logs map[string]jsonLogHits) map[string]audit.LogHits {
	if logs == nil {
		return nil
	}
	out := make(map[string]audit.LogHits, len(logs))
	for agent, jh := range logs {
		h := audit.LogHits{Verified: jh.VerifiedHits, Spoofed: jh.SpoofedHits, Unverified: jh.UnverifiedHits, Statuses: map[int]int{}}
		for s, n := range jh.Statuses {
			if st, err := strconv.Atoi(s); err == nil {
				h.Statuses[st] = n
			}
		}
		h.FirstSeen, _ = time.Parse(time.RFC3339, jh.FirstSeen)
		h.LastSeen, _ = time.Parse(time.RFC3339, jh.LastSeen)
		out[agent] = h
	}
	return out
}

// logsText is a finding's log hits in one line, agents in the report's
// order: "googlebot: 15 hits (12 verified, 3 spoofed) 401×12 200×3;
// bingbot: ...". "" for a finding without logs.
func logsText(f audit.Finding, order []string) string {
	if len(f.Logs) == 0 {
		return ""
	}
	var parts []string
	for _, agent := range logAgents(f, order) {
		h := f.Logs[agent]
		var kinds []string
		for _, k := range []struct {
			n    int
			what string
		}{{h.Verified, "verified"}, {h.Spoofed, "spoofed"}, {h.Unverified, "unverified"}} {
			if k.n > 0 {
				kinds = append(kinds, fmt.Sprintf("%d %s", k.n, k.what))
			}
		}
		parts = append(parts, fmt.Sprintf("%s: %s (%s) %s", agent, plural(h.Hits(), "hit", "hits"), strings.Join(kinds, ", "), audit.StatusCounts(h.Statuses, nil)))
	}
	return strings.Join(parts, "; ")
}

// logAgents lists the agents of a finding's logs in the report's agent
// order, the others after them by name.
func logAgents(f audit.Finding, order []string) []string {
	var out []string
	for _, a := range order {
		if _, ok := f.Logs[a]; ok {
			out = append(out, a)
		}
	}
	var rest []string
	for a := range f.Logs {
		if !slices.Contains(out, a) {
			rest = append(rest, a)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// anyLogs reports whether some finding was made from logs.
func anyLogs(fs []audit.Finding) bool {
	for _, f := range fs {
		if len(f.Logs) > 0 {
			return true
		}
	}
	return false
}

func anyAttribution(fs []audit.Finding) bool {
	for _, f := range fs {
		if f.Attribution != nil {
			return true
		}
	}
	return false
}

// reportAgentNames is the report's agent order.
func reportAgentNames(r *audit.Report) []string {
	names := make([]string, len(r.Agents))
	for i, a := range r.Agents {
		names[i] = a.Name
	}
	return names
}

// maxLogsWidth is the table's LOG HITS cell: an agent or two with their
// counts and statuses.
const maxLogsWidth = 100

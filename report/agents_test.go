package report

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"authwall/audit"
)

// TestAgentColumns pins the one agent-column rule: the report's agents in
// their order, then other names from statuses and Agents, sorted; never the
// browser control, which has a column of its own when it has a status.
func TestAgentColumns(t *testing.T) {
	infos := []audit.AgentInfo{{Name: "googlebot"}, {Name: "bingbot"}, {Name: "googlebot"}}
	findings := []audit.Finding{
		{Statuses: map[string]int{"zbot": 401, "browser": 401, "googlebot": 401}},
		{Statuses: map[string]int{"abot": 0}, Agents: []string{"abot", "mbot"}},
	}
	names := findingAgentNames(findings)
	assert.Equal(t, []string{"googlebot", "bingbot", "abot", "mbot", "zbot"}, agentColumns(infos, names))
	assert.True(t, hasControl(names))
	assert.False(t, hasControl(findingAgentNames(findings[1:])))

	pages := []audit.Page{{Statuses: map[string]int{"yandex": 200}}, {Statuses: map[string]int{"browser": 200}}}
	assert.Equal(t, []string{"googlebot", "bingbot", "yandex"}, agentColumns(infos, pageAgentNames(pages)))
	assert.Equal(t, []string{"googlebot", "bingbot", "abot", "mbot", "yandex", "zbot"}, agentColumns(infos, names, pageAgentNames(pages)))
	assert.Empty(t, agentColumns(nil))
}

func TestStatusList(t *testing.T) {
	f := audit.Finding{Statuses: map[string]int{"googlebot": 401, "browser": 200, "other": 500}}
	assert.Equal(t, []string{"googlebot 401", "browser 200"}, statusList(f, []string{"googlebot", "bingbot"}, statusText),
		"the given agents with a status, then the control")
	agents := []string{"a", "b"}
	statusList(f, agents[:1], statusText)
	assert.Equal(t, []string{"a", "b"}, agents, "the agents slice is not written to")
}

// TestStatusText: a status 0 reads as what NotFetched says, whatever the
// kind; the kind is never a guess for it.
func TestStatusText(t *testing.T) {
	st := map[string]int{"googlebot": 0, "bingbot": 401}
	tests := []struct {
		kind  audit.Kind
		why   string
		agent string
		want  string
	}{
		{audit.PublicUnauthorized, "", "bingbot", "401"},
		{audit.PublicUnauthorized, "", "browser", "-"},
		{audit.PublicUnauthorized, "", "googlebot", "no answer"},
		{audit.RobotsBlocksPublic, "", "googlebot", "no answer"},
		{audit.FetchError, "", "googlebot", "no answer"},
		{audit.PublicUnauthorized, "robots", "googlebot", "disallow"},
		{audit.FetchError, "robots", "googlebot", "disallow"},
		{audit.RobotsBlocksPublic, "timeout after 15s", "googlebot", "error"},
	}
	for _, tc := range tests {
		f := audit.Finding{Kind: tc.kind, Statuses: st}
		if tc.why != "" {
			f.NotFetched = map[string]string{"googlebot": tc.why}
		}
		assert.Equal(t, tc.want, statusText(f, tc.agent), "%s %q %s", tc.kind, tc.why, tc.agent)
	}
}

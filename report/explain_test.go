package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/audit/serverconf"
)

func TestExplainHostileText(t *testing.T) {
	es := []Explanation{{
		URL:    "http://x/\x1b[2J\u202e",
		Server: "nginx",
		Verdict: serverconf.Verdict{
			Status: 401, Outcome: serverconf.OutcomeAuth, Mechanism: "basic", Realm: "r\x1b", Certainty: serverconf.Certain,
			DecidedBy: &serverconf.Ref{File: "a\nb.conf", Line: 3, Directive: "auth_basic \"\x07\"", Context: "server"},
			Selected:  &serverconf.Selection{File: "a.conf", Line: 2, Context: "location /\x1b"},
			Notes:     []string{"note \x1b"},
		},
	}}
	var buf bytes.Buffer
	require.NoError(t, WriteExplainTable(&buf, es))
	assert.NotContains(t, buf.String(), "\x1b")
	assert.NotContains(t, buf.String(), "\x07")
	assert.NotContains(t, buf.String(), "\u202e")
	assert.Contains(t, buf.String(), `a\nb.conf:3`)

	buf.Reset()
	require.NoError(t, WriteExplainJSON(&buf, es))
	var got []map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &got))
	assert.Equal(t, es[0].URL, got[0]["url"])
}

func TestExplainJSONOpen(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteExplainJSON(&buf, []Explanation{{URL: "http://x/", Server: "nginx",
		Verdict: serverconf.Verdict{Status: 200, Outcome: serverconf.OutcomeOpen, Certainty: serverconf.Certain}}}))
	var got []map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &got))
	require.Len(t, got, 1)
	assert.Contains(t, got[0], "decided_by")
	assert.Nil(t, got[0]["decided_by"], "null when nothing walls the request")
	assert.Equal(t, []any{}, got[0]["redirects"])

	buf.Reset()
	require.NoError(t, WriteExplainJSON(&buf, nil))
	assert.Equal(t, "[]\n", buf.String())
}

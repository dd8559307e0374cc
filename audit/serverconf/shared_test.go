package serverconf

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Test helpers every server's tests share.

const googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"

// writeFiles lays out files (name → content) under a temp dir and returns it.
func writeFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	return dir
}

// findNodes returns every node named name, depth first.
func findNodes(nodes []*Node, name string) []*Node {
	var out []*Node
	walkNodes(nodes, func(n *Node) {
		if n.Name == name {
			out = append(out, n)
		}
	})
	return out
}

// sameAnswer compares answer classes: a 401 or 403 must be predicted
// exactly, and so must a status the evaluator names for a return or
// redirect; "no wall" (open) matches anything but 401 and 403, since what
// the content handler answers (200, 301 to a directory, 404) is no wall.
func sameAnswer(v Verdict, real int) bool {
	switch {
	case v.Status == 401 || v.Status == 403:
		return real == v.Status
	case v.Outcome == OutcomeOpen || v.Outcome == OutcomeDepends && v.Status == 200:
		return real != 401 && real != 403
	}
	return real == v.Status
}

func describeVerdict(v Verdict) string {
	s := fmt.Sprintf("%d (%s", v.Status, v.Outcome)
	if v.DecidedBy != nil {
		s += fmt.Sprintf(", %s at line %d in %s", v.DecidedBy.Directive, v.DecidedBy.Line, v.DecidedBy.Context)
	}
	if v.Selected != nil {
		s += ", selected " + v.Selected.Context
	}
	for _, r := range v.Redirects {
		s += ", then " + r.URI + " in " + r.Selected.Context
	}
	if len(v.Notes) > 0 {
		s += "; notes: " + strings.Join(v.Notes, "; ")
	}
	return s + ")"
}

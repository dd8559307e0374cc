package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// renderConfig fills a real-server config template's placeholders with
// fixed values into dir, as the server that ran it would have seen it, and
// returns the rendered file's base name.
func renderConfig(t *testing.T, template, dir string) string {
	t.Helper()
	data, err := os.ReadFile(template)
	require.NoError(t, err)
	r := strings.NewReplacer("{{PREFIX}}", "/srv/authwall", "{{PORT}}", "8080", "{{USER}}", "")
	name := filepath.Base(template)
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(r.Replace(string(data))), 0o644))
	return name
}

// explainAt runs explain in dir on the rendered inherited-auth config, so
// the file names in the output are relative and the same on every machine.
func explainAt(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	dir := t.TempDir()
	conf := renderConfig(t, "testdata/nginx/inherited-auth.conf", dir)
	t.Chdir(dir)
	return cli(t, append([]string{"explain", "--server-config", conf}, args...)...)
}

var explainURLs = []string{
	"http://localhost:8080/",
	"http://localhost:8080/blog/first-post.html",
	"http://localhost:8080/blog/",
	"http://localhost:8080/account/",
}

func TestExplainInheritedAuth(t *testing.T) {
	code, out, errOut := explainAt(t, append([]string{"-f", "json"}, explainURLs...)...)
	require.Equal(t, 0, code, errOut)
	var got []struct {
		URL, Outcome, Realm string
		Status              int
		DecidedBy           *struct {
			File, Directive, Context string
			Line                     int
		} `json:"decided_by"`
		Selected struct {
			File, Context string
			Line          int
		}
		Redirects []struct{ URI string }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	require.Len(t, got, len(explainURLs))
	for i, u := range explainURLs {
		assert.Equal(t, u, got[i].URL, "in the order given")
	}

	// location / says auth_basic off: the home page is open.
	assert.Equal(t, 200, got[0].Status)
	assert.Equal(t, "open", got[0].Outcome)
	assert.Nil(t, got[0].DecidedBy)
	assert.Equal(t, 28, got[0].Selected.Line)

	// /blog/ inherits the server's auth_basic (line 25).
	for _, e := range got[1:] {
		assert.Equal(t, 401, e.Status, e.URL)
		assert.Equal(t, "auth", e.Outcome, e.URL)
		assert.Equal(t, "Staging Area", e.Realm, e.URL)
		if assert.NotNil(t, e.DecidedBy, e.URL) {
			assert.Equal(t, "inherited-auth.conf", e.DecidedBy.File)
			assert.Equal(t, 25, e.DecidedBy.Line)
			assert.Contains(t, e.DecidedBy.Directive, "auth_basic")
		}
	}
	assert.Equal(t, "server localhost > location /blog/", got[1].Selected.Context)
	assert.Equal(t, 33, got[1].Selected.Line)
	assert.Equal(t, 36, got[3].Selected.Line)
	// The home page is served by an index redirect; /blog/ stops at the
	// access phase, before index runs.
	if assert.Len(t, got[0].Redirects, 1) {
		assert.Equal(t, "/index.html", got[0].Redirects[0].URI)
	}
	assert.Empty(t, got[2].Redirects)
}

func TestExplainGolden(t *testing.T) {
	for _, format := range []string{"table", "json"} {
		t.Run(format, func(t *testing.T) {
			golden, err := filepath.Abs(filepath.Join("testdata", "explain."+format+".golden"))
			require.NoError(t, err)
			code, out, errOut := explainAt(t, append([]string{"-f", format}, explainURLs...)...)
			require.Equal(t, 0, code, errOut)
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(out), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			assert.Equal(t, string(want), out, "explain output changed: run go test -run TestExplainGolden -update")
		})
	}
}

func TestExplainErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		// The template itself, unrendered: nginx would refuse it too.
		{"bad config names file and line", []string{"--server-config", "testdata/nginx/inherited-auth.conf", "http://localhost/"}, "testdata/nginx/inherited-auth.conf:5:"},
		{"no config", []string{"http://localhost/"}, "--server-config is required"},
		{"unknown server", []string{"--server-config", "testdata/nginx/public.txt", "http://localhost/"}, "supported: nginx"},
		{"bad agent", []string{"--server-config", "testdata/nginx/misconfig/site.conf", "--agent", "nobot", "http://localhost/"}, "--agent"},
		{"no scheme", []string{"--server-config", "testdata/nginx/misconfig/site.conf", "localhost/blog/"}, `URL "localhost/blog/"`},
		{"bad format", []string{"--server-config", "testdata/nginx/misconfig/site.conf", "-f", "csv", "http://localhost/"}, "--format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := cli(t, append([]string{"explain"}, tt.args...)...)
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, tt.want)
		})
	}
}

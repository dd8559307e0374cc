package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLintEndToEnd is the pre-deploy gate: the staging config that walls
// the public blog fails with the line to change, in every format; once
// location /blog/ says `auth_basic off;` it passes.
func TestLintEndToEnd(t *testing.T) {
	dir := t.TempDir()
	conf := renderConfig(t, "testdata/nginx/inherited-auth.conf", dir)
	sitemap := filepath.Join(dir, "sitemap.xml")
	require.NoError(t, os.WriteFile(sitemap, []byte(`<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>http://localhost:8080/about.html</loc></url>
  <url><loc>http://localhost:8080/blog/feed.xml</loc></url>
</urlset>
`), 0o644))
	public, err := filepath.Abs("testdata/nginx/public.txt")
	require.NoError(t, err)
	t.Chdir(dir)

	code, out, errOut := cli(t, "lint", "--server-config", conf, "-p", public, "--sitemap", "sitemap.xml",
		"--report", "sarif=lint.sarif", "--report", "json=lint.json", "http://localhost:8080/")
	require.Equal(t, 1, code, "%s%s", out, errOut)
	assert.Contains(t, out, "public-401")

	var rep struct {
		Findings []jsonFinding
	}
	data, err := os.ReadFile("lint.json")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &rep))
	var walled []string
	for _, f := range rep.Findings {
		require.Equal(t, "public-401", f.Kind, f.Path)
		walled = append(walled, f.Path)
		require.NotNil(t, f.Attribution.Location)
		assert.Equal(t, "inherited-auth.conf", f.Attribution.Location.File)
		assert.Equal(t, 25, f.Attribution.Location.Line)
		assert.Contains(t, f.Attribution.Fix, "`auth_basic off;`")
	}
	// / and /about.html are under location /, which says auth_basic off;
	// the blog and the sitemap's feed in it inherit the server's auth.
	assert.ElementsMatch(t, []string{"/blog/", "/blog/authwall-lint-sample.html", "/blog/feed.xml"}, walled)

	// SARIF: code scanning annotates the config line in the pull request.
	var sarif struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
				}
			}
		}
	}
	data, err = os.ReadFile("lint.sarif")
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &sarif))
	require.Len(t, sarif.Runs, 1)
	require.Len(t, sarif.Runs[0].Results, 3)
	for _, r := range sarif.Runs[0].Results {
		assert.Equal(t, "public-401", r.RuleID)
		pl := r.Locations[0].PhysicalLocation
		assert.Equal(t, "inherited-auth.conf", pl.ArtifactLocation.URI)
		assert.Equal(t, 25, pl.Region.StartLine)
	}

	// Fixed: the blog turns auth off; the private /account/ keeps it.
	data, err = os.ReadFile(conf)
	require.NoError(t, err)
	fixed := strings.Replace(string(data), "location /blog/ {\n", "location /blog/ {\n            auth_basic off;\n", 1)
	require.NoError(t, os.WriteFile(conf, []byte(fixed), 0o644))
	code, out, errOut = cli(t, "lint", "--server-config", conf, "-p", public, "--sitemap", "sitemap.xml", "http://localhost:8080/")
	assert.Equal(t, 0, code, "%s%s", out, errOut)
}

func TestLintPrivateExposed(t *testing.T) {
	dir := t.TempDir()
	conf := renderConfig(t, "testdata/nginx/inherited-auth.conf", dir)
	// The account area given its own location that turns auth off.
	data, err := os.ReadFile(filepath.Join(dir, conf))
	require.NoError(t, err)
	open := strings.Replace(string(data), "location /account/ {", "location /account/ {\n            auth_basic off;", 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, conf), []byte(open), 0o644))
	paths := writeFile(t, "public.txt", "/\n!/account/**\n")
	code, out, errOut := cli(t, "lint", "--server-config", filepath.Join(dir, conf), "-p", paths, "-f", "json", "http://localhost:8080/")
	require.Equal(t, 1, code, errOut)
	var rep struct{ Findings []jsonFinding }
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.NotEmpty(t, rep.Findings)
	for _, f := range rep.Findings {
		assert.Equal(t, "private-exposed", f.Kind)
		require.NotNil(t, f.Attribution.Location)
		assert.Equal(t, 36, f.Attribution.Location.Line, "the location that should have had auth")
	}
}

func TestLintErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no config", []string{"http://localhost/"}, "--server-config is required"},
		{"bad config names file and line", []string{"--server-config", "testdata/nginx/inherited-auth.conf", "http://localhost/"}, "testdata/nginx/inherited-auth.conf:5:"},
		{"no URL", []string{"--server-config", "testdata/nginx/misconfig/site.conf"}, "lint takes one URL, got 0"},
		{"no scheme", []string{"--server-config", "testdata/nginx/misconfig/site.conf", "localhost"}, `URL "localhost" has no scheme`},
		{"bad sitemap", []string{"--server-config", "testdata/nginx/misconfig/site.conf", "--sitemap", "testdata/nginx/public.txt", "http://localhost/"}, "read sitemap testdata/nginx/public.txt"},
		{"bad paths file", []string{"--server-config", "testdata/nginx/misconfig/site.conf", "-p", "testdata/nginx/misconfig/site.conf", "http://localhost/"}, "testdata/nginx/misconfig/site.conf:5: pattern must start with /"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := cli(t, append([]string{"lint"}, tt.args...)...)
			assert.Equal(t, 2, code)
			assert.Contains(t, errOut, tt.want)
		})
	}
}

// TestLintExample keeps the README's lint example true: the shipped
// example config walls the public blog, and its regex location for static
// files serves them under every private prefix.
func TestLintExample(t *testing.T) {
	code, out, errOut := cli(t, "lint", "--server-config", "examples/nginx/site.conf", "-p", "examples/public.txt", "-f", "json", "https://example.org/")
	require.Equal(t, 1, code, errOut)
	var rep struct{ Findings []jsonFinding }
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	var got []string
	for _, f := range rep.Findings {
		got = append(got, fmt.Sprintf("%s %s %s:%d", f.Kind, f.Path, f.Attribution.Location.File, f.Attribution.Location.Line))
	}
	assert.Equal(t, []string{
		"public-401 /blog/ examples/nginx/site.conf:10",
		"public-401 /blog/authwall-lint-sample.html examples/nginx/site.conf:10",
		"private-exposed /account/authwall-lint-sample.pdf examples/nginx/site.conf:34",
		"private-exposed /admin/authwall-lint-sample.pdf examples/nginx/site.conf:34",
		"private-exposed /api/authwall-lint-sample.pdf examples/nginx/site.conf:34",
		"private-exposed /billing/authwall-lint-sample.pdf examples/nginx/site.conf:34",
		"private-exposed /blog/drafts/authwall-lint-sample.pdf examples/nginx/site.conf:34",
		"private-exposed /docs/internal/authwall-lint-sample.pdf examples/nginx/site.conf:34",
	}, got)
}

// TestLintMisconfigSite runs lint on the config of the real-server
// misconfiguration test: with no request made it finds what the crawl
// found there, by the same lines: the unanchored regex location ~ /admin
// that walls public paths, the static-files regex that serves private
// ones, the IP and User-Agent rules; auth_request is left to the notes.
func TestLintMisconfigSite(t *testing.T) {
	dir := t.TempDir()
	conf := renderConfig(t, "testdata/nginx/misconfig/site.conf", dir)
	code, out, errOut := cli(t, "lint", "--server-config", filepath.Join(dir, conf), "-p", "testdata/nginx/misconfig/public.txt", "-f", "json", "http://localhost:8080/")
	require.Equal(t, 1, code, errOut)
	var rep struct {
		Findings []jsonFinding
		Notes    []string
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	got := map[string]int{}
	for _, f := range rep.Findings {
		got[f.Kind+" "+f.Path] = f.Attribution.Location.Line
	}
	for key, line := range map[string]int{
		"public-401 /docs/admin":                            41,
		"public-403 /downloads/":                            62,
		"public-403 /pricing/":                              70,
		"private-exposed /members/authwall-lint-sample.css": 54,
	} {
		assert.Equal(t, line, got[key], key)
	}
	assert.NotContains(t, got, "public-401 /docs/", "the /docs/ prefix itself is open")
	notes := strings.Join(rep.Notes, "\n")
	assert.Contains(t, notes, "http://localhost:8080/help/: `auth_request /_auth` at ")
	assert.Contains(t, notes, "site.conf:84")
}

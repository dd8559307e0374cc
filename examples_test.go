package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yaml "go.yaml.in/yaml/v3"

	"authwall/audit"
	"authwall/config"
	"authwall/demo"
)

// TestExamples keeps the shipped examples valid.
func TestExamples(t *testing.T) {
	files, err := filepath.Glob("examples/*.txt")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		p, err := audit.LoadPaths(f)
		require.NoError(t, err, f)
		require.Positive(t, p.Len(), f)
	}
	c, err := config.Load("examples/authwall.yaml", true)
	require.NoError(t, err)
	require.NotEmpty(t, c.URL)
	_, err = os.Stat("examples/public.txt")
	require.NoError(t, err)
}

// TestREADMENamesEverySource keeps the README's table of sources in step
// with the catalog: a new source needs a row saying how it is recognised.
func TestREADMENamesEverySource(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	cat, err := audit.DefaultCatalog()
	require.NoError(t, err)
	for _, src := range cat.Sources() {
		require.Contains(t, string(readme), "| `"+src+"` |", "README's sources table lacks %s", src)
	}
}

// TestCIExamples checks that the pipeline examples parse and that every
// flag they pass to authwall exists.
func TestCIExamples(t *testing.T) {
	for _, f := range []string{"examples/ci/github-actions.yml", "examples/ci/gitlab-ci.yml"} {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		var doc map[string]any
		require.NoError(t, yaml.Unmarshal(data, &doc), f)
	}
	gh, err := os.ReadFile("examples/ci/github-actions.yml")
	require.NoError(t, err)
	for _, want := range []string{"upload-sarif", "upload-artifact", "steps.authwall.outputs.sarif", "public: "} {
		assert.Contains(t, string(gh), want)
	}
	var ghDoc struct {
		Jobs map[string]struct{ Steps []struct{ Uses, ID string } }
	}
	require.NoError(t, yaml.Unmarshal(gh, &ghDoc))
	usesAction := false
	for _, st := range ghDoc.Jobs["audit"].Steps {
		usesAction = usesAction || (st.ID == "authwall" && strings.HasSuffix(st.Uses, "/authwall@v1"))
	}
	assert.True(t, usesAction, "the workflow uses the authwall action")
	action, err := os.ReadFile("scripts/action.sh")
	require.NoError(t, err)
	for _, want := range []string{"--format github", "html=", "sarif=", "markdown="} {
		assert.Contains(t, string(action), want)
	}
	gl, err := os.ReadFile("examples/ci/gitlab-ci.yml")
	require.NoError(t, err)
	var glDoc struct {
		Authwall struct {
			Artifacts struct {
				Reports struct{ Junit string }
			}
		}
	}
	require.NoError(t, yaml.Unmarshal(gl, &glDoc))
	assert.Equal(t, "authwall.junit.xml", glDoc.Authwall.Artifacts.Reports.Junit)

	cmd := auditCommand(io.Discard, io.Discard)
	logs := logsCommand(io.Discard, io.Discard) // the README's logs section passes its own flags
	flagRE := regexp.MustCompile(`(?m)(?:^|\s)--([a-z][a-z-]+)`)
	for _, f := range []string{"examples/ci/github-actions.yml", "examples/ci/gitlab-ci.yml", "examples/ci/Jenkinsfile", "examples/pre-release.sh", "scripts/action.sh", "README.md"} {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range flagRE.FindAllStringSubmatch(string(data), -1) {
			name := m[1]
			if name == "depth" || name == "help" { // git's flag; every command's help
				continue
			}
			known := cmd.Flags().Lookup(name) != nil || f == "README.md" && logs.Flags().Lookup(name) != nil
			assert.True(t, known, "%s passes --%s, which authwall audit does not have", f, name)
		}
	}
}

// TestPreReleaseScript runs examples/pre-release.sh against the demo site
// with a freshly built authwall.
func TestPreReleaseScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	out, err := exec.Command("bash", "-n", "examples/pre-release.sh").CombinedOutput()
	require.NoError(t, err, string(out))

	dir := t.TempDir()
	bin := filepath.Join(dir, "authwall")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err = build.CombinedOutput()
	require.NoError(t, err, string(out))

	site, err := demo.Start()
	require.NoError(t, err)
	defer site.Close()
	paths := filepath.Join(dir, "public.txt")
	require.NoError(t, os.WriteFile(paths, demo.Paths(), 0o644))
	reports := filepath.Join(dir, "reports")

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	script := exec.CommandContext(ctx, "bash", "examples/pre-release.sh", site.URL, paths, reports)
	script.Env = append(os.Environ(), "AUTHWALL="+bin)
	out, err = script.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, string(out))
	assert.Equal(t, 1, exit.ExitCode(), "the demo site has walls")
	assert.Contains(t, string(out), "public pages are walled")
	for _, f := range []string{"report.json", "report.csv", "report.html", "report.junit.xml", "report.sarif"} {
		assert.FileExists(t, filepath.Join(reports, f))
	}
}

// TestConfigExampleNamesEveryKey keeps examples/authwall.yaml complete: every
// key of the config appears in it, set or commented out.
func TestConfigExampleNamesEveryKey(t *testing.T) {
	data, err := os.ReadFile("examples/authwall.yaml")
	require.NoError(t, err)
	typ := reflect.TypeOf(config.Config{})
	for i := 0; i < typ.NumField(); i++ {
		key, _, _ := strings.Cut(typ.Field(i).Tag.Get("yaml"), ",")
		if key == "" || key == "-" {
			continue
		}
		assert.Regexp(t, `(?m)^#? ?`+regexp.QuoteMeta(key)+`:`, string(data), "examples/authwall.yaml lacks %s", key)
	}
}

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yaml "go.yaml.in/yaml/v3"

	"authwall/demo"
)

// actionDoc is the part of action.yml the tests read.
type actionDoc struct {
	Name    string
	Inputs  map[string]struct{ Description, Default string }
	Outputs map[string]struct{ Description, Value string }
	Runs    struct {
		Using string
		Steps []struct {
			ID, Uses, Run, If, Shell string
			Env                      map[string]string
		}
	}
}

var actionInputs = []string{"url", "public", "server-config", "fail-on", "args", "version"}
var actionOutputs = []string{"exit-code", "sarif", "json", "markdown", "html"}

// TestActionYAML: action.yml parses as a composite action with the
// documented inputs and outputs, installs with setup-go, hands every input
// to the script through the environment only, and the README documents
// each input and output.
func TestActionYAML(t *testing.T) {
	data, err := os.ReadFile("action.yml")
	require.NoError(t, err)
	var doc actionDoc
	require.NoError(t, yaml.Unmarshal(data, &doc))
	assert.Equal(t, "composite", doc.Runs.Using)
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)

	names := func(m map[string]struct{ Description, Default string }) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		return out
	}
	assert.ElementsMatch(t, actionInputs, names(doc.Inputs))
	for _, in := range actionInputs {
		assert.NotEmpty(t, doc.Inputs[in].Description, in)
		assert.True(t, strings.Contains(string(readme), "| `"+in+"` |"), "README's inputs table lacks %s", in)
	}
	for _, out := range actionOutputs {
		o, ok := doc.Outputs[out]
		require.True(t, ok, "output %s", out)
		assert.Equal(t, "${{ steps.run.outputs."+out+" }}", o.Value)
		assert.True(t, strings.Contains(string(readme), "| `"+out+"` |"), "README's outputs table lacks %s", out)
	}
	assert.Len(t, doc.Outputs, len(actionOutputs))

	require.Len(t, doc.Runs.Steps, 2)
	setup, run := doc.Runs.Steps[0], doc.Runs.Steps[1]
	assert.True(t, strings.HasPrefix(setup.Uses, "actions/setup-go@"), setup.Uses)
	assert.Equal(t, "inputs.version != 'local'", setup.If)
	assert.Equal(t, "run", run.ID)
	assert.Equal(t, "bash", run.Shell)
	assert.Equal(t, `bash "$GITHUB_ACTION_PATH/scripts/action.sh"`, run.Run, "no input spliced into the script")
	for _, in := range actionInputs {
		env := "INPUT_" + strings.ToUpper(strings.ReplaceAll(in, "-", "_"))
		assert.Equal(t, "${{ inputs."+in+" }}", run.Env[env], env)
	}
}

// actionRun is one run of scripts/action.sh with a fake GitHub
// environment.
type actionRun struct {
	code    int
	out     string            // stdout and stderr
	outputs map[string]string // $GITHUB_OUTPUT
	summary string            // $GITHUB_STEP_SUMMARY
}

func runAction(t *testing.T, bin string, inputs map[string]string) actionRun {
	t.Helper()
	dir := t.TempDir()
	outputs := filepath.Join(dir, "github_output")
	summary := filepath.Join(dir, "step_summary")
	runner := filepath.Join(dir, "runner_temp")
	require.NoError(t, os.Mkdir(runner, 0o755))
	root, err := os.Getwd()
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "scripts/action.sh")
	cmd.Env = append(os.Environ(),
		"PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"),
		"GITHUB_OUTPUT="+outputs, "GITHUB_STEP_SUMMARY="+summary, "RUNNER_TEMP="+runner,
		"GITHUB_ACTION_PATH="+root, "INPUT_VERSION=local")
	for k, v := range inputs {
		cmd.Env = append(cmd.Env, "INPUT_"+k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	r := actionRun{out: string(out), outputs: map[string]string{}}
	if err != nil {
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, string(out))
		r.code = exit.ExitCode()
	}
	data, err := os.ReadFile(outputs)
	require.NoError(t, err, "the script writes its outputs: %s", out)
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		k, v, ok := strings.Cut(line, "=")
		require.True(t, ok, "output line %q", line)
		r.outputs[k] = v
	}
	if data, err := os.ReadFile(summary); err == nil {
		r.summary = string(data)
	}
	return r
}

// TestActionScript runs the action's steps against the demo site with a
// locally built authwall: the outputs name the reports, the job summary
// holds the Markdown, and authwall's exit code is the step's.
func TestActionScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	out, err := exec.Command("bash", "-n", "scripts/action.sh").CombinedOutput()
	require.NoError(t, err, string(out))
	bin := filepath.Join(t.TempDir(), "authwall")
	out, err = exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, string(out))

	site, err := demo.Start()
	require.NoError(t, err)
	defer site.Close()
	paths := filepath.Join(t.TempDir(), "public.txt")
	require.NoError(t, os.WriteFile(paths, demo.Paths(), 0o644))

	t.Run("audit fails on the demo's walls", func(t *testing.T) {
		r := runAction(t, bin, map[string]string{"URL": site.URL, "PUBLIC": paths, "FAIL_ON": "error", "ARGS": "--agents googlebot,bingbot\n--max-pages  200"})
		assert.Equal(t, 1, r.code, r.out)
		assert.Equal(t, "1", r.outputs["exit-code"])
		for _, k := range []string{"sarif", "json", "html", "markdown"} {
			require.NotEmpty(t, r.outputs[k], k)
			assert.FileExists(t, r.outputs[k])
		}
		assert.True(t, strings.HasPrefix(r.summary, "## authwall: FAIL\n"), r.summary)
		md, err := os.ReadFile(r.outputs["markdown"])
		require.NoError(t, err)
		assert.Equal(t, string(md), r.summary, "the job summary is the Markdown report")
		assert.Contains(t, r.out, "::error ", "annotations on stdout")
	})
	t.Run("fail-on never passes", func(t *testing.T) {
		r := runAction(t, bin, map[string]string{"URL": site.URL, "PUBLIC": paths, "FAIL_ON": "never"})
		assert.Equal(t, 0, r.code, r.out)
		assert.Equal(t, "0", r.outputs["exit-code"])
		assert.True(t, strings.HasPrefix(r.summary, "## authwall: PASS\n"), r.summary)
	})
	t.Run("no url: lint", func(t *testing.T) {
		r := runAction(t, bin, map[string]string{"SERVER_CONFIG": "examples/nginx/site.conf", "PUBLIC": "examples/public.txt", "ARGS": "https://example.org/"})
		assert.Equal(t, 1, r.code, r.out)
		assert.Contains(t, r.summary, "`examples/nginx/site.conf:10`")
		assert.FileExists(t, r.outputs["sarif"])
	})
	t.Run("args are not evaluated", func(t *testing.T) {
		dir := t.TempDir()
		hostile := "$(touch " + dir + "/a) `touch " + dir + "/b` ;touch " + dir + "/c"
		r := runAction(t, bin, map[string]string{"URL": site.URL, "ARGS": hostile})
		assert.Equal(t, 2, r.code, "authwall refuses the words as arguments: %s", r.out)
		assert.Equal(t, "2", r.outputs["exit-code"])
		assert.Empty(t, r.outputs["sarif"], "no report, no output")
		for _, f := range []string{"a", "b", "c"} {
			assert.NoFileExists(t, filepath.Join(dir, f))
		}
	})
}

// TestActionScriptInstallFails: when go install fails (here a module query
// with the module proxy off), authwall never ran: the step exits 3, "could
// not run", and says so in the exit-code output, with no report path.
func TestActionScriptInstallFails(t *testing.T) {
	t.Setenv("GOPROXY", "off") // offline: the query cannot resolve
	r := runAction(t, filepath.Join(t.TempDir(), "authwall"), map[string]string{
		"URL": "http://127.0.0.1:9/", "VERSION": "example.invalid/authwall@v1.0.0"})
	assert.Equal(t, 3, r.code, r.out)
	assert.Equal(t, map[string]string{"exit-code": "3"}, r.outputs)
	assert.Contains(t, r.out, "authwall: go install example.invalid/authwall@v1.0.0 failed")
}

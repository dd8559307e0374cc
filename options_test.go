package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"authwall/config"
	"authwall/report"
)

func TestValidate(t *testing.T) {
	valid := defaultOptions()
	valid.URL = "https://example.org/"
	require.NoError(t, valid.validate())

	for _, tc := range []struct {
		name  string
		edit  func(*auditOptions)
		field string // "" = not a field error
		msg   string
		hint  string
	}{
		{"no URL", func(o *auditOptions) { o.URL = "" }, "", "no URL to audit", "try: authwall audit --public public.txt https://example.org/"},
		{"no scheme", func(o *auditOptions) { o.URL = "example.org" }, "", `URL "example.org" has no scheme`, "try: https://example.org"},
		{"concurrency", func(o *auditOptions) { o.Concurrency = 0 }, "concurrency", "--concurrency must be at least 1, got 0", ""},
		{"rate", func(o *auditOptions) { o.Rate = -0.5 }, "rate", "--rate must not be negative, got -0.5", ""},
		{"max pages", func(o *auditOptions) { o.MaxPages = 0 }, "max-pages", "--max-pages must be at least 1, got 0", ""},
		{"max depth", func(o *auditOptions) { o.MaxDepth = -1 }, "max-depth", "--max-depth must not be negative, got -1", ""},
		{"timeout", func(o *auditOptions) { o.Timeout = 0 }, "timeout", "--timeout must be positive, got 0s", ""},
		{"max body", func(o *auditOptions) { o.MaxBody = 1000 }, "max-body", "--max-body must be at least 1KiB, got 1KB", ""},
		{"report form", func(o *auditOptions) { o.Reports = []string{"json=a.json", "json"} }, "report", `--report "json": want FORMAT=FILE`, "e.g. --report json=authwall.json"},
		{"report file", func(o *auditOptions) { o.Reports = []string{"json="} }, "report", `--report "json=": want FORMAT=FILE`, "e.g. --report json=authwall.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := valid
			tc.edit(&o)
			err := o.validate()
			require.Error(t, err)
			assert.Equal(t, tc.msg, err.Error())
			assert.Equal(t, tc.hint, hint(err))
			assert.Equal(t, exitUsage, exitCode(err))
			var fe *FieldError
			if tc.field == "" {
				assert.False(t, errors.As(err, &fe), "the URL argument's problems are not a flag's")
				return
			}
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.field, fe.Field)
		})
	}
}

func TestFieldErrorNamesTheFlagOnce(t *testing.T) {
	assert.Equal(t, "--agents: unknown agent", (&FieldError{Field: "agents", Err: errors.New("unknown agent")}).Error())
	assert.Equal(t, `--fail-on "x": not a kind`, (&FieldError{Field: "fail-on", Err: errors.New(`--fail-on "x": not a kind`)}).Error(),
		"a parser that names the flag is not prefixed again")
}

func TestApplyConfig(t *testing.T) {
	dir := t.TempDir()
	no, yes := false, true
	four, five := 4, 5
	rate := 2.5
	timeout := config.Duration(5 * time.Second)
	size := config.Size(2 << 20)
	cfg := &config.Config{
		File: filepath.Join(dir, "authwall.yaml"), URL: "https://example.org/",
		Paths: []string{"public.txt", "/abs/public.txt"}, Public: []config.PatternEntry{{Pattern: "/", Line: 3}},
		Agents: []string{"bingbot"}, Control: &no, Concurrency: &four, Rate: &rate, MaxPages: &five, MaxDepth: &four,
		Timeout: &timeout, MaxBody: &size, Robots: &no, Sitemaps: &no, Include: []string{"/blog/**"},
		Reports: []string{"json=r.json"}, Format: "json", FailOn: []string{"never"}, Baseline: "old.json",
		Quiet: &yes, Progress: &no, Verbose: &yes, ServerConfig: []string{"nginx/site.conf", "/etc/nginx"},
	}

	o := defaultOptions()
	o.applyConfig(cfg, func(string) bool { return false })
	want := auditOptions{
		URL: "https://example.org/", Paths: []string{filepath.Join(dir, "public.txt"), "/abs/public.txt"},
		Public: cfg.Public, Agents: []string{"bingbot"}, Control: false, Concurrency: 4, Rate: 2.5, MaxPages: 5,
		MaxDepth: 4, Timeout: 5 * time.Second, MaxBody: 2 << 20, Robots: false, Sitemaps: false,
		Include: []string{"/blog/**"}, Reports: []string{"json=r.json"}, Format: "json", FailOn: []string{"never"},
		Baseline: filepath.Join(dir, "old.json"), Quiet: true, Progress: false, Verbose: true, ConfigFile: cfg.File,
		ServerConfig: []string{filepath.Join(dir, "nginx/site.conf"), "/etc/nginx"},
	}
	assert.Equal(t, want, o, "every key the config sets, input files beside the config")

	// Every flag given keeps the flag's value (here the defaults).
	o = defaultOptions()
	o.applyConfig(cfg, func(string) bool { return true })
	want = defaultOptions()
	want.URL, want.Public, want.ConfigFile = cfg.URL, cfg.Public, cfg.File
	assert.Equal(t, want, o, "a flag wins over the config")

	o = defaultOptions()
	o.applyConfig(&config.Config{File: "authwall.yaml"}, func(string) bool { return false })
	want = defaultOptions()
	want.ConfigFile = "authwall.yaml"
	assert.Equal(t, want, o, "unset keys leave the defaults")
}

func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		err  error
		code int
	}{
		{nil, exitOK},
		{errFindings, exitFindings},
		{fmt.Errorf("audit: %w", errFindings), exitFindings},
		{&FieldError{Field: "rate", Problem: "must not be negative"}, exitUsage},
		{usageErr("", "bad"), exitUsage},
		{inputErr(errors.New("read paths file")), exitUsage},
		{errors.New(`unknown command "x" for "authwall"`), exitUsage},
		{&runError{err: errors.New("unreachable")}, exitNoRun},
	} {
		assert.Equal(t, tc.code, exitCode(tc.err), "%v", tc.err)
	}
}

// TestMessages pins what a user sees for bad input: one line naming the
// problem, and a hint where there is something to try.
func TestMessages(t *testing.T) {
	cfg := writeFile(t, "authwall.yaml", "url: http://127.0.0.1:1/\nconcurrency: 0\nserver_config: []\n")
	formats := strings.Join(report.Formats(), ", ")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"audit", "--concurrency", "0", "http://127.0.0.1:1/"}, "authwall: --concurrency must be at least 1, got 0\n"},
		{[]string{"audit", "-c", cfg}, "authwall: --concurrency must be at least 1, got 0\n"},
		{[]string{"audit", "--agents", "yandexbot", "http://127.0.0.1:1/"}, `authwall: --agents: unknown agent "yandexbot" (known: googlebot, googlebot-desktop, bingbot, bingbot-mobile, or name=User-Agent)` + "\n"},
		{[]string{"audit", "--format", "pdf", "http://127.0.0.1:1/"}, `authwall: --format: unknown report format "pdf" (known: ` + formats + ")\n"},
		{[]string{"audit", "--report", "pdf=x.pdf", "http://127.0.0.1:1/"}, `authwall: --report pdf=x.pdf: unknown report format "pdf" (known: ` + formats + ")\n"},
		{[]string{"audit", "--server-config", "nginx.conf", "http://127.0.0.1:1/"}, "authwall: --server-config: read server config: stat nginx.conf: no such file or directory\n"},
		{[]string{"audit", "--server-config", "testdata/nginx/public.txt", "http://127.0.0.1:1/"}, "authwall: --server-config: testdata/nginx/public.txt: not a config of a server authwall reads (supported: nginx, apache, haproxy, lighttpd, caddy)\n"},
		{[]string{"audit", "--bogus"}, "authwall: unknown flag: --bogus\n  run 'authwall audit --help' for usage\n"},
		{[]string{"audit", "a", "b"}, "authwall: audit takes one URL, got 2\n  give one start URL\n"},
		{[]string{"frobnicate"}, "authwall: unknown command \"frobnicate\" for \"authwall\"\n  run 'authwall --help' for usage\n"},
	} {
		code, _, errOut := cli(t, tc.args...)
		assert.Equal(t, exitUsage, code, "%v", tc.args)
		assert.Equal(t, tc.want, errOut, "%v", tc.args)
	}
}

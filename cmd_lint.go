package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"authwall/audit"
	"authwall/crawler"
	"authwall/report"
)

// lintOptions is one static check's input, as the flags give it.
type lintOptions struct {
	URL          string
	ServerConfig []string
	Paths        []string // declared paths files (--public)
	Sitemaps     []string // sitemap files, as the site's build writes them
	Agents       []string
	Reports      []string // FORMAT=FILE
	Format       string
	FailOn       []string
	Quiet        bool
}

const lintExamples = `  # the pre-deploy gate: the config in the repository against the declared public paths
  authwall lint --server-config deploy/nginx.conf -p public.txt https://example.org/

  # also every URL of the sitemap the build wrote, SARIF for code scanning
  authwall lint --server-config /etc/nginx -p public.txt --sitemap public/sitemap.xml --report sarif=lint.sarif https://example.org/`

func lintCommand(stdout io.Writer) *cobra.Command {
	o := lintOptions{Agents: []string{"googlebot", "bingbot"}, Format: "table", FailOn: []string{"error"}}
	cmd := &cobra.Command{
		Use:   "lint --server-config PATH [flags] URL",
		Short: "Static check, no request: which declared public paths the server config puts behind auth",
		Long: `lint reads the server's own config and decides, as the server would, what each crawler
agent gets on every literal declared path, every URL of the given sitemap files, and sample
paths of each declared pattern; nothing is requested. URL names the scheme, host and port the
config serves. A public path the config walls is reported as public-401 or public-403, a
private path it leaves open as private-exposed, each with the file and line; the exit code is
1 when a finding fails (see --fail-on).`,
		Example: lintExamples,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErr("try: authwall lint --server-config nginx.conf -p public.txt https://example.org/", "lint takes one URL, got %d", len(args))
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			o.URL = args[0]
			return runLint(o, stdout, c.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.SortFlags = false
	f.StringArrayVar(&o.ServerConfig, "server-config", nil, "server config `PATH` to check (nginx, Apache, Caddy, HAProxy or lighttpd): a file, or a directory such as /etc/nginx; repeatable")
	f.StringArrayVarP(&o.Paths, "public", "p", nil, "declared paths `FILE` (public patterns, !private ones); repeatable")
	f.StringArrayVar(&o.Sitemaps, "sitemap", nil, "sitemap `FILE` whose URLs count as public unless declared; repeatable")
	f.StringSliceVar(&o.Agents, "agents", o.Agents, "`LIST` of agents to decide for: googlebot (smartphone), googlebot-desktop, bingbot, bingbot-mobile, or name=User-Agent")
	f.StringArrayVar(&o.Reports, "report", nil, "write a report, `FORMAT=FILE`; formats: "+strings.Join(report.Formats(), ", ")+"; repeatable")
	f.StringVarP(&o.Format, "format", "f", o.Format, "`FORMAT` of what goes to stdout: "+strings.Join(report.Formats(), ", "))
	f.StringSliceVar(&o.FailOn, "fail-on", o.FailOn, "`LIST` of finding kinds or a severity (error, warning, info) that make the exit code 1, or never")
	f.BoolVarP(&o.Quiet, "quiet", "q", false, "print no report on stdout")
	return cmd
}

func (o lintOptions) validate() error {
	switch {
	case len(o.ServerConfig) == 0:
		return &FieldError{Field: "server-config", Problem: "is required: the config to check",
			Hint: "try: authwall lint --server-config /etc/nginx -p public.txt https://example.org/"}
	case !strings.Contains(o.URL, "://"):
		return usageErr("try: https://"+o.URL, "URL %q has no scheme", o.URL)
	}
	for _, spec := range o.Reports {
		if _, _, ok := reportSpec(spec); !ok {
			return &FieldError{Field: "report", Problem: fmt.Sprintf("%q: want FORMAT=FILE", spec), Hint: "e.g. --report sarif=lint.sarif"}
		}
	}
	return nil
}

// runLint reads the configs, the declared paths and the sitemaps, checks
// them and writes the reports (and the job summary in GitHub Actions).
func runLint(o lintOptions, stdout, stderr io.Writer) error {
	if err := o.validate(); err != nil {
		return err
	}
	agents, err := crawler.ParseAgents(o.Agents)
	if err != nil {
		return &FieldError{Field: "agents", Err: err}
	}
	failOn, err := audit.ParseFailOn(o.FailOn)
	if err != nil {
		return &FieldError{Field: "fail-on", Err: err}
	}
	outputs, err := newReportOutputs(stdout, o.Format, o.Quiet, o.Reports)
	if err != nil {
		return err
	}
	paths := &audit.Paths{}
	for _, file := range o.Paths {
		p, err := audit.LoadPaths(file)
		if err != nil {
			return inputErr(err)
		}
		paths.Merge(p)
	}
	sitemap, notes, err := readSitemaps(o.Sitemaps)
	if err != nil {
		return inputErr(err)
	}
	configs, err := loadServerConfigs(o.ServerConfig)
	if err != nil {
		return err
	}
	rep, err := audit.Lint(audit.LintOptions{Target: o.URL, Paths: paths, Sitemap: sitemap, Agents: agents,
		Configs: configs, FailOn: failOn, Version: version, Notes: notes})
	if err != nil {
		return usageErr("give the URL the config serves, such as https://example.org/", "%v", err)
	}
	if err := outputs.write(rep); err != nil {
		return inputErr(err)
	}
	appendStepSummary(rep, stderr)
	if rep.Failed {
		return errFindings
	}
	return nil
}

// readSitemaps reads sitemap files with the crawler's parser. A sitemap
// index is not followed (its sitemaps live on the site); a note says so.
func readSitemaps(files []string) (urls, notes []string, err error) {
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			return nil, nil, fmt.Errorf("read sitemap: %w", err)
		}
		sm, err := crawler.ParseSitemap(f, 0)
		f.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("read sitemap %s: %w", file, err)
		}
		urls = append(urls, sm.URLs...)
		if len(sm.Sitemaps) > 0 {
			notes = append(notes, fmt.Sprintf("%s is a sitemap index of %d sitemaps; give them with --sitemap to check their URLs", file, len(sm.Sitemaps)))
		}
	}
	return urls, notes, nil
}

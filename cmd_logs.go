package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"authwall/accesslog"
	"authwall/audit"
	"authwall/config"
)

// logsOptions is one reading of access logs. It shares the audit's
// options for what both do alike (declared paths, the config file,
// reports, --fail-on, the baseline, output), so the config file and those
// flags mean the same in both commands.
type logsOptions struct {
	auditOptions
	Files     []string // log files; "-" is stdin
	Ranges    []string // [ENGINE=]FILE
	LogFormat string
	Since     string
	MaxPaths  int
}

type logsFlags struct {
	opts       logsOptions
	configFile string
	noProgress bool
}

const logsExamples = `  # what Googlebot and Bingbot really got this week, verified against their published ranges
  authwall logs -p public.txt --ranges google=googlebot.json --ranges bing=bingbot.json \
    --since 7d /var/log/nginx/access.log*

  # a custom nginx layout, JSON for the pipeline; the rotated .gz files read as they are
  authwall logs -p public.txt --log-format '$remote_addr [$time_iso8601] "$request" $status "$http_user_agent"' \
    --report json=logs.json access.log access.log.1.gz

  # JSON-lines logs from stdin
  zcat logs/*.gz | authwall logs -p public.txt --log-format json -`

func logsCommand(stdout, stderr io.Writer) *cobra.Command {
	fl := logsFlags{opts: logsOptions{auditOptions: defaultOptions(), MaxPaths: audit.DefaultMaxLogPaths}}
	cmd := &cobra.Command{
		Use:   "logs [flags] FILE...",
		Short: "Report the 401/403 that real crawlers got on public paths, from access logs",
		Long: `logs reads the server's access logs and reports, per path, the requests of
search-engine crawlers that were answered 401 or 403 (an error on a declared public
path), and the private paths they were served. Crawlers are told by their product
tokens:
` + strings.Join(accesslog.CrawlerTokens(), ", ") + `.
With --ranges, each request is verified against the crawlers' published IP ranges;
requests from elsewhere are spoofed and summed up apart.
FILE is plain or gzip (told by content); - is stdin.`,
		Example: logsExamples,
		RunE: func(c *cobra.Command, args []string) error {
			o, err := fl.options(c.Flags(), args)
			if err != nil {
				return err
			}
			return runLogs(c.Context(), o, c.InOrStdin(), stdout, stderr)
		},
	}
	o := &fl.opts
	what := pflag.NewFlagSet("what", pflag.ContinueOnError)
	what.StringArrayVarP(&o.Paths, "public", "p", nil, "declared paths `FILE` (public patterns, !private ones); repeatable")
	what.StringVarP(&fl.configFile, "config", "c", "", "config `FILE` (default ./"+config.DefaultFile+" if present)")
	what.StringArrayVar(&o.Ranges, "ranges", nil, "the crawlers' published IP ranges, `[ENGINE=]FILE` (ENGINE: "+strings.Join(accesslog.Engines(), ", ")+"; none: every engine); repeatable")
	what.StringVar(&o.LogFormat, "log-format", "combined", "the log layout `F`: combined, common, json, or an nginx log_format string ('$remote_addr ... \"$request\" $status ... \"$http_user_agent\"')")
	what.StringVar(&o.Since, "since", "", "only requests at or after `TIME`: RFC 3339, a date (2026-12-01), or an age (36h, 7d)")
	what.IntVar(&o.MaxPaths, "max-paths", o.MaxPaths, "track at most `N` distinct paths, and as many again for walled ones; a note says when more were seen")

	out := outputFlags(&o.auditOptions, &fl.noProgress, "log each file read on stderr")

	groups := []flagGroup{{"What to read", what}, {"Output and exit code", out}}
	for _, g := range groups {
		g.set.SortFlags = false // listed in order of importance, not alphabetically
		cmd.Flags().AddFlagSet(g.set)
	}
	cmd.SetUsageFunc(groupedUsage(groups, logsExamples))
	cmd.SetHelpFunc(helpWithExitCodes(func(c *cobra.Command) string { return c.Long }, `
Exit codes: 0 nothing failing, 1 failing findings (see --fail-on), 2 bad usage or
input file (a log, ranges or paths file that cannot be read), 3 interrupted.
`))
	return cmd
}

// options layers the config file under the flags, as audit does.
func (fl *logsFlags) options(fs *pflag.FlagSet, args []string) (logsOptions, error) {
	o := fl.opts
	o.Progress = !fl.noProgress
	if err := o.loadConfig(fl.configFile, fs); err != nil {
		return o, err
	}
	o.Files = args
	return o, nil
}

func (o logsOptions) validate() error {
	if len(o.Files) == 0 {
		return usageErr("try: authwall logs -p public.txt /var/log/nginx/access.log", "no log file given (- reads stdin)")
	}
	if o.MaxPaths < 1 {
		return &FieldError{Field: "max-paths", Problem: fmt.Sprintf("must be at least 1, got %d", o.MaxPaths)}
	}
	stdin := 0
	for _, f := range o.Files {
		if f == "-" {
			stdin++
		}
	}
	if stdin > 1 {
		return usageErr("give - once", "stdin (-) given %d times", stdin)
	}
	return validateReports(o.Reports)
}

// rangesSpec splits a --ranges value, [ENGINE=]FILE; a FILE whose name
// has an = reads as a whole unless what precedes it is an engine.
func rangesSpec(spec string) (engine, file string) {
	if e, f, ok := strings.Cut(spec, "="); ok {
		for _, known := range accesslog.Engines() {
			if strings.EqualFold(e, known) {
				return known, f
			}
		}
	}
	return "", spec
}

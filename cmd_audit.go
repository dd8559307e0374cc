package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"authwall/config"
	"authwall/report"
)

// auditFlags is the command line of an audit: most flags write straight
// into opts; the rest are resolved by options.
type auditFlags struct {
	opts       auditOptions
	configFile string
	// the --no-X forms of the on-by-default switches
	noControl, noRobots, noSitemaps, noProgress bool
	profiles                                    profiles
}

const auditExamples = `  # audit a site against its declared public paths
  authwall audit --public examples/public.txt https://staging.example.org/

  # CI gate: JSON for the pipeline, fail only on walls on public pages
  authwall audit -p public.txt --report json=authwall.json --fail-on public-401,public-403 https://example.org/

  # gentle on a small server: 2 requests in flight, at most 5 per second
  authwall audit -p public.txt --concurrency 2 --rate 5 https://example.org/

  # only the blog, as Googlebot desktop and a custom agent
  authwall audit --include '/blog/**' --agents googlebot-desktop,mybot=MyBot/1.0 https://example.org/

  # after a config change: fetch again only the URLs with findings, say which are fixed
  authwall audit -p public.txt --recheck authwall.json`

func auditCommand(stdout, stderr io.Writer) *cobra.Command {
	fl := auditFlags{opts: defaultOptions()}
	cmd := &cobra.Command{
		Use:   "audit [flags] URL",
		Short: "Crawl URL's site as search-engine crawlers and report the auth walls on public pages",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageErr("give one start URL", "audit takes one URL, got %d", len(args))
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			o, err := fl.options(c.Flags(), args)
			if err != nil {
				return err
			}
			a, err := newAudit(o, nil, stdout, stderr)
			if err != nil {
				return err
			}
			if err := fl.profiles.start(); err != nil {
				return err
			}
			err = a.run(c.Context())
			if perr := fl.profiles.stop(); perr != nil {
				if err == nil {
					return inputErr(perr)
				}
				// The run's outcome keeps its exit code; the lost profile is still said.
				fmt.Fprintf(stderr, "authwall: %v\n", perr)
			}
			return err
		},
	}
	o := &fl.opts
	what := pflag.NewFlagSet("what", pflag.ContinueOnError)
	what.StringArrayVarP(&o.Paths, "public", "p", nil, "declared paths `FILE` (public patterns, !private ones); repeatable")
	what.StringVarP(&fl.configFile, "config", "c", "", "config `FILE` (default ./"+config.DefaultFile+" if present)")
	what.StringSliceVar(&o.Agents, "agents", o.Agents, "`LIST` of agents to crawl as: googlebot (smartphone), googlebot-desktop, bingbot, bingbot-mobile, or name=User-Agent")
	what.BoolVar(&o.Control, "control", o.Control, "refetch every blocked URL once with a browser User-Agent to tell bot-only walls from walls for everyone (--no-control to skip)")
	what.StringArrayVar(&o.Include, "include", nil, "crawl only paths matching `GLOB` (** crosses /); repeatable")
	what.StringArrayVar(&o.Exclude, "exclude", nil, "skip paths matching `GLOB`; repeatable")
	what.BoolVar(&o.Robots, "robots", o.Robots, "obey robots.txt per agent; disallowed public paths are still reported (--no-robots to fetch them anyway)")
	what.BoolVar(&o.Sitemaps, "sitemaps", o.Sitemaps, "seed from robots.txt Sitemap lines and /sitemap.xml (--no-sitemaps to skip)")
	what.StringArrayVar(&o.ServerConfig, "server-config", nil, "the site's server config `PATH` (nginx, Apache, Caddy, HAProxy or lighttpd: a file, or a directory such as /etc/nginx) to name the file and line behind each wall; repeatable")
	what.StringVar(&o.Recheck, "recheck", "", "an earlier JSON report `FILE`: fetch again only the URLs of its findings (no crawl; URL defaults to its target) and say which are fixed and which remain")

	limits := pflag.NewFlagSet("limits", pflag.ContinueOnError)
	limits.IntVar(&o.Concurrency, "concurrency", o.Concurrency, "at most `N` requests in flight")
	limits.Float64Var(&o.Rate, "rate", o.Rate, "at most `R` requests per second, 0 = no ceiling")
	limits.IntVar(&o.MaxPages, "max-pages", o.MaxPages, "visit at most `N` URLs")
	limits.IntVar(&o.MaxDepth, "max-depth", o.MaxDepth, "follow links at most `N` deep from the start URL, 0 = no limit")
	limits.DurationVar(&o.Timeout, "timeout", o.Timeout, "time limit `D` per request")
	limits.Var(&o.MaxBody, "max-body", "read at most `SIZE` of each response (longer bodies are cut and the cut is recorded)")

	out := outputFlags(o, &fl.noProgress, "log each request on stderr")
	out.StringVar(&fl.profiles.cpu, "cpuprofile", "", "write a CPU profile of the run to `FILE` (for a bug report about speed; go tool pprof reads it)")
	out.StringVar(&fl.profiles.mem, "memprofile", "", "write a heap profile at the end of the run to `FILE` (for a bug report about memory)")

	groups := []flagGroup{{"What to crawl", what}, {"Limits and politeness", limits}, {"Output and exit code", out}}
	for _, g := range groups {
		g.set.SortFlags = false // listed in order of importance, not alphabetically
		cmd.Flags().AddFlagSet(g.set)
	}
	cmd.Flags().BoolVar(&fl.noControl, "no-control", false, "")
	cmd.Flags().BoolVar(&fl.noRobots, "no-robots", false, "")
	cmd.Flags().BoolVar(&fl.noSitemaps, "no-sitemaps", false, "")
	for _, n := range []string{"no-control", "no-robots", "no-sitemaps"} {
		_ = cmd.Flags().MarkHidden(n)
	}
	cmd.SetUsageFunc(groupedUsage(groups, auditExamples))
	cmd.SetHelpFunc(helpWithExitCodes(func(c *cobra.Command) string { return c.Short }, `
Exit codes: 0 nothing failing, 1 failing findings (see --fail-on), 2 bad usage or
input file, 3 the audit could not run (site unreachable, interrupted).
`))
	return cmd
}

// outputFlags are the flags audit and logs share for what goes out and
// the exit code; verbose says what -v adds.
func outputFlags(o *auditOptions, noProgress *bool, verbose string) *pflag.FlagSet {
	out := pflag.NewFlagSet("output", pflag.ContinueOnError)
	out.StringArrayVar(&o.Reports, "report", nil, "write a report, `FORMAT=FILE`; formats: "+strings.Join(report.Formats(), ", ")+"; repeatable")
	out.StringVarP(&o.Format, "format", "f", o.Format, "`FORMAT` of what goes to stdout: "+strings.Join(report.Formats(), ", "))
	out.StringSliceVar(&o.FailOn, "fail-on", o.FailOn, "`LIST` of finding kinds or a severity (error, warning, info) that make the exit code 1, or never")
	out.StringVar(&o.Baseline, "baseline", "", "an earlier JSON report `FILE`: findings already in it are not new, and only new ones fail")
	out.BoolVarP(&o.Quiet, "quiet", "q", false, "print no report on stdout and only errors on stderr")
	out.BoolVar(noProgress, "no-progress", false, "no progress line on stderr")
	out.BoolVarP(&o.Verbose, "verbose", "v", false, verbose)
	return out
}

// loadConfig applies the config file under the flags given in fs: file,
// or ./authwall.yaml when it exists.
func (o *auditOptions) loadConfig(file string, fs *pflag.FlagSet) error {
	required := file != ""
	if file == "" {
		file = config.DefaultFile
	}
	cfg, err := config.Load(file, required)
	if err != nil {
		return inputErr(err)
	}
	if cfg != nil {
		o.agentsGiven = o.agentsGiven || len(cfg.Agents) > 0
		// A switch counts as given in either form: --control or --no-control.
		o.applyConfig(cfg, func(flag string) bool { return fs.Changed(flag) || fs.Changed("no-"+flag) })
	}
	return nil
}

// options layers the config file under the flags the user gave and the URL
// argument over both. The config is --config, or ./authwall.yaml when it
// exists.
func (fl *auditFlags) options(fs *pflag.FlagSet, args []string) (auditOptions, error) {
	o := fl.opts
	o.Control = o.Control && !fl.noControl
	o.Robots = o.Robots && !fl.noRobots
	o.Sitemaps = o.Sitemaps && !fl.noSitemaps
	o.Progress = !fl.noProgress
	o.agentsGiven = fs.Changed("agents")
	if err := o.loadConfig(fl.configFile, fs); err != nil {
		return o, err
	}
	if len(args) == 1 {
		o.URL = args[0]
	}
	return o, nil
}

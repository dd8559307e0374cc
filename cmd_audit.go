package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"authwall/audit"
	"authwall/config"
	"authwall/crawler"
	"authwall/report"
)

// auditFlags is the user's input for an audit, before validation.
type auditFlags struct {
	configFile   string
	paths        []string
	agents       []string
	control      bool
	concurrency  int
	rate         float64
	maxPages     int
	maxDepth     int
	timeout      time.Duration
	maxBody      string
	robots       bool
	sitemaps     bool
	include      []string
	exclude      []string
	serverConfig []string
	reports      []string
	format       string
	failOn       []string
	baseline     string
	quiet        bool
	noProgress   bool
	verbose      bool
}

const auditExamples = `  # audit a site against its declared public paths
  authwall audit --public examples/public.txt https://staging.example.org/

  # CI gate: JSON for the pipeline, fail only on walls on public pages
  authwall audit -p public.txt --report json=authwall.json --fail-on public-401,public-403 https://example.org/

  # gentle on a small server: 2 requests in flight, at most 5 per second
  authwall audit -p public.txt --concurrency 2 --rate 5 https://example.org/

  # only the blog, as Googlebot desktop and a custom agent
  authwall audit --include '/blog/**' --agents googlebot-desktop,mybot=MyBot/1.0 https://example.org/`

func auditCommand(stdout, stderr io.Writer, setExit func(int)) *cobra.Command {
	var fl auditFlags
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
			s, err := resolveAudit(c.Flags(), fl, args, stdout, stderr)
			if err != nil {
				return err
			}
			code, err := runAudit(c.Context(), s, stdout, stderr)
			setExit(code)
			return err
		},
	}
	what := pflag.NewFlagSet("what", pflag.ContinueOnError)
	what.StringArrayVarP(&fl.paths, "public", "p", nil, "declared paths `FILE` (public patterns, !private ones); repeatable")
	what.StringVarP(&fl.configFile, "config", "c", "", "config `FILE` (default ./"+config.DefaultFile+" if present)")
	what.StringSliceVar(&fl.agents, "agents", []string{"googlebot", "bingbot"}, "agents to crawl as: googlebot (smartphone), googlebot-desktop, bingbot, bingbot-mobile, or name=User-Agent")
	what.BoolVar(&fl.control, "control", true, "refetch every blocked URL once with a browser User-Agent to tell bot-only walls from walls for everyone (--no-control to skip)")
	what.StringArrayVar(&fl.include, "include", nil, "crawl only paths matching `GLOB` (** crosses /); repeatable")
	what.StringArrayVar(&fl.exclude, "exclude", nil, "skip paths matching `GLOB`; repeatable")
	what.BoolVar(&fl.robots, "robots", true, "obey robots.txt per agent; disallowed public paths are still reported (--no-robots to fetch them anyway)")
	what.BoolVar(&fl.sitemaps, "sitemaps", true, "seed from robots.txt Sitemap lines and /sitemap.xml (--no-sitemaps to skip)")
	what.StringArrayVar(&fl.serverConfig, "server-config", nil, "server config `PATH` for file:line attribution (not available yet)")

	limits := pflag.NewFlagSet("limits", pflag.ContinueOnError)
	limits.IntVar(&fl.concurrency, "concurrency", 16, "requests in flight")
	limits.Float64Var(&fl.rate, "rate", 0, "requests per second ceiling, 0 = none")
	limits.IntVar(&fl.maxPages, "max-pages", 10000, "URLs to visit")
	limits.IntVar(&fl.maxDepth, "max-depth", 0, "link depth from the start URL, 0 = none")
	limits.DurationVar(&fl.timeout, "timeout", 15*time.Second, "per request")
	limits.StringVar(&fl.maxBody, "max-body", "15MB", "bytes read per response (longer bodies are cut and the cut is recorded)")

	out := pflag.NewFlagSet("output", pflag.ContinueOnError)
	out.StringArrayVar(&fl.reports, "report", nil, "write a report, `FORMAT=FILE`; formats: "+strings.Join(report.Formats(), ", ")+"; repeatable")
	out.StringVarP(&fl.format, "format", "f", "table", "what goes to stdout: "+strings.Join(report.Formats(), ", "))
	out.StringSliceVar(&fl.failOn, "fail-on", []string{"error"}, "finding kinds or a severity (error, warning, info) that make the exit code 1, or never")
	out.StringVar(&fl.baseline, "baseline", "", "an earlier JSON report `FILE`: findings already in it are not new, and only new ones fail")
	out.BoolVarP(&fl.quiet, "quiet", "q", false, "print no report on stdout and only errors on stderr")
	out.BoolVar(&fl.noProgress, "no-progress", false, "no progress line on stderr")
	out.BoolVarP(&fl.verbose, "verbose", "v", false, "log each request on stderr")

	groups := []flagGroup{{"What to crawl", what}, {"Limits and politeness", limits}, {"Output and exit code", out}}
	for _, g := range groups {
		g.set.SortFlags = false // listed in order of importance, not alphabetically
		cmd.Flags().AddFlagSet(g.set)
	}
	cmd.Flags().Bool("no-control", false, "")
	cmd.Flags().Bool("no-robots", false, "")
	cmd.Flags().Bool("no-sitemaps", false, "")
	for _, n := range []string{"no-control", "no-robots", "no-sitemaps"} {
		_ = cmd.Flags().MarkHidden(n)
	}
	cmd.SetUsageFunc(groupedUsage(groups, auditExamples))
	cmd.SetHelpFunc(func(c *cobra.Command, _ []string) {
		fmt.Fprintf(c.OutOrStdout(), "%s\n\n", c.Short)
		_ = c.Usage()
		fmt.Fprint(c.OutOrStdout(), `
Exit codes: 0 nothing failing, 1 failing findings (see --fail-on), 2 bad usage or
input file, 3 the audit could not run (site unreachable, interrupted).
`)
	})
	return cmd
}

// auditSettings is the validated input of one audit.
type auditSettings struct {
	crawl      crawler.Options
	paths      *audit.Paths
	failOn     audit.FailOn
	reports    []reportTarget
	stdout     report.Writer // nil: nothing on stdout
	progress   bool
	logger     *slog.Logger
	configFile string
	baseline   string          // --baseline file, "" = none
	prior      []audit.Finding // its findings
}

type reportTarget struct {
	format string
	file   string
	writer report.Writer
}

// resolveAudit merges flags over the config file and validates everything
// once; every problem is a usage error (exit 2) naming what is wrong.
func resolveAudit(fs *pflag.FlagSet, fl auditFlags, args []string, stdout, stderr io.Writer) (*auditSettings, error) {
	cfgFile, required := fl.configFile, fl.configFile != ""
	if cfgFile == "" {
		cfgFile = config.DefaultFile
	}
	cfg, err := config.Load(cfgFile, required)
	if err != nil {
		return nil, inputErr(err)
	}
	if cfg == nil {
		cfg = &config.Config{}
	}
	set := fs.Changed
	neg := func(name string) bool { v, _ := fs.GetBool("no-" + name); return v }

	target := cfg.URL
	if len(args) == 1 {
		target = args[0]
	}
	if target == "" {
		return nil, usageErr("try: authwall audit --public public.txt https://example.org/", "no URL to audit")
	}
	if !strings.Contains(target, "://") {
		return nil, usageErr("try: https://"+target, "URL %q has no scheme", target)
	}

	s := &auditSettings{configFile: cfg.File}
	s.paths = &audit.Paths{}
	files := cfg.Paths
	if set("public") {
		files = fl.paths
	} else if cfg.File != "" {
		// Input files named in a config are relative to the config's folder.
		files = relativeTo(filepath.Dir(cfg.File), files)
	}
	for _, f := range files {
		p, err := audit.LoadPaths(f)
		if err != nil {
			return nil, inputErr(err)
		}
		s.paths.Merge(p)
	}
	for i, e := range cfg.Public {
		if err := s.paths.Add(e.Pattern, false, fmt.Sprintf("%s public[%d]", cfg.File, i), e.Line); err != nil {
			return nil, inputErr(err)
		}
	}
	for i, e := range cfg.Private {
		if err := s.paths.Add(e.Pattern, true, fmt.Sprintf("%s private[%d]", cfg.File, i), e.Line); err != nil {
			return nil, inputErr(err)
		}
	}

	if len(pickSlice(set("server-config"), fl.serverConfig, cfg.ServerConfig, nil)) > 0 {
		return nil, usageErr("attribution from the HTTP answers still runs without it", "--server-config is not available yet")
	}
	if b := pick(set("baseline"), fl.baseline, cfg.Baseline); b != "" {
		if !set("baseline") && cfg.File != "" {
			b = relativeTo(filepath.Dir(cfg.File), []string{b})[0]
		}
		prior, err := report.ReadBaseline(b)
		if err != nil {
			return nil, inputErr(err)
		}
		s.baseline, s.prior = b, prior
	}

	agents, err := crawler.ParseAgents(pickSlice(set("agents"), fl.agents, cfg.Agents, fl.agents))
	if err != nil {
		return nil, usageErr("", "--agents: %v", err)
	}
	failOn, err := audit.ParseFailOn(pickSlice(set("fail-on"), fl.failOn, cfg.FailOn, fl.failOn))
	if err != nil {
		return nil, usageErr("", "%v", err)
	}
	s.failOn = failOn

	o := crawler.Options{Start: target, Agents: agents, Seeds: s.paths.Literals()}
	o.NoControl = !boolOpt(set("control") || set("no-control"), fl.control && !neg("control"), cfg.Control, true)
	o.IgnoreRobots = !boolOpt(set("robots") || set("no-robots"), fl.robots && !neg("robots"), cfg.Robots, true)
	o.NoSitemaps = !boolOpt(set("sitemaps") || set("no-sitemaps"), fl.sitemaps && !neg("sitemaps"), cfg.Sitemaps, true)
	o.Concurrency = *pickPtr(set("concurrency"), &fl.concurrency, cfg.Concurrency, &fl.concurrency)
	o.Rate = *pickPtr(set("rate"), &fl.rate, cfg.Rate, &fl.rate)
	o.MaxPages = *pickPtr(set("max-pages"), &fl.maxPages, cfg.MaxPages, &fl.maxPages)
	o.MaxDepth = *pickPtr(set("max-depth"), &fl.maxDepth, cfg.MaxDepth, &fl.maxDepth)
	o.Timeout = fl.timeout
	if !set("timeout") && cfg.Timeout != nil {
		o.Timeout = time.Duration(*cfg.Timeout)
	}
	maxBody, err := config.ParseSize(fl.maxBody)
	if err != nil {
		return nil, usageErr("", "--max-body: %v", err)
	}
	if !set("max-body") && cfg.MaxBody != nil {
		maxBody = int64(*cfg.MaxBody)
	}
	o.MaxBody = maxBody
	switch {
	case o.Concurrency < 1:
		return nil, usageErr("", "--concurrency must be at least 1, got %d", o.Concurrency)
	case o.Rate < 0:
		return nil, usageErr("", "--rate must not be negative")
	case o.MaxPages < 1:
		return nil, usageErr("", "--max-pages must be at least 1, got %d", o.MaxPages)
	case o.MaxDepth < 0:
		return nil, usageErr("", "--max-depth must not be negative")
	case o.Timeout <= 0:
		return nil, usageErr("", "--timeout must be positive")
	case o.MaxBody < 1024:
		return nil, usageErr("", "--max-body must be at least 1KB")
	}
	o.Include = pickSlice(set("include"), fl.include, cfg.Include, nil)
	o.Exclude = pickSlice(set("exclude"), fl.exclude, cfg.Exclude, nil)

	quiet := boolOpt(set("quiet"), fl.quiet, cfg.Quiet, false)
	verbose := boolOpt(set("verbose"), fl.verbose, cfg.Verbose, false)
	s.logger = newLogger(stderr, verbose, quiet)
	o.Logger = s.logger
	s.progress = !quiet && boolOpt(set("no-progress"), !fl.noProgress, cfg.Progress, true)
	s.crawl = o

	format := pick(set("format"), fl.format, cfg.Format)
	if format == "" {
		format = "table"
	}
	if !quiet {
		if s.stdout, err = report.New(format, report.Options{Color: isTerminalWriter(stdout)}); err != nil {
			return nil, usageErr("", "--format: %v", err)
		}
	}
	for _, spec := range pickSlice(set("report"), fl.reports, cfg.Reports, nil) {
		format, file, ok := strings.Cut(spec, "=")
		if !ok || format == "" || file == "" {
			return nil, usageErr("e.g. --report json=authwall.json", "--report %q: want FORMAT=FILE", spec)
		}
		w, err := report.New(format, report.Options{})
		if err != nil {
			return nil, usageErr("", "--report %s: %v", spec, err)
		}
		s.reports = append(s.reports, reportTarget{format: format, file: file, writer: w})
	}
	if _, err := crawler.New(o); err != nil {
		return nil, usageErr("", "%v", err)
	}
	return s, nil
}

func relativeTo(dir string, files []string) []string {
	out := make([]string, len(files))
	for i, f := range files {
		if filepath.IsAbs(f) {
			out[i] = f
		} else {
			out[i] = filepath.Join(dir, f)
		}
	}
	return out
}

func pick[T comparable](flagSet bool, flagVal, cfgVal T) T {
	var zero T
	if flagSet || cfgVal == zero {
		return flagVal
	}
	return cfgVal
}

func pickSlice(flagSet bool, flagVal, cfgVal, def []string) []string {
	switch {
	case flagSet:
		return flagVal
	case len(cfgVal) > 0:
		return cfgVal
	}
	return def
}

func pickPtr[T any](flagSet bool, flagVal, cfgVal, def *T) *T {
	switch {
	case flagSet:
		return flagVal
	case cfgVal != nil:
		return cfgVal
	}
	return def
}

func boolOpt(flagSet, flagVal bool, cfgVal *bool, def bool) bool {
	switch {
	case flagSet:
		return flagVal
	case cfgVal != nil:
		return *cfgVal
	}
	return def
}

// isTerminalWriter reports whether w is a terminal that wants decoration
// (progress, colour); NO_COLOR and TERM=dumb opt out.
func isTerminalWriter(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd()) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}

// runAudit crawls, audits and writes the reports. Reports are written even
// when the crawl was interrupted or failed, so nothing gathered is lost.
func runAudit(ctx context.Context, s *auditSettings, stdout, stderr io.Writer) (int, error) {
	auditor, err := audit.NewAuditor(audit.Options{Paths: s.paths, FailOn: s.failOn, Baseline: s.baseline, Prior: s.prior, Version: version})
	if err != nil {
		return exitNoRun, err
	}
	c, err := crawler.New(s.crawl)
	if err != nil {
		return exitUsage, err
	}
	prog := newProgress(stderr, s.progress && isTerminalWriter(stderr))
	prog.start(c)
	res, crawlErr := c.Run(ctx, auditor.Blocked, func(o crawler.Observation) {
		prog.observe(o, auditor.Blocked(&o))
		auditor.Add(o)
	})
	prog.done()
	rep := auditor.Finish(res)
	writeErr := writeReports(s, rep, stdout)

	var unreachable *crawler.UnreachableError
	switch {
	case errors.As(crawlErr, &unreachable):
		return exitNoRun, &exitError{code: exitNoRun, err: unreachable}
	case crawlErr != nil:
		return exitNoRun, &exitError{code: exitNoRun, err: crawlErr}
	case writeErr != nil:
		return exitUsage, &exitError{code: exitUsage, err: writeErr}
	case rep.Failed:
		return exitFindings, nil
	case rep.Incomplete:
		return exitNoRun, &exitError{code: exitNoRun, err: fmt.Errorf("the audit was interrupted; the reports cover what was crawled")}
	}
	return exitOK, nil
}

func writeReports(s *auditSettings, rep *audit.Report, stdout io.Writer) error {
	var errs []error
	if s.stdout != nil {
		if err := s.stdout.Write(stdout, rep); err != nil {
			errs = append(errs, fmt.Errorf("write report to stdout: %w", err))
		}
	}
	for _, t := range s.reports {
		if err := writeReportFile(t, rep); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// writeReportFile renders into memory first, so a failing writer never
// leaves half a file behind.
func writeReportFile(t reportTarget, rep *audit.Report) error {
	var buf bytes.Buffer
	if err := t.writer.Write(&buf, rep); err != nil {
		return fmt.Errorf("render %s report: %w", t.format, err)
	}
	if dir := filepath.Dir(t.file); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("write %s report: %w", t.format, err)
		}
	}
	if err := os.WriteFile(t.file, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s report: %w", t.format, err)
	}
	return nil
}

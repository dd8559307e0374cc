package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mattn/go-isatty"

	"authwall/audit"
	"authwall/audit/serverconf"
	"authwall/crawler"
	"authwall/report"
)

// auditRun is one audit ready to run, every collaborator built once.
type auditRun struct {
	crawler  *crawler.Crawler
	auditor  *audit.Auditor
	outputs  reportOutputs
	progress bool
	err      io.Writer
}

// newAudit validates o, reads the files it names and builds the audit.
// declared, when not nil, holds patterns declared before o's files and
// lists (the demo's own).
func newAudit(o auditOptions, declared *audit.Paths, stdout, stderr io.Writer) (*auditRun, error) {
	var earlier *audit.Report
	if o.Recheck != "" {
		var err error
		if earlier, err = report.ReadReport(o.Recheck); err != nil {
			return nil, &FieldError{Field: "recheck", Err: err}
		}
		o = o.forRecheck(earlier)
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	agents, err := crawler.ParseAgents(o.Agents)
	if err != nil {
		return nil, &FieldError{Field: "agents", Err: err}
	}
	failOn, err := audit.ParseFailOn(o.FailOn)
	if err != nil {
		return nil, &FieldError{Field: "fail-on", Err: err}
	}
	a := &auditRun{progress: o.Progress && !o.Quiet, err: stderr}
	if a.outputs, err = newReportOutputs(stdout, o.Format, o.Quiet, o.Reports); err != nil {
		return nil, err
	}

	paths, prior, err := loadDeclared(o, declared)
	if err != nil {
		return nil, err
	}
	seeds := paths.Literals()
	var notes []string
	var earlierFindings []audit.Finding
	if earlier != nil {
		seeds, earlierFindings = recheckSeeds(earlier.Findings), earlier.Findings
		if paths.Len() == 0 {
			if paths, notes, err = earlierPaths(o.Recheck, earlier.Findings); err != nil {
				return nil, &FieldError{Field: "recheck", Err: err}
			}
		}
	}
	logger := newLogger(stderr, o.Verbose, o.Quiet)
	a.crawler, err = crawler.New(crawler.Options{
		Start:        o.URL,
		Agents:       agents,
		NoControl:    !o.Control,
		IgnoreRobots: !o.Robots,
		NoSitemaps:   !o.Sitemaps,
		Concurrency:  o.Concurrency,
		Rate:         o.Rate,
		MaxPages:     o.MaxPages,
		MaxDepth:     o.MaxDepth,
		Timeout:      o.Timeout,
		MaxBody:      int64(o.MaxBody),
		Include:      o.Include,
		Exclude:      o.Exclude,
		Seeds:        seeds,
		SeedsOnly:    earlier != nil,
		Logger:       logger,
	})
	if err != nil {
		return nil, inputErr(err) // the start URL or a scope glob
	}
	configs, err := loadServerConfigs(o.ServerConfig)
	if err != nil {
		return nil, err
	}
	a.auditor, err = audit.NewAuditor(audit.Options{Paths: paths, FailOn: failOn, Baseline: o.Baseline, Prior: prior, Version: version, ServerConfigs: configs,
		Recheck: o.Recheck, Earlier: earlierFindings, Notes: notes})
	if err != nil {
		return nil, &runError{err: err}
	}
	return a, nil
}

// loadServerConfigs reads each --server-config once, before anything is
// fetched: a config that cannot be read is a bad input file.
func loadServerConfigs(paths []string) ([]serverconf.Evaluator, error) {
	var out []serverconf.Evaluator
	for _, p := range paths {
		ev, err := serverconf.Load(p)
		if err != nil {
			return nil, &FieldError{Field: "server-config", Err: err}
		}
		out = append(out, ev)
	}
	return out, nil
}

// loadDeclared reads the declared paths (see loadPaths) and the baseline's
// findings; either failing is a bad input file.
func loadDeclared(o auditOptions, declared *audit.Paths) (*audit.Paths, []audit.Finding, error) {
	paths, err := loadPaths(o, declared)
	if err != nil {
		return nil, nil, inputErr(err)
	}
	var prior []audit.Finding
	if o.Baseline != "" {
		if prior, err = report.ReadBaseline(o.Baseline); err != nil {
			return nil, nil, inputErr(err)
		}
	}
	return paths, prior, nil
}

// loadPaths gathers the declared patterns in the order they win in (the
// last match decides): declared, the paths files, then the config's public
// and private lists.
func loadPaths(o auditOptions, declared *audit.Paths) (*audit.Paths, error) {
	paths := &audit.Paths{}
	paths.Merge(declared)
	for _, f := range o.Paths {
		p, err := audit.LoadPaths(f)
		if err != nil {
			return nil, err
		}
		paths.Merge(p)
	}
	for i, e := range o.Public {
		if err := paths.Add(e.Pattern, false, fmt.Sprintf("%s public[%d]", o.ConfigFile, i), e.Line); err != nil {
			return nil, err
		}
	}
	for i, e := range o.Private {
		if err := paths.Add(e.Pattern, true, fmt.Sprintf("%s private[%d]", o.ConfigFile, i), e.Line); err != nil {
			return nil, err
		}
	}
	return paths, nil
}

// isTerminalWriter reports whether w is a terminal that wants decoration
// (progress, colour); NO_COLOR and TERM=dumb opt out.
func isTerminalWriter(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd()) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}

// progressEvery is how often the progress line is redrawn.
const progressEvery = 250 * time.Millisecond

// run crawls, audits and writes the reports. Reports are written even when
// the crawl was interrupted or failed, so nothing gathered is lost.
func (a *auditRun) run(ctx context.Context) error {
	prog := newProgress(a.err, a.progress && isTerminalWriter(a.err))
	if prog.on {
		tick := time.NewTicker(progressEvery)
		defer tick.Stop()
		prog.start(time.Now(), tick.C, a.crawler.Progress)
	}
	lib := libraryLogFrom(ctx)
	logged := lib.counts()
	res, crawlErr := a.crawler.Run(ctx, a.auditor.Blocked, func(o crawler.Observation) {
		prog.observe(o, a.auditor.Blocked(&o))
		a.auditor.Add(o)
	})
	prog.done()
	res.Notes = append(res.Notes, lib.notesSince(logged)...)
	rep := a.auditor.Finish(res) // an interrupted crawl's Result is marked incomplete
	// The report holds all the auditor's records still needed: let them go
	// before the reports are rendered, the run's peak of memory.
	a.auditor = nil
	writeErr := a.outputs.write(rep)
	if crawlErr == nil {
		// A site that could not be audited has no verdict to show: the
		// step fails with exit code 3 and the error on stderr.
		appendStepSummary(rep, a.err)
	}

	switch {
	case crawlErr != nil:
		return &runError{err: crawlErr}
	case writeErr != nil:
		return inputErr(writeErr) // a report file that cannot be written is a bad argument
	case rep.Failed:
		return errFindings
	case rep.Incomplete:
		return &runError{err: errors.New("the audit was interrupted; the reports cover what was crawled")}
	}
	return nil
}

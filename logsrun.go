package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"authwall/accesslog"
	"authwall/audit"
)

// logsRun is one reading of access logs, every collaborator built once.
type logsRun struct {
	files    []string
	parser   accesslog.Parser
	verifier *accesslog.Verifier
	since    time.Time // zero: every request
	auditor  *audit.LogAuditor
	outputs  reportOutputs
	progress bool
	stdin    io.Reader
	err      io.Writer
	log      *slog.Logger
}

// runLogs validates o, reads the ranges, paths and baseline, streams every
// log through the auditor and writes the reports.
func runLogs(ctx context.Context, o logsOptions, stdin io.Reader, stdout, stderr io.Writer) error {
	r, err := newLogsRun(o, time.Now(), stdin, stdout, stderr)
	if err != nil {
		return err
	}
	return r.run(ctx)
}

func newLogsRun(o logsOptions, now time.Time, stdin io.Reader, stdout, stderr io.Writer) (*logsRun, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	r := &logsRun{files: o.Files, stdin: stdin, err: stderr, progress: o.Progress && !o.Quiet, verifier: &accesslog.Verifier{},
		log: newLogger(stderr, o.Verbose, o.Quiet)}
	var err error
	if r.parser, err = accesslog.NewParser(o.LogFormat); err != nil {
		return nil, &FieldError{Field: "log-format", Err: err, Hint: "see the examples in 'authwall logs --help'"}
	}
	if o.Since != "" {
		if r.since, err = parseSince(o.Since, now); err != nil {
			return nil, &FieldError{Field: "since", Problem: err.Error()}
		}
		if nf, ok := r.parser.(*accesslog.NginxFormat); ok && !nf.HasTime() {
			return nil, &FieldError{Field: "since", Problem: "needs a time in the log: the --log-format has no $time_local, $time_iso8601 or $msec"}
		}
	}
	failOn, err := audit.ParseFailOn(o.FailOn)
	if err != nil {
		return nil, &FieldError{Field: "fail-on", Err: err}
	}
	if r.outputs, err = newReportOutputs(stdout, o.Format, o.Quiet, o.Reports); err != nil {
		return nil, err
	}
	paths, prior, err := loadDeclared(o.auditOptions, nil)
	if err != nil {
		return nil, err
	}
	for _, spec := range o.Ranges {
		engine, file := rangesSpec(spec)
		rg, err := accesslog.LoadRanges(file)
		if err != nil {
			return nil, inputErr(err)
		}
		r.verifier.Add(engine, rg)
		r.log.Debug("read ranges", "file", file, "engine", engine, "prefixes", rg.Len())
	}
	// Every file must exist before the first is read: a typo in the last
	// name should not cost a read of all the others.
	for _, f := range o.Files {
		if f == "-" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			return nil, inputErr(fmt.Errorf("read log: %w", err))
		}
	}
	r.auditor = audit.NewLogAuditor(audit.LogOptions{
		Paths: paths, Agents: accesslog.CrawlerNames(), FailOn: failOn, Baseline: o.Baseline, Prior: prior,
		Version: version, Verifying: r.verifier.Active(), MaxPaths: o.MaxPaths,
	})
	return r, nil
}

// run reads every log in the order given and writes the reports; an
// interrupted run still writes what was read, marked incomplete.
func (r *logsRun) run(ctx context.Context) error {
	began := time.Now()
	var counters accesslog.Counters
	prog := newProgress(r.err, r.progress && isTerminalWriter(r.err))
	if prog.on {
		tick := time.NewTicker(progressEvery)
		defer tick.Stop()
		prog.startLine(tick.C, func(now time.Time) string {
			return fmt.Sprintf("reading logs: %s, %.0f lines/s, %d walls so far",
				humanBytes(counters.Bytes.Load()), perSecond(int(counters.Lines.Load()), now.Sub(began)), prog.walls.Load())
		})
	}
	run := audit.LogRun{Files: r.files, StartedAt: began.UTC()}
	before := 0
	var readErr error
	for _, name := range r.files {
		st, err := r.readFile(ctx, name, &counters, prog, &before)
		r.log.Debug("read log", "file", st.Name, "lines", st.Lines, "malformed", st.Malformed)
		run.Lines += st.Lines
		if st.Malformed > 0 {
			run.Notes = append(run.Notes, malformedNote(st))
		}
		if err != nil {
			readErr = err
			break
		}
	}
	prog.done()
	if before > 0 {
		run.Notes = append(run.Notes, fmt.Sprintf("%d crawler requests before --since %s were skipped", before, r.since.UTC().Format(time.RFC3339)))
	}
	run.Duration = time.Since(began)
	rep := r.auditor.Finish(run)
	interrupted := readErr != nil && ctx.Err() != nil
	if interrupted {
		rep.Incomplete = true
		rep.Notes = append(rep.Notes, "interrupted: the findings cover the lines read before")
	}
	if readErr != nil && !interrupted {
		return inputErr(readErr) // a file that cannot be read: no report of half the logs
	}
	writeErr := r.outputs.write(rep)
	appendStepSummary(rep, r.err)
	switch {
	case interrupted:
		return &runError{err: errors.New("interrupted; the reports cover the lines read")}
	case writeErr != nil:
		return inputErr(writeErr)
	case rep.Failed:
		return errFindings
	}
	return nil
}

// readFile streams one log through the auditor.
func (r *logsRun) readFile(ctx context.Context, name string, counters *accesslog.Counters, prog *progress, before *int) (accesslog.FileStats, error) {
	var in io.Reader = r.stdin
	display := "stdin"
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return accesslog.FileStats{Name: name}, fmt.Errorf("read log: %w", err)
		}
		defer f.Close()
		in, display = f, name
	}
	return accesslog.Read(display, newCtxReader(ctx, in), r.parser, counters, func(e *accesslog.Entry) error {
		c, ok := accesslog.IdentifyCrawler(e.UserAgent)
		if !ok || e.Target == nil {
			return nil
		}
		at, err := r.entryTime(e.Time)
		if err != nil {
			return err
		}
		if !r.since.IsZero() && at.Before(r.since) {
			*before++
			return nil
		}
		hit := audit.LogHit{Target: e.Target, Agent: c.Name, Token: c.Token, Verdict: r.verifier.Verify(c, e.Addr),
			Status: e.Status, Time: at, User: len(e.User) > 0, Addr: e.Addr}
		if r.auditor.Add(hit) {
			prog.wall()
		}
		return nil
	})
}

// entryTime is when a crawler request was made. Only --since needs it:
// without, a time that is missing or cannot be read is zero (unknown), so
// the request still counts with its status; with --since, such a line is
// malformed, as nothing tells whether it is recent enough.
func (r *logsRun) entryTime(raw []byte) (time.Time, error) {
	if len(raw) == 0 {
		if !r.since.IsZero() {
			return time.Time{}, errors.New("no time to compare with --since")
		}
		return time.Time{}, nil
	}
	t, err := accesslog.ParseTime(raw)
	if err != nil && r.since.IsZero() {
		return time.Time{}, nil
	}
	return t, err
}

// malformedNote says how many lines of a file could not be read, with the
// first few and why.
func malformedNote(st accesslog.FileStats) string {
	parts := make([]string, len(st.FirstMalformed))
	for i, m := range st.FirstMalformed {
		parts[i] = fmt.Sprintf("line %d: %s", m.Line, m.Problem)
	}
	more := ""
	if st.Malformed > len(st.FirstMalformed) {
		more = "; ..."
	}
	return fmt.Sprintf("%s: %d of %d lines malformed and skipped (%s%s)", st.Name, st.Malformed, st.Lines, strings.Join(parts, "; "), more)
}

// ctxReader stops a read when the run is interrupted. A read of stdin or a
// pipe can block for as long as its writer is idle, so each read runs in
// a goroutine of its own and Read stops waiting when ctx is done; that
// goroutine ends with its read (at the writer's next bytes or close, or
// with the process).
type ctxReader struct {
	ctx  context.Context
	r    io.Reader
	buf  []byte // the goroutine reads here, not into the caller's p, which Read may have returned
	done chan readResult
}

type readResult struct {
	n   int
	err error
}

func newCtxReader(ctx context.Context, r io.Reader) *ctxReader {
	return &ctxReader{ctx: ctx, r: r, done: make(chan readResult, 1)}
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if len(c.buf) < len(p) {
		c.buf = make([]byte, len(p))
	}
	buf := c.buf[:len(p)]
	go func() {
		n, err := c.r.Read(buf)
		c.done <- readResult{n, err} // buffered: never blocks, even once Read has returned
	}()
	select {
	case res := <-c.done:
		return copy(p, buf[:res.n]), res.err
	case <-c.ctx.Done():
		return 0, c.ctx.Err()
	}
}

// parseSince reads --since: RFC 3339, a date (midnight UTC), or an age
// before now in hours, minutes or days (36h, 90m, 7d).
func parseSince(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n >= 0 {
			return now.Add(-time.Duration(n) * 24 * time.Hour), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q: want RFC 3339 (2026-12-01T00:00:00Z), a date (2026-12-01) or an age (36h, 7d)", s)
}

// humanBytes is a byte count for the progress line: 512 B, 12.3 MB.
func humanBytes(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

package main

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"

	"authwall/audit"
	"authwall/report"
)

// reportOutputs is where a finished report goes: stdout in one format,
// and each --report file in its own. audit and lint share it.
type reportOutputs struct {
	out     io.Writer
	stdout  report.Writer // nil: nothing on stdout
	reports []reportTarget
}

type reportTarget struct {
	format string
	file   string
	writer report.Writer
}

// newReportOutputs builds the writers once: format for stdout (table when
// empty, none when quiet) and the FORMAT=FILE specs, whose form validate
// already checked.
func newReportOutputs(stdout io.Writer, format string, quiet bool, specs []string) (reportOutputs, error) {
	o := reportOutputs{out: stdout}
	var err error
	if !quiet {
		if o.stdout, err = report.New(cmp.Or(format, "table"), report.Options{Color: isTerminalWriter(stdout)}); err != nil {
			return o, &FieldError{Field: "format", Err: err}
		}
	}
	for _, spec := range specs {
		format, file, _ := reportSpec(spec)
		w, err := report.New(format, report.Options{})
		if err != nil {
			return o, &FieldError{Field: "report", Problem: spec + ": " + err.Error()}
		}
		o.reports = append(o.reports, reportTarget{format: format, file: file, writer: w})
	}
	return o, nil
}

// write renders rep to stdout and to every report file.
func (o reportOutputs) write(rep *audit.Report) error {
	var errs []error
	if o.stdout != nil {
		if err := o.stdout.Write(o.out, rep); err != nil {
			errs = append(errs, fmt.Errorf("write report to stdout: %w", err))
		}
	}
	for _, t := range o.reports {
		if err := writeReportFile(t, rep); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// writeReportFile writes a report file through a temporary file in the
// same directory, renamed into place once complete: a failing writer never
// leaves half a file behind, and a big report is streamed to disk rather
// than held in memory. A symlink is followed (the file it names is
// replaced, the link stays); a target that is not a regular file
// (/dev/stdout, a named pipe) or a dangling symlink is written in place.
// The file gets the mode of the one it replaces, or 0644 less the umask.
func writeReportFile(t reportTarget, rep *audit.Report) error {
	wrap := func(err error) error { return fmt.Errorf("write %s report: %w", t.format, err) }
	if dir := filepath.Dir(t.file); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return wrap(err)
		}
	}
	target := t.file
	if resolved, err := filepath.EvalSymlinks(t.file); err == nil {
		target = resolved
	} else if info, lerr := os.Lstat(t.file); lerr == nil && info.Mode()&os.ModeSymlink != 0 {
		return writeReportInPlace(t, rep) // dangling: create what it names
	}
	var mode os.FileMode
	if info, err := os.Stat(target); err == nil {
		if !info.Mode().IsRegular() {
			return writeReportInPlace(t, rep)
		}
		mode = info.Mode().Perm()
	}
	f, err := createTemp(target)
	if err != nil {
		return wrap(err)
	}
	tmp := f.Name()
	if mode != 0 {
		if err := f.Chmod(mode); err != nil {
			f.Close()
			os.Remove(tmp)
			return wrap(err)
		}
	}
	if err := renderTo(f, t, rep); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, target); err != nil {
		os.Remove(tmp)
		return wrap(err)
	}
	return nil
}

// createTemp creates a new file beside target with mode 0644 less the
// umask (os.CreateTemp's are 0600).
func createTemp(target string) (*os.File, error) {
	dir, base := filepath.Split(target)
	for range 100 {
		name := filepath.Join(dir, fmt.Sprintf(".%s.%d.tmp", base, rand.Uint32()))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("no free temporary name beside %s", target)
}

func writeReportInPlace(t reportTarget, rep *audit.Report) error {
	f, err := os.OpenFile(t.file, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("write %s report: %w", t.format, err)
	}
	return renderTo(f, t, rep)
}

// renderTo renders rep into f through a buffer and closes f.
func renderTo(f *os.File, t reportTarget, rep *audit.Report) error {
	bw := bufio.NewWriterSize(f, 64<<10)
	err := t.writer.Write(bw, rep)
	if err != nil {
		err = fmt.Errorf("render %s report: %w", t.format, err)
	} else if err = bw.Flush(); err != nil {
		err = fmt.Errorf("write %s report: %w", t.format, err)
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("write %s report: %w", t.format, cerr)
	}
	return err
}

// stepSummaryEnv names the file GitHub Actions gives each step for its job
// summary: Markdown shown on the run's page.
const stepSummaryEnv = "GITHUB_STEP_SUMMARY"

// appendStepSummary appends rep as Markdown to the job summary when
// GITHUB_STEP_SUMMARY names a file (a step of a GitHub Actions job), so the
// run's page shows the result with no configuration. Every command that
// writes a report (audit, demo, lint, logs) calls it once its reports are
// written. A summary that cannot be written is said on stderr and changes
// nothing else: it is one more view of the result, and the exit code stays
// the audit's verdict, which the job's status and any later step rely on.
func appendStepSummary(rep *audit.Report, stderr io.Writer) {
	file := os.Getenv(stepSummaryEnv)
	if file == "" {
		return
	}
	if err := appendMarkdown(file, rep); err != nil {
		fmt.Fprintf(stderr, "authwall: job summary (%s): %v\n", stepSummaryEnv, err)
	}
}

// appendMarkdown appends rep as Markdown to file, after a blank line when
// the file already holds something (an earlier step's summary).
func appendMarkdown(file string, rep *audit.Report) error {
	var buf bytes.Buffer
	if err := (&report.Markdown{}).Write(&buf, rep); err != nil {
		return err
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("append to %s: %w", file, err)
	}
	out := buf.Bytes()
	if info, err := f.Stat(); err == nil && info.Size() > 0 {
		out = append([]byte("\n"), out...)
	}
	if _, err := f.Write(out); err != nil {
		f.Close()
		return fmt.Errorf("append to %s: %w", file, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("append to %s: %w", file, err)
	}
	return nil
}

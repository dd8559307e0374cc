package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
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

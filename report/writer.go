// Package report renders a finished audit report, one format per writer.
// Writers render and decide nothing: every verdict is already in the
// audit.Report they are given.
package report

import (
	"fmt"
	"io"
	"strings"

	"authwall/audit"
)

// Writer renders a finished audit report in one format.
type Writer interface {
	Write(w io.Writer, r *audit.Report) error
}

var (
	_ Writer = (*Table)(nil)
	_ Writer = (*JSON)(nil)
)

// formats lists the formats New accepts, in the order help text shows them.
func formats() []string {
	return []string{"table", "json", "csv", "csv-pages", "html", "junit", "sarif", "github"}
}

// plannedFormats are named in DESIGN.md but have no writer yet; New rejects
// them with their own message so the CLI can tell "later" from "typo".
func plannedFormats() []string { return nil }

// Formats returns the formats New accepts now.
func Formats() []string { return formats() }

// Options are the choices a caller makes for a writer. The zero value is
// the default: plain text, no terminal decoration.
type Options struct {
	// Color lets writers that support it (the table) use ANSI colours;
	// set it only when the output is a terminal.
	Color bool
}

// New returns the writer for a format name, configured by o. Names are
// matched without regard to case.
func New(format string, o Options) (Writer, error) {
	name := strings.ToLower(strings.TrimSpace(format))
	switch name {
	case "table":
		return &Table{Color: o.Color}, nil
	case "json":
		return &JSON{}, nil
	case "html":
		return &HTML{}, nil
	case "sarif":
		return &SARIF{}, nil
	case "csv":
		return &CSV{}, nil
	case "csv-pages":
		return &CSVPages{}, nil
	case "junit":
		return &JUnit{}, nil
	case "github":
		return &GitHub{}, nil
	}
	known := strings.Join(formats(), ", ")
	for _, p := range plannedFormats() {
		if name == p {
			return nil, fmt.Errorf("format %q is not available yet (available: %s)", format, known)
		}
	}
	return nil, fmt.Errorf("unknown report format %q (known: %s)", format, known)
}

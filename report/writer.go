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

// Every writer New returns implements Writer.
var (
	_ Writer = (*Table)(nil)
	_ Writer = (*JSON)(nil)
	_ Writer = (*CSV)(nil)
	_ Writer = (*CSVPages)(nil)
	_ Writer = (*HTML)(nil)
	_ Writer = (*JUnit)(nil)
	_ Writer = (*SARIF)(nil)
	_ Writer = (*GitHub)(nil)
	_ Writer = (*Markdown)(nil)
)

// Formats returns the formats New accepts, in the order help text shows
// them; the slice is the caller's.
func Formats() []string {
	return []string{"table", "json", "csv", "csv-pages", "html", "junit", "sarif", "github", "markdown"}
}

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
	case "markdown":
		return &Markdown{}, nil
	}
	return nil, fmt.Errorf("unknown report format %q (known: %s)", format, strings.Join(Formats(), ", "))
}

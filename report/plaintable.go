package report

import (
	"bytes"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// newPlainTable is the terminal table the table report and explain share:
// no borders or lines, left-aligned, never wrapped, two blanks between
// columns. Cells must be made safe (visibleCell) before they are added.
func newPlainTable(w io.Writer) *tablewriter.Table {
	return tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders:  tw.BorderNone,
			Symbols:  tw.NewSymbols(tw.StyleASCII),
			Settings: tw.Settings{Lines: tw.LinesNone, Separators: tw.SeparatorsNone},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithTrimSpace(tw.Off),
		tablewriter.WithPadding(tw.Padding{Left: "", Right: "  ", Overwrite: true}),
	)
}

// writeTrimmed copies a rendered table to buf without the trailing blanks
// of the last column's padding: noise in logs and golden files.
func writeTrimmed(buf *bytes.Buffer, rendered string) {
	for _, line := range strings.Split(strings.TrimRight(rendered, "\n"), "\n") {
		buf.WriteString(strings.TrimRight(line, " "))
		buf.WriteByte('\n')
	}
}

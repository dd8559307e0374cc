package report

import "authwall/audit"

// ANSI SGR sequences for terminal text, used only when the caller asked
// for colour (Options.Color).
const (
	ansiReset   = "\x1b[0m"
	ansiRed     = "\x1b[31m"
	ansiBoldRed = "\x1b[1;31m"
	ansiGreen   = "\x1b[32m"
	ansiYellow  = "\x1b[33m"
	ansiCyan    = "\x1b[36m"
)

// paint wraps s in the ANSI code when color is on.
func paint(s, code string, color bool) string {
	if !color || code == "" {
		return s
	}
	return code + s + ansiReset
}

func severityColor(s audit.Severity) string {
	switch s {
	case audit.SeverityError:
		return ansiRed
	case audit.SeverityWarning:
		return ansiYellow
	case audit.SeverityInfo:
		return ansiCyan
	}
	return ""
}

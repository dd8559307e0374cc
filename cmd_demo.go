package main

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"authwall/audit"
	"authwall/demo"
)

func demoCommand(stdout, stderr io.Writer) *cobra.Command {
	var outDir string
	var quiet bool
	cmd := &cobra.Command{
		Use:   "demo [flags]",
		Short: "Start the built-in sample site on 127.0.0.1 and audit it",
		Long: `demo starts a small sample site on 127.0.0.1 whose pages answer the way real nginx,
Apache, Caddy, HAProxy and an API middleware answer when misconfigured (replayed from
captured responses), audits it with its declared paths file, prints the findings and
writes the JSON report. It exits with the audit's exit code (1: the demo site fails).`,
		Example: "  authwall demo\n  authwall demo --out /tmp/authwall-demo",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			site, err := demo.Start()
			if err != nil {
				return &runError{err: fmt.Errorf("start demo site: %w", err)}
			}
			defer site.Close()
			declared, err := audit.ParsePaths(bytes.NewReader(demo.Paths()), "demo/paths.txt")
			if err != nil {
				return &runError{err: err}
			}
			// The audit's defaults, as `authwall audit` has them with no flags.
			o := defaultOptions()
			o.URL = site.URL
			o.Quiet = quiet
			o.Progress = false
			for _, r := range []struct{ format, file string }{
				{"json", "report.json"}, {"csv", "report.csv"}, {"html", "report.html"},
				{"junit", "report.junit.xml"}, {"sarif", "report.sarif"}, {"markdown", "report.md"},
			} {
				o.Reports = append(o.Reports, r.format+"="+filepath.Join(outDir, r.file))
			}
			a, err := newAudit(o, declared, stdout, stderr)
			if err != nil {
				return err
			}
			if !quiet {
				fmt.Fprintf(stdout, "Auditing the built-in demo site at %s as googlebot and bingbot.\n", site.URL)
				fmt.Fprintf(stdout, "Its declared paths file (public paths, !private ones):\n\n%s\n", indent(demo.Paths()))
			}
			err = a.run(c.Context())
			if code := exitCode(err); !quiet && (code == exitOK || code == exitFindings) {
				fmt.Fprintf(stdout, "\nReports in %s/: report.html (open it in a browser), report.json, report.csv, report.junit.xml, report.sarif, report.md\nExit code %d: %s\n", outDir, code, exitMeaning(code))
			}
			return err
		},
	}
	cmd.Flags().StringVar(&outDir, "out", "authwall-demo", "`DIR` for the reports")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print nothing; only write the reports")
	return cmd
}

func indent(b []byte) string {
	var out bytes.Buffer
	for _, line := range bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n")) {
		out.WriteString("    ")
		out.Write(line)
		out.WriteByte('\n')
	}
	return out.String()
}

func exitMeaning(code int) string {
	switch code {
	case exitOK:
		return "nothing failing"
	case exitFindings:
		return "failing findings, as a CI gate would report them"
	case exitUsage:
		return "bad usage or input"
	}
	return "the audit could not run"
}

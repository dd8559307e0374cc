// Command authwall finds the auth walls that search-engine crawlers hit on
// pages meant to be public, and names the server setting behind each.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

const version = "0.1.0"

// Exit codes (DESIGN.md).
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
	exitNoRun    = 3
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// exitError carries an exit code with the message for stderr.
type exitError struct {
	code int
	err  error
	hint string
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(hint string, format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...), hint: hint}
}

func inputErr(err error) error { return &exitError{code: exitUsage, err: err} }

// run is the whole CLI; main only adds the process around it, so tests run
// every command in-process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	code := exitOK
	root := &cobra.Command{
		Use:   "authwall",
		Short: "Find the auth walls search-engine crawlers hit on public pages",
		Long: `authwall crawls a site as Googlebot and Bingbot, compares what each crawler got
with the paths you declared public or private, and reports every public page that
answered 401, 403 or bounced to a login page, and every private page that answered
200, with the server setting that most likely caused it and the fix.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetArgs(args)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageErr("run '"+c.CommandPath()+" --help' for usage", "%v", err)
	})
	root.CompletionOptions.DisableDefaultCmd = true
	setExit := func(c int) { code = c }
	root.AddCommand(
		auditCommand(stdout, stderr, setExit),
		demoCommand(stdout, stderr, setExit),
		robotsCommand(stdout, stderr),
		&cobra.Command{
			Use:   "version",
			Short: "Print the version",
			Args:  cobra.NoArgs,
			Run: func(*cobra.Command, []string) {
				fmt.Fprintf(stdout, "authwall %s\n", version)
			},
		},
	)
	for _, c := range root.Commands() {
		c.SetFlagErrorFunc(root.FlagErrorFunc())
	}
	if err := root.ExecuteContext(ctx); err != nil {
		var ee *exitError
		if !errors.As(err, &ee) {
			// cobra's own errors: unknown command, bad arguments.
			ee = &exitError{code: exitUsage, err: err, hint: "run 'authwall --help' for usage"}
		}
		fmt.Fprintf(stderr, "authwall: %v\n", ee.err)
		if ee.hint != "" {
			fmt.Fprintf(stderr, "  %s\n", ee.hint)
		}
		return ee.code
	}
	return code
}

// newLogger logs to stderr; -v shows debug lines, -q only errors.
func newLogger(w io.Writer, verbose, quiet bool) *slog.Logger {
	level := slog.LevelWarn
	switch {
	case quiet:
		level = slog.LevelError
	case verbose:
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// flagGroup is a titled set of flags, so --help lists flags by purpose.
type flagGroup struct {
	title string
	set   *pflag.FlagSet
}

func groupedUsage(groups []flagGroup, examples string) func(*cobra.Command) error {
	return func(c *cobra.Command) error {
		w := c.OutOrStdout()
		fmt.Fprintf(w, "Usage:\n  %s\n", c.UseLine())
		for _, g := range groups {
			fmt.Fprintf(w, "\n%s:\n%s", g.title, g.set.FlagUsagesWrapped(100))
		}
		fmt.Fprintf(w, "\nGlobal flags:\n  -h, --help   help for %s\n", c.Name())
		if examples != "" {
			fmt.Fprintf(w, "\nExamples:\n%s\n", strings.TrimRight(examples, "\n"))
		}
		return nil
	}
}

// Command authwall finds the auth walls that search-engine crawlers hit on
// pages meant to be public, and names the server setting behind each.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

const version = "0.1.0"

// Exit codes, the contract CI pipelines rely on. run is the only place
// that knows them: commands return errors, and exitCode maps each to one.
const (
	exitOK       = 0 // nothing failing
	exitFindings = 1 // some finding fails the run (--fail-on, --baseline)
	exitUsage    = 2 // bad usage or a bad input file
	exitNoRun    = 3 // the audit could not run or finish: unreachable, interrupted
)

func main() {
	tuneGC(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// Go's libraries log to the standard logger, which writes to stderr:
	// count those lines instead (libraries_log.go).
	lib := &libraryLog{}
	log.SetFlags(0)
	log.SetOutput(lib)
	ctx = withLibraryLog(ctx, lib)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// errFindings means the audit ran and some finding fails it. The report
// already said which, so run prints nothing more.
var errFindings = errors.New("failing findings")

// usageError is bad usage or a bad input file; hint, when set, says what
// to try.
type usageError struct {
	err  error
	hint string
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErr(hint string, format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...), hint: hint}
}

func inputErr(err error) error { return &usageError{err: err} }

// runError means the audit could not run or finish: the site was
// unreachable, or the run was interrupted.
type runError struct{ err error }

func (e *runError) Error() string { return e.err.Error() }
func (e *runError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var notRun *runError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errFindings):
		return exitFindings
	case errors.As(err, &notRun):
		return exitNoRun
	}
	return exitUsage // usage and input errors, field errors, cobra's own
}

// hint is the line printed under an error: what to try next.
func hint(err error) string {
	var field *FieldError
	var usage *usageError
	var notRun *runError
	switch {
	case errors.As(err, &field):
		return field.Hint
	case errors.As(err, &usage):
		return usage.hint
	case errors.As(err, &notRun):
		return ""
	}
	return "run 'authwall --help' for usage" // cobra's: unknown command, bad arguments
}

// run is the whole CLI; main only adds the process around it, so tests run
// every command in-process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
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
	root.AddCommand(
		auditCommand(stdout, stderr),
		demoCommand(stdout, stderr),
		robotsCommand(stdout, stderr),
		explainCommand(stdout),
		lintCommand(stdout),
		logsCommand(stdout, stderr),
		&cobra.Command{
			Use:   "version",
			Short: "Print the version",
			Args:  cobra.NoArgs,
			RunE: func(*cobra.Command, []string) error {
				fmt.Fprintf(stdout, "authwall %s\n", version)
				return nil
			},
		},
	)
	for _, c := range root.Commands() {
		c.SetFlagErrorFunc(root.FlagErrorFunc())
	}
	err := root.ExecuteContext(ctx)
	code := exitCode(err)
	if err != nil && code != exitFindings {
		fmt.Fprintf(stderr, "authwall: %v\n", err)
		if h := hint(err); h != "" {
			fmt.Fprintf(stderr, "  %s\n", h)
		}
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

// helpWithExitCodes prints head, the grouped usage, then the command's
// exit codes.
func helpWithExitCodes(head func(*cobra.Command) string, exitCodes string) func(*cobra.Command, []string) {
	return func(c *cobra.Command, _ []string) {
		fmt.Fprintf(c.OutOrStdout(), "%s\n\n", head(c))
		_ = c.Usage()
		fmt.Fprint(c.OutOrStdout(), exitCodes)
	}
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

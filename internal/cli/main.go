package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/root"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/factory"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/errs"
)

// Exit codes; see the package documentation.
const (
	ExitOK       = 0
	ExitError    = 1
	ExitUsage    = 2
	ExitAuth     = 4
	ExitNotFound = 5
	ExitConflict = 6
)

// Main runs the CLI with the process's arguments, streams and environment
// and returns the exit code.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, factory.New(iostreams.System(), os.Getenv), os.Args[1:])
}

// Run runs the CLI with args against the dependencies in f, printing any
// error to f's standard error, and returns the exit code.
func Run(ctx context.Context, f *cmdutil.Factory, args []string) int {
	cmd := root.NewCmdRoot(f)
	cmd.SetArgs(args)
	cmd.SetIn(f.IOStreams.In)
	cmd.SetOut(f.IOStreams.Out)
	cmd.SetErr(f.IOStreams.ErrOut)
	failed, err := cmd.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	if ctx.Err() != nil {
		// Interrupted: the user knows; say nothing more.
		fmt.Fprintln(f.IOStreams.ErrOut)
		return ExitUsage
	}
	printError(f.IOStreams.ErrOut, failed, err)
	return ExitCode(err)
}

// ExitCode maps an error to the process's exit code.
func ExitCode(err error) int {
	var flagErr *cmdutil.FlagError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &flagErr), errors.Is(err, cmdutil.ErrCancel):
		return ExitUsage
	case errors.Is(err, cmdutil.ErrSilent):
		return ExitError
	}
	switch errs.KindOf(err) {
	case errs.Unauthenticated, errs.PermissionDenied:
		return ExitAuth
	case errs.NotFound:
		return ExitNotFound
	case errs.AlreadyExists, errs.Conflict:
		return ExitConflict
	}
	return ExitError
}

// printError writes "Error: what went wrong", then what to do next: the
// command's usage for usage errors, else a hint.
func printError(w io.Writer, cmd *cobra.Command, err error) {
	var flagErr *cmdutil.FlagError
	switch {
	case errors.Is(err, cmdutil.ErrSilent), errors.Is(err, cmdutil.ErrCancel):
		return
	case errors.As(err, &flagErr):
		fmt.Fprintf(w, "Error: %s\n", err)
		if cmd != nil {
			fmt.Fprintf(w, "\n%s", cmd.UsageString())
		}
		return
	}
	fmt.Fprintf(w, "Error: %s\n", err)
	if hint := hintFor(err); hint != "" {
		fmt.Fprintln(w, hint)
	}
}

// hintFor returns the hint attached to err, else the one for its kind.
func hintFor(err error) string {
	if h := cmdutil.HintOf(err); h != "" {
		return h
	}
	switch errs.KindOf(err) {
	case errs.Unauthenticated:
		return "Log in with `latch auth login` (or `latch auth bootstrap` on a new server), then try again."
	case errs.PermissionDenied:
		return "`latch auth status` shows the roles you hold; an owner of the group can grant more with `latch iam role-bindings create`."
	case errs.Unavailable:
		var unreachable *client.UnreachableError
		if errors.As(err, &unreachable) {
			return "Check that the server is running and that --url or LATCH_URL points at it."
		}
		return "Try again in a moment."
	case errs.ResourceExhausted:
		return "Wait a moment and try again."
	}
	return ""
}

package cmdutil

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// ExactArgs is cobra.ExactArgs with a message naming what is missing, and
// reported as a usage error.
func ExactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case len(args) < n:
			return FlagErrorf("%s", what)
		case len(args) > n:
			return FlagErrorf("too many arguments: %d given, %d expected", len(args), n)
		}
		return nil
	}
}

// MaximumArgs accepts at most n arguments, reporting more as a usage error.
func MaximumArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return FlagErrorf("too many arguments: %d given, at most %d expected", len(args), n)
		}
		return nil
	}
}

// NoArgs rejects every positional argument as a usage error.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return FlagErrorf("unexpected argument %q", args[0])
	}
	return nil
}

// GroupCommand turns cmd into a command that only holds subcommands: run
// bare it shows its help, and an unknown subcommand is a usage error
// (cobra on its own would print the help and exit 0).
func GroupCommand(cmd *cobra.Command) *cobra.Command {
	cmd.Args = SubcommandsOnly
	cmd.RunE = func(c *cobra.Command, args []string) error {
		return c.Help()
	}
	return cmd
}

// FlagErrorFunc is every command's answer to flags it cannot parse. On a
// command that only holds subcommands, a flag it does not know usually
// belongs to a subcommand whose name was mistyped (`latch iam organisations
// ls -o table`): that name is the mistake to report.
func FlagErrorFunc(c *cobra.Command, err error) error {
	if c.HasAvailableSubCommands() && len(c.Flags().Args()) > 0 {
		return SubcommandsOnly(c, c.Flags().Args())
	}
	return FlagErrorWrap(err)
}

// SubcommandsOnly accepts no positional arguments: cobra has already
// routed known subcommands, so an argument here is a mistyped one, which
// is a usage error with cobra's suggestions.
func SubcommandsOnly(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], c.CommandPath())
	if c.SuggestionsMinimumDistance <= 0 {
		// cobra sets its default only on the root's own path; without it
		// SuggestionsFor offers prefixes alone, not "organizations" for
		// "organisations".
		c.SuggestionsMinimumDistance = 2
	}
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return &FlagError{Err: errors.New(msg)}
}

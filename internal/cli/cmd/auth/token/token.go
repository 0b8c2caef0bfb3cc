// Package token is `latch auth token`: print a valid access token for
// other tools (curl, a registry's credential helper).
package token

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/tokencache"
)

// Options are the inputs of token.
type Options struct {
	IO      *iostreams.IOStreams
	Session func() (*tokencache.Session, error)
}

// NewCmdToken returns the command; runF, when set, replaces tokenRun.
func NewCmdToken(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Session: f.Session}
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Print a valid access token",
		Long: `Print a valid access token for the current server.

A token that has expired, or will within two minutes, is renewed first:
with the refresh token when the login has one, or by exchanging the
identity token file again when the login used one. Otherwise log in again.`,
		Example: `  curl -H "Authorization: Bearer $(latch auth token)" "$LATCH_URL/..."`,
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return tokenRun(cmd.Context(), opts)
		},
	}
	return cmd
}

func tokenRun(ctx context.Context, opts *Options) error {
	s, err := opts.Session()
	if err != nil {
		return err
	}
	tok, err := s.Token(ctx)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(opts.IO.Out, tok)
	return err
}

// Package logout is `latch auth logout`: forget the session.
package logout

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/tokencache"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/errs"
)

// Options are the inputs of logout.
type Options struct {
	IO         *iostreams.IOStreams
	TokenCache func() (*tokencache.Cache, error)
	Client     func() (*client.Client, error)
}

// NewCmdLogout returns the command; runF, when set, replaces logoutRun.
func NewCmdLogout(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, TokenCache: f.TokenCache, Client: f.Client}
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Forget the session with the current server",
		Long: `End the session with the current server: revoke its refresh token on the
server, so that the session can no longer be renewed (from this machine or
from a copy of the token), and delete the cached credentials. An access
token already issued stays valid until it expires (an hour at most by
default).

When the server cannot be reached the local credentials are deleted anyway
and the command says so; the refresh token then stays valid on the server
until it expires.`,
		Example: `  latch auth logout
  latch auth logout --url https://latch.example.dev`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return logoutRun(cmd.Context(), opts)
		},
	}
	return cmd
}

func logoutRun(ctx context.Context, opts *Options) error {
	cache, err := opts.TokenCache()
	if err != nil {
		return err
	}
	var revokeErr error
	if cr, err := cache.Load(); err == nil && cr.RefreshToken != "" && opts.Client != nil {
		c, err := opts.Client()
		if err == nil {
			err = c.Revoke(ctx, cr.RefreshToken)
		}
		revokeErr = err
	}
	existed, err := cache.Delete()
	if err != nil {
		return err
	}
	if !existed {
		fmt.Fprintf(opts.IO.Out, "Not logged in to %s.\n", cache.Server())
		return nil
	}
	fmt.Fprintf(opts.IO.Out, "Logged out of %s.\n", cache.Server())
	if revokeErr != nil {
		fmt.Fprintf(opts.IO.ErrOut, "warning: the server did not revoke the refresh token (%s); it stays valid there until it expires\n", errs.Message(revokeErr))
	}
	return nil
}

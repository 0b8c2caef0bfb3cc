// Package logout is `latch auth logout`: forget the session.
package logout

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/tokencache"
)

// Options are the inputs of logout.
type Options struct {
	IO         *iostreams.IOStreams
	TokenCache func() (*tokencache.Cache, error)
}

// NewCmdLogout returns the command; runF, when set, replaces logoutRun.
func NewCmdLogout(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, TokenCache: f.TokenCache}
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Forget the session with the current server",
		Long: `Forget the session with the current server by deleting its cached
credentials. The tokens stay valid on the server until they expire.`,
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

func logoutRun(_ context.Context, opts *Options) error {
	cache, err := opts.TokenCache()
	if err != nil {
		return err
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
	return nil
}

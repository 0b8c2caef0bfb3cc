// Package list is `latch iam roles capabilities list`.
package list

import (
	"context"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/iam/views"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/output"
	"latch.dev/latch/internal/client"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// Options are the inputs of list.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	API    func() (*client.API, error)

	Format output.Format
}

// NewCmdList returns the command; runF, when set, replaces listRun.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, API: f.API}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List every capability a role can hold",
		Long: `List every capability a role can hold, with its resource and action.
The names are what ` + "`latch iam roles create --capabilities`" + ` takes.`,
		Example: `  latch iam roles capabilities ls
  latch iam roles caps ls -o id | grep '^identity\.'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	output.AddFlag(cmd, &opts.Format)
	return cmd
}

func listRun(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	api, err := opts.API()
	if err != nil {
		return err
	}
	resp, err := api.Roles.ListCapabilities(ctx, connect.NewRequest(&iamv1.ListCapabilitiesRequest{}))
	if err != nil {
		return err
	}
	return output.List(output.NewPrinter(opts.IO, opts.Format, cfg.Output, nil), views.Capability(), resp.Msg.GetItems())
}

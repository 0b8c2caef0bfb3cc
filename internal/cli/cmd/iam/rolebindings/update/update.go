// Package update is `latch iam role-bindings update`.
package update

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

// Options are the inputs of update.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	API    func() (*client.API, error)

	ID       string
	Identity string
	Role     string
	Format   output.Format
}

// NewCmdUpdate returns the command; runF, when set, replaces updateRun.
func NewCmdUpdate(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, API: f.API}
	cmd := &cobra.Command{
		Use:   "update ID [--role NAME|ID] [--identity NAME|ID]",
		Short: "Change the role or identity of a role binding",
		Long: `Change the role a binding grants, or the identity it grants it to. The
group stays: it is part of the binding's ID. Names are resolved by the
server as for create, with the same checks: you can only grant a role whose
capabilities you hold there.`,
		Example: `  latch iam role-bindings update 45a0c…/a2973bac66ebfde3 --role editor`,
		Args:    cmdutil.ExactArgs(1, "a role binding ID is required"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if opts.Identity == "" && opts.Role == "" {
				return cmdutil.FlagErrorf("nothing to change: give --role or --identity")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return updateRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Identity, "identity", "", "identity (name or ID) to grant the role to instead")
	cmd.Flags().StringVar(&opts.Role, "role", "", "role (name or ID) to grant instead")
	output.AddFlag(cmd, &opts.Format)
	return cmd
}

func updateRun(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	api, err := opts.API()
	if err != nil {
		return err
	}
	resp, err := api.RoleBindings.Update(ctx, connect.NewRequest(&iamv1.RoleBinding{Id: opts.ID, Identity: opts.Identity, Role: opts.Role}))
	if err != nil {
		return err
	}
	return views.PrintRoleBinding(ctx, output.NewPrinter(opts.IO, opts.Format, cfg.Output, nil), resp.Msg, api.RoleBinding)
}

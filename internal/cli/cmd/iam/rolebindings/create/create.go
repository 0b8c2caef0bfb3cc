// Package create is `latch iam role-bindings create`.
package create

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

// Options are the inputs of create.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	API    func() (*client.API, error)

	Identity string
	Role     string
	Parent   string
	Format   output.Format
}

// NewCmdCreate returns the command; runF, when set, replaces createRun.
func NewCmdCreate(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, API: f.API}
	cmd := &cobra.Command{
		Use:   "create --identity NAME|ID --role NAME|ID [--parent ORG|FOLDER]",
		Short: "Grant an identity a role in a group",
		Long: `Grant an identity a role in an organization or folder, and in everything
below it. Names are resolved by the server: an identity name is looked for
near --parent first, and a role name among the built-in roles and the
custom roles defined at --parent or above.`,
		Example: `  latch iam rolebinding create --identity aws-ec2-identity --role viewer --parent example.dev
  latch iam role-bindings create --identity $LATCH_IDENTITY --role editor --parent prod -o id`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Identity == "" || opts.Role == "" {
				return cmdutil.FlagErrorf("--identity and --role are required")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Identity, "identity", "", "identity (name or ID) to grant the role to")
	cmd.Flags().StringVar(&opts.Role, "role", "", "role (name or ID) to grant")
	cmd.Flags().StringVar(&opts.Parent, "parent", "", "organization or folder (name or ID) the role applies in (asked on a terminal when neither this nor default.parent is set)")
	output.AddFlag(cmd, &opts.Format)
	return cmd
}

func createRun(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	parent, err := cmdutil.ChooseParent(ctx, opts.IO, opts.API, opts.Parent, cfg)
	if err != nil {
		return err
	}
	api, err := opts.API()
	if err != nil {
		return err
	}
	resp, err := api.RoleBindings.Create(ctx, connect.NewRequest(&iamv1.CreateRoleBindingRequest{
		Parent:      parent,
		RoleBinding: &iamv1.RoleBinding{Identity: opts.Identity, Role: opts.Role},
	}))
	if err != nil {
		return err
	}
	return views.PrintRoleBinding(ctx, output.NewPrinter(opts.IO, opts.Format, cfg.Output, nil), resp.Msg, api.RoleBinding)
}

// Package describe is `latch iam identities describe`.
package describe

import (
	"context"

	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/iam/views"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/output"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/errs"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// Options are the inputs of describe.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	API    func() (*client.API, error)

	Ref    string
	Parent string
	Format output.Format
}

// NewCmdDescribe returns the command; runF, when set, replaces describeRun.
func NewCmdDescribe(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, API: f.API}
	cmd := &cobra.Command{
		Use:     "describe NAME|ID [--parent ORG|FOLDER]",
		Aliases: []string{"get"},
		Short:   "Show one identity",
		Long: `Show one identity: its rule (which proof may assume it), its roles and
when it was last used. -o json prints the full identity, which
` + "`create --filename`" + ` can load again.`,
		Example: `  latch iam identities describe aws-ec2-identity --parent example.dev
  latch iam ids describe $LATCH_IDENTITY -o json`,
		Args: cmdutil.ExactArgs(1, "an identity name or ID is required"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return describeRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Parent, "parent", "", "organization or folder (name or ID) to look the name up in")
	output.AddFlag(cmd, &opts.Format)
	return cmd
}

func describeRun(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	api, err := opts.API()
	if err != nil {
		return err
	}
	id, err := api.Identity(ctx, opts.Ref, opts.Parent)
	if err != nil {
		return err
	}
	p := output.NewPrinter(opts.IO, opts.Format, cfg.Output, nil)
	var roles map[string][]string
	if p.Tabular() {
		bindings, err := api.ListRoleBindings(ctx, &iamv1.RoleBindingFilter{Identity: id.GetId()})
		switch {
		case errs.Is(err, errs.PermissionDenied):
		case err != nil:
			return err
		default:
			roles = views.RolesByIdentity(bindings)
		}
	}
	return output.Object(p, views.Identity(roles), id)
}

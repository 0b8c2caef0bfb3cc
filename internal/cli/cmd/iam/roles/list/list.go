// Package list is `latch iam roles list`.
package list

import (
	"context"

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

	Parent string
	Name   string
	Format output.Format
}

// NewCmdList returns the command; runF, when set, replaces listRun.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, API: f.API}
	cmd := &cobra.Command{
		Use:     "list [--parent ORG|FOLDER]",
		Aliases: []string{"ls"},
		Short:   "List roles",
		Long: `List the roles you can bind: the built-in roles and the custom roles
you can see. With --parent (default: the config's default.parent), only
the roles that can be bound there; --parent / lists the built-in roles
alone. -o wide adds each role's capabilities.`,
		Example: `  latch iam roles list
  latch iam roles ls --parent example.dev -o wide`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Parent, "parent", "", "organization or folder (name or ID) the roles must be bindable in")
	cmd.Flags().StringVar(&opts.Name, "name", "", "only roles with this name")
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
	parent := cmdutil.Parent(opts.Parent, cfg)
	roles, err := api.ListRoles(ctx, &iamv1.RoleFilter{Parent: parent, Name: opts.Name})
	if err != nil {
		return err
	}
	return output.List(output.NewPrinter(opts.IO, opts.Format, cfg.Output, nil), views.Role(), roles)
}

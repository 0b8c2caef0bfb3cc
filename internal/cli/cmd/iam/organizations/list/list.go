// Package list is `latch iam organizations list`.
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
	"latch.dev/latch/internal/iam"
)

// Options are the inputs of list.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	API    func() (*client.API, error)

	Format output.Format
}

// NewCmdList returns the command; runF, when set, replaces listRun (tests).
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, API: f.API}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the organizations you can see",
		Long: `List the organizations you can see.

With -o tree, every organization is shown with the folders inside it.`,
		Example: `  latch iam organizations ls -o table
  latch iam orgs ls -o tree
  latch iam orgs ls -o id`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	output.AddFlag(cmd, &opts.Format, output.Tree)
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
	p := output.NewPrinter(opts.IO, opts.Format, cfg.Output, nil)
	if p.Format() == output.Tree {
		groups, err := api.ListGroups(ctx, &iamv1.GroupFilter{})
		if err != nil {
			return err
		}
		return p.PrintTree(views.GroupTree(groups))
	}
	orgs, err := api.ListGroups(ctx, &iamv1.GroupFilter{Uidp: &iamv1.UIDPFilter{ChildrenOf: iam.RootScope}})
	if err != nil {
		return err
	}
	return output.List(p, views.Group(), orgs)
}

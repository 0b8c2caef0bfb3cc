// Package list is `latch iam folders list`.
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

	Parent string
	Format output.Format
}

// NewCmdList returns the command; runF, when set, replaces listRun.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, API: f.API}
	cmd := &cobra.Command{
		Use:     "list [--parent ORG|FOLDER]",
		Aliases: []string{"ls"},
		Short:   "List folders",
		Long: `List the folders below --parent (default: the config's default.parent),
or every folder you can see.`,
		Example: `  latch iam folders ls --parent example.dev
  latch iam folders ls --parent example.dev -o tree`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Parent, "parent", "", "organization or folder (name or ID) to list below")
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
	parent := cmdutil.Parent(opts.Parent, cfg)
	f := &iamv1.GroupFilter{}
	var parentID string
	if parent != "" {
		if parentID, err = api.GroupID(ctx, parent); err != nil {
			return err
		}
		f.Uidp = &iamv1.UIDPFilter{DescendantsOf: parentID}
	}
	groups, err := api.ListGroups(ctx, f)
	if err != nil {
		return err
	}
	p := output.NewPrinter(opts.IO, opts.Format, cfg.Output, nil)
	if p.Format() == output.Tree {
		return p.PrintTree(views.GroupTree(groups))
	}
	folders := make([]*iamv1.Group, 0, len(groups))
	for _, g := range groups {
		if g.GetId() != parentID && iam.Depth(g.GetId()) > 1 {
			folders = append(folders, g)
		}
	}
	return output.List(p, views.Group(), folders)
}

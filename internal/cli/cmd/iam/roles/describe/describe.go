// Package describe is `latch iam roles describe`.
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
		Short:   "Show one role and its capabilities",
		Example: `  latch iam roles describe viewer
  latch iam roles describe auditor --parent example.dev -o json`,
		Args: cmdutil.ExactArgs(1, "a role name or ID is required"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return describeRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Parent, "parent", "", "organization or folder (name or ID) where the role name is looked up")
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
	role, err := api.Role(ctx, opts.Ref, opts.Parent)
	if err != nil {
		return err
	}
	return output.Object(output.NewPrinter(opts.IO, opts.Format, cfg.Output, nil), views.Role(), role)
}

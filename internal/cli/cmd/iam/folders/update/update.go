// Package update is `latch iam folders update`.
package update

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

// Options are the inputs of update.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	API    func() (*client.API, error)

	Ref         string
	Parent      string
	Name        cmdutil.OptionalString
	Description cmdutil.OptionalString
	Format      output.Format
}

// NewCmdUpdate returns the command; runF, when set, replaces updateRun.
func NewCmdUpdate(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, API: f.API}
	cmd := &cobra.Command{
		Use:   "update NAME|ID [--parent ORG|FOLDER] [--name NEW] [--description TEXT]",
		Short: "Rename a folder or change its description",
		Long: `Rename a folder or change its description. Only what you name
changes; --description "" clears the description. IDs never change, so
identities, bindings and tokens are unaffected by a rename.`,
		Example: `  latch iam folders update prod --parent example.dev --description "Production workloads"
  latch iam folders update prod --parent example.dev --name production`,
		Args: cmdutil.ExactArgs(1, "a folder name or ID is required"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			if !opts.Name.Given && !opts.Description.Given {
				return cmdutil.FlagErrorf("nothing to change: give --name or --description")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return updateRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Parent, "parent", "", "organization or folder (name or ID) to look the name up in")
	cmd.Flags().Var(&opts.Name, "name", "the folder's new name")
	cmd.Flags().VarP(&opts.Description, "description", "d", "the folder's new description")
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
	folder, err := api.Group(ctx, opts.Ref, client.Folder, opts.Parent)
	if err != nil {
		return err
	}
	updated, err := api.UpdateGroup(ctx, folder, opts.Name.Ptr(), opts.Description.Ptr())
	if err != nil {
		return err
	}
	return output.Object(output.NewPrinter(opts.IO, opts.Format, cfg.Output, nil), views.Group(), updated)
}

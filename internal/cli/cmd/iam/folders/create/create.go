// Package create is `latch iam folders create`.
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

	Name        string
	Parent      string
	Description string
	Format      output.Format
}

// NewCmdCreate returns the command; runF, when set, replaces createRun.
func NewCmdCreate(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, API: f.API}
	cmd := &cobra.Command{
		Use:   "create NAME [--parent ORG|FOLDER]",
		Short: "Create a folder",
		Long: `Create a folder inside an organization or another folder. Folder names
are unique among their siblings.`,
		Example: `  latch iam folders create prod --parent example.dev
  FOLDER=$(latch iam folders create team-a --parent prod -o id)`,
		Args: cmdutil.ExactArgs(1, "a folder name is required"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Parent, "parent", "", "organization or folder (name or ID) to create the folder in (asked on a terminal when neither this nor default.parent is set)")
	cmd.Flags().StringVarP(&opts.Description, "description", "d", "", "what the folder is for")
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
	resp, err := api.Groups.Create(ctx, connect.NewRequest(&iamv1.CreateGroupRequest{
		Parent: parent,
		Group:  &iamv1.Group{Name: opts.Name, Description: opts.Description},
	}))
	if err != nil {
		return err
	}
	return output.Object(output.NewPrinter(opts.IO, opts.Format, cfg.Output, nil), views.Group(), resp.Msg)
}

// Package create is `latch iam organizations create`.
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
	"latch.dev/latch/internal/iam"
)

// Options are the inputs of create.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	API    func() (*client.API, error)

	Name        string
	Description string
	Format      output.Format
}

// NewCmdCreate returns the command; runF, when set, replaces createRun.
func NewCmdCreate(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, API: f.API}
	cmd := &cobra.Command{
		Use:   "create NAME",
		Short: "Create an organization",
		Long: `Create an organization. You become able to manage it through the
bindings you hold at the root (a server administrator owns every
organization).`,
		Example: `  latch iam organizations create example.dev --description "Example, Inc."
  ORG=$(latch iam orgs create example.dev -o id)`,
		Args: cmdutil.ExactArgs(1, "an organization name is required"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Description, "description", "d", "", "what the organization is for")
	output.AddFlag(cmd, &opts.Format)
	return cmd
}

func createRun(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	api, err := opts.API()
	if err != nil {
		return err
	}
	resp, err := api.Groups.Create(ctx, connect.NewRequest(&iamv1.CreateGroupRequest{
		Parent: iam.RootScope,
		Group:  &iamv1.Group{Name: opts.Name, Description: opts.Description},
	}))
	if err != nil {
		return err
	}
	return output.Object(output.NewPrinter(opts.IO, opts.Format, cfg.Output, nil), views.Group(), resp.Msg)
}

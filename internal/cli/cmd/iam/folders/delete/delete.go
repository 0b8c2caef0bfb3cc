// Package delete is `latch iam folders delete`.
package delete

import (
	"context"
	"fmt"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/client"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// Options are the inputs of delete.
type Options struct {
	IO  *iostreams.IOStreams
	API func() (*client.API, error)

	Ref    string
	Parent string
	Yes    bool
}

// NewCmdDelete returns the command; runF, when set, replaces deleteRun.
func NewCmdDelete(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, API: f.API}
	cmd := &cobra.Command{
		Use:     "delete NAME|ID [--parent ORG|FOLDER]",
		Aliases: []string{"rm"},
		Short:   "Delete a folder",
		Long: `Delete a folder. The server refuses while it still holds folders,
identities, roles or role bindings; delete those first.

On a terminal you are asked to confirm; elsewhere --yes is required.`,
		Example: `  latch iam folders delete prod --parent example.dev
  latch iam folders rm 45a0c…/2c5f7… --yes`,
		Args: cmdutil.ExactArgs(1, "a folder name or ID is required"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			if err := cmdutil.RequireYes(opts.IO, opts.Yes); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return deleteRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Parent, "parent", "", "organization or folder (name or ID) to look the name up in")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "delete without asking")
	return cmd
}

func deleteRun(ctx context.Context, opts *Options) error {
	api, err := opts.API()
	if err != nil {
		return err
	}
	folder, err := api.Group(ctx, opts.Ref, client.Folder, opts.Parent)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("folder %s [%s]", folder.GetName(), folder.GetId())
	return cmdutil.Delete(opts.IO, opts.Yes, what, func() error {
		_, err := api.Groups.Delete(ctx, connect.NewRequest(&iamv1.DeleteRequest{Id: folder.GetId()}))
		return err
	})
}

// Package delete is `latch iam roles delete`.
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
		Short:   "Delete a custom role",
		Long: `Delete a custom role. Built-in roles cannot be deleted, and the server
refuses while role bindings still use the role.

On a terminal you are asked to confirm; elsewhere --yes is required.`,
		Example: `  latch iam roles delete auditor --parent example.dev`,
		Args:    cmdutil.ExactArgs(1, "a role name or ID is required"),
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
	cmd.Flags().StringVar(&opts.Parent, "parent", "", "organization or folder (name or ID) where the role name is looked up")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "delete without asking")
	return cmd
}

func deleteRun(ctx context.Context, opts *Options) error {
	api, err := opts.API()
	if err != nil {
		return err
	}
	role, err := api.Role(ctx, opts.Ref, opts.Parent)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("role %s [%s]", role.GetName(), role.GetId())
	return cmdutil.Delete(opts.IO, opts.Yes, what, func() error {
		_, err := api.Roles.Delete(ctx, connect.NewRequest(&iamv1.DeleteRequest{Id: role.GetId()}))
		return err
	})
}

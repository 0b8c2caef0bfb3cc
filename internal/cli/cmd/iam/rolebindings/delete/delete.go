// Package delete is `latch iam role-bindings delete`.
package delete

import (
	"context"
	"fmt"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/iam/views"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/client"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// Options are the inputs of delete.
type Options struct {
	IO  *iostreams.IOStreams
	API func() (*client.API, error)

	ID  string
	Yes bool
}

// NewCmdDelete returns the command; runF, when set, replaces deleteRun.
func NewCmdDelete(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, API: f.API}
	cmd := &cobra.Command{
		Use:     "delete ID",
		Aliases: []string{"rm"},
		Short:   "Delete a role binding",
		Long: `Delete a role binding. The identity loses the role's capabilities at
once, also for tokens it already holds.

On a terminal you are asked to confirm; elsewhere --yes is required.`,
		Example: `  latch iam role-bindings delete 45a0c…/a2973bac66ebfde3 --yes`,
		Args:    cmdutil.ExactArgs(1, "a role binding ID is required"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if err := cmdutil.RequireYes(opts.IO, opts.Yes); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return deleteRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "delete without asking")
	return cmd
}

func deleteRun(ctx context.Context, opts *Options) error {
	api, err := opts.API()
	if err != nil {
		return err
	}
	b, err := api.RoleBinding(ctx, opts.ID)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("role binding %s (%s: %s in %s)", b.GetId(), views.BindingIdentity(b), b.GetRole().GetName(), groupName(b))
	return cmdutil.Delete(opts.IO, opts.Yes, what, func() error {
		_, err := api.RoleBindings.Delete(ctx, connect.NewRequest(&iamv1.DeleteRequest{Id: b.GetId()}))
		return err
	})
}

func groupName(b *iamv1.RoleBindingList_Binding) string {
	if n := b.GetGroup().GetName(); n != "" {
		return n
	}
	return b.GetGroup().GetId()
}

// Package rolebindings is `latch iam role-bindings`: who holds which role
// where.
package rolebindings

import (
	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/iam/rolebindings/create"
	"latch.dev/latch/internal/cli/cmd/iam/rolebindings/delete"
	"latch.dev/latch/internal/cli/cmd/iam/rolebindings/describe"
	"latch.dev/latch/internal/cli/cmd/iam/rolebindings/list"
	"latch.dev/latch/internal/cli/cmd/iam/rolebindings/update"
	"latch.dev/latch/internal/cli/cmdutil"
)

// NewCmdRoleBindings returns the role-bindings command group.
func NewCmdRoleBindings(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.GroupCommand(&cobra.Command{
		Use:     "role-bindings <command>",
		Aliases: []string{"rolebindings", "rolebinding", "role-binding"},
		Short:   "Manage role bindings",
		Long: `Manage role bindings. A binding grants an identity a role in an
organization or folder, and in everything below it.

Tokens carry no capabilities of their own: the server checks bindings on
every call, so a new or deleted binding takes effect at once.`,
	})
	cmd.AddCommand(
		list.NewCmdList(f, nil),
		create.NewCmdCreate(f, nil),
		describe.NewCmdDescribe(f, nil),
		update.NewCmdUpdate(f, nil),
		delete.NewCmdDelete(f, nil),
	)
	return cmd
}

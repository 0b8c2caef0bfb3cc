// Package roles is `latch iam roles`: named sets of capabilities.
package roles

import (
	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/iam/roles/capabilities"
	"latch.dev/latch/internal/cli/cmd/iam/roles/create"
	"latch.dev/latch/internal/cli/cmd/iam/roles/delete"
	"latch.dev/latch/internal/cli/cmd/iam/roles/describe"
	"latch.dev/latch/internal/cli/cmd/iam/roles/list"
	"latch.dev/latch/internal/cli/cmd/iam/roles/update"
	"latch.dev/latch/internal/cli/cmdutil"
)

// NewCmdRoles returns the roles command group.
func NewCmdRoles(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.GroupCommand(&cobra.Command{
		Use:     "roles <command>",
		Aliases: []string{"role"},
		Short:   "Manage roles",
		Long: `Manage roles: named sets of capabilities.

The built-in roles (owner, editor, viewer, …) exist on every server and
cannot change. Custom roles belong to an organization or folder and can be
bound there and below.`,
	})
	cmd.AddCommand(
		list.NewCmdList(f, nil),
		create.NewCmdCreate(f, nil),
		describe.NewCmdDescribe(f, nil),
		update.NewCmdUpdate(f, nil),
		delete.NewCmdDelete(f, nil),
		capabilities.NewCmdCapabilities(f),
	)
	return cmd
}

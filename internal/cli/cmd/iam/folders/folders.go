// Package folders is `latch iam folders`: the groups below organizations.
package folders

import (
	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/iam/folders/create"
	"latch.dev/latch/internal/cli/cmd/iam/folders/delete"
	"latch.dev/latch/internal/cli/cmd/iam/folders/describe"
	"latch.dev/latch/internal/cli/cmd/iam/folders/list"
	"latch.dev/latch/internal/cli/cmd/iam/folders/update"
	"latch.dev/latch/internal/cli/cmdutil"
)

// NewCmdFolders returns the folders command group.
func NewCmdFolders(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.GroupCommand(&cobra.Command{
		Use:     "folders <command>",
		Aliases: []string{"folder"},
		Short:   "Manage folders",
		Long: `Manage folders: groups inside an organization or inside other folders.

Role bindings on a folder apply to it and to everything below it, so folders
are how access is split within an organization.`,
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

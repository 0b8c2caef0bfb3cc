// Package organizations is `latch iam organizations`: the root groups of
// the organization tree.
package organizations

import (
	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/iam/organizations/create"
	"latch.dev/latch/internal/cli/cmd/iam/organizations/delete"
	"latch.dev/latch/internal/cli/cmd/iam/organizations/describe"
	"latch.dev/latch/internal/cli/cmd/iam/organizations/list"
	"latch.dev/latch/internal/cli/cmd/iam/organizations/update"
	"latch.dev/latch/internal/cli/cmdutil"
)

// NewCmdOrganizations returns the organizations command group.
func NewCmdOrganizations(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.GroupCommand(&cobra.Command{
		Use:     "organizations <command>",
		Aliases: []string{"orgs", "org", "organization"},
		Short:   "Manage organizations",
		Long: `Manage organizations, the roots of the organization tree.

An organization's name is usually a domain (example.dev). Folders,
identities, custom roles and role bindings live inside it.`,
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

// Package iam is `latch iam`: organizations, folders, identities, roles
// and role bindings.
package iam

import (
	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/iam/folders"
	"latch.dev/latch/internal/cli/cmd/iam/identities"
	"latch.dev/latch/internal/cli/cmd/iam/organizations"
	"latch.dev/latch/internal/cli/cmd/iam/rolebindings"
	"latch.dev/latch/internal/cli/cmd/iam/roles"
	"latch.dev/latch/internal/cli/cmdutil"
)

// NewCmdIAM returns the iam command group.
func NewCmdIAM(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.GroupCommand(&cobra.Command{
		Use:   "iam <command>",
		Short: "Manage organizations, folders, identities, roles and role bindings",
		Long: `Manage who may do what.

Groups form a tree: organizations at the root, folders below them.
Identities are principals that live in a group; role bindings grant an
identity a role (a set of capabilities) in a group and everything below it.

Wherever a command takes --parent, --identity or --role, a name or an ID
works; an ambiguous name is an error that lists the matching IDs.`,
	})
	cmd.AddCommand(
		organizations.NewCmdOrganizations(f),
		folders.NewCmdFolders(f),
		identities.NewCmdIdentities(f),
		roles.NewCmdRoles(f),
		rolebindings.NewCmdRoleBindings(f),
	)
	return cmd
}

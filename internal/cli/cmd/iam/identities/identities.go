// Package identities is `latch iam identities`: the principals that
// workloads and people act as.
package identities

import (
	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/iam/identities/check"
	"latch.dev/latch/internal/cli/cmd/iam/identities/create"
	"latch.dev/latch/internal/cli/cmd/iam/identities/create/aws"
	"latch.dev/latch/internal/cli/cmd/iam/identities/create/github"
	"latch.dev/latch/internal/cli/cmd/iam/identities/create/gitlab"
	"latch.dev/latch/internal/cli/cmd/iam/identities/delete"
	"latch.dev/latch/internal/cli/cmd/iam/identities/describe"
	"latch.dev/latch/internal/cli/cmd/iam/identities/list"
	"latch.dev/latch/internal/cli/cmd/iam/identities/update"
	"latch.dev/latch/internal/cli/cmdutil"
)

// NewCmdIdentities returns the identities command group.
func NewCmdIdentities(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.GroupCommand(&cobra.Command{
		Use:     "identities <command>",
		Aliases: []string{"identity", "ids", "id"},
		Short:   "Manage identities",
		Long: `Manage identities.

An assumable identity lives in an organization or folder and says which
outside proof may assume it: an AWS role or user (aws_identity), an OIDC
token from a known issuer (claim_match), or an OIDC token checked against
keys stored with the identity (static). People are identities too,
registered at the root when they first log in.`,
	})
	createCmd := create.NewCmdCreate(f, nil)
	createCmd.AddCommand(
		aws.NewCmdAWS(f, nil),
		github.NewCmdGitHub(f, nil),
		gitlab.NewCmdGitLab(f, nil),
	)
	cmd.AddCommand(
		list.NewCmdList(f, nil),
		createCmd,
		describe.NewCmdDescribe(f, nil),
		update.NewCmdUpdate(f, nil),
		check.NewCmdCheck(f, nil),
		delete.NewCmdDelete(f, nil),
	)
	return cmd
}

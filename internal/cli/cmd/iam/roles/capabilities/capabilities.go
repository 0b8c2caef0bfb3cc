// Package capabilities is `latch iam roles capabilities`.
package capabilities

import (
	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/iam/roles/capabilities/list"
	"latch.dev/latch/internal/cli/cmdutil"
)

// NewCmdCapabilities returns the capabilities command group.
func NewCmdCapabilities(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.GroupCommand(&cobra.Command{
		Use:     "capabilities <command>",
		Aliases: []string{"caps", "capability"},
		Short:   "List the capabilities roles can hold",
	})
	cmd.AddCommand(list.NewCmdList(f, nil))
	return cmd
}

// Package events is `latch events`: the audit trail of token exchanges.
package events

import (
	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/events/list"
	"latch.dev/latch/internal/cli/cmdutil"
)

// NewCmdEvents returns the events command group.
func NewCmdEvents(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.GroupCommand(&cobra.Command{
		Use:     "events <command>",
		Aliases: []string{"event"},
		Short:   "Read the audit trail of token exchanges",
		Long: `Read the audit trail: every token exchange, accepted or refused, and
every bootstrap and refresh, with the upstream principal that was verified
and, for a refusal, the reason the caller was given.`,
	})
	cmd.AddCommand(list.NewCmdList(f, nil))
	return cmd
}

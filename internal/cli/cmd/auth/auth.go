// Package auth is `latch auth`: logging in, checking who you are and
// handing tokens to other tools.
package auth

import (
	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/auth/bootstrap"
	"latch.dev/latch/internal/cli/cmd/auth/login"
	"latch.dev/latch/internal/cli/cmd/auth/logout"
	"latch.dev/latch/internal/cli/cmd/auth/status"
	"latch.dev/latch/internal/cli/cmd/auth/token"
	"latch.dev/latch/internal/cli/cmdutil"
)

// NewCmdAuth returns the auth command group.
func NewCmdAuth(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.GroupCommand(&cobra.Command{
		Use:   "auth <command>",
		Short: "Log in to a latch server and manage the session",
		Long: `Log in to a latch server and manage the session.

Credentials are cached per server under $XDG_CACHE_HOME/latch/ (files 0600,
directories 0700) and renewed when they expire, where the login allows.`,
	})
	cmd.AddCommand(
		login.NewCmdLogin(f, nil),
		bootstrap.NewCmdBootstrap(f, nil),
		status.NewCmdStatus(f, nil),
		token.NewCmdToken(f, nil),
		logout.NewCmdLogout(f, nil),
	)
	return cmd
}

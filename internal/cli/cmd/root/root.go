// Package root builds the `latch` command tree.
package root

import (
	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/auth"
	"latch.dev/latch/internal/cli/cmd/completion"
	"latch.dev/latch/internal/cli/cmd/dev"
	"latch.dev/latch/internal/cli/cmd/events"
	"latch.dev/latch/internal/cli/cmd/iam"
	"latch.dev/latch/internal/cli/cmd/server"
	"latch.dev/latch/internal/cli/cmd/version"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
)

// NewCmdRoot returns the root command with every subcommand attached. It
// binds the global flags into f.Flags, which f.Config reads.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.GroupCommand(&cobra.Command{
		Use:   "latch <command> <subcommand> [flags]",
		Short: "Identity federation for workloads and people",
		Long: `latch lets workloads prove who they are with the identity they already
have (an AWS role, a CI or Kubernetes OIDC token) and exchange that proof
for a short-lived latch token for an assumable identity. Role bindings on
an organization tree decide what the identity may do.

The server is chosen with --url or LATCH_URL (default ` + config.DefaultURL + `);
defaults can be kept in $XDG_CONFIG_HOME/latch/config.yaml. Exit codes: 0 ok,
1 error, 2 usage, 4 not logged in or not allowed, 5 not found, 6 conflict.`,
		Example: `  latch auth login --identity-token $TOK --identity $LATCH_IDENTITY
  latch iam organizations ls -o table
  latch iam identities create aws role ec2-app --aws-account-id 123456789012 --aws-role-name app --parent example.dev
  latch iam identities create aws --filename id.json --parent example.dev -o id
  latch events ls --outcome refused --since 1h`,
		Version:       f.Version,
		SilenceErrors: true,
		SilenceUsage:  true,
	})
	cmd.SetVersionTemplate("latch version {{.Version}}\n")
	// Declared here so that cobra does not take -v, which stays free for
	// verbosity.
	cmd.Flags().Bool("version", false, "print latch's version")
	cmd.PersistentFlags().StringVar(&f.Flags.URL, "url", "", "URL of the latch server (env LATCH_URL)")
	cmd.PersistentFlags().StringVar(&f.Flags.ConfigFile, "config", "", "configuration file (env LATCH_CONFIG; default $XDG_CONFIG_HOME/latch/config.yaml)")
	cmd.SetFlagErrorFunc(cmdutil.FlagErrorFunc)
	cmd.AddCommand(
		auth.NewCmdAuth(f),
		iam.NewCmdIAM(f),
		events.NewCmdEvents(f),
		server.NewCmdServer(f),
		dev.NewCmdDev(f),
		version.NewCmdVersion(f, nil),
		completion.NewCmdCompletion(f, nil),
	)
	cmd.CompletionOptions.DisableDefaultCmd = true
	return cmd
}

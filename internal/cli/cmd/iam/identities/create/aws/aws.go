// Package aws is `latch iam identities create aws`: identities that AWS
// principals assume, written from an account and a role or user name
// (`create aws role|user`), or, in the older form, from a file.
package aws

import (
	"context"

	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/iam/identities/shared"
	"latch.dev/latch/internal/cli/cmdutil"
)

// Options are the inputs of `create aws --filename`.
type Options struct {
	shared.CreateOptions

	Filename string
}

// NewCmdAWS returns the command with its role and user subcommands;
// runF, when set, replaces awsRun.
func NewCmdAWS(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{CreateOptions: shared.NewCreateOptions(f)}
	cmd := &cobra.Command{
		Use:   "aws {role|user} NAME … | aws --filename FILE",
		Short: "Create an identity that an AWS role or user may assume",
		Long: `Create an identity that an AWS principal may assume: the sessions of
a role (` + "`create aws role`" + `) or an IAM user (` + "`create aws user`" + `), from its account
and name, with the patterns written for you.

` + "`create aws --filename FILE`" + ` is the older chainctl form, where "aws" stood
in the NAME position: the file describes the identity, its "name" included.`,
		Example: `  latch iam identities create aws role ec2-app --aws-account-id 123456789012 --aws-role-name app --parent example.dev
  latch iam id create aws --filename id.json -oid --parent example.dev`,
		Args: cmdutil.SubcommandsOnly,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Filename == "" {
				return cmdutil.FlagErrorf("use `create aws role` or `create aws user`, or give --filename")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return awsRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Filename, "filename", "f", "", "JSON or YAML `file` describing the identity (- for standard input)")
	opts.AddFlags(cmd)
	cmd.AddCommand(NewCmdRole(f, nil), NewCmdUser(f, nil))
	return cmd
}

func awsRun(ctx context.Context, opts *Options) error {
	return opts.CreateFromFile(ctx, shared.LegacyTypeWord, opts.Filename)
}

// addPartitionFlag registers --aws-partition, which role and user share.
func addPartitionFlag(cmd *cobra.Command, target *string) {
	cmd.Flags().StringVar(target, "aws-partition", "aws", "AWS partition: aws, aws-cn or aws-us-gov")
	_ = cmd.RegisterFlagCompletionFunc("aws-partition", cobra.FixedCompletions([]string{"aws", "aws-cn", "aws-us-gov"}, cobra.ShellCompDirectiveNoFileComp))
}

package aws

import (
	"context"

	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/iam/identities/shared"
	"latch.dev/latch/internal/cli/cmdutil"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// UserOptions are the inputs of `create aws user`.
type UserOptions struct {
	shared.CreateOptions

	Name      string
	Account   string
	UserName  string
	UserPath  string
	UserID    string
	Partition string
}

// NewCmdUser returns the command; runF, when set, replaces userRun.
func NewCmdUser(f *cmdutil.Factory, runF func(context.Context, *UserOptions) error) *cobra.Command {
	opts := &UserOptions{CreateOptions: shared.NewCreateOptions(f)}
	cmd := &cobra.Command{
		Use:   "user NAME --aws-account-id ACCOUNT --aws-user-name USER [--aws-user-id AIDA…] --parent ORG|FOLDER",
		Short: "Create an identity that an AWS IAM user may assume",
		Long: `Create an identity that one AWS IAM user, signing with its access keys,
may assume. The rule it writes is shown:

  ARN      arn:PARTITION:iam::ACCOUNT:user/PATH/USER   (exactly)
  user ID  the user's AIDA… unique ID when --aws-user-id is given,
           else ^AIDA[0-9A-Z]{16,124}$ (any user's)

GetCallerIdentity reports an IAM user's ARN with the user's path, so a
user created under a path (` + "`aws iam get-user --user-name USER`" + ` shows it)
needs --aws-user-path; the default is "/", no path. User names are unique
in an account whatever their path, so the exact ARN names one user.

Pin the user's unique ID with --aws-user-id so that a user deleted and
created again under the same name cannot assume the identity.`,
		Example: `  latch iam identities create aws user ci-bot --aws-account-id 123456789012 --aws-user-name ci-bot \
      --aws-user-id AIDAEXAMPLEEXAMPLE1234 --parent example.dev
  latch iam ids create aws user ops --aws-account-id 123456789012 --aws-user-name ops \
      --aws-user-path /division/ --parent example.dev -o json`,
		Args: cmdutil.ExactArgs(1, "a NAME for the identity is required"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if err := opts.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return userRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Account, "aws-account-id", "", "12-digit AWS account the user belongs to")
	cmd.Flags().StringVar(&opts.UserName, "aws-user-name", "", "name of the IAM user")
	cmd.Flags().StringVar(&opts.UserPath, "aws-user-path", "/", "the user's IAM path, as in /division/team/")
	cmd.Flags().StringVar(&opts.UserID, "aws-user-id", "", "the user's unique ID (AIDA…), to refuse a re-created user of the same name")
	addPartitionFlag(cmd, &opts.Partition)
	opts.AddFlags(cmd)
	return cmd
}

func (o *UserOptions) check() error {
	if o.Account == "" || o.UserName == "" {
		return cmdutil.FlagErrorf("--aws-account-id and --aws-user-name are required")
	}
	if err := checkAccount(o.Account); err != nil {
		return err
	}
	if err := checkName("aws-user-name", "user", o.UserName); err != nil {
		return err
	}
	if err := checkPath(o.UserPath); err != nil {
		return err
	}
	if err := checkUniqueID("aws-user-id", "AIDA", userIDRE, o.UserID); err != nil {
		return err
	}
	return checkPartition(o.Partition)
}

func userRun(ctx context.Context, opts *UserOptions) error {
	return opts.Create(ctx, &iamv1.Identity{
		Name:         opts.Name,
		Relationship: &iamv1.Identity_AwsIdentity{AwsIdentity: userRule(opts.Partition, opts.Account, opts.UserPath, opts.UserName, opts.UserID)},
	})
}

package aws

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/iam/identities/shared"
	"latch.dev/latch/internal/cli/cmdutil"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// RoleOptions are the inputs of `create aws role`.
type RoleOptions struct {
	shared.CreateOptions

	Name      string
	Account   string
	RoleName  string
	RoleID    string
	Partition string
}

// NewCmdRole returns the command; runF, when set, replaces roleRun.
func NewCmdRole(f *cmdutil.Factory, runF func(context.Context, *RoleOptions) error) *cobra.Command {
	opts := &RoleOptions{CreateOptions: shared.NewCreateOptions(f)}
	cmd := &cobra.Command{
		Use:   "role NAME --aws-account-id ACCOUNT --aws-role-name ROLE [--aws-role-id AROA…] --parent ORG|FOLDER",
		Short: "Create an identity that an AWS role's sessions may assume",
		Long: `Create an identity that every session of one AWS IAM role may assume: an
EC2 instance, an ECS task, a Lambda function or anyone else running as the
role. The rule it writes is shown, and is fully anchored:

  ARN      ^arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/[^/]+$
  user ID  ^AROA…:.+$   (the role's unique ID when --aws-role-id is given,
                         else any role's)

so a same-named role in another account, a role whose name merely starts
the same (app-admin for app), and an IAM user named like the role are all
refused. The role's path is not part of its sessions' ARNs and plays no
part. The name is matched as AWS spells it, case included.

Pin the role's unique ID with --aws-role-id (` + "`aws iam get-role --role-name ROLE --query Role.RoleId`" + `)
so that a role deleted and created again under the same name cannot
assume the identity. ` + "`latch iam identities check`" + ` shows what a principal would meet.`,
		Example: `  latch iam identities create aws role ec2-app --aws-account-id 123456789012 \
      --aws-role-name AmazonSSMRoleForInstancesQuickSetup --parent example.dev
  latch iam ids create aws role deployer --aws-account-id 123456789012 --aws-role-name deploy \
      --aws-role-id AROAEXAMPLEEXAMPLE1234 --parent example.dev --role viewer -o id`,
		Args: cmdutil.ExactArgs(1, "a NAME for the identity is required"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if err := opts.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return roleRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Account, "aws-account-id", "", "12-digit AWS account the role belongs to")
	cmd.Flags().StringVar(&opts.RoleName, "aws-role-name", "", "name of the IAM role, without its path")
	cmd.Flags().StringVar(&opts.RoleID, "aws-role-id", "", "the role's unique ID (AROA…), to refuse a re-created role of the same name")
	addPartitionFlag(cmd, &opts.Partition)
	opts.AddFlags(cmd)
	return cmd
}

func (o *RoleOptions) check() error {
	if o.Account == "" || o.RoleName == "" {
		return cmdutil.FlagErrorf("--aws-account-id and --aws-role-name are required")
	}
	if err := checkAccount(o.Account); err != nil {
		return err
	}
	if err := checkName("aws-role-name", "role", o.RoleName); err != nil {
		return err
	}
	if err := checkUniqueID("aws-role-id", "AROA", roleIDRE, o.RoleID); err != nil {
		return err
	}
	return checkPartition(o.Partition)
}

func roleRun(ctx context.Context, opts *RoleOptions) error {
	id := &iamv1.Identity{
		Name:         opts.Name,
		Relationship: &iamv1.Identity_AwsIdentity{AwsIdentity: roleRule(opts.Partition, opts.Account, opts.RoleName, opts.RoleID)},
	}
	if err := opts.Create(ctx, id); err != nil {
		return err
	}
	if opts.RoleID == "" && opts.IO.IsStdoutTTY() {
		fmt.Fprintf(opts.IO.ErrOut, "\nTip: any role named %[1]s in the account may assume %[2]s, also one deleted and created again.\n"+
			"Pin this one with `latch iam identities update %[2]s --aws-user-id-pattern '^ROLE_ID:.+$'`,\n"+
			"its ROLE_ID from `aws iam get-role --role-name %[1]s --query Role.RoleId`.\n", opts.RoleName, opts.Name)
	}
	return nil
}

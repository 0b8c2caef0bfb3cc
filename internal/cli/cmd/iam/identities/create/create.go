// Package create is `latch iam identities create NAME`: an identity from
// a file, or an OIDC identity (claim_match or static) from flags. The
// forms for AWS, GitHub and GitLab are its subcommands, in packages of
// their own.
package create

import (
	"context"

	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/iam/identities/shared"
	"latch.dev/latch/internal/cli/cmdutil"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// Options are the inputs of create.
type Options struct {
	shared.CreateOptions

	// Name is the NAME argument; a file's own name, when it has one, wins.
	Name     string
	Filename string
	Rule     shared.OIDCRule
}

// NewCmdCreate returns the command; runF, when set, replaces createRun.
// The aws, github and gitlab forms are added as subcommands by the caller.
func NewCmdCreate(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{CreateOptions: shared.NewCreateOptions(f)}
	cmd := &cobra.Command{
		Use:   "create NAME {--filename FILE | --identity-issuer[-pattern] ISS --subject[-pattern] SUB [--issuer-keys FILE]}",
		Short: "Create an identity",
		Long: `Create an identity: the rule that says which outside proof may assume it.

Give the rule in one of these ways:

  create aws role|user NAME …      an AWS role's sessions or an IAM user
  create github NAME …             a GitHub Actions workflow
  create gitlab NAME …             a GitLab CI job
  create NAME --identity-issuer[-pattern] … --subject[-pattern] …
                                   any OIDC issuer latch can reach
                                   (claim_match); --audience[-pattern],
                                   --claim and --claim-pattern add rules
  create NAME --identity-issuer … --issuer-keys FILE --subject …
                                   an issuer latch cannot reach, with its
                                   keys (static; expires within 30 days)
  create [NAME] --filename FILE    a JSON or YAML file ("-": stdin)

A file may use either protobuf JSON field style, so files written for
chainctl load unchanged:

  {
    "name": "aws-ec2-identity",
    "awsIdentity": {
      "aws_account": "123456789012",
      "arnPattern": "^arn:aws:sts::123456789012:assumed-role/MyRole/[^/]+$",
      "userIdPattern": "^AROAEXAMPLE:.+$"
    }
  }

The file's "name" wins over NAME. This keeps the older chainctl form
working, where "aws" stands in the NAME position: ` + "`create aws --filename id.json`" + `
creates the identity the file names.

Patterns are RE2 and always match the whole value. --role binds the new
identity to roles in --parent straight away.`,
		Example: `  latch iam identities create aws --filename id.json --parent example.dev -o id
  latch iam ids create aws role deployer --aws-account-id 123456789012 --aws-role-name deploy --parent example.dev
  latch iam ids create ci --identity-issuer https://token.actions.githubusercontent.com \
      --subject-pattern '^repo:example/app:.+$' --parent example.dev --role viewer
  latch iam ids create kind-cluster --identity-issuer https://kubernetes.default.svc \
      --issuer-keys jwks.json --subject system:serviceaccount:default:app --parent example.dev`,
		Args: cmdutil.MaximumArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Name = args[0]
			}
			if err := opts.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Filename, "filename", "f", "", "JSON or YAML `file` describing the identity (- for standard input)")
	opts.Rule.AddFlags(cmd.Flags())
	opts.AddFlags(cmd)
	return cmd
}

// check decides which form was meant and whether it is complete.
func (o *Options) check() error {
	if o.Filename != "" {
		if o.Rule.Given() {
			return cmdutil.FlagErrorf("--filename describes the whole identity; leave out the rule flags (--identity-issuer, --subject, …)")
		}
		return nil
	}
	if !o.Rule.Given() {
		return cmdutil.FlagErrorf("say who may assume the identity: --identity-issuer and --subject, or --filename; " +
			"for AWS, GitHub or GitLab use `create aws role|user`, `create github` or `create gitlab`")
	}
	if o.Name == "" {
		return cmdutil.FlagErrorf("a NAME for the identity is required")
	}
	if err := o.Rule.Check(); err != nil {
		return err
	}
	r := &o.Rule
	switch {
	case !r.Issuer.Given && !r.IssuerPattern.Given:
		return cmdutil.FlagErrorf("--identity-issuer or --identity-issuer-pattern is required")
	case !r.Subject.Given && !r.SubjectPattern.Given:
		return cmdutil.FlagErrorf("--subject or --subject-pattern is required")
	case r.IsStatic() && !r.IssuerKeys.Given:
		return cmdutil.FlagErrorf("--expiration is for static identities, which also need --issuer-keys")
	}
	return nil
}

func createRun(ctx context.Context, opts *Options) error {
	if opts.Filename != "" {
		return opts.CreateFromFile(ctx, opts.Name, opts.Filename)
	}
	id := &iamv1.Identity{Name: opts.Name}
	if opts.Rule.IsStatic() {
		st := &iamv1.StaticKeys{}
		if err := opts.Rule.ApplyStatic(st, opts.IO.In); err != nil {
			return err
		}
		id.Relationship = &iamv1.Identity_Static{Static: st}
	} else {
		cm := &iamv1.ClaimMatch{}
		if err := opts.Rule.ApplyClaimMatch(cm); err != nil {
			return err
		}
		id.Relationship = &iamv1.Identity_ClaimMatch{ClaimMatch: cm}
	}
	return opts.Create(ctx, id)
}

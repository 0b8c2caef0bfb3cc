// Package update is `latch iam identities update`.
package update

import (
	"context"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	"latch.dev/latch/internal/cli/cmd/iam/identities/shared"
	"latch.dev/latch/internal/cli/cmd/iam/views"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/output"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/errs"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// Options are the inputs of update.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	API    func() (*client.API, error)

	Ref         string
	Parent      string
	Name        cmdutil.OptionalString
	Description cmdutil.OptionalString
	// Filename replaces the whole rule (and the name and description the
	// file gives, unless the flags do).
	Filename string
	OIDC     shared.OIDCRule
	AWS      shared.AWSRule
	Format   output.Format
}

// NewCmdUpdate returns the command; runF, when set, replaces updateRun.
func NewCmdUpdate(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, API: f.API}
	cmd := &cobra.Command{
		Use:   "update NAME|ID [--parent ORG|FOLDER] [--name NEW] [--description TEXT] [rule flags | --filename FILE]",
		Short: "Change an identity's name, description or rule",
		Long: `Change an identity. Only what you name changes; an empty value
(--description "") clears a field.

The rule's fields change with the flags create uses for them:
  aws_identity   --aws-account-id, --aws-arn or --aws-arn-pattern,
                 --aws-user-id or --aws-user-id-pattern
  claim_match    --identity-issuer[-pattern], --subject[-pattern],
                 --audience[-pattern], --claim, --claim-pattern (these two
                 replace the whole list)
  static         --identity-issuer, --subject, --audience, --issuer-keys,
                 --expiration
Giving one form of a field (--subject) replaces the other (a subject
pattern). --filename replaces the whole rule with a file's, which may also
change the identity's kind; ` + "`describe -o json`" + ` writes such a file.

Tokens already issued stay valid until they expire; the new rule applies
to the next exchange.`,
		Example: `  latch iam identities update ec2-app --description "EC2 instances of the app"
  latch iam ids update deployer --aws-user-id-pattern '^AROAEXAMPLEEXAMPLE1234:.+$'
  latch iam ids update ci --subject-pattern '^repo:example/app:ref:refs/heads/(main|release)$'
  latch iam ids describe ci -o json > ci.json && $EDITOR ci.json && latch iam ids update ci --filename ci.json`,
		Args: cmdutil.ExactArgs(1, "an identity name or ID is required"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			if err := opts.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return updateRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Parent, "parent", "", "organization or folder (name or ID) to look the name up in")
	cmd.Flags().Var(&opts.Name, "name", "the identity's new name")
	cmd.Flags().VarP(&opts.Description, "description", "d", "the identity's new description")
	cmd.Flags().StringVarP(&opts.Filename, "filename", "f", "", "JSON or YAML `file` with the new rule (- for standard input)")
	opts.OIDC.AddFlags(cmd.Flags())
	opts.AWS.AddFlags(cmd.Flags())
	output.AddFlag(cmd, &opts.Format)
	return cmd
}

func (o *Options) check() error {
	rule := o.OIDC.Given() || o.AWS.Given()
	switch {
	case !rule && o.Filename == "" && !o.Name.Given && !o.Description.Given:
		return cmdutil.FlagErrorf("nothing to change: give --name, --description, rule flags or --filename")
	case rule && o.Filename != "":
		return cmdutil.FlagErrorf("--filename replaces the whole rule; leave out the rule flags")
	case o.OIDC.Given() && o.AWS.Given():
		return cmdutil.FlagErrorf("the --aws-… flags change AWS identities and the others OIDC ones; an identity is one or the other")
	}
	if err := o.AWS.Check(); err != nil {
		return err
	}
	return o.OIDC.Check()
}

func updateRun(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	api, err := opts.API()
	if err != nil {
		return err
	}
	cur, err := api.Identity(ctx, opts.Ref, opts.Parent)
	if err != nil {
		return err
	}
	upd := proto.Clone(cur).(*iamv1.Identity)
	if err := opts.apply(upd); err != nil {
		return err
	}
	resp, err := api.Identities.Update(ctx, connect.NewRequest(upd))
	if err != nil {
		return err
	}
	return output.Object(output.NewPrinter(opts.IO, opts.Format, cfg.Output, nil), views.Identity(nil), resp.Msg)
}

// apply makes the requested changes to id.
func (o *Options) apply(id *iamv1.Identity) error {
	if o.Filename != "" {
		file, err := shared.ReadFile(o.Filename, o.IO.In)
		if err != nil {
			return err
		}
		if file.GetRelationship() == nil {
			return cmdutil.FlagErrorf("%s has no rule (aws_identity, claim_match or static)", o.Filename)
		}
		id.Relationship = file.Relationship
		if file.GetName() != "" {
			id.Name = file.GetName()
		}
		if file.GetDescription() != "" {
			id.Description = file.GetDescription()
		}
	}
	if o.Name.Given {
		id.Name = o.Name.Value
	}
	if o.Description.Given {
		id.Description = o.Description.Value
	}
	kind := views.IdentityType(id)
	switch {
	case o.AWS.Given():
		if id.GetAwsIdentity() == nil {
			return wrongKind(id, kind, "the --aws-… flags change aws identities")
		}
		o.AWS.Apply(id.GetAwsIdentity())
	case o.OIDC.Given() && id.GetClaimMatch() != nil:
		if o.OIDC.IsStatic() {
			return wrongKind(id, kind, "--issuer-keys and --expiration change static identities")
		}
		return o.OIDC.ApplyClaimMatch(id.GetClaimMatch())
	case o.OIDC.Given() && id.GetStatic() != nil:
		if err := o.OIDC.CheckStatic(); err != nil {
			return errs.New(errs.Invalid, "%s: %v", id.GetName(), err)
		}
		return o.OIDC.ApplyStatic(id.GetStatic(), o.IO.In)
	case o.OIDC.Given():
		return wrongKind(id, kind, "the OIDC rule flags change claim_match and static identities")
	}
	return nil
}

// wrongKind reports rule flags that do not fit the identity's kind,
// which is known only once the identity is read.
func wrongKind(id *iamv1.Identity, kind, what string) error {
	return cmdutil.WithHint(errs.New(errs.Invalid, "%s has a rule of type %s, and %s", id.GetName(), kind, what),
		"To change the kind of rule, give the whole new rule with --filename.")
}

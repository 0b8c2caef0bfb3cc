// Package list is `latch iam identities list`.
package list

import (
	"context"

	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/iam/views"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/output"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/errs"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// Options are the inputs of list.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	API    func() (*client.API, error)

	Parent string
	Name   string
	Type   string
	Format output.Format
}

// NewCmdList returns the command; runF, when set, replaces listRun.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, API: f.API}
	cmd := &cobra.Command{
		Use:     "list [--parent ORG|FOLDER]",
		Aliases: []string{"ls"},
		Short:   "List identities",
		Long: `List the identities below --parent (default: the config's
default.parent), or every identity you can see. The ROLES column shows each
identity's role bindings as "group: role".`,
		Example: `  latch iam identities list -o table
  latch iam ids ls --parent example.dev --type aws
  latch iam ids ls --name aws-ec2-identity -o id`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Type != "" && !validType(opts.Type) {
				return cmdutil.FlagErrorf("--type must be one of aws, claim_match, static or user, not %q", opts.Type)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Parent, "parent", "", "organization or folder (name or ID) to list below")
	cmd.Flags().StringVar(&opts.Name, "name", "", "only identities with this name")
	cmd.Flags().StringVar(&opts.Type, "type", "", "only identities of this type: aws, claim_match, static or user")
	output.AddFlag(cmd, &opts.Format)
	return cmd
}

func listRun(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	api, err := opts.API()
	if err != nil {
		return err
	}
	f := &iamv1.IdentityFilter{Name: opts.Name, Kind: opts.Type}
	parent := cmdutil.Parent(opts.Parent, cfg)
	if parent != "" {
		id, err := api.GroupID(ctx, parent)
		if err != nil {
			return err
		}
		f.Uidp = &iamv1.UIDPFilter{DescendantsOf: id}
	}
	ids, err := api.ListIdentities(ctx, f)
	if err != nil {
		return err
	}
	p := output.NewPrinter(opts.IO, opts.Format, cfg.Output, nil)
	var roles map[string][]string
	if p.Tabular() && len(ids) > 0 {
		if roles, err = rolesOf(ctx, api); err != nil {
			return err
		}
	}
	return output.List(p, views.Identity(roles), ids)
}

// rolesOf reads the bindings for the ROLES column. Someone who may list
// identities but not role bindings still gets the listing, without roles.
func rolesOf(ctx context.Context, api *client.API) (map[string][]string, error) {
	bindings, err := api.ListRoleBindings(ctx, &iamv1.RoleBindingFilter{})
	if errs.Is(err, errs.PermissionDenied) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return views.RolesByIdentity(bindings), nil
}

// validType reports whether --type names a kind the API's
// IdentityFilter.kind knows.
func validType(s string) bool {
	switch s {
	case "aws", "claim_match", "static", "user":
		return true
	}
	return false
}

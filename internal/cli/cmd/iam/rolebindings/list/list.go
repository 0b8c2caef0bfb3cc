// Package list is `latch iam role-bindings list`.
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

	Parent    string
	Recursive bool
	Identity  string
	Role      string
	Format    output.Format
}

// NewCmdList returns the command; runF, when set, replaces listRun.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, API: f.API}
	cmd := &cobra.Command{
		Use:     "list [--parent ORG|FOLDER [--recursive]]",
		Aliases: []string{"ls"},
		Short:   "List role bindings",
		Long: `List role bindings: those made in --parent (default: the config's
default.parent), with --recursive also those below it, or every binding
you can see. -o tree shows them under the groups they apply to.`,
		Example: `  latch iam role-bindings ls --parent example.dev --recursive
  latch iam role-bindings ls --identity aws-ec2-identity
  latch iam role-bindings ls -o tree`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Parent, "parent", "", "organization or folder (name or ID) whose bindings to list")
	cmd.Flags().BoolVarP(&opts.Recursive, "recursive", "r", false, "include bindings in the folders below --parent")
	cmd.Flags().StringVar(&opts.Identity, "identity", "", "only bindings of this identity (name or ID)")
	cmd.Flags().StringVar(&opts.Role, "role", "", "only bindings of this role (name or ID)")
	output.AddFlag(cmd, &opts.Format, output.Tree)
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
	parent := cmdutil.Parent(opts.Parent, cfg)
	f := &iamv1.RoleBindingFilter{}
	var parentID string
	if parent != "" {
		if parentID, err = api.GroupID(ctx, parent); err != nil {
			return err
		}
		if opts.Recursive {
			f.Uidp = &iamv1.UIDPFilter{DescendantsOf: parentID}
		} else {
			f.Uidp = &iamv1.UIDPFilter{ChildrenOf: parentID}
		}
	}
	if opts.Identity != "" {
		id, err := api.Identity(ctx, opts.Identity, "")
		if err != nil {
			return err
		}
		f.Identity = id.GetId()
	}
	if opts.Role != "" {
		role, err := api.Role(ctx, opts.Role, parent)
		if err != nil {
			return err
		}
		f.Role = role.GetId()
	}
	bindings, err := api.ListRoleBindings(ctx, f)
	if err != nil {
		return err
	}
	p := output.NewPrinter(opts.IO, opts.Format, cfg.Output, nil)
	if p.Format() == output.Tree {
		groups, err := groupsFor(ctx, api, parentID)
		if err != nil {
			return err
		}
		return p.PrintTree(views.RoleBindingTree(groups, bindings))
	}
	return output.List(p, views.RoleBinding(), bindings)
}

// groupsFor lists the groups the tree hangs from. Without permission to
// list groups the tree is built from the bindings' own groups.
func groupsFor(ctx context.Context, api *client.API, parentID string) ([]*iamv1.Group, error) {
	f := &iamv1.GroupFilter{}
	if parentID != "" {
		f.Uidp = &iamv1.UIDPFilter{DescendantsOf: parentID}
	}
	groups, err := api.ListGroups(ctx, f)
	if errs.Is(err, errs.PermissionDenied) {
		return nil, nil
	}
	return groups, err
}

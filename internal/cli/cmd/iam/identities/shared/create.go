package shared

import (
	"context"
	"fmt"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/iam/views"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/output"
	"latch.dev/latch/internal/client"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// CreateOptions are the inputs every form of `identities create` shares:
// where the identity goes, what it is for, the roles it gets there, and
// how it is printed.
type CreateOptions struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	API    func() (*client.API, error)

	Parent      string
	Description string
	Roles       []string
	Format      output.Format
}

// NewCreateOptions returns CreateOptions with f's dependencies.
func NewCreateOptions(f *cmdutil.Factory) CreateOptions {
	return CreateOptions{IO: f.IOStreams, Config: f.Config, API: f.API}
}

// AddFlags registers --parent, --description, --role and -o on cmd.
func (o *CreateOptions) AddFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.Parent, "parent", "", "organization or folder (name or ID) to create the identity in (asked on a terminal when neither this nor default.parent is set)")
	cmd.Flags().StringVarP(&o.Description, "description", "d", "", "what the identity is for")
	cmd.Flags().StringSliceVar(&o.Roles, "role", nil, "roles (names or IDs) to bind the identity to in --parent (comma-separated or repeated)")
	output.AddFlag(cmd, &o.Format)
}

// Create creates id in the parent group, binds it to the --role roles
// there, and prints it; --description, when given, replaces the one id
// carries.
func (o *CreateOptions) Create(ctx context.Context, id *iamv1.Identity) error {
	cfg, err := o.Config()
	if err != nil {
		return err
	}
	parent, err := cmdutil.ChooseParent(ctx, o.IO, o.API, o.Parent, cfg)
	if err != nil {
		return err
	}
	if o.Description != "" {
		id.Description = o.Description
	}
	api, err := o.API()
	if err != nil {
		return err
	}
	resp, err := api.Identities.Create(ctx, connect.NewRequest(&iamv1.CreateIdentityRequest{ParentId: parent, Identity: id}))
	if err != nil {
		return err
	}
	created := resp.Msg
	for _, role := range o.Roles {
		_, err := api.RoleBindings.Create(ctx, connect.NewRequest(&iamv1.CreateRoleBindingRequest{
			Parent:      parent,
			RoleBinding: &iamv1.RoleBinding{Identity: created.GetId(), Role: role},
		}))
		if err != nil {
			return cmdutil.WithHint(fmt.Errorf("identity %s [%s] was created, but granting it role %s failed: %w", created.GetName(), created.GetId(), role, err),
				"Grant the role with `latch iam role-bindings create --identity %s --role %s --parent %s`, or delete the identity.", created.GetId(), role, parent)
		}
	}
	p := output.NewPrinter(o.IO, o.Format, cfg.Output, nil)
	var roles map[string][]string
	if len(o.Roles) > 0 && p.Tabular() {
		// Only for the ROLES line; the bindings were made either way.
		if bindings, err := api.ListRoleBindings(ctx, &iamv1.RoleBindingFilter{Identity: created.GetId()}); err == nil {
			roles = views.RolesByIdentity(bindings)
		}
	}
	return output.Object(p, views.Identity(roles), created)
}

// CreateFromFile creates the identity that file describes ("-": standard
// input). arg is the NAME argument, "" when none was given.
func (o *CreateOptions) CreateFromFile(ctx context.Context, arg, file string) error {
	id, err := ReadFile(file, o.IO.In)
	if err != nil {
		return err
	}
	name, ignored := chooseName(arg, id.GetName())
	if name == "" {
		return cmdutil.FlagErrorf("the identity needs a name: give NAME or set \"name\" in %s", file)
	}
	if ignored {
		fmt.Fprintf(o.IO.ErrOut, "Using the name %q from %s; the NAME argument %q is ignored.\n", name, file, arg)
	}
	id.Name = name
	return o.Create(ctx, id)
}

// LegacyTypeWord is what old chainctl examples put in the NAME position:
// `chainctl iam id create aws --filename id.json`.
const LegacyTypeWord = "aws"

// chooseName applies the naming rule: the file's name wins over the NAME
// argument. ignored reports an argument that was given, differs, and is
// not the legacy "aws" type word, so that the user hears about it.
func chooseName(arg, fromFile string) (name string, ignored bool) {
	if fromFile == "" {
		return arg, false
	}
	return fromFile, arg != "" && arg != fromFile && arg != LegacyTypeWord
}

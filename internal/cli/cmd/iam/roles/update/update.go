// Package update is `latch iam roles update`.
package update

import (
	"context"
	"slices"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	"latch.dev/latch/internal/cli/cmd/iam/views"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/output"
	"latch.dev/latch/internal/client"
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
	// Capabilities replaces the role's capabilities; Add and Remove edit
	// them.
	Capabilities []string
	Add          []string
	Remove       []string
	Format       output.Format
}

// NewCmdUpdate returns the command; runF, when set, replaces updateRun.
func NewCmdUpdate(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, API: f.API}
	cmd := &cobra.Command{
		Use:   "update NAME|ID [--parent ORG|FOLDER] [--name NEW] [--description TEXT] [--capabilities CAP,… | --add-capabilities CAP,… --remove-capabilities CAP,…]",
		Short: "Change a custom role",
		Long: `Change a custom role's name, description or capabilities. Built-in roles
cannot change. The change applies at once to every identity bound to the
role, also for tokens already issued: the server checks bindings on every
call.

--capabilities replaces the whole set; --add-capabilities and
--remove-capabilities edit it. You can only give a role capabilities you
hold yourself where the role is defined.`,
		Example: `  latch iam roles update auditor --parent example.dev --add-capabilities role_bindings.list
  latch iam roles update auditor --parent example.dev --capabilities groups.list,identity.list --description "Reads IAM"`,
		Args: cmdutil.ExactArgs(1, "a role name or ID is required"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			caps := len(opts.Capabilities) > 0
			switch {
			case caps && (len(opts.Add) > 0 || len(opts.Remove) > 0):
				return cmdutil.FlagErrorf("--capabilities replaces the whole set; it does not go with --add-capabilities or --remove-capabilities")
			case !caps && len(opts.Add) == 0 && len(opts.Remove) == 0 && !opts.Name.Given && !opts.Description.Given:
				return cmdutil.FlagErrorf("nothing to change: give --name, --description or capabilities")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return updateRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Parent, "parent", "", "organization or folder (name or ID) where the role name is looked up")
	cmd.Flags().Var(&opts.Name, "name", "the role's new name")
	cmd.Flags().VarP(&opts.Description, "description", "d", "the role's new description")
	cmd.Flags().StringSliceVar(&opts.Capabilities, "capabilities", nil, "the role's capabilities, replacing the current ones (comma-separated or repeated)")
	cmd.Flags().StringSliceVar(&opts.Add, "add-capabilities", nil, "capabilities to add")
	cmd.Flags().StringSliceVar(&opts.Remove, "remove-capabilities", nil, "capabilities to remove")
	output.AddFlag(cmd, &opts.Format)
	return cmd
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
	role, err := api.Role(ctx, opts.Ref, opts.Parent)
	if err != nil {
		return err
	}
	upd := proto.Clone(role).(*iamv1.Role)
	if opts.Name.Given {
		upd.Name = opts.Name.Value
	}
	if opts.Description.Given {
		upd.Description = opts.Description.Value
	}
	upd.Capabilities = editCapabilities(role.GetCapabilities(), opts.Capabilities, opts.Add, opts.Remove)
	resp, err := api.Roles.Update(ctx, connect.NewRequest(upd))
	if err != nil {
		return err
	}
	return output.Object(output.NewPrinter(opts.IO, opts.Format, cfg.Output, nil), views.Role(), resp.Msg)
}

// editCapabilities returns the new set: replace when given, else cur
// with add added and remove removed, sorted and without repeats.
func editCapabilities(cur, replace, add, remove []string) []string {
	out := slices.Clone(cur)
	if len(replace) > 0 {
		out = slices.Clone(replace)
	}
	out = append(out, add...)
	out = slices.DeleteFunc(out, func(c string) bool { return slices.Contains(remove, c) })
	slices.Sort(out)
	return slices.Compact(out)
}

// Package create is `latch iam identities create`.
package create

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

// Options are the inputs of create.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	API    func() (*client.API, error)

	// Name is the NAME argument; the file's name, when it has one, wins.
	Name        string
	Filename    string
	Parent      string
	Description string
	Format      output.Format
}

// NewCmdCreate returns the command; runF, when set, replaces createRun.
func NewCmdCreate(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, API: f.API}
	cmd := &cobra.Command{
		Use:   "create [NAME] --filename FILE --parent ORG|FOLDER",
		Short: "Create an identity from a JSON or YAML file",
		Long: `Create an identity described by a JSON or YAML file ("-" reads standard
input). Fields may be written in either protobuf JSON style, so files
written for chainctl load unchanged:

  {
    "name": "aws-ec2-identity",
    "awsIdentity": {
      "aws_account": "123456789012",
      "arnPattern": "^arn:aws:sts::123456789012:assumed-role/MyRole/(.+)$",
      "userIdPattern": "^AROAEXAMPLE:(.+)$"
    }
  }

The identity is named by the file's "name" when it has one; NAME is used
only when it does not. This keeps the older chainctl form working, where
"aws" stands in the NAME position: ` + "`create aws --filename id.json`" + ` creates
the identity the file names. A NAME that differs from the file's is
reported and ignored.

Patterns are RE2 and always match the whole value.`,
		Example: `  latch iam identities create aws --filename id.json --parent example.dev -o id
  latch iam ids create ci-deployer --filename ci.yaml --parent prod`,
		Args: cmdutil.MaximumArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Name = args[0]
			}
			if opts.Filename == "" {
				return cmdutil.FlagErrorf("--filename is required")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Filename, "filename", "f", "", "JSON or YAML `file` describing the identity (- for standard input)")
	cmd.Flags().StringVar(&opts.Parent, "parent", "", "organization or folder (name or ID) to create the identity in")
	cmd.Flags().StringVarP(&opts.Description, "description", "d", "", "what the identity is for (overrides the file's)")
	output.AddFlag(cmd, &opts.Format)
	return cmd
}

func createRun(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	parent := opts.Parent
	if parent == "" {
		parent = cfg.DefaultParent
	}
	if parent == "" {
		return cmdutil.FlagErrorf("--parent is required (or set default.parent in the config file)")
	}
	id, err := readIdentity(opts.Filename, opts.IO.In)
	if err != nil {
		return err
	}
	name, ignored := chooseName(opts.Name, id.GetName())
	if name == "" {
		return cmdutil.FlagErrorf("the identity needs a name: give NAME or set \"name\" in %s", opts.Filename)
	}
	if ignored {
		fmt.Fprintf(opts.IO.ErrOut, "Using the name %q from %s; the NAME argument %q is ignored.\n", name, opts.Filename, opts.Name)
	}
	id.Name = name
	if opts.Description != "" {
		id.Description = opts.Description
	}
	api, err := opts.API()
	if err != nil {
		return err
	}
	resp, err := api.Identities.Create(ctx, connect.NewRequest(&iamv1.CreateIdentityRequest{ParentId: parent, Identity: id}))
	if err != nil {
		return err
	}
	return output.Object(output.NewPrinter(opts.IO, opts.Format, cfg.Output, nil), views.Identity(nil), resp.Msg)
}

// legacyTypeWord is what old chainctl examples put in the NAME position.
const legacyTypeWord = "aws"

// chooseName applies the naming rule: the file's name wins over the NAME
// argument. ignored reports an argument that was given, differs, and is
// not the legacy "aws" type word, so that the user hears about it.
func chooseName(arg, fromFile string) (name string, ignored bool) {
	if fromFile == "" {
		return arg, false
	}
	return fromFile, arg != "" && arg != fromFile && arg != legacyTypeWord
}

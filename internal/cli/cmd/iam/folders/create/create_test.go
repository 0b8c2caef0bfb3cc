package create

import (
	"context"
	"errors"
	"testing"

	"latch.dev/latch/internal/cli/clitest"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/output"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

const prodID = "45a0c0000000000000000000000000000000ee95/0000000000000001"

func TestNewCmdCreate(t *testing.T) {
	var got *Options
	cmd := NewCmdCreate(&cmdutil.Factory{}, func(_ context.Context, o *Options) error { got = o; return nil })
	if err := clitest.ParseArgs(t, cmd, "prod --parent acme.dev -d production -oid"); err != nil {
		t.Fatal(err)
	}
	if got.Name != "prod" || got.Parent != "acme.dev" || got.Description != "production" || got.Format != output.ID {
		t.Errorf("options = %+v", got)
	}
}

func TestCreateRun(t *testing.T) {
	var got *iamv1.CreateGroupRequest
	srv := clienttest.NewServer(t, clienttest.Handlers{Groups: &clienttest.Groups{
		CreateFunc: func(_ context.Context, r *iamv1.CreateGroupRequest) (*iamv1.Group, error) {
			got = r
			return &iamv1.Group{Id: prodID, Name: r.GetGroup().GetName()}, nil
		},
	}})
	run := func(opts Options, cfg config.Config) (string, error) {
		ios, _, out, _ := iostreams.Test()
		opts.IO = ios
		opts.Config = func() (*config.Config, error) { return &cfg, nil }
		opts.API = func() (*client.API, error) { return srv.API, nil }
		err := createRun(t.Context(), &opts)
		return out.String(), err
	}
	out, err := run(Options{Name: "prod", Format: output.ID}, config.Config{DefaultParent: "acme.dev"})
	if err != nil {
		t.Fatal(err)
	}
	if out != prodID+"\n" || got.GetParent() != "acme.dev" || got.GetGroup().GetName() != "prod" {
		t.Errorf("output %q, request %v", out, got)
	}
	_, err = run(Options{Name: "prod"}, config.Config{})
	var fe *cmdutil.FlagError
	if !errors.As(err, &fe) {
		t.Errorf("without a parent: err = %v, want a usage error", err)
	}
}

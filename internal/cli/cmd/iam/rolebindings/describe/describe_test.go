package describe

import (
	"context"
	"testing"

	"latch.dev/latch/internal/cli/clitest"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/output"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	"latch.dev/latch/internal/errs"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

const bindingID = "45a0c0000000000000000000000000000000ee95/a2973bac66ebfde3"

func TestNewCmdDescribe(t *testing.T) {
	var got *Options
	cmd := NewCmdDescribe(&cmdutil.Factory{}, func(_ context.Context, o *Options) error { got = o; return nil })
	if err := clitest.ParseArgs(t, cmd, bindingID+" -o json"); err != nil {
		t.Fatal(err)
	}
	if got.ID != bindingID || got.Format != output.JSON {
		t.Errorf("options = %+v", got)
	}
}

func TestDescribeRun(t *testing.T) {
	srv := clienttest.NewServer(t, clienttest.Handlers{RoleBindings: &clienttest.RoleBindings{
		ListFunc: func(context.Context, *iamv1.RoleBindingFilter) (*iamv1.RoleBindingList, error) {
			return &iamv1.RoleBindingList{}, nil
		},
	}})
	run := func(id string) error {
		ios, _, _, _ := iostreams.Test()
		return describeRun(t.Context(), &Options{
			IO:     ios,
			Config: func() (*config.Config, error) { return &config.Config{}, nil },
			API:    func() (*client.API, error) { return srv.API, nil },
			ID:     id,
		})
	}
	if err := run(bindingID); !errs.Is(err, errs.NotFound) {
		t.Errorf("an unknown binding: err = %v, want not found", err)
	}
	if err := run("viewer"); !errs.Is(err, errs.Invalid) {
		t.Errorf("a name instead of an ID: err = %v, want invalid", err)
	}
}

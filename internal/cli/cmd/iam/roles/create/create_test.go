package create

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"latch.dev/latch/internal/cli/clitest"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/output"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

const auditorID = "45a0c0000000000000000000000000000000ee95/00000000000000a1"

func TestNewCmdCreate(t *testing.T) {
	var got *Options
	cmd := NewCmdCreate(&cmdutil.Factory{}, func(_ context.Context, o *Options) error { got = o; return nil })
	if err := clitest.ParseArgs(t, cmd, "auditor --parent acme.dev --capabilities groups.list,roles.list --capabilities identity.list"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"groups.list", "roles.list", "identity.list"}, got.Capabilities); got.Name != "auditor" || diff != "" {
		t.Errorf("options = %+v; capabilities (-want +got):\n%s", got, diff)
	}
	err := clitest.ParseArgs(t, NewCmdCreate(&cmdutil.Factory{}, nil), "auditor --parent acme.dev")
	var fe *cmdutil.FlagError
	if !errors.As(err, &fe) {
		t.Errorf("without capabilities: err = %v, want a usage error", err)
	}
}

func TestCreateRun(t *testing.T) {
	var got *iamv1.CreateRoleRequest
	srv := clienttest.NewServer(t, clienttest.Handlers{Roles: &clienttest.Roles{
		CreateFunc: func(_ context.Context, r *iamv1.CreateRoleRequest) (*iamv1.Role, error) {
			got = r
			return &iamv1.Role{Id: auditorID, Name: r.GetRole().GetName()}, nil
		},
	}})
	ios, _, out, _ := iostreams.Test()
	err := createRun(t.Context(), &Options{
		IO:     ios,
		Config: func() (*config.Config, error) { return &config.Config{}, nil },
		API:    func() (*client.API, error) { return srv.API, nil },
		Name:   "auditor", Parent: "acme.dev", Capabilities: []string{"groups.list"}, Format: output.ID,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &iamv1.CreateRoleRequest{ParentId: "acme.dev", Role: &iamv1.Role{Name: "auditor", Capabilities: []string{"groups.list"}}}
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
	if out.String() != auditorID+"\n" {
		t.Errorf("output = %q", out.String())
	}
}

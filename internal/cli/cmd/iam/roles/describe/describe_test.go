package describe

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"latch.dev/latch/internal/cli/clitest"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

const viewerID = "63921b2c44617e3f2603851537be0123af4a57d7"

func TestNewCmdDescribe(t *testing.T) {
	var got *Options
	cmd := NewCmdDescribe(&cmdutil.Factory{}, func(_ context.Context, o *Options) error { got = o; return nil })
	if err := clitest.ParseArgs(t, cmd, "viewer --parent acme.dev"); err != nil {
		t.Fatal(err)
	}
	if got.Ref != "viewer" || got.Parent != "acme.dev" {
		t.Errorf("options = %+v", got)
	}
}

func TestDescribeRun(t *testing.T) {
	var gotFilter *iamv1.RoleFilter
	srv := clienttest.NewServer(t, clienttest.Handlers{Roles: &clienttest.Roles{
		ListFunc: func(_ context.Context, f *iamv1.RoleFilter) (*iamv1.RoleList, error) {
			gotFilter = f
			return &iamv1.RoleList{Items: []*iamv1.Role{{Id: viewerID, Name: "viewer", BuiltIn: true, Capabilities: []string{"groups.list"}}}}, nil
		},
	}})
	ios, _, out, _ := iostreams.Test()
	ios.SetStdoutTTY(true)
	err := describeRun(t.Context(), &Options{
		IO:     ios,
		Config: func() (*config.Config, error) { return &config.Config{}, nil },
		API:    func() (*client.API, error) { return srv.API, nil },
		Ref:    "viewer", Parent: "acme.dev",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "ID:            " + viewerID + "\nNAME:          viewer\nTYPE:          built-in\nCAPABILITIES:  groups.list\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	if gotFilter.GetName() != "viewer" || gotFilter.GetParent() != "acme.dev" {
		t.Errorf("filter = %v", gotFilter)
	}
}

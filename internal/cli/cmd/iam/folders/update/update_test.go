package update

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"latch.dev/latch/internal/cli/clitest"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

const (
	orgID  = "45a0c0000000000000000000000000000000ee95"
	prodID = orgID + "/0000000000000001"
)

func TestNewCmdUpdate(t *testing.T) {
	got, err := clitest.Parse(t, NewCmdUpdate, "prod --parent acme.dev --name production")
	if err != nil {
		t.Fatal(err)
	}
	got.IO = nil
	if diff := cmp.Diff(Options{Ref: "prod", Parent: "acme.dev", Name: cmdutil.Given("production")}, *got); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
	if _, err := clitest.Parse(t, NewCmdUpdate, "prod --parent acme.dev"); !clitest.IsUsageError(err) {
		t.Errorf("nothing to change: err = %v, want a usage error", err)
	}
}

func TestUpdateRun(t *testing.T) {
	var got *iamv1.Group
	var scope string
	srv := clienttest.NewServer(t, clienttest.Handlers{Groups: &clienttest.Groups{
		ListFunc: func(_ context.Context, f *iamv1.GroupFilter) (*iamv1.GroupList, error) {
			if f.GetName() == "acme.dev" {
				return &iamv1.GroupList{Items: []*iamv1.Group{{Id: orgID, Name: "acme.dev"}}}, nil
			}
			scope = f.GetUidp().GetDescendantsOf()
			return &iamv1.GroupList{Items: []*iamv1.Group{{Id: prodID, Name: "prod", Description: "Production"}}}, nil
		},
		UpdateFunc: func(_ context.Context, g *iamv1.Group) (*iamv1.Group, error) {
			got = g
			return g, nil
		},
	}})
	ios, _, out, _ := iostreams.Test()
	opts := &Options{
		IO: ios, Ref: "prod", Parent: "acme.dev", Name: cmdutil.Given("production"),
		Config: func() (*config.Config, error) { return &config.Config{}, nil },
		API:    func() (*client.API, error) { return srv.API, nil },
	}
	if err := updateRun(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	if scope != orgID {
		t.Errorf("the folder name was looked up in %q, want %s", scope, orgID)
	}
	want := &iamv1.Group{Id: prodID, Name: "production", Description: "Production"}
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Errorf("group sent (-want +got):\n%s", diff)
	}
	if out.String() != prodID+"\tproduction\tProduction\n" {
		t.Errorf("output = %q", out.String())
	}
}

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

const (
	orgID   = "45a0c0000000000000000000000000000000ee95"
	otherID = "1111111111111111111111111111111111111111"
)

func TestNewCmdDescribe(t *testing.T) {
	var got *Options
	cmd := NewCmdDescribe(&cmdutil.Factory{}, func(_ context.Context, o *Options) error { got = o; return nil })
	if err := clitest.ParseArgs(t, cmd, "prod --parent acme.dev"); err != nil {
		t.Fatal(err)
	}
	if got.Ref != "prod" || got.Parent != "acme.dev" {
		t.Errorf("options = %+v", got)
	}
}

func TestDescribeRun(t *testing.T) {
	all := []*iamv1.Group{
		{Id: orgID, Name: "acme.dev"},
		{Id: orgID + "/0000000000000001", Name: "prod"},
		{Id: otherID, Name: "other.dev"},
		{Id: otherID + "/0000000000000001", Name: "prod"},
	}
	srv := clienttest.NewServer(t, clienttest.Handlers{Groups: &clienttest.Groups{
		ListFunc: func(_ context.Context, f *iamv1.GroupFilter) (*iamv1.GroupList, error) {
			var out []*iamv1.Group
			for _, g := range all {
				if (f.GetName() == "" || g.Name == f.GetName()) && (f.GetId() == "" || g.Id == f.GetId()) &&
					(f.GetUidp().GetDescendantsOf() == "" || g.Id[:40] == f.GetUidp().GetDescendantsOf()) {
					out = append(out, g)
				}
			}
			return &iamv1.GroupList{Items: out}, nil
		},
	}})
	run := func(ref, parent string) (string, error) {
		ios, _, out, _ := iostreams.Test()
		err := describeRun(t.Context(), &Options{
			IO:     ios,
			Config: func() (*config.Config, error) { return &config.Config{}, nil },
			API:    func() (*client.API, error) { return srv.API, nil },
			Ref:    ref, Parent: parent, Format: output.ID,
		})
		return out.String(), err
	}
	if _, err := run("prod", ""); !errs.Is(err, errs.Invalid) {
		t.Errorf("an ambiguous name: err = %v, want invalid", err)
	}
	if out, err := run("prod", "other.dev"); err != nil || out != otherID+"/0000000000000001\n" {
		t.Errorf("a name within a parent: %q, %v", out, err)
	}
	if _, err := run("acme.dev", ""); !errs.Is(err, errs.NotFound) {
		t.Errorf("an organization is not a folder: err = %v, want not found", err)
	}
}

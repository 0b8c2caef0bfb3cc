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

const orgID = "45a0c0000000000000000000000000000000ee95"

func TestNewCmdDescribe(t *testing.T) {
	var got *Options
	cmd := NewCmdDescribe(&cmdutil.Factory{}, func(_ context.Context, o *Options) error { got = o; return nil })
	if err := clitest.ParseArgs(t, cmd, "acme.dev -o json"); err != nil {
		t.Fatal(err)
	}
	if got.Ref != "acme.dev" || got.Format != output.JSON {
		t.Errorf("options = %+v", got)
	}
	if err := clitest.ParseArgs(t, NewCmdDescribe(&cmdutil.Factory{}, nil), ""); err == nil {
		t.Error("no argument: want a usage error")
	}
}

func TestDescribeRun(t *testing.T) {
	var filters []*iamv1.GroupFilter
	srv := clienttest.NewServer(t, clienttest.Handlers{Groups: &clienttest.Groups{
		ListFunc: func(_ context.Context, f *iamv1.GroupFilter) (*iamv1.GroupList, error) {
			filters = append(filters, f)
			if f.GetName() == "acme.dev" || f.GetId() == orgID {
				return &iamv1.GroupList{Items: []*iamv1.Group{{Id: orgID, Name: "acme.dev"}}}, nil
			}
			return &iamv1.GroupList{}, nil
		},
	}})
	run := func(ref string, format output.Format) (string, error) {
		ios, _, out, _ := iostreams.Test()
		err := describeRun(t.Context(), &Options{
			IO:     ios,
			Config: func() (*config.Config, error) { return &config.Config{}, nil },
			API:    func() (*client.API, error) { return srv.API, nil },
			Ref:    ref, Format: format,
		})
		return out.String(), err
	}

	out, err := run("acme.dev", output.JSON)
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"id\": \"" + orgID + "\",\n  \"name\": \"acme.dev\"\n}\n"; out != want {
		t.Errorf("output = %q, want %q", out, want)
	}
	if f := filters[0]; f.GetName() != "acme.dev" || f.GetUidp().GetChildrenOf() != "/" {
		t.Errorf("a name is looked up among organizations: filter = %v", f)
	}
	if _, err := run(orgID, output.ID); err != nil || filters[1].GetId() != orgID {
		t.Errorf("an ID is looked up by ID: err = %v, filter = %v", err, filters[1])
	}
	if _, err := run("nope.dev", ""); !errs.Is(err, errs.NotFound) {
		t.Errorf("unknown name: err = %v, want not found", err)
	}
}

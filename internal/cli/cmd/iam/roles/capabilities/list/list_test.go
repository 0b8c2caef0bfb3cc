package list

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"latch.dev/latch/internal/cli/clitest"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/output"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

func TestNewCmdList(t *testing.T) {
	var got *Options
	cmd := NewCmdList(&cmdutil.Factory{}, func(_ context.Context, o *Options) error { got = o; return nil })
	if err := clitest.ParseArgs(t, cmd, "-oid"); err != nil {
		t.Fatal(err)
	}
	if got.Format != output.ID {
		t.Errorf("options = %+v", got)
	}
}

func TestListRun(t *testing.T) {
	srv := clienttest.NewServer(t, clienttest.Handlers{Roles: &clienttest.Roles{
		ListCapabilitiesFunc: func(context.Context, *iamv1.ListCapabilitiesRequest) (*iamv1.CapabilityList, error) {
			return &iamv1.CapabilityList{Items: []*iamv1.Capability{
				{Name: "groups.list", Resource: "groups", Action: "list"},
				{Name: "repo.blobs.get", Resource: "repo.blobs", Action: "get"},
			}}, nil
		},
	}})
	tests := []struct {
		tty  bool
		want string
	}{
		{tty: true, want: "CAPABILITY       RESOURCE     ACTION\ngroups.list      groups       list\nrepo.blobs.get   repo.blobs   get\n"},
		{want: "groups.list\tgroups\tlist\nrepo.blobs.get\trepo.blobs\tget\n"},
	}
	for _, tt := range tests {
		ios, _, out, _ := iostreams.Test()
		ios.SetStdoutTTY(tt.tty)
		err := listRun(t.Context(), &Options{
			IO:     ios,
			Config: func() (*config.Config, error) { return &config.Config{}, nil },
			API:    func() (*client.API, error) { return srv.API, nil },
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, out.String()); diff != "" {
			t.Errorf("tty=%v output (-want +got):\n%s", tt.tty, diff)
		}
	}
}

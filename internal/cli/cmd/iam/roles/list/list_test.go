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

const (
	viewerID  = "63921b2c44617e3f2603851537be0123af4a57d7"
	auditorID = "45a0c0000000000000000000000000000000ee95/00000000000000a1"
)

func TestNewCmdList(t *testing.T) {
	var got *Options
	cmd := NewCmdList(&cmdutil.Factory{}, func(_ context.Context, o *Options) error { got = o; return nil })
	if err := clitest.ParseArgs(t, cmd, "--parent acme.dev --name viewer -o wide"); err != nil {
		t.Fatal(err)
	}
	if got.Parent != "acme.dev" || got.Name != "viewer" || got.Format != output.Wide {
		t.Errorf("options = %+v", got)
	}
}

func TestListRun(t *testing.T) {
	var gotFilter *iamv1.RoleFilter
	srv := clienttest.NewServer(t, clienttest.Handlers{Roles: &clienttest.Roles{
		ListFunc: func(_ context.Context, f *iamv1.RoleFilter) (*iamv1.RoleList, error) {
			gotFilter = f
			return &iamv1.RoleList{Items: []*iamv1.Role{
				{Id: viewerID, Name: "viewer", Description: "Read everything", BuiltIn: true, Capabilities: []string{"groups.list", "identity.list"}},
				{Id: auditorID, Name: "auditor", Capabilities: []string{"role_bindings.list"}},
			}}, nil
		},
	}})
	tests := []struct {
		name string
		opts Options
		cfg  config.Config
		want string
	}{
		{
			name: "tab-separated",
			opts: Options{Format: output.TSV},
			want: viewerID + "\tviewer\tbuilt-in\tRead everything\n" + auditorID + "\tauditor\tcustom\t\n",
		},
		{
			name: "wide adds the capabilities",
			opts: Options{Format: output.Wide},
			want: "ID                                                          NAME      TYPE       DESCRIPTION       CAPABILITIES                CREATED\n" +
				viewerID + "                    viewer    built-in   Read everything   groups.list,identity.list\n" +
				auditorID + "   auditor   custom                       role_bindings.list\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, _ := iostreams.Test()
			opts := tt.opts
			opts.IO = ios
			opts.Config = func() (*config.Config, error) { return &config.Config{DefaultParent: "acme.dev"}, nil }
			opts.API = func() (*client.API, error) { return srv.API, nil }
			if err := listRun(t.Context(), &opts); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, out.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
			if gotFilter.GetParent() != "acme.dev" {
				t.Errorf("filter = %v, want the default parent", gotFilter)
			}
		})
	}
}

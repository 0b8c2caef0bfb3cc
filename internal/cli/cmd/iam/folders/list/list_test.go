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
	orgID   = "45a0c0000000000000000000000000000000ee95"
	prodID  = orgID + "/0000000000000001"
	teamID  = prodID + "/0000000000000002"
	otherID = "1111111111111111111111111111111111111111"
)

func TestNewCmdList(t *testing.T) {
	var got *Options
	cmd := NewCmdList(&cmdutil.Factory{}, func(_ context.Context, o *Options) error { got = o; return nil })
	if err := clitest.ParseArgs(t, cmd, "--parent acme.dev -o tree"); err != nil {
		t.Fatal(err)
	}
	if got.Parent != "acme.dev" || got.Format != output.Tree {
		t.Errorf("options = %+v", got)
	}
}

func TestListRun(t *testing.T) {
	all := []*iamv1.Group{
		{Id: orgID, Name: "acme.dev"},
		{Id: prodID, Name: "prod"},
		{Id: teamID, Name: "team-a"},
		{Id: otherID, Name: "other.dev"},
	}
	var filters []*iamv1.GroupFilter
	srv := clienttest.NewServer(t, clienttest.Handlers{Groups: &clienttest.Groups{
		ListFunc: func(_ context.Context, f *iamv1.GroupFilter) (*iamv1.GroupList, error) {
			filters = append(filters, f)
			var out []*iamv1.Group
			for _, g := range all {
				if f.GetName() != "" && g.Name != f.GetName() {
					continue
				}
				if d := f.GetUidp().GetDescendantsOf(); d != "" && g.Id != d && (len(g.Id) <= len(d) || g.Id[:len(d)+1] != d+"/") {
					continue
				}
				out = append(out, g)
			}
			return &iamv1.GroupList{Items: out}, nil
		},
	}})
	tests := []struct {
		name string
		opts Options
		cfg  config.Config
		want string
	}{
		{
			name: "folders below a parent given by name",
			opts: Options{Parent: "acme.dev", Format: output.TSV},
			want: prodID + "\tprod\t\n" + teamID + "\tteam-a\t\n",
		},
		{
			name: "the config's default parent",
			opts: Options{Format: output.ID},
			cfg:  config.Config{DefaultParent: "prod"},
			want: teamID + "\n",
		},
		{
			name: "every folder without a parent",
			opts: Options{Format: output.ID},
			want: prodID + "\n" + teamID + "\n",
		},
		{
			name: "a tree",
			opts: Options{Parent: orgID, Format: output.Tree},
			want: "acme.dev [" + orgID + "]\n└── prod [" + prodID + "]\n    └── team-a [" + teamID + "]\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, _ := iostreams.Test()
			opts := tt.opts
			opts.IO = ios
			opts.Config = func() (*config.Config, error) { return &tt.cfg, nil }
			opts.API = func() (*client.API, error) { return srv.API, nil }
			if err := listRun(t.Context(), &opts); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, out.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

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
	"latch.dev/latch/internal/cli/output"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	"latch.dev/latch/internal/errs"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

const orgID = "45a0c0000000000000000000000000000000ee95"

func TestNewCmdUpdate(t *testing.T) {
	got, err := clitest.Parse(t, NewCmdUpdate, "acme.dev --name acme.com -d '' -o json")
	if err != nil {
		t.Fatal(err)
	}
	got.IO = nil
	want := Options{Ref: "acme.dev", Name: cmdutil.Given("acme.com"), Description: cmdutil.Given(""), Format: output.JSON}
	if diff := cmp.Diff(want, *got); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
	for _, args := range []string{"acme.dev", "--name x", "a b --name x"} {
		if _, err := clitest.Parse(t, NewCmdUpdate, args); !clitest.IsUsageError(err) {
			t.Errorf("%q: err = %v, want a usage error", args, err)
		}
	}
}

func TestUpdateRun(t *testing.T) {
	var got *iamv1.Group
	srv := clienttest.NewServer(t, clienttest.Handlers{Groups: &clienttest.Groups{
		ListFunc: func(_ context.Context, f *iamv1.GroupFilter) (*iamv1.GroupList, error) {
			if f.GetName() != "acme.dev" && f.GetId() != orgID {
				return &iamv1.GroupList{}, nil
			}
			return &iamv1.GroupList{Items: []*iamv1.Group{{Id: orgID, Name: "acme.dev", Description: "Acme"}}}, nil
		},
		UpdateFunc: func(_ context.Context, g *iamv1.Group) (*iamv1.Group, error) {
			got = g
			return g, nil
		},
	}})
	tests := []struct {
		name string
		opts Options
		tty  bool
		want *iamv1.Group
		out  string
	}{
		{
			name: "a description keeps the name, on a terminal",
			opts: Options{Ref: "acme.dev", Description: cmdutil.Given("Acme, Inc.")},
			tty:  true,
			want: &iamv1.Group{Id: orgID, Name: "acme.dev", Description: "Acme, Inc."},
			out:  "ID:           " + orgID + "\nNAME:         acme.dev\nDESCRIPTION:  Acme, Inc.\n",
		},
		{
			name: "a new name keeps the description, in a pipe",
			opts: Options{Ref: orgID, Name: cmdutil.Given("acme.com")},
			want: &iamv1.Group{Id: orgID, Name: "acme.com", Description: "Acme"},
			out:  orgID + "\tacme.com\tAcme\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, _ := iostreams.Test()
			ios.SetStdoutTTY(tt.tty)
			opts := tt.opts
			opts.IO = ios
			opts.Config = func() (*config.Config, error) { return &config.Config{}, nil }
			opts.API = func() (*client.API, error) { return srv.API, nil }
			if err := updateRun(t.Context(), &opts); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, protocmp.Transform()); diff != "" {
				t.Errorf("group sent (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.out, out.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
	ios, _, _, _ := iostreams.Test()
	err := updateRun(t.Context(), &Options{IO: ios, Ref: "nope.dev", Name: cmdutil.Given("x"),
		Config: func() (*config.Config, error) { return &config.Config{}, nil },
		API:    func() (*client.API, error) { return srv.API, nil }})
	if !errs.Is(err, errs.NotFound) {
		t.Errorf("unknown organization: err = %v, want not found", err)
	}
}

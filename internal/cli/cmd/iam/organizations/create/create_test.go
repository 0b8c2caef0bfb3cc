package create

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
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

const orgID = "45a0c0000000000000000000000000000000ee95"

func TestNewCmdCreate(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    Options
		wantErr bool
	}{
		{name: "a name", args: "acme.dev", want: Options{Name: "acme.dev"}},
		{name: "a description and -oid", args: "acme.dev -d Acme -oid", want: Options{Name: "acme.dev", Description: "Acme", Format: output.ID}},
		{name: "no name is a usage error", args: "", wantErr: true},
		{name: "two names are a usage error", args: "a b", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *Options
			cmd := NewCmdCreate(&cmdutil.Factory{}, func(_ context.Context, o *Options) error { got = o; return nil })
			err := clitest.ParseArgs(t, cmd, tt.args)
			if tt.wantErr {
				if err == nil {
					t.Fatal("want a usage error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != tt.want.Name || got.Description != tt.want.Description || got.Format != tt.want.Format {
				t.Errorf("options = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestCreateRun(t *testing.T) {
	var got *iamv1.CreateGroupRequest
	srv := clienttest.NewServer(t, clienttest.Handlers{Groups: &clienttest.Groups{
		CreateFunc: func(_ context.Context, r *iamv1.CreateGroupRequest) (*iamv1.Group, error) {
			got = r
			return &iamv1.Group{Id: orgID, Name: r.GetGroup().GetName(), Description: r.GetGroup().GetDescription()}, nil
		},
	}})
	tests := []struct {
		name   string
		tty    bool
		format output.Format
		want   string
	}{
		{name: "a terminal shows the new organization", tty: true, want: "ID:           " + orgID + "\nNAME:         acme.dev\nDESCRIPTION:  Acme\n"},
		{name: "a pipe gets one tab-separated line", want: orgID + "\tacme.dev\tAcme\n"},
		{name: "-o id prints the ID alone", format: output.ID, want: orgID + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, _ := iostreams.Test()
			ios.SetStdoutTTY(tt.tty)
			err := createRun(t.Context(), &Options{
				IO:     ios,
				Config: func() (*config.Config, error) { return &config.Config{}, nil },
				API:    func() (*client.API, error) { return srv.API, nil },
				Name:   "acme.dev", Description: "Acme", Format: tt.format,
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, out.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
			want := &iamv1.CreateGroupRequest{Parent: "/", Group: &iamv1.Group{Name: "acme.dev", Description: "Acme"}}
			if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
		})
	}
}

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

const (
	orgID      = "45a0c0000000000000000000000000000000ee95"
	identityID = orgID + "/2c5f700000003871"
	viewerID   = "63921b2c44617e3f2603851537be0123af4a57d7"
	bindingID  = orgID + "/a2973bac66ebfde3"
)

func TestNewCmdCreate(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    Options
		wantErr bool
	}{
		{
			name: "the tutorial's command",
			args: "--identity aws-ec2-identity --role viewer --parent chainguard.edu",
			want: Options{Identity: "aws-ec2-identity", Role: "viewer", Parent: "chainguard.edu"},
		},
		{name: "--role is required", args: "--identity x --parent y", wantErr: true},
		{name: "--identity is required", args: "--role viewer", wantErr: true},
		{name: "no positional arguments", args: "x --identity x --role y", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *Options
			cmd := NewCmdCreate(&cmdutil.Factory{}, func(_ context.Context, o *Options) error { got = o; return nil })
			err := clitest.ParseArgs(t, cmd, tt.args)
			if tt.wantErr {
				var fe *cmdutil.FlagError
				if !errors.As(err, &fe) {
					t.Fatalf("err = %v, want a usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.IO, got.Config, got.API = nil, nil, nil
			if diff := cmp.Diff(tt.want, *got); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCreateRun(t *testing.T) {
	var got *iamv1.CreateRoleBindingRequest
	srv := clienttest.NewServer(t, clienttest.Handlers{RoleBindings: &clienttest.RoleBindings{
		CreateFunc: func(_ context.Context, r *iamv1.CreateRoleBindingRequest) (*iamv1.RoleBinding, error) {
			got = r
			return &iamv1.RoleBinding{Id: bindingID, Identity: identityID, Group: orgID, Role: viewerID}, nil
		},
		ListFunc: func(_ context.Context, f *iamv1.RoleBindingFilter) (*iamv1.RoleBindingList, error) {
			return &iamv1.RoleBindingList{Items: []*iamv1.RoleBindingList_Binding{{
				Id: bindingID, Identity: identityID, IdentityName: "aws-ec2-identity",
				Group: &iamv1.Group{Id: orgID, Name: "chainguard.edu"}, Role: &iamv1.Role{Id: viewerID, Name: "viewer"},
			}}}, nil
		},
	}})
	tests := []struct {
		name   string
		format output.Format
		want   string
	}{
		{name: "a table names what was bound", format: output.Table, want: "ID:           " + bindingID + "\nIDENTITY:     aws-ec2-identity\nROLE:         viewer\nGROUP:        chainguard.edu\nIDENTITY ID:  " + identityID + "\nROLE ID:      " + viewerID + "\nGROUP ID:     " + orgID + "\n"},
		{name: "-o id", format: output.ID, want: bindingID + "\n"},
		{name: "-o json is the created binding", format: output.JSON, want: "{\n  \"id\": \"" + bindingID + "\",\n  \"identity\": \"" + identityID + "\",\n  \"group\": \"" + orgID + "\",\n  \"role\": \"" + viewerID + "\"\n}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, _ := iostreams.Test()
			err := createRun(t.Context(), &Options{
				IO:       ios,
				Config:   func() (*config.Config, error) { return &config.Config{}, nil },
				API:      func() (*client.API, error) { return srv.API, nil },
				Identity: "aws-ec2-identity", Role: "viewer", Parent: "chainguard.edu", Format: tt.format,
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, out.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
			want := &iamv1.CreateRoleBindingRequest{Parent: "chainguard.edu", RoleBinding: &iamv1.RoleBinding{Identity: "aws-ec2-identity", Role: "viewer"}}
			if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
		})
	}
}

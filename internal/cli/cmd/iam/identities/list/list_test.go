package list

import (
	"context"
	"errors"
	"strings"
	"testing"

	"connectrpc.com/connect"
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
	orgID = "45a0c0000000000000000000000000000000ee95"
	awsID = orgID + "/2c5f700000003871"
	ciID  = orgID + "/0000000000000002"
)

func TestNewCmdList(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    Options
		wantErr bool
	}{
		{name: "filters", args: "--parent acme.dev --name ci --type claim_match -o wide", want: Options{Parent: "acme.dev", Name: "ci", Type: "claim_match", Format: output.Wide}},
		{name: "an unknown type is a usage error", args: "--type gcp", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *Options
			cmd := NewCmdList(&cmdutil.Factory{}, func(_ context.Context, o *Options) error { got = o; return nil })
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

func identities() []*iamv1.Identity {
	return []*iamv1.Identity{
		{Id: awsID, Name: "aws-ec2-identity", Relationship: &iamv1.Identity_AwsIdentity{AwsIdentity: &iamv1.AWSIdentity{AwsAccount: "453012345643"}}},
		{Id: ciID, Name: "ci", Description: "deploys", Relationship: &iamv1.Identity_ClaimMatch{ClaimMatch: &iamv1.ClaimMatch{Iss: &iamv1.ClaimMatch_Issuer{Issuer: "https://token.actions.githubusercontent.com"}}}},
	}
}

func TestListRun(t *testing.T) {
	var gotFilter *iamv1.IdentityFilter
	handlers := func(bindingsDenied bool) clienttest.Handlers {
		return clienttest.Handlers{
			Groups: &clienttest.Groups{ListFunc: func(context.Context, *iamv1.GroupFilter) (*iamv1.GroupList, error) {
				return &iamv1.GroupList{Items: []*iamv1.Group{{Id: orgID, Name: "acme.dev"}}}, nil
			}},
			Identities: &clienttest.Identities{ListFunc: func(_ context.Context, f *iamv1.IdentityFilter) (*iamv1.IdentityList, error) {
				gotFilter = f
				return &iamv1.IdentityList{Items: identities()}, nil
			}},
			RoleBindings: &clienttest.RoleBindings{ListFunc: func(context.Context, *iamv1.RoleBindingFilter) (*iamv1.RoleBindingList, error) {
				if bindingsDenied {
					return nil, clienttest.Error(connect.CodePermissionDenied, "no role_bindings.list")
				}
				return &iamv1.RoleBindingList{Items: []*iamv1.RoleBindingList_Binding{
					{Id: orgID + "/00000000000000b1", Identity: awsID, Group: &iamv1.Group{Id: orgID, Name: "acme.dev"}, Role: &iamv1.Role{Name: "viewer"}},
					{Id: orgID + "/00000000000000b2", Identity: awsID, Group: &iamv1.Group{Id: orgID, Name: "acme.dev"}, Role: &iamv1.Role{Name: "editor"}},
				}}, nil
			}},
		}
	}
	tests := []struct {
		name           string
		bindingsDenied bool
		tty            bool
		opts           Options
		want           string
	}{
		{
			name: "a terminal gets a table with roles",
			tty:  true,
			opts: Options{Parent: "acme.dev"},
			want: "ID" + pad(58) + "NAME" + pad(15) + "TYPE" + pad(10) + "DESCRIPTION   ROLES" + pad(32) + "ISSUER" + pad(40) + "EXPIRES\n" +
				awsID + "   aws-ec2-identity   aws" + pad(25) + "acme.dev: editor, acme.dev: viewer   aws:453012345643\n" +
				ciID + "   ci" + pad(17) + "claim_match   deploys" + pad(44) + "https://token.actions.githubusercontent.com\n",
		},
		{
			name: "a pipe gets tab-separated lines",
			opts: Options{Parent: orgID},
			want: awsID + "\taws-ec2-identity\taws\t\tacme.dev: editor, acme.dev: viewer\taws:453012345643\t\n" +
				ciID + "\tci\tclaim_match\tdeploys\t\thttps://token.actions.githubusercontent.com\t\n",
		},
		{
			name:           "without permission to list bindings the roles stay empty",
			bindingsDenied: true,
			opts:           Options{Format: output.TSV},
			want: awsID + "\taws-ec2-identity\taws\t\t\taws:453012345643\t\n" +
				ciID + "\tci\tclaim_match\tdeploys\t\thttps://token.actions.githubusercontent.com\t\n",
		},
		{
			name: "-o id",
			opts: Options{Format: output.ID},
			want: awsID + "\n" + ciID + "\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := clienttest.NewServer(t, handlers(tt.bindingsDenied))
			ios, _, out, _ := iostreams.Test()
			ios.SetStdoutTTY(tt.tty)
			opts := tt.opts
			opts.IO = ios
			opts.Config = func() (*config.Config, error) { return &config.Config{}, nil }
			opts.API = func() (*client.API, error) { return srv.API, nil }
			if err := listRun(t.Context(), &opts); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, out.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
			if tt.opts.Parent != "" && gotFilter.GetUidp().GetDescendantsOf() != orgID {
				t.Errorf("filter = %v, want identities below %s", gotFilter, orgID)
			}
		})
	}
}

func pad(n int) string { return strings.Repeat(" ", n) }

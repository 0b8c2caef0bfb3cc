package list

import (
	"context"
	"strings"
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
	orgID      = "45a0c0000000000000000000000000000000ee95"
	prodID     = orgID + "/0000000000000001"
	identityID = orgID + "/2c5f700000003871"
	viewerID   = "63921b2c44617e3f2603851537be0123af4a57d7"
	binding1   = orgID + "/a2973bac66ebfde3"
	binding2   = prodID + "/55b470f08e38b4d2"
)

func TestNewCmdList(t *testing.T) {
	var got *Options
	cmd := NewCmdList(&cmdutil.Factory{}, func(_ context.Context, o *Options) error { got = o; return nil })
	if err := clitest.ParseArgs(t, cmd, "--parent acme.dev -r --identity aws-ec2-identity --role viewer -o tree"); err != nil {
		t.Fatal(err)
	}
	got.IO, got.Config, got.API = nil, nil, nil
	want := Options{Parent: "acme.dev", Recursive: true, Identity: "aws-ec2-identity", Role: "viewer", Format: output.Tree}
	if diff := cmp.Diff(want, *got); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
}

func TestListRun(t *testing.T) {
	var gotFilter *iamv1.RoleBindingFilter
	org := &iamv1.Group{Id: orgID, Name: "acme.dev"}
	prod := &iamv1.Group{Id: prodID, Name: "prod"}
	srv := clienttest.NewServer(t, clienttest.Handlers{
		Groups: &clienttest.Groups{ListFunc: func(_ context.Context, f *iamv1.GroupFilter) (*iamv1.GroupList, error) {
			if f.GetName() == "acme.dev" {
				return &iamv1.GroupList{Items: []*iamv1.Group{org}}, nil
			}
			return &iamv1.GroupList{Items: []*iamv1.Group{org, prod}}, nil
		}},
		Identities: &clienttest.Identities{ListFunc: func(context.Context, *iamv1.IdentityFilter) (*iamv1.IdentityList, error) {
			return &iamv1.IdentityList{Items: []*iamv1.Identity{{Id: identityID, Name: "aws-ec2-identity"}}}, nil
		}},
		Roles: &clienttest.Roles{ListFunc: func(context.Context, *iamv1.RoleFilter) (*iamv1.RoleList, error) {
			return &iamv1.RoleList{Items: []*iamv1.Role{{Id: viewerID, Name: "viewer"}}}, nil
		}},
		RoleBindings: &clienttest.RoleBindings{ListFunc: func(_ context.Context, f *iamv1.RoleBindingFilter) (*iamv1.RoleBindingList, error) {
			gotFilter = f
			return &iamv1.RoleBindingList{Items: []*iamv1.RoleBindingList_Binding{
				{Id: binding1, Group: org, Identity: identityID, IdentityName: "aws-ec2-identity", Role: &iamv1.Role{Id: viewerID, Name: "viewer"}},
				{Id: binding2, Group: prod, Identity: "1234567890123456789012345678901234567890", Email: "ada@example.dev", Role: &iamv1.Role{Id: viewerID, Name: "editor"}},
			}}, nil
		}},
	})
	tests := []struct {
		name       string
		opts       Options
		tty        bool
		want       string
		wantFilter *iamv1.RoleBindingFilter
	}{
		{
			name: "a terminal table names identities, roles and groups",
			tty:  true,
			want: "ID" + strings.Repeat(" ", 75) + "IDENTITY           ROLE     GROUP\n" +
				binding1 + strings.Repeat(" ", 20) + "aws-ec2-identity   viewer   acme.dev\n" +
				binding2 + "   ada@example.dev    editor   prod\n",
			wantFilter: &iamv1.RoleBindingFilter{},
		},
		{
			name:       "filters are resolved to IDs",
			opts:       Options{Parent: "acme.dev", Identity: "aws-ec2-identity", Role: "viewer", Format: output.ID},
			want:       binding1 + "\n" + binding2 + "\n",
			wantFilter: &iamv1.RoleBindingFilter{Uidp: &iamv1.UIDPFilter{ChildrenOf: orgID}, Identity: identityID, Role: viewerID},
		},
		{
			name:       "recursive lists below the parent",
			opts:       Options{Parent: orgID, Recursive: true, Format: output.Tree},
			want:       "acme.dev [" + orgID + "]\n├── aws-ec2-identity: viewer [" + binding1 + "]\n└── prod [" + prodID + "]\n    └── ada@example.dev: editor [" + binding2 + "]\n",
			wantFilter: &iamv1.RoleBindingFilter{Uidp: &iamv1.UIDPFilter{DescendantsOf: orgID}},
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
			if err := listRun(t.Context(), &opts); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, out.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
			if gotFilter.GetUidp().GetChildrenOf() != tt.wantFilter.GetUidp().GetChildrenOf() ||
				gotFilter.GetUidp().GetDescendantsOf() != tt.wantFilter.GetUidp().GetDescendantsOf() ||
				gotFilter.GetIdentity() != tt.wantFilter.GetIdentity() || gotFilter.GetRole() != tt.wantFilter.GetRole() {
				t.Errorf("filter = %v, want %v", gotFilter, tt.wantFilter)
			}
		})
	}
}

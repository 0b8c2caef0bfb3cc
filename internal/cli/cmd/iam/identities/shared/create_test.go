package shared

import (
	"context"
	"errors"
	"testing"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"

	"latch.dev/latch/internal/cli/clitest"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	"latch.dev/latch/internal/errs"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

const (
	orgID      = "45a0c0000000000000000000000000000000ee95"
	identityID = orgID + "/2c5f700000003871"
)

// fakeServer creates identities and binds roles, refusing the role
// "forbidden", and lists the bindings it made.
func fakeServer(t *testing.T, bound *[]string) *clienttest.Server {
	return clienttest.NewServer(t, clienttest.Handlers{
		Identities: &clienttest.Identities{CreateFunc: func(_ context.Context, r *iamv1.CreateIdentityRequest) (*iamv1.Identity, error) {
			return &iamv1.Identity{Id: identityID, Name: r.GetIdentity().GetName(), Description: r.GetIdentity().GetDescription()}, nil
		}},
		RoleBindings: &clienttest.RoleBindings{
			CreateFunc: func(_ context.Context, r *iamv1.CreateRoleBindingRequest) (*iamv1.RoleBinding, error) {
				if r.GetRoleBinding().GetRole() == "forbidden" {
					return nil, clienttest.Error(connect.CodePermissionDenied, "you cannot grant forbidden")
				}
				*bound = append(*bound, r.GetParent()+" "+r.GetRoleBinding().GetIdentity()+" "+r.GetRoleBinding().GetRole())
				return &iamv1.RoleBinding{Id: orgID + "/00000000000000b1"}, nil
			},
			ListFunc: func(context.Context, *iamv1.RoleBindingFilter) (*iamv1.RoleBindingList, error) {
				var items []*iamv1.RoleBindingList_Binding
				for range *bound {
					items = append(items, &iamv1.RoleBindingList_Binding{Identity: identityID, Group: &iamv1.Group{Name: "acme.dev"}, Role: &iamv1.Role{Name: "viewer"}})
				}
				return &iamv1.RoleBindingList{Items: items}, nil
			},
		},
	})
}

func TestCreateBindsRoles(t *testing.T) {
	var bound []string
	srv := fakeServer(t, &bound)
	ios, _, out, _ := iostreams.Test()
	ios.SetStdoutTTY(true)
	o := CreateOptions{
		IO: ios, Roles: []string{"viewer"}, Description: "from the flag",
		Config: func() (*config.Config, error) { return &config.Config{DefaultParent: "acme.dev"}, nil },
		API:    func() (*client.API, error) { return srv.API, nil },
	}
	if err := o.Create(t.Context(), &iamv1.Identity{Name: "ci", Description: "from the file"}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"acme.dev " + identityID + " viewer"}, bound); diff != "" {
		t.Errorf("bindings (-want +got):\n%s", diff)
	}
	want := "ID:           " + identityID + "\nNAME:         ci\nDESCRIPTION:  from the flag\nROLES:        acme.dev: viewer\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func TestCreateSaysWhatToDoWhenABindingFails(t *testing.T) {
	var bound []string
	srv := fakeServer(t, &bound)
	ios, _, _, _ := iostreams.Test()
	o := CreateOptions{
		IO: ios, Parent: orgID, Roles: []string{"forbidden"},
		Config: func() (*config.Config, error) { return &config.Config{}, nil },
		API:    func() (*client.API, error) { return srv.API, nil },
	}
	err := o.Create(t.Context(), &iamv1.Identity{Name: "ci"})
	if !errs.Is(err, errs.PermissionDenied) {
		t.Fatalf("err = %v, want permission denied", err)
	}
	if h := cmdutil.HintOf(err); h == "" {
		t.Error("no hint on how to grant the role")
	}
}

func TestCreateNeedsAParent(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	o := CreateOptions{IO: ios, Config: func() (*config.Config, error) { return &config.Config{}, nil }}
	if err := o.Create(t.Context(), &iamv1.Identity{}); !clitest.IsUsageError(err) {
		t.Errorf("err = %v, want a usage error", err)
	}
}

func TestCreateFromFileNeedsAName(t *testing.T) {
	ios, in, _, _ := iostreams.Test()
	in.WriteString(`{"awsIdentity": {"aws_account": "123456789012"}}`)
	o := CreateOptions{IO: ios}
	err := o.CreateFromFile(t.Context(), "", "-")
	var fe *cmdutil.FlagError
	if !errors.As(err, &fe) {
		t.Errorf("err = %v, want a usage error", err)
	}
}

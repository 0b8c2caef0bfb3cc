package delete

import (
	"context"
	"testing"

	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

func TestDeleteRun(t *testing.T) {
	const bindingID = "45a0c0000000000000000000000000000000ee95/a2973bac66ebfde3"
	var deleted string
	srv := clienttest.NewServer(t, clienttest.Handlers{RoleBindings: &clienttest.RoleBindings{
		ListFunc: func(context.Context, *iamv1.RoleBindingFilter) (*iamv1.RoleBindingList, error) {
			return &iamv1.RoleBindingList{Items: []*iamv1.RoleBindingList_Binding{{
				Id: bindingID, IdentityName: "aws-ec2-identity",
				Group: &iamv1.Group{Name: "acme.dev"}, Role: &iamv1.Role{Name: "viewer"},
			}}}, nil
		},
		DeleteFunc: func(_ context.Context, r *iamv1.DeleteRequest) (*iamv1.DeleteResponse, error) {
			deleted = r.GetId()
			return &iamv1.DeleteResponse{}, nil
		},
	}})
	ios, in, out, _ := iostreams.Test()
	ios.SetStdinTTY(true)
	ios.SetStdoutTTY(true)
	in.WriteString("yes\n")
	if err := deleteRun(t.Context(), &Options{IO: ios, API: func() (*client.API, error) { return srv.API, nil }, ID: bindingID}); err != nil {
		t.Fatal(err)
	}
	what := "role binding " + bindingID + " (aws-ec2-identity: viewer in acme.dev)"
	if want := "Delete " + what + "? [y/N] Deleted " + what + ".\n"; out.String() != want {
		t.Errorf("output = %q, want %q", out.String(), want)
	}
	if deleted != bindingID {
		t.Errorf("deleted %q", deleted)
	}
}

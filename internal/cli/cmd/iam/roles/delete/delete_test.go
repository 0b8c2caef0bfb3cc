package delete

import (
	"context"
	"testing"

	"connectrpc.com/connect"

	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	"latch.dev/latch/internal/errs"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

func TestDeleteRun(t *testing.T) {
	const viewerID = "63921b2c44617e3f2603851537be0123af4a57d7"
	srv := clienttest.NewServer(t, clienttest.Handlers{Roles: &clienttest.Roles{
		ListFunc: func(context.Context, *iamv1.RoleFilter) (*iamv1.RoleList, error) {
			return &iamv1.RoleList{Items: []*iamv1.Role{{Id: viewerID, Name: "viewer", BuiltIn: true}}}, nil
		},
		DeleteFunc: func(context.Context, *iamv1.DeleteRequest) (*iamv1.DeleteResponse, error) {
			return nil, clienttest.Error(connect.CodeInvalidArgument, "viewer is a built-in role and cannot be deleted")
		},
	}})
	ios, _, _, _ := iostreams.Test()
	err := deleteRun(t.Context(), &Options{IO: ios, API: func() (*client.API, error) { return srv.API, nil }, Ref: "viewer", Yes: true})
	if !errs.Is(err, errs.Invalid) {
		t.Errorf("err = %v, want invalid", err)
	}
}

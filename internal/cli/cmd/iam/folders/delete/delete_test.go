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

const prodID = "45a0c0000000000000000000000000000000ee95/0000000000000001"

func TestDeleteRun(t *testing.T) {
	srv := clienttest.NewServer(t, clienttest.Handlers{Groups: &clienttest.Groups{
		ListFunc: func(context.Context, *iamv1.GroupFilter) (*iamv1.GroupList, error) {
			return &iamv1.GroupList{Items: []*iamv1.Group{{Id: prodID, Name: "prod"}}}, nil
		},
		DeleteFunc: func(context.Context, *iamv1.DeleteRequest) (*iamv1.DeleteResponse, error) {
			return nil, clienttest.Error(connect.CodeFailedPrecondition, "prod still holds 1 folder; delete it first")
		},
	}})
	ios, _, _, _ := iostreams.Test()
	err := deleteRun(t.Context(), &Options{IO: ios, API: func() (*client.API, error) { return srv.API, nil }, Ref: "prod", Yes: true})
	if !errs.Is(err, errs.Conflict) || errs.Message(err) != "prod still holds 1 folder; delete it first" {
		t.Errorf("err = %v, want the server's conflict", err)
	}
}

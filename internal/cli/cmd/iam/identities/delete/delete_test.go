package delete

import (
	"context"
	"errors"
	"testing"

	"latch.dev/latch/internal/cli/clitest"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

const awsID = "45a0c0000000000000000000000000000000ee95/2c5f700000003871"

func TestNewCmdDelete(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	err := clitest.ParseArgs(t, NewCmdDelete(&cmdutil.Factory{IOStreams: ios}, nil), "aws-ec2-identity")
	var fe *cmdutil.FlagError
	if !errors.As(err, &fe) {
		t.Errorf("without a terminal or --yes: err = %v, want a usage error", err)
	}
	var got *Options
	cmd := NewCmdDelete(&cmdutil.Factory{IOStreams: ios}, func(_ context.Context, o *Options) error { got = o; return nil })
	if err := clitest.ParseArgs(t, cmd, "aws-ec2-identity --parent acme.dev -y"); err != nil {
		t.Fatal(err)
	}
	if got.Ref != "aws-ec2-identity" || got.Parent != "acme.dev" || !got.Yes {
		t.Errorf("options = %+v", got)
	}
}

func TestDeleteRun(t *testing.T) {
	var deleted string
	srv := clienttest.NewServer(t, clienttest.Handlers{Identities: &clienttest.Identities{
		ListFunc: func(context.Context, *iamv1.IdentityFilter) (*iamv1.IdentityList, error) {
			return &iamv1.IdentityList{Items: []*iamv1.Identity{{Id: awsID, Name: "aws-ec2-identity"}}}, nil
		},
		DeleteFunc: func(_ context.Context, r *iamv1.DeleteRequest) (*iamv1.DeleteResponse, error) {
			deleted = r.GetId()
			return &iamv1.DeleteResponse{}, nil
		},
	}})
	ios, _, out, _ := iostreams.Test()
	if err := deleteRun(t.Context(), &Options{IO: ios, API: func() (*client.API, error) { return srv.API, nil }, Ref: "aws-ec2-identity", Yes: true}); err != nil {
		t.Fatal(err)
	}
	if deleted != awsID {
		t.Errorf("deleted %q, want %q", deleted, awsID)
	}
	if out.String() != "" {
		t.Errorf("a pipe gets no confirmation text; got %q", out.String())
	}
}

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

const orgID = "45a0c0000000000000000000000000000000ee95"

func TestNewCmdDelete(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		canAsk  bool
		wantYes bool
		wantErr bool
	}{
		{name: "on a terminal no flag is needed", args: "acme.dev", canAsk: true},
		{name: "--yes skips the question", args: "acme.dev --yes", wantYes: true},
		{name: "-y too", args: "acme.dev -y", wantYes: true},
		{name: "without a terminal --yes is required", args: "acme.dev", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			ios.SetStdinTTY(tt.canAsk)
			ios.SetStdoutTTY(tt.canAsk)
			var got *Options
			cmd := NewCmdDelete(&cmdutil.Factory{IOStreams: ios}, func(_ context.Context, o *Options) error { got = o; return nil })
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
			if got.Ref != "acme.dev" || got.Yes != tt.wantYes {
				t.Errorf("options = %+v", got)
			}
		})
	}
}

func TestDeleteRun(t *testing.T) {
	tests := []struct {
		name        string
		answer      string
		yes         bool
		wantDeleted bool
		wantErr     error
		wantOut     string
	}{
		{name: "yes deletes", answer: "y\n", wantDeleted: true,
			wantOut: "Delete organization acme.dev [" + orgID + "]? [y/N] Deleted organization acme.dev [" + orgID + "].\n"},
		{name: "anything else cancels", answer: "\n", wantErr: cmdutil.ErrCancel,
			wantOut: "Delete organization acme.dev [" + orgID + "]? [y/N] "},
		{name: "--yes does not ask", yes: true, wantDeleted: true,
			wantOut: "Deleted organization acme.dev [" + orgID + "].\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var deleted []string
			srv := clienttest.NewServer(t, clienttest.Handlers{Groups: &clienttest.Groups{
				ListFunc: func(context.Context, *iamv1.GroupFilter) (*iamv1.GroupList, error) {
					return &iamv1.GroupList{Items: []*iamv1.Group{{Id: orgID, Name: "acme.dev"}}}, nil
				},
				DeleteFunc: func(_ context.Context, r *iamv1.DeleteRequest) (*iamv1.DeleteResponse, error) {
					deleted = append(deleted, r.GetId())
					return &iamv1.DeleteResponse{}, nil
				},
			}})
			ios, in, out, _ := iostreams.Test()
			ios.SetStdinTTY(true)
			ios.SetStdoutTTY(true)
			in.WriteString(tt.answer)
			err := deleteRun(t.Context(), &Options{IO: ios, API: func() (*client.API, error) { return srv.API, nil }, Ref: "acme.dev", Yes: tt.yes})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantDeleted != (len(deleted) == 1 && deleted[0] == orgID) {
				t.Errorf("deleted = %v", deleted)
			}
			if out.String() != tt.wantOut {
				t.Errorf("output = %q, want %q", out.String(), tt.wantOut)
			}
		})
	}
}

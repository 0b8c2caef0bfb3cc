package update

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"latch.dev/latch/internal/cli/clitest"
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
	bindingID  = orgID + "/a2973bac66ebfde3"
	editorID   = "1111111111111111111111111111111111111111"
)

func TestNewCmdUpdate(t *testing.T) {
	got, err := clitest.Parse(t, NewCmdUpdate, bindingID+" --role editor --identity ci -oid")
	if err != nil {
		t.Fatal(err)
	}
	got.IO = nil
	if diff := cmp.Diff(Options{ID: bindingID, Role: "editor", Identity: "ci", Format: output.ID}, *got); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
	for _, args := range []string{bindingID, "--role editor"} {
		if _, err := clitest.Parse(t, NewCmdUpdate, args); !clitest.IsUsageError(err) {
			t.Errorf("%q: err = %v, want a usage error", args, err)
		}
	}
}

func TestUpdateRun(t *testing.T) {
	var got *iamv1.RoleBinding
	srv := clienttest.NewServer(t, clienttest.Handlers{RoleBindings: &clienttest.RoleBindings{
		UpdateFunc: func(_ context.Context, b *iamv1.RoleBinding) (*iamv1.RoleBinding, error) {
			got = b
			return &iamv1.RoleBinding{Id: bindingID, Identity: identityID, Role: editorID}, nil
		},
		ListFunc: func(context.Context, *iamv1.RoleBindingFilter) (*iamv1.RoleBindingList, error) {
			return &iamv1.RoleBindingList{Items: []*iamv1.RoleBindingList_Binding{{
				Id: bindingID, Identity: identityID, IdentityName: "ci",
				Group: &iamv1.Group{Id: orgID, Name: "acme.dev"}, Role: &iamv1.Role{Id: editorID, Name: "editor"},
			}}}, nil
		},
	}})
	tests := []struct {
		name   string
		format output.Format
		tty    bool
		want   string
	}{
		{name: "a terminal shows the names", tty: true, want: "ID:           " + bindingID + "\nIDENTITY:     ci\nROLE:         editor\nGROUP:        acme.dev\n" +
			"IDENTITY ID:  " + identityID + "\nROLE ID:      " + editorID + "\nGROUP ID:     " + orgID + "\n"},
		{name: "a pipe gets one line", want: bindingID + "\tci\teditor\tacme.dev\n"},
		{name: "json is the server's answer", format: output.JSON, want: "{\n  \"id\": \"" + bindingID + "\",\n  \"identity\": \"" + identityID + "\",\n  \"role\": \"" + editorID + "\"\n}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, _ := iostreams.Test()
			ios.SetStdoutTTY(tt.tty)
			opts := &Options{
				IO: ios, ID: bindingID, Role: "editor", Format: tt.format,
				Config: func() (*config.Config, error) { return &config.Config{}, nil },
				API:    func() (*client.API, error) { return srv.API, nil },
			}
			if err := updateRun(t.Context(), opts); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&iamv1.RoleBinding{Id: bindingID, Role: "editor"}, got, protocmp.Transform()); diff != "" {
				t.Errorf("update sent (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, out.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

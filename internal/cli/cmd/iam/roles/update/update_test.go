package update

import (
	"context"
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
	orgID  = "45a0c0000000000000000000000000000000ee95"
	roleID = orgID + "/00000000000000a1"
)

func TestNewCmdUpdate(t *testing.T) {
	clitest.RunParseCases(t, NewCmdUpdate, []clitest.ParseCase[Options]{
		{
			Name: "add and remove",
			Args: "auditor --parent acme.dev --add-capabilities a.list,b.list --remove-capabilities c.list -o wide",
			Want: Options{Ref: "auditor", Parent: "acme.dev", Add: []string{"a.list", "b.list"}, Remove: []string{"c.list"}, Format: output.Wide},
		},
		{
			Name: "replace, rename, describe",
			Args: "auditor --capabilities a.list --name reader -d 'Reads things'",
			Want: Options{Ref: "auditor", Capabilities: []string{"a.list"}, Name: cmdutil.Given("reader"), Description: cmdutil.Given("Reads things")},
		},
		{Name: "nothing to change", Args: "auditor", WantErr: true},
		{Name: "replace and add", Args: "auditor --capabilities a.list --add-capabilities b.list", WantErr: true},
	})
}

func TestEditCapabilities(t *testing.T) {
	cur := []string{"groups.list", "identity.list"}
	tests := []struct {
		name                 string
		replace, add, remove []string
		want                 []string
	}{
		{name: "nothing", want: cur},
		{name: "add, with a repeat", add: []string{"roles.list", "groups.list"}, want: []string{"groups.list", "identity.list", "roles.list"}},
		{name: "remove", remove: []string{"groups.list", "not.held"}, want: []string{"identity.list"}},
		{name: "replace", replace: []string{"roles.list"}, want: []string{"roles.list"}},
	}
	for _, tt := range tests {
		if got := editCapabilities(cur, tt.replace, tt.add, tt.remove); !cmp.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestUpdateRun(t *testing.T) {
	var got *iamv1.Role
	var lookedUp *iamv1.RoleFilter
	srv := clienttest.NewServer(t, clienttest.Handlers{Roles: &clienttest.Roles{
		ListFunc: func(_ context.Context, f *iamv1.RoleFilter) (*iamv1.RoleList, error) {
			lookedUp = f
			return &iamv1.RoleList{Items: []*iamv1.Role{{Id: roleID, Name: "auditor", Description: "Audits", Capabilities: []string{"groups.list", "identity.list"}}}}, nil
		},
		UpdateFunc: func(_ context.Context, r *iamv1.Role) (*iamv1.Role, error) {
			got = r
			return r, nil
		},
	}})
	ios, _, out, _ := iostreams.Test()
	ios.SetStdoutTTY(true)
	opts := &Options{
		IO: ios, Ref: "auditor", Parent: "acme.dev", Add: []string{"role_bindings.list"}, Remove: []string{"groups.list"},
		Config: func() (*config.Config, error) { return &config.Config{}, nil },
		API:    func() (*client.API, error) { return srv.API, nil },
	}
	if err := updateRun(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	if lookedUp.GetName() != "auditor" || lookedUp.GetParent() != "acme.dev" {
		t.Errorf("role looked up with %v", lookedUp)
	}
	if got.GetName() != "auditor" || got.GetDescription() != "Audits" || !cmp.Equal(got.GetCapabilities(), []string{"identity.list", "role_bindings.list"}) {
		t.Errorf("role sent = %v", got)
	}
	want := "ID:            " + roleID + "\nNAME:          auditor\nTYPE:          custom\nDESCRIPTION:   Audits\nCAPABILITIES:  identity.list,role_bindings.list\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

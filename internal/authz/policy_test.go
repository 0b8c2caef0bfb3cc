package authz_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"latch.dev/latch/internal/authz"
	"latch.dev/latch/internal/iam"
)

const (
	org    = "0000000000000000000000000000000000000001"
	folder = org + "/00000000000000aa"
	deep   = folder + "/00000000000000bb"
	other  = "0000000000000000000000000000000000000002"
	sister = org + "/00000000000000cc"
)

func role(name string) iam.Role {
	r, ok := iam.BuiltInRole(name)
	if !ok {
		panic(name)
	}
	return r
}

func grant(group, roleName string) iam.Grant {
	r := role(roleName)
	return iam.Grant{Group: group, Role: r.ID, RoleName: r.Name, Capabilities: r.Capabilities}
}

func TestPolicyCan(t *testing.T) {
	t.Parallel()
	idx := authz.NewIndex()
	tests := []struct {
		name   string
		grants []iam.Grant
		narrow authz.Narrowing
		group  string
		cap    iam.Capability
		want   bool
	}{
		{"a viewer of the organization can list in a deep folder", []iam.Grant{grant(org, "viewer")}, authz.Narrowing{}, deep, iam.CapIdentityList, true},
		{"a viewer cannot create identities", []iam.Grant{grant(org, "viewer")}, authz.Narrowing{}, org, iam.CapIdentityCreate, false},
		{"a folder owner cannot act on the organization above", []iam.Grant{grant(folder, "owner")}, authz.Narrowing{}, org, iam.CapIdentityCreate, false},
		{"a folder owner cannot act on a sister folder", []iam.Grant{grant(folder, "owner")}, authz.Narrowing{}, sister, iam.CapIdentityCreate, false},
		{"a folder owner can act below the folder", []iam.Grant{grant(folder, "owner")}, authz.Narrowing{}, deep, iam.CapIdentityCreate, true},
		{"an organization owner cannot act in another organization", []iam.Grant{grant(org, "owner")}, authz.Narrowing{}, other, iam.CapGroupsList, false},
		{"an organization owner cannot create organizations", []iam.Grant{grant(org, "owner")}, authz.Narrowing{}, iam.RootScope, iam.CapGroupsCreate, false},
		{"a server-wide owner can act anywhere", []iam.Grant{grant(iam.RootScope, "owner")}, authz.Narrowing{}, other, iam.CapRoleBindingsDelete, true},
		{"a server-wide owner can create organizations", []iam.Grant{grant(iam.RootScope, "owner")}, authz.Narrowing{}, iam.RootScope, iam.CapGroupsCreate, true},
		{"grants from two levels add up", []iam.Grant{grant(org, "viewer"), grant(folder, "owner")}, authz.Narrowing{}, deep, iam.CapIdentityDelete, true},
		{"narrowing by capability removes what was not asked for", []iam.Grant{grant(org, "owner")}, authz.Narrowing{Capabilities: []iam.Capability{iam.CapGroupsList}}, org, iam.CapIdentityCreate, false},
		{"narrowing by capability keeps what was asked for", []iam.Grant{grant(org, "owner")}, authz.Narrowing{Capabilities: []iam.Capability{iam.CapGroupsList}}, org, iam.CapGroupsList, true},
		{"narrowing by capability never adds", []iam.Grant{grant(org, "viewer")}, authz.Narrowing{Capabilities: []iam.Capability{iam.CapGroupsCreate}}, org, iam.CapGroupsCreate, false},
		{"narrowing by scope hides groups outside it", []iam.Grant{grant(org, "owner")}, authz.Narrowing{Scopes: []string{folder}}, sister, iam.CapGroupsList, false},
		{"narrowing by scope keeps groups inside it", []iam.Grant{grant(org, "owner")}, authz.Narrowing{Scopes: []string{folder}}, deep, iam.CapGroupsList, true},
		{"narrowing to an empty scope list allows nothing", []iam.Grant{grant(org, "owner")}, authz.Narrowing{Scopes: []string{}}, org, iam.CapGroupsList, false},
		{"no grants allow nothing", nil, authz.Narrowing{}, org, iam.CapGroupsList, false},
		{"a prefix of an ID is not an ancestor", []iam.Grant{grant(org[:39]+"0", "owner")}, authz.Narrowing{}, org, iam.CapGroupsList, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := authz.NewPolicy(idx, tt.grants, tt.narrow)
			if got := p.Can(tt.group, tt.cap); got != tt.want {
				t.Errorf("Can(%s, %s) = %v, want %v", tt.group, tt.cap, got, tt.want)
			}
		})
	}
}

func TestPolicyLacks(t *testing.T) {
	t.Parallel()
	idx := authz.NewIndex()
	p := authz.NewPolicy(idx, []iam.Grant{grant(org, "editor")}, authz.Narrowing{})
	if got := p.Lacks(folder, role("viewer").Capabilities); len(got) != 0 {
		t.Errorf("an editor lacks %v of viewer; want nothing", got)
	}
	got := p.Lacks(folder, role("owner").Capabilities)
	if !slices.Contains(got, iam.CapRoleBindingsCreate) || slices.Contains(got, iam.CapGroupsList) {
		t.Errorf("an editor should lack role_bindings.create but not groups.list of owner; lacks %v", got)
	}
}

func TestPolicyRoots(t *testing.T) {
	t.Parallel()
	idx := authz.NewIndex()
	tests := []struct {
		name   string
		grants []iam.Grant
		narrow authz.Narrowing
		want   []string
	}{
		{"a grant below another is covered by it", []iam.Grant{grant(folder, "viewer"), grant(org, "viewer")}, authz.Narrowing{}, []string{org}},
		{"grants in two organizations give two roots", []iam.Grant{grant(other, "viewer"), grant(org, "viewer")}, authz.Narrowing{}, []string{org, other}},
		{"a role without the capability gives no root", []iam.Grant{grant(org, "apk.pull")}, authz.Narrowing{}, nil},
		{"a scope below the grant narrows the root to the scope", []iam.Grant{grant(org, "viewer")}, authz.Narrowing{Scopes: []string{folder}}, []string{folder}},
		{"a scope in another organization removes the root", []iam.Grant{grant(org, "viewer")}, authz.Narrowing{Scopes: []string{other}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := authz.NewPolicy(idx, tt.grants, tt.narrow).Roots(iam.CapIdentityList)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Roots mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPolicyGrantsShowInheritedCapabilities(t *testing.T) {
	t.Parallel()
	idx := authz.NewIndex()
	p := authz.NewPolicy(idx, []iam.Grant{grant(org, "owner"), grant(folder, "viewer")}, authz.Narrowing{})
	gs := p.Grants()
	if len(gs) != 2 || gs[0].Group != org || gs[1].Group != folder {
		t.Fatalf("Grants() = %+v; want the organization then the folder", gs)
	}
	if !slices.Contains(gs[1].Capabilities, iam.CapIdentityCreate) {
		t.Errorf("the folder should show the owner capabilities inherited from the organization; got %v", gs[1].Capabilities)
	}
}

func BenchmarkPolicyCanOnDeepTree(b *testing.B) {
	idx := authz.NewIndex()
	var grants []iam.Grant
	g := org
	for i := 0; i < 8; i++ {
		g += "/00000000000000a" + string(rune('0'+i))
		grants = append(grants, grant(g, "viewer"))
	}
	grants = append(grants, grant(org, "owner"))
	b.ReportAllocs()
	for b.Loop() {
		p := authz.NewPolicy(idx, grants, authz.Narrowing{})
		if !p.Can(g, iam.CapIdentityCreate) {
			b.Fatal("denied")
		}
	}
}

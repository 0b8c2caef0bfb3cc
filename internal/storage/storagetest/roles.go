package storagetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

// listBuiltIns returns the stored built-in roles in ID order.
func listBuiltIns(t *testing.T, st storage.Store) []iam.Role {
	t.Helper()
	var out []iam.Role
	f := storage.Filter{Parent: iam.RootScope}
	for {
		page, err := st.ListRoles(t.Context(), f)
		must(t, err)
		out = append(out, page.Items...)
		if page.Next == "" {
			return out
		}
		f.PageToken = page.Next
	}
}

// byID sorts roles as listings return them.
func byID(roles []iam.Role) []iam.Role {
	out := append([]iam.Role(nil), roles...)
	slices.SortFunc(out, func(a, b iam.Role) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func roleTests() []test {
	return []test{
		{"a custom role reads back exactly", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			want := iam.Role{
				ID: newID(t, org.ID), Name: "releaser", Description: "pushes releases",
				Capabilities: []iam.Capability{iam.CapManifestCreate, iam.CapRepoList, iam.CapTagCreate},
				CreatedAt:    epoch().In(elsewhere()), UpdatedAt: epoch().Add(time.Second),
			}
			must(t, st.CreateRole(t.Context(), want))
			got, err := st.Role(t.Context(), want.ID)
			must(t, err)
			wantEqual(t, "role", want, got)
		}},
		{"built-in roles are written once and rewritten only when they change", func(t *testing.T, st storage.Store) {
			c := newClock()
			first := builtIns(t, st, c.Now())
			wantEqual(t, "built-in roles", byID(first), listBuiltIns(t, st))

			builtIns(t, st, c.Advance(time.Hour)) // the same set again
			wantEqual(t, "built-in roles after a second put", byID(first), listBuiltIns(t, st))

			changed := iam.BuiltInRoles()
			later := c.Advance(time.Hour)
			for i := range changed {
				changed[i].CreatedAt, changed[i].UpdatedAt = later, later
			}
			changed[0].Description = "a new description"
			must(t, st.PutBuiltInRoles(t.Context(), changed))
			want := append([]iam.Role(nil), first...)
			want[0].Description, want[0].UpdatedAt = "a new description", later
			wantEqual(t, "built-in roles after a change", byID(want), listBuiltIns(t, st))
		}},
		{"a built-in role left out of the set is deleted with its bindings", func(t *testing.T, st storage.Store) {
			roles := builtIns(t, st, epoch())
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			id := createIdentity(t, st, org.ID, "builder")
			gone := roles[len(roles)-1]
			b := bind(t, st, org.ID, id.ID, gone.ID)
			kept := bind(t, st, org.ID, id.ID, roles[0].ID)
			must(t, st.PutBuiltInRoles(t.Context(), roles[:len(roles)-1]))
			wantEqual(t, "built-in roles", byID(roles[:len(roles)-1]), listBuiltIns(t, st))
			_, err := st.RoleBinding(t.Context(), b.ID)
			wantKind(t, err, errs.NotFound)
			_, err = st.RoleBinding(t.Context(), kept.ID)
			must(t, err)
		}},
		{"built-in roles must live at the root and custom roles in a group", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			custom := iam.Role{ID: newID(t, org.ID), Name: "custom", Capabilities: []iam.Capability{iam.CapGroupsList}}
			wantKind(t, st.PutBuiltInRoles(t.Context(), []iam.Role{custom}), errs.Invalid)
			atRoot := iam.Role{ID: newID(t, iam.RootScope), Name: "root", Capabilities: []iam.Capability{iam.CapGroupsList}}
			wantKind(t, st.CreateRole(t.Context(), atRoot), errs.Invalid)
		}},
		{"role names are unique within a group and free across groups", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			eng := createGroup(t, st, org.ID, "eng")
			createRole(t, st, org.ID, "reader")
			err := st.CreateRole(t.Context(), iam.Role{ID: newID(t, org.ID), Name: "reader", Capabilities: []iam.Capability{iam.CapGroupsList}})
			wantKind(t, err, errs.AlreadyExists)
			wantMessage(t, err, `"reader"`)
			createRole(t, st, eng.ID, "reader")
		}},
		{"a role in a missing group is NotFound", func(t *testing.T, st storage.Store) {
			missing := newID(t, iam.RootScope)
			err := st.CreateRole(t.Context(), iam.Role{ID: newID(t, missing), Name: "reader", Capabilities: []iam.Capability{iam.CapGroupsList}})
			wantKind(t, err, errs.NotFound)
		}},
		{"an update changes the capabilities that Grants reports", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			id := createIdentity(t, st, org.ID, "builder")
			role := createRole(t, st, org.ID, "reader", iam.CapGroupsList)
			bind(t, st, org.ID, id.ID, role.ID)
			caps := []iam.Capability{iam.CapGroupsList, iam.CapRepoList}
			got, err := st.UpdateRole(t.Context(), role.ID, func(r *iam.Role) error {
				r.Capabilities = caps
				return nil
			})
			must(t, err)
			want := role
			want.Capabilities = caps
			wantEqual(t, "role", want, got)
			grants, err := st.Grants(t.Context(), id.ID)
			must(t, err)
			if len(grants) != 1 {
				t.Fatalf("got %d grants, want 1", len(grants))
			}
			wantEqual(t, "capabilities", caps, grants[0].Capabilities)
		}},
		{"deleting a bound role is Conflict until its bindings are gone", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			id := createIdentity(t, st, org.ID, "builder")
			other := createIdentity(t, st, org.ID, "deployer")
			role := createRole(t, st, org.ID, "reader")
			b1 := bind(t, st, org.ID, id.ID, role.ID)
			b2 := bind(t, st, org.ID, other.ID, role.ID)
			err := st.DeleteRole(t.Context(), role.ID)
			wantKind(t, err, errs.Conflict)
			wantMessage(t, err, `"reader"`, "2 role bindings")
			must(t, st.DeleteRoleBinding(t.Context(), b1.ID))
			must(t, st.DeleteRoleBinding(t.Context(), b2.ID))
			must(t, st.DeleteRole(t.Context(), role.ID))
			_, err = st.Role(t.Context(), role.ID)
			wantKind(t, err, errs.NotFound)
		}},
		{"deleting a missing role is NotFound", func(t *testing.T, st storage.Store) {
			wantKind(t, st.DeleteRole(t.Context(), newID(t, newID(t, iam.RootScope))), errs.NotFound)
		}},
	}
}

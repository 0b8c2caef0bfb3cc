package storagetest

import (
	"testing"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

func bindingTests() []test {
	return []test{
		{"a role binding reads back exactly", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			id := createIdentity(t, st, org.ID, "builder")
			role := createRole(t, st, org.ID, "reader")
			want := iam.RoleBinding{ID: newID(t, org.ID), Identity: id.ID, Role: role.ID,
				CreatedAt: epoch().In(elsewhere()), UpdatedAt: epoch().Add(time.Second)}
			must(t, st.CreateRoleBinding(t.Context(), want))
			got, err := st.RoleBinding(t.Context(), want.ID)
			must(t, err)
			wantEqual(t, "role binding", want, got)
		}},
		{"a binding to a missing identity, role or group is NotFound and names it", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			id := createIdentity(t, st, org.ID, "builder")
			role := createRole(t, st, org.ID, "reader")
			missingID := newID(t, org.ID)
			err := st.CreateRoleBinding(t.Context(), iam.RoleBinding{ID: newID(t, org.ID), Identity: missingID, Role: role.ID})
			wantKind(t, err, errs.NotFound)
			wantMessage(t, err, "identity", missingID)
			missingRole := newID(t, org.ID)
			err = st.CreateRoleBinding(t.Context(), iam.RoleBinding{ID: newID(t, org.ID), Identity: id.ID, Role: missingRole})
			wantKind(t, err, errs.NotFound)
			wantMessage(t, err, "role", missingRole)
			missingGroup := newID(t, org.ID)
			err = st.CreateRoleBinding(t.Context(), iam.RoleBinding{ID: newID(t, missingGroup), Identity: id.ID, Role: role.ID})
			wantKind(t, err, errs.NotFound)
			wantMessage(t, err, missingGroup)
		}},
		{"an identity holds a role once per group", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			eng := createGroup(t, st, org.ID, "eng")
			id := createIdentity(t, st, org.ID, "builder")
			role := createRole(t, st, org.ID, "reader")
			bind(t, st, org.ID, id.ID, role.ID)
			err := st.CreateRoleBinding(t.Context(), iam.RoleBinding{ID: newID(t, org.ID), Identity: id.ID, Role: role.ID})
			wantKind(t, err, errs.AlreadyExists)
			bind(t, st, eng.ID, id.ID, role.ID)
		}},
		{"an identity holds a server-wide role once", func(t *testing.T, st storage.Store) {
			builtIns(t, st, epoch())
			owner, _ := iam.BuiltInRole("owner")
			u := createUser(t, st, "https://accounts.example.dev", "user1")
			bind(t, st, iam.RootScope, u.ID, owner.ID)
			err := st.CreateRoleBinding(t.Context(), iam.RoleBinding{ID: newID(t, iam.RootScope), Identity: u.ID, Role: owner.ID})
			wantKind(t, err, errs.AlreadyExists)
		}},
		{"Grants returns every binding with its role's capabilities", func(t *testing.T, st storage.Store) {
			builtIns(t, st, epoch())
			viewer, _ := iam.BuiltInRole("viewer")
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			eng := createGroup(t, st, org.ID, "eng")
			id := createIdentity(t, st, org.ID, "builder")
			other := createIdentity(t, st, org.ID, "deployer")
			custom := createRole(t, st, org.ID, "pusher", iam.CapRepoCreate, iam.CapRepoList)
			b1 := bind(t, st, iam.RootScope, id.ID, viewer.ID)
			b2 := bind(t, st, eng.ID, id.ID, custom.ID)
			bind(t, st, org.ID, other.ID, custom.ID)
			want := []iam.Grant{
				{Binding: b1.ID, Group: iam.RootScope, Role: viewer.ID, RoleName: "viewer", Capabilities: viewer.Capabilities},
				{Binding: b2.ID, Group: eng.ID, Role: custom.ID, RoleName: "pusher", Capabilities: custom.Capabilities},
			}
			if want[1].Binding < want[0].Binding {
				want[0], want[1] = want[1], want[0]
			}
			got, err := st.Grants(t.Context(), id.ID)
			must(t, err)
			wantEqual(t, "grants", want, got)
		}},
		{"an identity without bindings has no grants", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			id := createIdentity(t, st, org.ID, "builder")
			got, err := st.Grants(t.Context(), id.ID)
			must(t, err)
			wantEqual(t, "number of grants", 0, len(got))
		}},
		{"bindings list by identity and by role", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			a := createIdentity(t, st, org.ID, "a")
			b := createIdentity(t, st, org.ID, "b")
			r1 := createRole(t, st, org.ID, "r1")
			r2 := createRole(t, st, org.ID, "r2")
			a1 := bind(t, st, org.ID, a.ID, r1.ID)
			a2 := bind(t, st, org.ID, a.ID, r2.ID)
			b1 := bind(t, st, org.ID, b.ID, r1.ID)
			list := func(f storage.Filter) []string { return walk(t, f, st.ListRoleBindings, bindingID) }
			wantEqual(t, "bindings of a", sorted(a1.ID, a2.ID), list(storage.Filter{Identity: a.ID}))
			wantEqual(t, "bindings of r1", sorted(a1.ID, b1.ID), list(storage.Filter{Role: r1.ID}))
			wantEqual(t, "bindings of a to r1", []string{a1.ID}, list(storage.Filter{Identity: a.ID, Role: r1.ID}))
		}},
		{"an update may point a binding at another role, but not at a missing one", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			id := createIdentity(t, st, org.ID, "builder")
			r1 := createRole(t, st, org.ID, "r1")
			r2 := createRole(t, st, org.ID, "r2")
			b := bind(t, st, org.ID, id.ID, r1.ID)
			got, err := st.UpdateRoleBinding(t.Context(), b.ID, func(b *iam.RoleBinding) error {
				b.Role, b.UpdatedAt = r2.ID, epoch().Add(time.Hour)
				return nil
			})
			must(t, err)
			want := b
			want.Role, want.UpdatedAt = r2.ID, epoch().Add(time.Hour)
			wantEqual(t, "binding", want, got)
			_, err = st.UpdateRoleBinding(t.Context(), b.ID, func(b *iam.RoleBinding) error {
				b.Role = newID(t, org.ID)
				return nil
			})
			wantKind(t, err, errs.NotFound)
		}},
		{"deleting a binding removes it, and a missing one is NotFound", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			id := createIdentity(t, st, org.ID, "builder")
			role := createRole(t, st, org.ID, "reader")
			b := bind(t, st, org.ID, id.ID, role.ID)
			must(t, st.DeleteRoleBinding(t.Context(), b.ID))
			_, err := st.RoleBinding(t.Context(), b.ID)
			wantKind(t, err, errs.NotFound)
			wantKind(t, st.DeleteRoleBinding(t.Context(), b.ID), errs.NotFound)
		}},
	}
}

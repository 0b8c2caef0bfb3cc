package storagetest

import (
	"errors"
	"testing"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

func groupTests() []test {
	return []test{
		{"an organization and a folder read back exactly", func(t *testing.T, st storage.Store) {
			ctx := t.Context()
			org := iam.Group{ID: newID(t, iam.RootScope), Name: "acme.dev", Description: "Acme, Inc.",
				CreatedAt: epoch().In(elsewhere()), UpdatedAt: epoch().Add(time.Hour)}
			folder := iam.Group{ID: newID(t, org.ID), Name: "eng", CreatedAt: epoch()}
			must(t, st.CreateGroup(ctx, org))
			must(t, st.CreateGroup(ctx, folder))
			for _, want := range []iam.Group{org, folder} {
				got, err := st.Group(ctx, want.ID)
				must(t, err)
				wantEqual(t, "group", want, got)
			}
		}},
		{"times keep their microseconds and come back in UTC", func(t *testing.T, st storage.Store) {
			at := time.Date(2031, time.February, 3, 4, 5, 6, 789012000, elsewhere())
			g := iam.Group{ID: newID(t, iam.RootScope), Name: "times", CreatedAt: at, UpdatedAt: at.Add(time.Microsecond)}
			must(t, st.CreateGroup(t.Context(), g))
			got, err := st.Group(t.Context(), g.ID)
			must(t, err)
			if !got.CreatedAt.Equal(at) || !got.UpdatedAt.Equal(at.Add(time.Microsecond)) {
				t.Errorf("times came back as %v and %v, want %v and %v", got.CreatedAt, got.UpdatedAt, at, at.Add(time.Microsecond))
			}
			if got.CreatedAt.Location() != time.UTC {
				t.Errorf("CreatedAt is in %v, want UTC", got.CreatedAt.Location())
			}
		}},
		{"a missing group is NotFound and the message names it", func(t *testing.T, st storage.Store) {
			id := newID(t, iam.RootScope)
			_, err := st.Group(t.Context(), id)
			wantKind(t, err, errs.NotFound)
			wantMessage(t, err, id)
		}},
		{"a malformed ID is Invalid", func(t *testing.T, st storage.Store) {
			err := st.CreateGroup(t.Context(), iam.Group{ID: "not-an-id", Name: "x"})
			wantKind(t, err, errs.Invalid)
			_, err = st.Group(t.Context(), "not-an-id")
			wantKind(t, err, errs.Invalid)
		}},
		{"a folder under a missing parent is NotFound", func(t *testing.T, st storage.Store) {
			parent := newID(t, iam.RootScope)
			err := st.CreateGroup(t.Context(), iam.Group{ID: newID(t, parent), Name: "orphan"})
			wantKind(t, err, errs.NotFound)
			wantMessage(t, err, parent)
		}},
		{"an ID used twice is AlreadyExists", func(t *testing.T, st storage.Store) {
			g := createGroup(t, st, iam.RootScope, "acme.dev")
			g.Name = "other.dev"
			wantKind(t, st.CreateGroup(t.Context(), g), errs.AlreadyExists)
		}},
		{"names are unique among siblings", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			createGroup(t, st, org.ID, "eng")
			err := st.CreateGroup(t.Context(), iam.Group{ID: newID(t, org.ID), Name: "eng"})
			wantKind(t, err, errs.AlreadyExists)
			wantMessage(t, err, `"eng"`)
		}},
		{"organization names are unique", func(t *testing.T, st storage.Store) {
			createGroup(t, st, iam.RootScope, "acme.dev")
			err := st.CreateGroup(t.Context(), iam.Group{ID: newID(t, iam.RootScope), Name: "acme.dev"})
			wantKind(t, err, errs.AlreadyExists)
		}},
		{"the same name is allowed under different parents", func(t *testing.T, st storage.Store) {
			a := createGroup(t, st, iam.RootScope, "a.dev")
			b := createGroup(t, st, iam.RootScope, "b.dev")
			createGroup(t, st, a.ID, "eng")
			createGroup(t, st, b.ID, "eng")
			f := createGroup(t, st, a.ID, "ops")
			createGroup(t, st, f.ID, "eng")
		}},
		{"an update writes what fn returns", func(t *testing.T, st storage.Store) {
			g := createGroup(t, st, iam.RootScope, "acme.dev")
			later := epoch().Add(time.Minute)
			got, err := st.UpdateGroup(t.Context(), g.ID, func(g *iam.Group) error {
				g.Name, g.Description, g.UpdatedAt = "acme.example", "renamed", later
				return nil
			})
			must(t, err)
			want := g
			want.Name, want.Description, want.UpdatedAt = "acme.example", "renamed", later
			wantEqual(t, "returned group", want, got)
			stored, err := st.Group(t.Context(), g.ID)
			must(t, err)
			wantEqual(t, "stored group", want, stored)
		}},
		{"an update that returns ErrUnchanged writes nothing", func(t *testing.T, st storage.Store) {
			g := createGroup(t, st, iam.RootScope, "acme.dev")
			got, err := st.UpdateGroup(t.Context(), g.ID, func(g *iam.Group) error {
				g.Description = "not written"
				return storage.ErrUnchanged
			})
			must(t, err)
			wantEqual(t, "returned group", g, got)
			stored, err := st.Group(t.Context(), g.ID)
			must(t, err)
			wantEqual(t, "stored group", g, stored)
		}},
		{"an update whose fn fails writes nothing and returns fn's error", func(t *testing.T, st storage.Store) {
			g := createGroup(t, st, iam.RootScope, "acme.dev")
			refused := errs.New(errs.PermissionDenied, "no")
			_, err := st.UpdateGroup(t.Context(), g.ID, func(g *iam.Group) error {
				g.Description = "not written"
				return refused
			})
			if !errors.Is(err, refused) {
				t.Fatalf("got %v, want fn's error", err)
			}
			stored, err := st.Group(t.Context(), g.ID)
			must(t, err)
			wantEqual(t, "stored group", g, stored)
		}},
		{"an update cannot change the ID", func(t *testing.T, st storage.Store) {
			g := createGroup(t, st, iam.RootScope, "acme.dev")
			_, err := st.UpdateGroup(t.Context(), g.ID, func(g *iam.Group) error {
				g.ID = newID(t, iam.RootScope)
				return nil
			})
			wantKind(t, err, errs.Invalid)
		}},
		{"renaming onto a sibling's name is AlreadyExists", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			createGroup(t, st, org.ID, "eng")
			ops := createGroup(t, st, org.ID, "ops")
			_, err := st.UpdateGroup(t.Context(), ops.ID, func(g *iam.Group) error {
				g.Name = "eng"
				return nil
			})
			wantKind(t, err, errs.AlreadyExists)
			stored, err := st.Group(t.Context(), ops.ID)
			must(t, err)
			wantEqual(t, "stored group", ops, stored)
		}},
		{"updating a missing group is NotFound without calling fn", func(t *testing.T, st storage.Store) {
			_, err := st.UpdateGroup(t.Context(), newID(t, iam.RootScope), func(*iam.Group) error {
				t.Error("fn was called for a missing group")
				return nil
			})
			wantKind(t, err, errs.NotFound)
		}},
		{"deleting a group with contents is Conflict and says what is in the way", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			createGroup(t, st, org.ID, "eng")
			createGroup(t, st, org.ID, "ops")
			createIdentity(t, st, org.ID, "builder")
			err := st.DeleteGroup(t.Context(), org.ID)
			wantKind(t, err, errs.Conflict)
			wantMessage(t, err, "acme.dev", "2 folders", "1 identity")
			if _, err := st.Group(t.Context(), org.ID); err != nil {
				t.Fatalf("the refused delete removed the group: %v", err)
			}
		}},
		{"a custom role or a role binding also keeps a group from being deleted", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			withRole := createGroup(t, st, org.ID, "with-role")
			createRole(t, st, withRole.ID, "reader")
			wantKind(t, st.DeleteGroup(t.Context(), withRole.ID), errs.Conflict)

			withBinding := createGroup(t, st, org.ID, "with-binding")
			id := createIdentity(t, st, org.ID, "builder")
			role := createRole(t, st, org.ID, "reader")
			bind(t, st, withBinding.ID, id.ID, role.ID)
			err := st.DeleteGroup(t.Context(), withBinding.ID)
			wantKind(t, err, errs.Conflict)
			wantMessage(t, err, "1 role binding")
		}},
		{"deleting an empty group removes it", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			f := createGroup(t, st, org.ID, "eng")
			must(t, st.DeleteGroup(t.Context(), f.ID))
			_, err := st.Group(t.Context(), f.ID)
			wantKind(t, err, errs.NotFound)
			must(t, st.DeleteGroup(t.Context(), org.ID))
		}},
		{"deleting a missing group is NotFound", func(t *testing.T, st storage.Store) {
			wantKind(t, st.DeleteGroup(t.Context(), newID(t, iam.RootScope)), errs.NotFound)
		}},
	}
}

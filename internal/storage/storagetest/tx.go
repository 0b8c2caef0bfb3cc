package storagetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

func txTests() []test {
	return []test{
		{"a Tx commits every write it makes", func(t *testing.T, st storage.Store) {
			ctx := t.Context()
			org := iam.Group{ID: newID(t, iam.RootScope), Name: "acme.dev"}
			id := awsIdentity(t, org.ID, "builder")
			role := iam.Role{ID: newID(t, org.ID), Name: "reader", Capabilities: []iam.Capability{iam.CapGroupsList}}
			b := iam.RoleBinding{ID: newID(t, org.ID), Identity: id.ID, Role: role.ID}
			must(t, st.Tx(ctx, func(tx storage.Store) error {
				for _, err := range []error{
					tx.CreateGroup(ctx, org), tx.CreateIdentity(ctx, id), tx.CreateRole(ctx, role), tx.CreateRoleBinding(ctx, b),
				} {
					if err != nil {
						return err
					}
				}
				return nil
			}))
			got, err := st.RoleBinding(ctx, b.ID)
			must(t, err)
			wantEqual(t, "binding", b, got)
		}},
		{"an error inside a Tx leaves nothing written and comes back unchanged", func(t *testing.T, st storage.Store) {
			ctx := t.Context()
			existing := createGroup(t, st, iam.RootScope, "existing.dev")
			org := iam.Group{ID: newID(t, iam.RootScope), Name: "acme.dev"}
			stop := errors.New("stop")
			err := st.Tx(ctx, func(tx storage.Store) error {
				must(t, tx.CreateGroup(ctx, org))
				must(t, tx.CreateIdentity(ctx, awsIdentity(t, org.ID, "builder")))
				if _, err := tx.UpdateGroup(ctx, existing.ID, func(g *iam.Group) error {
					g.Description = "changed"
					return nil
				}); err != nil {
					return err
				}
				return stop
			})
			if !errors.Is(err, stop) {
				t.Fatalf("Tx returned %v, want the function's error", err)
			}
			_, err = st.Group(ctx, org.ID)
			wantKind(t, err, errs.NotFound)
			got, err := st.Group(ctx, existing.ID)
			must(t, err)
			wantEqual(t, "group updated in a rolled back Tx", existing, got)
		}},
		{"a store error inside a Tx keeps its kind", func(t *testing.T, st storage.Store) {
			ctx := t.Context()
			createGroup(t, st, iam.RootScope, "acme.dev")
			err := st.Tx(ctx, func(tx storage.Store) error {
				return tx.CreateGroup(ctx, iam.Group{ID: newID(t, iam.RootScope), Name: "acme.dev"})
			})
			wantKind(t, err, errs.AlreadyExists)
		}},
		{"a Tx sees its own writes and others see them only after commit", func(t *testing.T, st storage.Store) {
			ctx := t.Context()
			org := iam.Group{ID: newID(t, iam.RootScope), Name: "acme.dev"}
			must(t, st.Tx(ctx, func(tx storage.Store) error {
				must(t, tx.CreateGroup(ctx, org))
				if _, err := tx.Group(ctx, org.ID); err != nil {
					t.Errorf("the Tx does not see its own write: %v", err)
				}
				page, err := tx.ListGroups(ctx, storage.Filter{})
				must(t, err)
				if len(page.Items) != 1 {
					t.Errorf("a listing inside the Tx shows %d groups, want 1", len(page.Items))
				}
				if _, err := st.Group(ctx, org.ID); !errs.Is(err, errs.NotFound) {
					t.Errorf("a read outside the Tx saw an uncommitted write (err %v)", err)
				}
				return nil
			}))
			_, err := st.Group(ctx, org.ID)
			must(t, err)
		}},
		{"a nested Tx joins the outer one", func(t *testing.T, st storage.Store) {
			ctx := t.Context()
			outer := iam.Group{ID: newID(t, iam.RootScope), Name: "outer.dev"}
			inner := iam.Group{ID: newID(t, outer.ID), Name: "inner"}
			stop := errors.New("stop")
			err := st.Tx(ctx, func(tx storage.Store) error {
				must(t, tx.CreateGroup(ctx, outer))
				must(t, tx.Tx(ctx, func(tx2 storage.Store) error {
					if _, err := tx2.Group(ctx, outer.ID); err != nil {
						t.Errorf("the inner Tx does not see the outer one's write: %v", err)
					}
					return tx2.CreateGroup(ctx, inner)
				}))
				return stop
			})
			if !errors.Is(err, stop) {
				t.Fatalf("Tx returned %v, want the function's error", err)
			}
			for _, g := range []iam.Group{outer, inner} {
				_, err := st.Group(ctx, g.ID)
				wantKind(t, err, errs.NotFound)
			}
		}},
		{"transactions that lock two rows in opposite orders both complete", func(t *testing.T, st storage.Store) {
			// A classic deadlock: each transaction updates one group and
			// then the other. A database that runs them concurrently
			// aborts one of them, and the store must run it again.
			a := iam.Group{ID: newID(t, iam.RootScope), Name: "a.dev", Description: "count=0"}
			b := iam.Group{ID: newID(t, iam.RootScope), Name: "b.dev", Description: "count=0"}
			must(t, st.CreateGroup(t.Context(), a))
			must(t, st.CreateGroup(t.Context(), b))
			locked := [2]chan struct{}{make(chan struct{}), make(chan struct{})}
			var wg sync.WaitGroup
			for i, order := range [2][2]string{{a.ID, b.ID}, {b.ID, a.ID}} {
				wg.Go(func() {
					attempt := 0
					err := st.Tx(t.Context(), func(tx storage.Store) error {
						attempt++
						if err := incrementGroup(t.Context(), tx, order[0]); err != nil {
							return err
						}
						if attempt == 1 {
							close(locked[i])
							// Wait until the other transaction holds its first
							// row, or briefly: a store that runs one write
							// transaction at a time (SQLite) never lets it.
							select {
							case <-locked[1-i]:
							case <-time.After(200 * time.Millisecond):
							}
						}
						return incrementGroup(t.Context(), tx, order[1])
					})
					if err != nil {
						t.Errorf("transaction %d: %v", i, err)
					}
				})
			}
			wg.Wait()
			for _, g := range []iam.Group{a, b} {
				got, err := st.Group(t.Context(), g.ID)
				must(t, err)
				wantCount(t, got.Description, 2)
			}
		}},
		{"a panic inside a Tx rolls back and leaves the store usable", func(t *testing.T, st storage.Store) {
			ctx := t.Context()
			org := iam.Group{ID: newID(t, iam.RootScope), Name: "acme.dev"}
			func() {
				defer func() {
					if recover() == nil {
						t.Error("the panic did not come through Tx")
					}
				}()
				_ = st.Tx(ctx, func(tx storage.Store) error {
					must(t, tx.CreateGroup(ctx, org))
					panic("boom")
				})
			}()
			_, err := st.Group(ctx, org.ID)
			wantKind(t, err, errs.NotFound)
			createGroup(t, st, iam.RootScope, "after.dev")
		}},
	}
}

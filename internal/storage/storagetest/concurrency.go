package storagetest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

// racers is how many goroutines each race runs. Enough to collide on any
// backend, few enough for a small machine under the race detector.
const racers = 8

// race runs fn in racers goroutines released at once and waits for all.
func race(fn func(i int)) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i := range racers {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			fn(i)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
}

// increment parses "count=N" and returns "count=N+1".
func increment(desc string) (string, error) {
	n, err := strconv.Atoi(strings.TrimPrefix(desc, "count="))
	if err != nil {
		return "", fmt.Errorf("description %q is not a counter: %w", desc, err)
	}
	return "count=" + strconv.Itoa(n+1), nil
}

// incrementGroup adds one to the counter in a group's description.
func incrementGroup(ctx context.Context, st storage.Store, id string) error {
	_, err := st.UpdateGroup(ctx, id, func(g *iam.Group) error {
		var err error
		g.Description, err = increment(g.Description)
		return err
	})
	return err
}

func wantCount(t *testing.T, desc string, want int) {
	t.Helper()
	if desc != "count="+strconv.Itoa(want) {
		t.Errorf("after %d increments the counter reads %q: updates were lost", want, desc)
	}
}

func concurrencyTests() []test {
	const rounds = 3
	return []test{
		{"concurrent updates of one group lose nothing", func(t *testing.T, st storage.Store) {
			g := iam.Group{ID: newID(t, iam.RootScope), Name: "acme.dev", Description: "count=0"}
			must(t, st.CreateGroup(t.Context(), g))
			race(func(int) {
				for range rounds {
					if err := incrementGroup(t.Context(), st, g.ID); err != nil {
						t.Errorf("update: %v", err)
					}
				}
			})
			got, err := st.Group(t.Context(), g.ID)
			must(t, err)
			wantCount(t, got.Description, racers*rounds)
		}},
		{"concurrent updates of one identity lose nothing", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			id := awsIdentity(t, org.ID, "builder")
			id.Description = "count=0"
			must(t, st.CreateIdentity(t.Context(), id))
			race(func(int) {
				for range rounds {
					_, err := st.UpdateIdentity(t.Context(), id.ID, func(i *iam.Identity) error {
						var err error
						i.Description, err = increment(i.Description)
						return err
					})
					if err != nil {
						t.Errorf("update: %v", err)
					}
				}
			})
			got, err := st.Identity(t.Context(), id.ID)
			must(t, err)
			wantCount(t, got.Description, racers*rounds)
		}},
		{"concurrent updates of one role lose nothing", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			r := iam.Role{ID: newID(t, org.ID), Name: "reader", Description: "count=0", Capabilities: []iam.Capability{iam.CapGroupsList}}
			must(t, st.CreateRole(t.Context(), r))
			race(func(int) {
				for range rounds {
					_, err := st.UpdateRole(t.Context(), r.ID, func(r *iam.Role) error {
						var err error
						r.Description, err = increment(r.Description)
						return err
					})
					if err != nil {
						t.Errorf("update: %v", err)
					}
				}
			})
			got, err := st.Role(t.Context(), r.ID)
			must(t, err)
			wantCount(t, got.Description, racers*rounds)
		}},
		{"concurrent transactions that update one group lose nothing", func(t *testing.T, st storage.Store) {
			g := iam.Group{ID: newID(t, iam.RootScope), Name: "acme.dev", Description: "count=0"}
			must(t, st.CreateGroup(t.Context(), g))
			race(func(i int) {
				err := st.Tx(t.Context(), func(tx storage.Store) error {
					if err := incrementGroup(t.Context(), tx, g.ID); err != nil {
						return err
					}
					return tx.CreateGroup(t.Context(), iam.Group{ID: newID(t, g.ID), Name: fmt.Sprintf("f%d", i)})
				})
				if err != nil {
					t.Errorf("tx: %v", err)
				}
			})
			got, err := st.Group(t.Context(), g.ID)
			must(t, err)
			wantCount(t, got.Description, racers)
		}},
		{"of racing creations with one name exactly one succeeds", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			var won, exists atomic.Int32
			race(func(int) {
				err := st.CreateGroup(t.Context(), iam.Group{ID: newID(t, org.ID), Name: "eng"})
				switch {
				case err == nil:
					won.Add(1)
				case errs.Is(err, errs.AlreadyExists):
					exists.Add(1)
				default:
					t.Errorf("create: %v", err)
				}
			})
			if won.Load() != 1 || exists.Load() != racers-1 {
				t.Errorf("%d creations succeeded and %d found the name taken; want 1 and %d", won.Load(), exists.Load(), racers-1)
			}
		}},
		{"deleting a group while folders are added never orphans one", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			f := createGroup(t, st, org.ID, "eng")
			race(func(i int) {
				if i == 0 {
					err := st.DeleteGroup(t.Context(), f.ID)
					if err != nil && !errs.Is(err, errs.Conflict) {
						t.Errorf("delete: %v", err)
					}
					return
				}
				err := st.CreateGroup(t.Context(), iam.Group{ID: newID(t, f.ID), Name: fmt.Sprintf("sub%d", i)})
				if err != nil && !errs.Is(err, errs.NotFound) {
					t.Errorf("create: %v", err)
				}
			})
			children := walk(t, storage.Filter{Within: f.ID}, st.ListGroups, groupID)
			if _, err := st.Group(t.Context(), f.ID); errs.Is(err, errs.NotFound) && len(children) > 0 {
				t.Errorf("the folder was deleted but %d groups remain below it", len(children))
			}
		}},
		{"PutBuiltInRoles from racing replicas all succeed and leave one set", func(t *testing.T, st storage.Store) {
			roles := iam.BuiltInRoles()
			race(func(i int) {
				mine := iam.BuiltInRoles()
				for j := range mine {
					mine[j].CreatedAt = epoch().Add(time.Duration(i) * time.Second)
					mine[j].UpdatedAt = mine[j].CreatedAt
				}
				if err := st.PutBuiltInRoles(t.Context(), mine); err != nil {
					t.Errorf("put: %v", err)
				}
			})
			got := listBuiltIns(t, st)
			if len(got) != len(roles) {
				t.Fatalf("got %d built-in roles, want %d", len(got), len(roles))
			}
			for i, r := range byID(roles) {
				if got[i].ID != r.ID || got[i].Name != r.Name {
					t.Errorf("built-in role %d is %s %q, want %s %q", i, got[i].ID, got[i].Name, r.ID, r.Name)
				}
			}
		}},
	}
}

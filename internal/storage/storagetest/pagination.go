package storagetest

import (
	"context"
	"fmt"
	"testing"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

// walk lists every page of f and returns the IDs in order, checking that
// they ascend strictly (no duplicates, no reordering across pages).
func walk[T any](t *testing.T, f storage.Filter, list func(context.Context, storage.Filter) (storage.Page[T], error), id func(T) string) []string {
	t.Helper()
	out := []string{}
	for pages := 0; ; pages++ {
		if pages > 10000 {
			t.Fatal("listing never ends")
		}
		page, err := list(t.Context(), f)
		must(t, err)
		for _, it := range page.Items {
			if n := len(out); n > 0 && id(it) <= out[n-1] {
				t.Fatalf("listing is not in strictly ascending ID order: %s after %s", id(it), out[n-1])
			}
			out = append(out, id(it))
		}
		if page.Next == "" {
			return out
		}
		if f.PageSize > 0 && len(page.Items) != f.PageSize {
			t.Fatalf("a page before the last has %d items, want %d", len(page.Items), f.PageSize)
		}
		f.PageToken = page.Next
	}
}

// createOrgs creates n organizations in one transaction and returns their IDs.
func createOrgs(t *testing.T, st storage.Store, prefix string, n int) []string {
	t.Helper()
	var out []string
	must(t, st.Tx(t.Context(), func(tx storage.Store) error {
		out = out[:0]
		for i := range n {
			g := iam.Group{ID: newID(t, iam.RootScope), Name: fmt.Sprintf("%s%04d", prefix, i)}
			if err := tx.CreateGroup(t.Context(), g); err != nil {
				return err
			}
			out = append(out, g.ID)
		}
		return nil
	}))
	return out
}

func paginationTests() []test {
	return []test{
		{"walking every page returns every object once, in ID order", func(t *testing.T, st storage.Store) {
			want := createOrgs(t, st, "org", 23)
			for _, size := range []int{1, 5, 22, 23, 24} {
				got := walk(t, storage.Filter{PageSize: size}, st.ListGroups, groupID)
				wantEqual(t, fmt.Sprintf("groups in pages of %d", size), sorted(want...), got)
			}
		}},
		{"pages of a filtered listing walk only what the filter selects", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			other := createGroup(t, st, iam.RootScope, "other.dev")
			var want []string
			for i := range 9 {
				want = append(want, createIdentity(t, st, org.ID, fmt.Sprintf("id%d", i)).ID)
				createIdentity(t, st, other.ID, fmt.Sprintf("id%d", i))
			}
			got := walk(t, storage.Filter{Parent: org.ID, PageSize: 4}, st.ListIdentities, identityID)
			wantEqual(t, "identities of acme.dev", sorted(want...), got)
		}},
		{"pages stay stable while objects are added", func(t *testing.T, st storage.Store) {
			before := createOrgs(t, st, "before", 20)
			seen := map[string]int{}
			f := storage.Filter{PageSize: 3}
			var last string
			for i := 0; ; i++ {
				page, err := st.ListGroups(t.Context(), f)
				must(t, err)
				for _, g := range page.Items {
					if g.ID <= last {
						t.Fatalf("%s came after %s", g.ID, last)
					}
					last = g.ID
					seen[g.ID]++
				}
				if page.Next == "" {
					break
				}
				createOrgs(t, st, fmt.Sprintf("during%d-", i), 2)
				f.PageToken = page.Next
			}
			for _, id := range before {
				if seen[id] != 1 {
					t.Errorf("group %s that existed before the walk was seen %d times", id, seen[id])
				}
			}
		}},
		{"page size 0 means the default and larger sizes are capped", func(t *testing.T, st storage.Store) {
			createOrgs(t, st, "org", storage.MaxPageSize+1)
			page, err := st.ListGroups(t.Context(), storage.Filter{})
			must(t, err)
			if len(page.Items) != storage.DefaultPageSize || page.Next == "" {
				t.Errorf("page size 0 gave %d items (next %q), want %d and a next page", len(page.Items), page.Next, storage.DefaultPageSize)
			}
			page, err = st.ListGroups(t.Context(), storage.Filter{PageSize: 10 * storage.MaxPageSize})
			must(t, err)
			if len(page.Items) != storage.MaxPageSize || page.Next == "" {
				t.Errorf("page size %d gave %d items (next %q), want %d and a next page", 10*storage.MaxPageSize, len(page.Items), page.Next, storage.MaxPageSize)
			}
			page, err = st.ListGroups(t.Context(), storage.Filter{PageSize: storage.MaxPageSize, PageToken: page.Next})
			must(t, err)
			if len(page.Items) != 1 || page.Next != "" {
				t.Errorf("the last page has %d items (next %q), want 1 and no next page", len(page.Items), page.Next)
			}
		}},
		{"a negative page size is Invalid", func(t *testing.T, st storage.Store) {
			_, err := st.ListGroups(t.Context(), storage.Filter{PageSize: -1})
			wantKind(t, err, errs.Invalid)
		}},
		{"a page token that the store did not issue is Invalid", func(t *testing.T, st storage.Store) {
			for _, tok := range []string{"garbage", "!!!", "e30"} {
				_, err := st.ListGroups(t.Context(), storage.Filter{PageToken: tok})
				wantKind(t, err, errs.Invalid)
				_, err = st.ListEvents(t.Context(), storage.EventFilter{PageToken: tok})
				wantKind(t, err, errs.Invalid)
			}
		}},
		{"an empty listing has no items and no next page", func(t *testing.T, st storage.Store) {
			page, err := st.ListRoleBindings(t.Context(), storage.Filter{})
			must(t, err)
			if len(page.Items) != 0 || page.Next != "" {
				t.Errorf("got %d items and next %q from an empty store", len(page.Items), page.Next)
			}
		}},
	}
}

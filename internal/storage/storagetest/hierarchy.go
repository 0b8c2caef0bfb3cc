package storagetest

import (
	"strings"
	"testing"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

// tree is a small organization tree:
//
//	acme.dev
//	├── eng
//	│   ├── build
//	│   │   └── release
//	│   └── web
//	└── ops
//	beta.dev
//	└── eng
type tree struct {
	acme, eng, build, release, web, ops iam.Group
	beta, betaEng                       iam.Group
}

func newTree(t *testing.T, st storage.Store) tree {
	t.Helper()
	var tr tree
	tr.acme = createGroup(t, st, iam.RootScope, "acme.dev")
	tr.eng = createGroup(t, st, tr.acme.ID, "eng")
	tr.build = createGroup(t, st, tr.eng.ID, "build")
	tr.release = createGroup(t, st, tr.build.ID, "release")
	tr.web = createGroup(t, st, tr.eng.ID, "web")
	tr.ops = createGroup(t, st, tr.acme.ID, "ops")
	tr.beta = createGroup(t, st, iam.RootScope, "beta.dev")
	tr.betaEng = createGroup(t, st, tr.beta.ID, "eng")
	return tr
}

// listGroups returns the IDs of every group f selects, walking all pages.
func listGroups(t *testing.T, st storage.Store, f storage.Filter) []string {
	t.Helper()
	return walk(t, f, st.ListGroups, groupID)
}

func hierarchyTests() []test {
	return []test{
		{"Parent lists the direct children of a group", func(t *testing.T, st storage.Store) {
			tr := newTree(t, st)
			wantEqual(t, "children of acme.dev", sorted(tr.eng.ID, tr.ops.ID), listGroups(t, st, storage.Filter{Parent: tr.acme.ID}))
			wantEqual(t, "children of eng", sorted(tr.build.ID, tr.web.ID), listGroups(t, st, storage.Filter{Parent: tr.eng.ID}))
			wantEqual(t, "children of release", []string{}, listGroups(t, st, storage.Filter{Parent: tr.release.ID}))
		}},
		{"Parent RootScope lists the organizations", func(t *testing.T, st storage.Store) {
			tr := newTree(t, st)
			wantEqual(t, "organizations", sorted(tr.acme.ID, tr.beta.ID), listGroups(t, st, storage.Filter{Parent: iam.RootScope}))
		}},
		{"Within lists a subtree with the group itself", func(t *testing.T, st storage.Store) {
			tr := newTree(t, st)
			wantEqual(t, "within eng", sorted(tr.eng.ID, tr.build.ID, tr.release.ID, tr.web.ID), listGroups(t, st, storage.Filter{Within: tr.eng.ID}))
			wantEqual(t, "within release", []string{tr.release.ID}, listGroups(t, st, storage.Filter{Within: tr.release.ID}))
			wantEqual(t, "within the root", 8, len(listGroups(t, st, storage.Filter{Within: iam.RootScope})))
		}},
		{"Within stops at the subtree even for IDs that sort right after it", func(t *testing.T, st storage.Store) {
			ctx := t.Context()
			// Hand-picked IDs: neighbours in sort order, one a prefix of
			// the other but for the separator.
			a := strings.Repeat("0", 40)
			b := strings.Repeat("0", 39) + "1"
			a1 := a + "/0000000000000001"
			a2 := a + "/0000000000000002"
			a1x := a1 + "/ffffffffffffffff"
			for i, id := range []string{a, b, a1, a2, a1x} {
				must(t, st.CreateGroup(ctx, iam.Group{ID: id, Name: string(rune('a' + i))}))
			}
			wantEqual(t, "within a", []string{a, a1, a1x, a2}, listGroups(t, st, storage.Filter{Within: a}))
			wantEqual(t, "within a1", []string{a1, a1x}, listGroups(t, st, storage.Filter{Within: a1}))
			wantEqual(t, "within b", []string{b}, listGroups(t, st, storage.Filter{Within: b}))
		}},
		{"AncestorsOf lists the groups above an object", func(t *testing.T, st storage.Store) {
			tr := newTree(t, st)
			wantEqual(t, "above release", sorted(tr.acme.ID, tr.eng.ID, tr.build.ID), listGroups(t, st, storage.Filter{AncestorsOf: tr.release.ID}))
			id := createIdentity(t, st, tr.build.ID, "builder")
			wantEqual(t, "above an identity in build", sorted(tr.acme.ID, tr.eng.ID, tr.build.ID), listGroups(t, st, storage.Filter{AncestorsOf: id.ID}))
			wantEqual(t, "above an organization", []string{}, listGroups(t, st, storage.Filter{AncestorsOf: tr.acme.ID}))
		}},
		{"filters combine", func(t *testing.T, st storage.Store) {
			tr := newTree(t, st)
			wantEqual(t, "eng within acme.dev", []string{tr.eng.ID}, listGroups(t, st, storage.Filter{Within: tr.acme.ID, Name: "eng"}))
			wantEqual(t, "every eng", sorted(tr.eng.ID, tr.betaEng.ID), listGroups(t, st, storage.Filter{Name: "eng"}))
			wantEqual(t, "IDs within eng", []string{tr.build.ID}, listGroups(t, st, storage.Filter{IDs: []string{tr.build.ID, tr.ops.ID}, Within: tr.eng.ID}))
			wantEqual(t, "IDs", sorted(tr.build.ID, tr.ops.ID), listGroups(t, st, storage.Filter{IDs: []string{tr.ops.ID, tr.build.ID}}))
		}},
		{"identities list by parent and subtree, users at the root", func(t *testing.T, st storage.Store) {
			tr := newTree(t, st)
			inEng := createIdentity(t, st, tr.eng.ID, "deployer")
			inBuild := createIdentity(t, st, tr.build.ID, "builder")
			createIdentity(t, st, tr.ops.ID, "pager")
			u := createUser(t, st, "https://accounts.example.dev", "user1")
			list := func(f storage.Filter) []string { return walk(t, f, st.ListIdentities, identityID) }
			wantEqual(t, "in eng", []string{inEng.ID}, list(storage.Filter{Parent: tr.eng.ID}))
			wantEqual(t, "within eng", sorted(inEng.ID, inBuild.ID), list(storage.Filter{Within: tr.eng.ID}))
			wantEqual(t, "users", []string{u.ID}, list(storage.Filter{Parent: iam.RootScope}))
			wantEqual(t, "by name", []string{inBuild.ID}, list(storage.Filter{Name: "builder"}))
		}},
		{"roles that apply at an object are the built-in ones and those of the groups above", func(t *testing.T, st storage.Store) {
			tr := newTree(t, st)
			var want []string
			for _, r := range builtIns(t, st, epoch()) {
				want = append(want, r.ID)
			}
			want = append(want, createRole(t, st, tr.acme.ID, "org-reader").ID, createRole(t, st, tr.eng.ID, "eng-reader").ID)
			createRole(t, st, tr.ops.ID, "ops-reader")
			createRole(t, st, tr.betaEng.ID, "beta-reader")
			id := createIdentity(t, st, tr.build.ID, "builder")
			got := walk(t, storage.Filter{AncestorsOf: id.ID}, st.ListRoles, roleID)
			wantEqual(t, "roles that apply to an identity in build", sorted(want...), got)
			got = walk(t, storage.Filter{AncestorsOf: tr.eng.ID}, st.ListRoles, roleID)
			wantEqual(t, "roles that apply in eng", sorted(want...), got)
			got = walk(t, storage.Filter{Parent: iam.RootScope}, st.ListRoles, roleID)
			wantEqual(t, "built-in roles", sorted(want[:len(want)-2]...), got)
		}},
		{"role bindings that apply at an object are the server-wide ones and those of the groups above", func(t *testing.T, st storage.Store) {
			tr := newTree(t, st)
			id := createIdentity(t, st, tr.acme.ID, "builder")
			viewer, _ := iam.BuiltInRole("viewer")
			builtIns(t, st, epoch())
			want := []string{
				bind(t, st, iam.RootScope, id.ID, viewer.ID).ID,
				bind(t, st, tr.acme.ID, id.ID, viewer.ID).ID,
				bind(t, st, tr.eng.ID, id.ID, viewer.ID).ID,
				bind(t, st, tr.build.ID, id.ID, viewer.ID).ID,
			}
			bind(t, st, tr.web.ID, id.ID, viewer.ID)
			bind(t, st, tr.release.ID, id.ID, viewer.ID)
			got := walk(t, storage.Filter{AncestorsOf: tr.build.ID}, st.ListRoleBindings, bindingID)
			wantEqual(t, "bindings that apply in build", sorted(want...), got)
			got = walk(t, storage.Filter{Parent: tr.eng.ID}, st.ListRoleBindings, bindingID)
			wantEqual(t, "bindings in eng", []string{want[2]}, got)
			got = walk(t, storage.Filter{Parent: iam.RootScope}, st.ListRoleBindings, bindingID)
			wantEqual(t, "server-wide bindings", []string{want[0]}, got)
		}},
		{"a filter field that does not apply to the kind is Invalid", func(t *testing.T, st storage.Store) {
			ctx := t.Context()
			some := newID(t, iam.RootScope)
			_, err := st.ListGroups(ctx, storage.Filter{Identity: some})
			wantKind(t, err, errs.Invalid)
			_, err = st.ListGroups(ctx, storage.Filter{Role: some})
			wantKind(t, err, errs.Invalid)
			_, err = st.ListIdentities(ctx, storage.Filter{AncestorsOf: some})
			wantKind(t, err, errs.Invalid)
			_, err = st.ListIdentities(ctx, storage.Filter{Role: some})
			wantKind(t, err, errs.Invalid)
			_, err = st.ListRoles(ctx, storage.Filter{Identity: some})
			wantKind(t, err, errs.Invalid)
			_, err = st.ListRoleBindings(ctx, storage.Filter{Name: "x"})
			wantKind(t, err, errs.Invalid)
		}},
		{"a malformed group in a filter is Invalid", func(t *testing.T, st storage.Store) {
			ctx := t.Context()
			for _, f := range []storage.Filter{
				{Within: "acme.dev"}, {Parent: "acme.dev"}, {AncestorsOf: "acme.dev"}, {IDs: []string{"acme.dev"}},
			} {
				_, err := st.ListGroups(ctx, f)
				wantKind(t, err, errs.Invalid)
			}
		}},
	}
}

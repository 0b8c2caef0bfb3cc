package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

// shape is the size of the tree to build.
type shape struct {
	Orgs       int `json:"organizations"`
	Groups     int `json:"groups"`
	Depth      int `json:"depth"`
	Identities int `json:"identities"`
	Bindings   int `json:"bindings"`
}

// tree is what was built: enough to pick realistic questions.
type tree struct {
	groups     []string            // every group ID
	byOrg      map[string][]string // groups of each organization
	identities []string
	orgOf      map[string]string // identity → its organization
	viewerOrg  string            // the organization viewer below can list
	viewer     string            // an identity with viewer on viewerOrg
}

// batch is how many rows one transaction writes while building.
const batch = 2000

// build writes the tree straight into the store, in large transactions:
// building through the API would measure the API, not authorization.
// Each organization is a random tree of groups whose first folders form a
// chain, so the tree reaches the full depth; identities live in random
// groups; bindings give random built-in roles in random groups of the
// identity's organization.
func build(ctx context.Context, st storage.Store, sh shape, rnd *rand.Rand, rb func([]byte) error) (*tree, error) {
	now := time.Now().UTC()
	t := &tree{byOrg: map[string][]string{}, orgOf: map[string]string{}}
	newID := func(parent string) (string, error) {
		b := make([]byte, 8)
		if err := rb(b); err != nil {
			return "", err
		}
		if parent == iam.RootScope {
			rb2 := make([]byte, 20)
			if err := rb(rb2); err != nil {
				return "", err
			}
			return fmt.Sprintf("%x", rb2), nil
		}
		return fmt.Sprintf("%s/%x", parent, b), nil
	}
	perOrg := sh.Groups / sh.Orgs
	var groups []iam.Group
	for o := range sh.Orgs {
		org, err := newID(iam.RootScope)
		if err != nil {
			return nil, err
		}
		groups = append(groups, iam.Group{ID: org, Name: fmt.Sprintf("org-%d.example", o), CreatedAt: now, UpdatedAt: now})
		members := []string{org}
		for i := 1; i < perOrg; i++ {
			parent := members[len(members)-1] // the chain first…
			if i >= sh.Depth {
				for { // …then random parents above the last level
					parent = members[rnd.IntN(len(members))]
					if iam.Depth(parent) < sh.Depth {
						break
					}
				}
			}
			id, err := newID(parent)
			if err != nil {
				return nil, err
			}
			groups = append(groups, iam.Group{ID: id, Name: fmt.Sprintf("folder-%d", i), CreatedAt: now, UpdatedAt: now})
			members = append(members, id)
		}
		t.byOrg[org] = members
		t.groups = append(t.groups, members...)
	}
	if err := inBatches(ctx, st, groups, func(tx storage.Store, g iam.Group) error { return tx.CreateGroup(ctx, g) }); err != nil {
		return nil, fmt.Errorf("groups: %w", err)
	}

	var ids []iam.Identity
	for i := range sh.Identities {
		g := t.groups[rnd.IntN(len(t.groups))]
		id, err := newID(g)
		if err != nil {
			return nil, err
		}
		ids = append(ids, iam.Identity{ID: id, Name: fmt.Sprintf("workload-%d", i), CreatedAt: now, UpdatedAt: now,
			AWS: &iam.AWSIdentity{Account: "123456789012", ARNPattern: fmt.Sprintf("arn:aws:sts::123456789012:assumed-role/workload-%d/.+", i), UserIDPattern: "AROA[A-Z0-9]+:.+"}})
		t.identities = append(t.identities, id)
		t.orgOf[id] = iam.RootID(g)
	}
	if err := inBatches(ctx, st, ids, func(tx storage.Store, id iam.Identity) error { return tx.CreateIdentity(ctx, id) }); err != nil {
		return nil, fmt.Errorf("identities: %w", err)
	}

	roles := []iam.Role{}
	for _, name := range []string{"viewer", "editor", "owner"} {
		r, ok := iam.BuiltInRole(name)
		if !ok {
			return nil, fmt.Errorf("no built-in role %s", name)
		}
		roles = append(roles, r)
	}
	// One identity views a whole organization, for the listings.
	t.viewerOrg = iam.RootID(t.groups[0])
	for _, id := range t.identities {
		if t.orgOf[id] == t.viewerOrg {
			t.viewer = id
			break
		}
	}
	vid, err := newID(t.viewerOrg)
	if err != nil {
		return nil, err
	}
	bindings := []iam.RoleBinding{{ID: vid, Identity: t.viewer, Role: roles[0].ID, CreatedAt: now, UpdatedAt: now}}
	seen := map[[3]string]bool{{t.viewerOrg, t.viewer, roles[0].ID}: true}
	for len(bindings) < sh.Bindings {
		identity := t.identities[rnd.IntN(len(t.identities))]
		members := t.byOrg[t.orgOf[identity]]
		group := members[rnd.IntN(len(members))]
		role := roles[rnd.IntN(len(roles))].ID
		if seen[[3]string{group, identity, role}] {
			continue
		}
		seen[[3]string{group, identity, role}] = true
		id, err := newID(group)
		if err != nil {
			return nil, err
		}
		bindings = append(bindings, iam.RoleBinding{ID: id, Identity: identity, Role: role, CreatedAt: now, UpdatedAt: now})
	}
	if err := inBatches(ctx, st, bindings, func(tx storage.Store, b iam.RoleBinding) error { return tx.CreateRoleBinding(ctx, b) }); err != nil {
		return nil, fmt.Errorf("bindings: %w", err)
	}
	return t, nil
}

// inBatches writes items in transactions of batch rows.
func inBatches[T any](ctx context.Context, st storage.Store, items []T, write func(storage.Store, T) error) error {
	for len(items) > 0 {
		n := min(batch, len(items))
		chunk := items[:n]
		if err := st.Tx(ctx, func(tx storage.Store) error {
			for _, it := range chunk {
				if err := write(tx, it); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
		items = items[n:]
	}
	return nil
}

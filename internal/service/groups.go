package service

import (
	"context"
	"fmt"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

// CreateGroup creates an organization (parent empty or "/") or a folder
// under parent (a name or ID). Whoever creates an organization becomes its
// owner, as in Chainguard, so that it is never left without one.
func (s *Service) CreateGroup(ctx context.Context, c *Caller, parent string, g iam.Group) (iam.Group, error) {
	a, err := s.accessFor(ctx, c)
	if err != nil {
		return iam.Group{}, err
	}
	parentID, err := s.scope(ctx, a, "parent", parent)
	if err != nil {
		return iam.Group{}, err
	}
	label := "the server"
	if parentID != iam.RootScope {
		label = s.groupLabel(ctx, parentID)
	}
	if err := a.require(parentID, label, iam.CapGroupsCreate); err != nil {
		return iam.Group{}, err
	}
	if g.ID, err = iam.NewChildID(parentID, s.rand); err != nil {
		return iam.Group{}, err
	}
	now := s.now().UTC()
	g.CreatedAt, g.UpdatedAt = now, now
	if err := g.Validate(); err != nil {
		return iam.Group{}, err
	}
	err = s.store.Tx(ctx, func(tx storage.Store) error {
		if err := tx.CreateGroup(ctx, g); err != nil {
			return err
		}
		if !g.IsOrganization() {
			return nil
		}
		owner, _ := iam.BuiltInRole("owner")
		id, err := iam.NewChildID(g.ID, s.rand)
		if err != nil {
			return err
		}
		return tx.CreateRoleBinding(ctx, iam.RoleBinding{ID: id, Identity: c.Identity, Role: owner.ID, CreatedAt: now, UpdatedAt: now})
	})
	if errs.Is(err, errs.AlreadyExists) {
		kind := "a folder"
		if g.IsOrganization() {
			kind = "an organization"
		}
		return iam.Group{}, errs.Wrap(errs.AlreadyExists, err, "%s named %q already exists there; pick another name", kind, g.Name)
	}
	if err != nil {
		return iam.Group{}, fmt.Errorf("create group: %w", err)
	}
	return g, nil
}

// ListGroups lists the groups the caller may list that match f. f.Parent
// and f.Within accept names as well as IDs.
func (s *Service) ListGroups(ctx context.Context, c *Caller, f storage.Filter) (storage.Page[iam.Group], error) {
	a, err := s.accessFor(ctx, c)
	if err != nil {
		return storage.Page[iam.Group]{}, err
	}
	if f, err = s.resolveFilter(ctx, a, f); err != nil {
		return storage.Page[iam.Group]{}, err
	}
	return listAcross(a.policy.Roots(iam.CapGroupsList), f, func(_ string, f storage.Filter) (storage.Page[iam.Group], error) {
		return s.store.ListGroups(ctx, f)
	})
}

// UpdateGroup changes a group's name and description.
func (s *Service) UpdateGroup(ctx context.Context, c *Caller, g iam.Group) (iam.Group, error) {
	a, err := s.accessFor(ctx, c)
	if err != nil {
		return iam.Group{}, err
	}
	cur, err := s.group(ctx, a, "id", g.ID)
	if err != nil {
		return iam.Group{}, err
	}
	if err := a.require(cur.ID, s.groupLabel(ctx, cur.ID), iam.CapGroupsUpdate); err != nil {
		return iam.Group{}, err
	}
	out, err := s.store.UpdateGroup(ctx, cur.ID, func(old *iam.Group) error {
		old.Name, old.Description, old.UpdatedAt = g.Name, g.Description, s.now().UTC()
		return old.Validate()
	})
	if errs.Is(err, errs.AlreadyExists) {
		return iam.Group{}, errs.Wrap(errs.AlreadyExists, err, "another group there is already named %q", g.Name)
	}
	return out, err
}

// DeleteGroup deletes an empty group. A group that still holds folders,
// identities, roles or bindings is refused by the store with a message
// saying what is in the way.
func (s *Service) DeleteGroup(ctx context.Context, c *Caller, ref string) error {
	a, err := s.accessFor(ctx, c)
	if err != nil {
		return err
	}
	g, err := s.group(ctx, a, "id", ref)
	if err != nil {
		return err
	}
	if err := a.require(g.ID, s.groupLabel(ctx, g.ID), iam.CapGroupsDelete); err != nil {
		return err
	}
	if g.IsOrganization() {
		return s.deleteOrganization(ctx, g)
	}
	return s.store.DeleteGroup(ctx, g.ID)
}

// deleteOrganization removes the bindings that only exist to administer
// the organization itself (its owners') when nothing else is left in it,
// then the organization, in one transaction.
func (s *Service) deleteOrganization(ctx context.Context, g iam.Group) error {
	return s.store.Tx(ctx, func(tx storage.Store) error {
		ids, err := tx.ListIdentities(ctx, storage.Filter{Within: g.ID, PageSize: 1})
		if err != nil {
			return err
		}
		kids, err := tx.ListGroups(ctx, storage.Filter{Parent: g.ID, PageSize: 1})
		if err != nil {
			return err
		}
		if len(ids.Items) == 0 && len(kids.Items) == 0 {
			binds, err := tx.ListRoleBindings(ctx, storage.Filter{Parent: g.ID, PageSize: storage.MaxPageSize})
			if err != nil {
				return err
			}
			for _, b := range binds.Items {
				if err := tx.DeleteRoleBinding(ctx, b.ID); err != nil {
					return err
				}
			}
		}
		return tx.DeleteGroup(ctx, g.ID)
	})
}

// groupLabel names a group for messages: its name and ID when it can be
// read, the ID otherwise.
func (s *Service) groupLabel(ctx context.Context, id string) string {
	if id == iam.RootScope {
		return "the server"
	}
	g, err := s.store.Group(ctx, id)
	if err != nil {
		return id
	}
	return fmt.Sprintf("%s (%s)", g.Name, g.ID)
}

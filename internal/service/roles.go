package service

import (
	"context"
	"fmt"
	"strings"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

// CreateRole creates a custom role in a group. Nobody may define a role
// with capabilities they do not hold there themselves, so a role cannot be
// a way round the rule on binding.
func (s *Service) CreateRole(ctx context.Context, c *Caller, parent string, r iam.Role) (iam.Role, error) {
	a, err := s.accessFor(ctx, c)
	if err != nil {
		return iam.Role{}, err
	}
	g, err := s.group(ctx, a, "parent", parent)
	if err != nil {
		return iam.Role{}, err
	}
	if err := a.require(g.ID, s.groupLabel(ctx, g.ID), iam.CapRolesCreate); err != nil {
		return iam.Role{}, err
	}
	if err := r.Validate(); err != nil {
		return iam.Role{}, err
	}
	if _, builtIn := iam.BuiltInRole(r.Name); builtIn {
		return iam.Role{}, errs.Invalidf("name", "%q is a built-in role; pick another name", r.Name)
	}
	if lack := a.policy.Lacks(g.ID, r.Capabilities); len(lack) > 0 {
		return iam.Role{}, errs.New(errs.PermissionDenied, "permission denied: you cannot create a role with capabilities you do not hold in %s: %s", g.Name, joinCaps(lack))
	}
	if r.ID, err = iam.NewChildID(g.ID, s.rand); err != nil {
		return iam.Role{}, err
	}
	now := s.now().UTC()
	r.CreatedAt, r.UpdatedAt = now, now
	if err := s.store.CreateRole(ctx, r); err != nil {
		if errs.Is(err, errs.AlreadyExists) {
			return iam.Role{}, errs.Wrap(errs.AlreadyExists, err, "a role named %q already exists in %s", r.Name, g.Name)
		}
		return iam.Role{}, fmt.Errorf("create role: %w", err)
	}
	return r, nil
}

// ListRoles lists the built-in roles and the custom roles the caller may
// list. f.Parent "/" keeps the built-in roles only.
func (s *Service) ListRoles(ctx context.Context, c *Caller, f storage.Filter) (storage.Page[iam.Role], error) {
	a, err := s.accessFor(ctx, c)
	if err != nil {
		return storage.Page[iam.Role]{}, err
	}
	if f, err = s.resolveFilter(ctx, a, f); err != nil {
		return storage.Page[iam.Role]{}, err
	}
	// Built-in roles are visible to everyone: the first pass over the root
	// lists them alone, unless the caller may list every role anyway.
	roots := a.policy.Roots(iam.CapRolesList)
	builtInPass := !(len(roots) == 1 && roots[0] == iam.RootScope)
	switch {
	case f.Parent == iam.RootScope:
		roots, builtInPass = []string{iam.RootScope}, true
	case builtInPass:
		roots = append([]string{iam.RootScope}, roots...)
	}
	return listAcross(roots, f, func(root string, g storage.Filter) (storage.Page[iam.Role], error) {
		if root == iam.RootScope && builtInPass {
			g.Parent, g.Within = iam.RootScope, ""
		}
		return s.store.ListRoles(ctx, g)
	})
}

// UpdateRole changes a custom role. Built-in roles cannot change.
func (s *Service) UpdateRole(ctx context.Context, c *Caller, r iam.Role) (iam.Role, error) {
	a, err := s.accessFor(ctx, c)
	if err != nil {
		return iam.Role{}, err
	}
	cur, err := s.roleRef(ctx, a, "id", r.ID, iam.RootScope)
	if err != nil {
		return iam.Role{}, err
	}
	if cur.BuiltIn() {
		return iam.Role{}, errs.New(errs.Invalid, "%s is a built-in role and cannot change; create a custom role instead", cur.Name)
	}
	if err := a.require(cur.Group(), s.groupLabel(ctx, cur.Group()), iam.CapRolesUpdate); err != nil {
		return iam.Role{}, err
	}
	if err := r.Validate(); err != nil {
		return iam.Role{}, err
	}
	if lack := a.policy.Lacks(cur.Group(), r.Capabilities); len(lack) > 0 {
		return iam.Role{}, errs.New(errs.PermissionDenied, "permission denied: you cannot give a role capabilities you do not hold there: %s", joinCaps(lack))
	}
	return s.store.UpdateRole(ctx, cur.ID, func(old *iam.Role) error {
		old.Name, old.Description, old.Capabilities, old.UpdatedAt = r.Name, r.Description, r.Capabilities, s.now().UTC()
		return nil
	})
}

// DeleteRole deletes a custom role that nothing is bound to.
func (s *Service) DeleteRole(ctx context.Context, c *Caller, ref string) error {
	a, err := s.accessFor(ctx, c)
	if err != nil {
		return err
	}
	cur, err := s.roleRef(ctx, a, "id", ref, iam.RootScope)
	if err != nil {
		return err
	}
	if cur.BuiltIn() {
		return errs.New(errs.Invalid, "%s is a built-in role and cannot be deleted", cur.Name)
	}
	if err := a.require(cur.Group(), s.groupLabel(ctx, cur.Group()), iam.CapRolesDelete); err != nil {
		return err
	}
	return s.store.DeleteRole(ctx, cur.ID)
}

func joinCaps(caps []iam.Capability) string {
	ss := make([]string, len(caps))
	for i, c := range caps {
		ss[i] = string(c)
	}
	return strings.Join(ss, ", ")
}

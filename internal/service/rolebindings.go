package service

import (
	"context"
	"fmt"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

// RoleBindingView is a binding with the objects it names, for display.
type RoleBindingView struct {
	iam.RoleBinding
	Group    iam.Group // zero for server-wide bindings
	Identity iam.Identity
	Role     iam.Role
}

// CreateRoleBinding grants a role to an identity in a group (names or IDs).
// The caller must be allowed to create bindings there and must hold every
// capability of the role there: nobody hands out more than they have.
func (s *Service) CreateRoleBinding(ctx context.Context, c *Caller, parent, identity, role string) (iam.RoleBinding, error) {
	a, err := s.accessFor(ctx, c)
	if err != nil {
		return iam.RoleBinding{}, err
	}
	group, err := s.scope(ctx, a, "parent", parent)
	if err != nil {
		return iam.RoleBinding{}, err
	}
	b, err := s.bindingParts(ctx, a, group, identity, role)
	if err != nil {
		return iam.RoleBinding{}, err
	}
	if b.ID, err = iam.NewChildID(group, s.rand); err != nil {
		return iam.RoleBinding{}, err
	}
	now := s.now().UTC()
	b.CreatedAt, b.UpdatedAt = now, now
	if err := b.Validate(); err != nil {
		return iam.RoleBinding{}, err
	}
	if err := s.store.CreateRoleBinding(ctx, b); err != nil {
		if errs.Is(err, errs.AlreadyExists) {
			return iam.RoleBinding{}, errs.Wrap(errs.AlreadyExists, err, "that identity already holds that role there")
		}
		return iam.RoleBinding{}, fmt.Errorf("create role binding: %w", err)
	}
	return b, nil
}

// bindingParts resolves and checks the identity and role of a binding at
// group.
func (s *Service) bindingParts(ctx context.Context, a *access, group, identity, role string) (iam.RoleBinding, error) {
	label := s.groupLabel(ctx, group)
	if err := a.require(group, label, iam.CapRoleBindingsCreate); err != nil {
		return iam.RoleBinding{}, err
	}
	id, err := s.bindableIdentity(ctx, a, identity, group)
	if err != nil {
		return iam.RoleBinding{}, err
	}
	r, err := s.roleRef(ctx, a, "role", role, group)
	if err != nil {
		return iam.RoleBinding{}, err
	}
	if !r.BuiltIn() && !iam.IsWithin(group, r.Group()) {
		return iam.RoleBinding{}, errs.Invalidf("role", "role %s is defined in another group and cannot be bound in %s", r.Name, label)
	}
	if lack := a.policy.Lacks(group, r.Capabilities); len(lack) > 0 {
		return iam.RoleBinding{}, errs.New(errs.PermissionDenied, "permission denied: role %s carries capabilities you do not hold in %s (%s); you can only grant what you have", r.Name, label, joinCaps(lack))
	}
	return iam.RoleBinding{Identity: id.ID, Role: r.ID}, nil
}

// bindableIdentity resolves the identity of a binding. Besides the
// identities the caller can list, a user (a human at the root) can be named
// by ID: that is how an owner adds a colleague who has logged in once.
func (s *Service) bindableIdentity(ctx context.Context, a *access, ref, group string) (iam.Identity, error) {
	if iam.ValidID(ref) && iam.ParentID(ref) == iam.RootScope {
		id, err := s.store.Identity(ctx, ref)
		if err == nil && id.User != nil {
			return id, nil
		}
	}
	return s.identityRef(ctx, a, "identity", ref, group)
}

// ListRoleBindings lists the bindings the caller may list, with their
// group, identity and role.
func (s *Service) ListRoleBindings(ctx context.Context, c *Caller, f storage.Filter) (storage.Page[RoleBindingView], error) {
	a, err := s.accessFor(ctx, c)
	if err != nil {
		return storage.Page[RoleBindingView]{}, err
	}
	if f, err = s.resolveFilter(ctx, a, f); err != nil {
		return storage.Page[RoleBindingView]{}, err
	}
	page, err := listAcross(a.policy.Roots(iam.CapRoleBindingsList), f, func(_ string, f storage.Filter) (storage.Page[iam.RoleBinding], error) {
		return s.store.ListRoleBindings(ctx, f)
	})
	if err != nil {
		return storage.Page[RoleBindingView]{}, err
	}
	views, err := s.hydrate(ctx, page.Items)
	return storage.Page[RoleBindingView]{Items: views, Next: page.Next}, err
}

// hydrate loads the groups, identities and roles that bindings name, with
// one query per kind.
func (s *Service) hydrate(ctx context.Context, bs []iam.RoleBinding) ([]RoleBindingView, error) {
	var gids, iids, rids []string
	for _, b := range bs {
		if b.Group() != iam.RootScope {
			gids = append(gids, b.Group())
		}
		iids = append(iids, b.Identity)
		rids = append(rids, b.Role)
	}
	groups, err := byID(ctx, gids, s.store.ListGroups, func(g iam.Group) string { return g.ID })
	if err != nil {
		return nil, err
	}
	ids, err := byID(ctx, iids, s.store.ListIdentities, func(i iam.Identity) string { return i.ID })
	if err != nil {
		return nil, err
	}
	roles, err := byID(ctx, rids, s.store.ListRoles, func(r iam.Role) string { return r.ID })
	if err != nil {
		return nil, err
	}
	out := make([]RoleBindingView, len(bs))
	for i, b := range bs {
		out[i] = RoleBindingView{RoleBinding: b, Group: groups[b.Group()], Identity: ids[b.Identity], Role: roles[b.Role]}
	}
	return out, nil
}

func byID[T any](ctx context.Context, ids []string, list func(context.Context, storage.Filter) (storage.Page[T], error), key func(T) string) (map[string]T, error) {
	out := make(map[string]T, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	page, err := list(ctx, storage.Filter{IDs: ids, PageSize: storage.MaxPageSize})
	if err != nil {
		return nil, err
	}
	for _, item := range page.Items {
		out[key(item)] = item
	}
	return out, nil
}

// RoleBinding returns one binding the caller may list.
func (s *Service) RoleBinding(ctx context.Context, c *Caller, id string) (RoleBindingView, error) {
	a, err := s.accessFor(ctx, c)
	if err != nil {
		return RoleBindingView{}, err
	}
	b, err := s.visibleBinding(ctx, a, id)
	if err != nil {
		return RoleBindingView{}, err
	}
	views, err := s.hydrate(ctx, []iam.RoleBinding{b})
	if err != nil {
		return RoleBindingView{}, err
	}
	return views[0], nil
}

func (s *Service) visibleBinding(ctx context.Context, a *access, id string) (iam.RoleBinding, error) {
	if !iam.ValidID(id) {
		return iam.RoleBinding{}, errs.Invalidf("id", "%q is not a role binding ID; `latch iam role-bindings ls` lists them", id)
	}
	b, err := s.store.RoleBinding(ctx, id)
	if errs.Is(err, errs.NotFound) || (err == nil && !a.policy.Can(b.Group(), iam.CapRoleBindingsList) && !a.visible(b.Group())) {
		return iam.RoleBinding{}, notVisible("role binding", id)
	}
	return b, err
}

// UpdateRoleBinding changes the identity or role of a binding (names or
// IDs; empty keeps the current one), with the same checks as creating it.
func (s *Service) UpdateRoleBinding(ctx context.Context, c *Caller, id, identity, role string) (iam.RoleBinding, error) {
	a, err := s.accessFor(ctx, c)
	if err != nil {
		return iam.RoleBinding{}, err
	}
	cur, err := s.visibleBinding(ctx, a, id)
	if err != nil {
		return iam.RoleBinding{}, err
	}
	if err := a.require(cur.Group(), s.groupLabel(ctx, cur.Group()), iam.CapRoleBindingsUpdate); err != nil {
		return iam.RoleBinding{}, err
	}
	if identity == "" {
		identity = cur.Identity
	}
	if role == "" {
		role = cur.Role
	}
	want, err := s.bindingParts(ctx, a, cur.Group(), identity, role)
	if err != nil {
		return iam.RoleBinding{}, err
	}
	out, err := s.store.UpdateRoleBinding(ctx, cur.ID, func(old *iam.RoleBinding) error {
		old.Identity, old.Role, old.UpdatedAt = want.Identity, want.Role, s.now().UTC()
		return nil
	})
	if errs.Is(err, errs.AlreadyExists) {
		return iam.RoleBinding{}, errs.Wrap(errs.AlreadyExists, err, "that identity already holds that role there")
	}
	return out, err
}

// DeleteRoleBinding removes a binding. Removing one needs the same rights
// as granting it: a viewer cannot strip an owner.
func (s *Service) DeleteRoleBinding(ctx context.Context, c *Caller, id string) error {
	a, err := s.accessFor(ctx, c)
	if err != nil {
		return err
	}
	cur, err := s.visibleBinding(ctx, a, id)
	if err != nil {
		return err
	}
	if err := a.require(cur.Group(), s.groupLabel(ctx, cur.Group()), iam.CapRoleBindingsDelete); err != nil {
		return err
	}
	r, err := s.store.Role(ctx, cur.Role)
	if err != nil {
		return fmt.Errorf("load role of binding %s: %w", cur.ID, err)
	}
	if lack := a.policy.Lacks(cur.Group(), r.Capabilities); len(lack) > 0 {
		return errs.New(errs.PermissionDenied, "permission denied: that binding grants %s, which carries capabilities you do not hold there (%s)", r.Name, joinCaps(lack))
	}
	return s.store.DeleteRoleBinding(ctx, cur.ID)
}

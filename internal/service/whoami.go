package service

import (
	"context"

	"latch.dev/latch/internal/authz"
	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

// WhoAmI describes a caller: its identity, its token and what it may do
// where, computed live from its bindings.
type WhoAmI struct {
	Identity iam.Identity
	Token    TokenInfo
	Grants   []GrantView
	Narrowed authz.Narrowing
}

// GrantView is one group where the caller holds roles.
type GrantView struct {
	Group        string // iam.RootScope for server-wide grants
	GroupName    string
	Roles        []string
	Capabilities []iam.Capability
}

// WhoAmI answers for the caller.
func (s *Service) WhoAmI(ctx context.Context, c *Caller) (WhoAmI, error) {
	a, err := s.accessFor(ctx, c)
	if err != nil {
		return WhoAmI{}, err
	}
	id, err := s.store.Identity(ctx, c.Identity)
	if errs.Is(err, errs.NotFound) {
		return WhoAmI{}, errs.Wrap(errs.Unauthenticated, err, "the identity this token was issued to no longer exists; log in again")
	}
	if err != nil {
		return WhoAmI{}, err
	}
	out := WhoAmI{Identity: id, Token: c.Token, Narrowed: c.Narrowing}
	grants := a.policy.Grants()
	var gids []string
	for _, g := range grants {
		if g.Group != iam.RootScope {
			gids = append(gids, g.Group)
		}
	}
	names, err := byID(ctx, gids, s.store.ListGroups, func(g iam.Group) string { return g.ID })
	if err != nil {
		return WhoAmI{}, err
	}
	for _, g := range grants {
		name := "(server-wide)"
		if g.Group != iam.RootScope {
			name = names[g.Group].Name
		}
		out.Grants = append(out.Grants, GrantView{Group: g.Group, GroupName: name, Roles: g.Roles, Capabilities: g.Capabilities})
	}
	return out, nil
}

// ListEvents lists the audit events of the groups where the caller may
// list them, newest first. parent (a name or ID) narrows to one subtree.
func (s *Service) ListEvents(ctx context.Context, c *Caller, parent string, f storage.EventFilter) (storage.Page[iam.Event], error) {
	a, err := s.accessFor(ctx, c)
	if err != nil {
		return storage.Page[iam.Event]{}, err
	}
	within := ""
	if parent != "" {
		if within, err = s.scope(ctx, a, "parent", parent); err != nil {
			return storage.Page[iam.Event]{}, err
		}
	}
	f.Within = within
	roots := a.policy.Roots(iam.CapAuditEventsList)
	sf := storage.Filter{Within: within, PageSize: f.PageSize, PageToken: f.PageToken}
	return listAcross(roots, sf, func(_ string, g storage.Filter) (storage.Page[iam.Event], error) {
		ef := f
		ef.Within, ef.PageSize, ef.PageToken = g.Within, g.PageSize, g.PageToken
		return s.store.ListEvents(ctx, ef)
	})
}

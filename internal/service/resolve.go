package service

import (
	"context"
	"fmt"
	"strings"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

// maxCandidates bounds how many same-named objects an ambiguity error
// lists.
const maxCandidates = 5

// group resolves a group given by ID or name among the groups the caller
// can see. field names the argument for error messages.
func (s *Service) group(ctx context.Context, a *access, field, ref string) (iam.Group, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return iam.Group{}, errs.Invalidf(field, "is required: an organization or folder name or ID")
	}
	if iam.ValidID(ref) {
		g, err := s.store.Group(ctx, ref)
		if errs.Is(err, errs.NotFound) || (err == nil && !a.visible(g.ID)) {
			return iam.Group{}, errs.New(errs.NotFound, "%s: no organization or folder with ID %s is visible to you", field, ref)
		}
		return g, err
	}
	page, err := s.store.ListGroups(ctx, storage.Filter{Name: ref, PageSize: storage.MaxPageSize})
	if err != nil {
		return iam.Group{}, fmt.Errorf("find group %q: %w", ref, err)
	}
	var found []iam.Group
	for _, g := range page.Items {
		if a.visible(g.ID) {
			found = append(found, g)
		}
	}
	switch len(found) {
	case 0:
		return iam.Group{}, errs.New(errs.NotFound, "%s: no organization or folder named %q is visible to you; `latch iam organizations ls` lists them", field, ref)
	case 1:
		return found[0], nil
	}
	ids := make([]string, 0, len(found))
	for _, g := range found {
		ids = append(ids, g.ID)
	}
	return iam.Group{}, ambiguous(field, "organizations or folders", ref, ids)
}

// scope resolves a group reference that may also be "/" or empty, meaning
// the whole server.
func (s *Service) scope(ctx context.Context, a *access, field, ref string) (string, error) {
	if ref == "" || ref == iam.RootScope {
		return iam.RootScope, nil
	}
	g, err := s.group(ctx, a, field, ref)
	return g.ID, err
}

// identityRef resolves an identity given by ID or name. near, when set,
// breaks ties: identities in near's line (ancestors or descendants) win.
func (s *Service) identityRef(ctx context.Context, a *access, field, ref, near string) (iam.Identity, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return iam.Identity{}, errs.Invalidf(field, "is required: an identity name or ID")
	}
	if iam.ValidID(ref) {
		id, err := s.store.Identity(ctx, ref)
		if errs.Is(err, errs.NotFound) || (err == nil && !s.identityVisible(a, id)) {
			return iam.Identity{}, errs.New(errs.NotFound, "%s: no identity with ID %s is visible to you", field, ref)
		}
		return id, err
	}
	page, err := s.store.ListIdentities(ctx, storage.Filter{Name: ref, PageSize: storage.MaxPageSize})
	if err != nil {
		return iam.Identity{}, fmt.Errorf("find identity %q: %w", ref, err)
	}
	var found []iam.Identity
	for _, id := range page.Items {
		if s.identityVisible(a, id) {
			found = append(found, id)
		}
	}
	if len(found) > 1 && near != "" {
		var close []iam.Identity
		for _, id := range found {
			if iam.IsWithin(near, id.Group()) || iam.IsWithin(id.Group(), near) {
				close = append(close, id)
			}
		}
		if len(close) > 0 {
			found = close
		}
	}
	switch len(found) {
	case 0:
		return iam.Identity{}, errs.New(errs.NotFound, "%s: no identity named %q is visible to you; `latch iam identities ls` lists them", field, ref)
	case 1:
		return found[0], nil
	}
	ids := make([]string, 0, len(found))
	for _, id := range found {
		ids = append(ids, id.ID)
	}
	return iam.Identity{}, ambiguous(field, "identities", ref, ids)
}

// identityVisible: assumable identities are visible to whoever may list
// identities in their group; users (at the root) to whoever may list them
// server-wide, and to themselves.
func (s *Service) identityVisible(a *access, id iam.Identity) bool {
	return id.ID == a.caller.Identity || a.policy.Can(id.Group(), iam.CapIdentityList)
}

// roleRef resolves a role by ID or name. By name, the candidates are the
// built-in roles and the custom roles defined at group or above it (where
// a binding at group could use them).
func (s *Service) roleRef(ctx context.Context, a *access, field, ref, group string) (iam.Role, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return iam.Role{}, errs.Invalidf(field, "is required: a role name or ID; `latch iam roles ls` lists them")
	}
	if iam.ValidID(ref) {
		r, err := s.store.Role(ctx, ref)
		if errs.Is(err, errs.NotFound) || (err == nil && !r.BuiltIn() && !a.policy.Can(r.Group(), iam.CapRolesList)) {
			return iam.Role{}, errs.New(errs.NotFound, "%s: no role with ID %s is visible to you", field, ref)
		}
		return r, err
	}
	if r, ok := iam.BuiltInRole(ref); ok {
		return s.store.Role(ctx, r.ID)
	}
	page, err := s.store.ListRoles(ctx, storage.Filter{Name: ref, AncestorsOf: group, PageSize: storage.MaxPageSize})
	if err != nil {
		return iam.Role{}, fmt.Errorf("find role %q: %w", ref, err)
	}
	var found []iam.Role
	for _, r := range page.Items {
		if r.BuiltIn() || a.policy.Can(r.Group(), iam.CapRolesList) {
			found = append(found, r)
		}
	}
	switch len(found) {
	case 0:
		return iam.Role{}, errs.New(errs.NotFound, "%s: no role named %q can be bound here; `latch iam roles ls` lists the roles", field, ref)
	case 1:
		return found[0], nil
	}
	ids := make([]string, 0, len(found))
	for _, r := range found {
		ids = append(ids, r.ID)
	}
	return iam.Role{}, ambiguous(field, "roles", ref, ids)
}

func ambiguous(field, what, name string, ids []string) error {
	n, more := len(ids), ""
	if n > maxCandidates {
		more = fmt.Sprintf(" and %d more", len(ids)-maxCandidates)
		ids = ids[:maxCandidates]
	}
	return errs.Invalidf(field, "%d %s are named %q (%s%s); give the ID instead", n, what, name, strings.Join(ids, ", "), more)
}

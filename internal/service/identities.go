package service

import (
	"context"
	"fmt"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

// CreateIdentity creates an assumable identity in the group named by
// parent (a name or ID).
func (s *Service) CreateIdentity(ctx context.Context, c *Caller, parent string, id iam.Identity) (iam.Identity, error) {
	a, err := s.accessFor(ctx, c)
	if err != nil {
		return iam.Identity{}, err
	}
	g, err := s.group(ctx, a, "parent", parent)
	if err != nil {
		return iam.Identity{}, err
	}
	if err := a.require(g.ID, s.groupLabel(ctx, g.ID), iam.CapIdentityCreate); err != nil {
		return iam.Identity{}, err
	}
	if id.User != nil {
		return iam.Identity{}, errs.Invalidf("relationship", "users are registered by logging in, not created; create an aws_identity, claim_match or static identity")
	}
	if id.ID, err = iam.NewChildID(g.ID, s.rand); err != nil {
		return iam.Identity{}, err
	}
	now := s.now().UTC()
	id.CreatedAt, id.UpdatedAt, id.LastSeen = now, now, time.Time{}
	if err := id.Validate(now); err != nil {
		return iam.Identity{}, err
	}
	if err := s.store.CreateIdentity(ctx, id); err != nil {
		if errs.Is(err, errs.AlreadyExists) {
			return iam.Identity{}, errs.Wrap(errs.AlreadyExists, err, "an identity named %q already exists in %s; pick another name or update that one", id.Name, g.Name)
		}
		return iam.Identity{}, fmt.Errorf("create identity: %w", err)
	}
	return id, nil
}

// ListIdentities lists the identities the caller may list that match f.
// The caller's own identity is always visible to it through its ID.
func (s *Service) ListIdentities(ctx context.Context, c *Caller, f storage.Filter) (storage.Page[iam.Identity], error) {
	a, err := s.accessFor(ctx, c)
	if err != nil {
		return storage.Page[iam.Identity]{}, err
	}
	if f, err = s.resolveFilter(ctx, a, f); err != nil {
		return storage.Page[iam.Identity]{}, err
	}
	return listAcross(a.policy.Roots(iam.CapIdentityList), f, func(_ string, f storage.Filter) (storage.Page[iam.Identity], error) {
		return s.store.ListIdentities(ctx, f)
	})
}

// Identity returns one identity by name or ID.
func (s *Service) Identity(ctx context.Context, c *Caller, ref string) (iam.Identity, error) {
	a, err := s.accessFor(ctx, c)
	if err != nil {
		return iam.Identity{}, err
	}
	return s.identityRef(ctx, a, "id", ref, "")
}

// UpdateIdentity changes an identity's name, description and rule. The
// kind of rule may change too (a claim_match identity may become static),
// but users stay users.
func (s *Service) UpdateIdentity(ctx context.Context, c *Caller, id iam.Identity) (iam.Identity, error) {
	a, err := s.accessFor(ctx, c)
	if err != nil {
		return iam.Identity{}, err
	}
	cur, err := s.identityRef(ctx, a, "id", id.ID, "")
	if err != nil {
		return iam.Identity{}, err
	}
	if err := a.require(cur.Group(), s.groupLabel(ctx, cur.Group()), iam.CapIdentityUpdate); err != nil {
		return iam.Identity{}, err
	}
	if (cur.User != nil) != (id.User != nil) && id.Kind() != "" {
		return iam.Identity{}, errs.Invalidf("relationship", "a user cannot become an assumable identity or the other way round")
	}
	out, err := s.store.UpdateIdentity(ctx, cur.ID, func(old *iam.Identity) error {
		now := s.now().UTC()
		old.Name, old.Description, old.UpdatedAt = id.Name, id.Description, now
		if id.Kind() != "" && id.User == nil {
			old.AWS, old.ClaimMatch, old.Static = id.AWS, id.ClaimMatch, id.Static
		}
		return old.Validate(now)
	})
	if errs.Is(err, errs.AlreadyExists) {
		return iam.Identity{}, errs.Wrap(errs.AlreadyExists, err, "another identity in that group is already named %q", id.Name)
	}
	return out, err
}

// DeleteIdentity deletes an identity and its role bindings.
func (s *Service) DeleteIdentity(ctx context.Context, c *Caller, ref string) error {
	a, err := s.accessFor(ctx, c)
	if err != nil {
		return err
	}
	cur, err := s.identityRef(ctx, a, "id", ref, "")
	if err != nil {
		return err
	}
	if err := a.require(cur.Group(), s.groupLabel(ctx, cur.Group()), iam.CapIdentityDelete); err != nil {
		return err
	}
	return s.store.DeleteIdentity(ctx, cur.ID)
}

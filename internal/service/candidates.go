package service

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"latch.dev/latch/internal/authn"
	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

// MaxCandidates bounds the identities an exchange without an identity
// tries. Each try verifies the token once more, so the bound caps the
// work an unauthenticated caller can cause; past it the caller must name
// the identity.
const MaxCandidates = 50

// findIdentity finds the one identity an OIDC proof matches when the
// caller names none: the claim_match and static identities that could
// accept a token from the proof's issuer (one index lookup), each checked
// in full. Exactly one must accept it.
//
// What the caller learns is limited to what their own token establishes:
// how many identities accept it, never which rules the others have.
func (s *Service) findIdentity(ctx context.Context, proof string, kinds []iam.IdentityKind, ev *iam.Event) (iam.Identity, authn.Result, error) {
	issuer, ok := s.claimedIssuer(proof, kinds)
	if !ok {
		return iam.Identity{}, authn.Result{}, errs.Invalidf("identity", "is required unless the token is an OIDC token: pass the ID of the identity to assume (`latch auth login --identity ID`; `latch iam identities ls` lists them)")
	}
	ev.Detail = map[string]string{"claimed_issuer": issuer}
	page, err := s.store.ListIdentities(ctx, storage.Filter{Issuer: issuer, PageSize: MaxCandidates})
	if err != nil {
		return iam.Identity{}, authn.Result{}, fmt.Errorf("find identities for issuer %s: %w", issuer, err)
	}
	if page.Next != "" {
		return iam.Identity{}, authn.Result{}, errs.Invalidf("identity", "more than %d identities accept tokens from issuer %q; pass --identity to say which to assume", MaxCandidates, issuer)
	}
	type match struct {
		id  iam.Identity
		res authn.Result
	}
	var (
		matches []match
		// tokenErr is the first refusal that is about the token itself
		// (expired, forged): it holds for every candidate alike.
		tokenErr error
		refusal  *authn.Refusal
	)
	for _, id := range page.Items {
		auth, ok := s.authn.For(id.Kind())
		if !ok || !slices.Contains(kinds, id.Kind()) {
			continue
		}
		res, err := auth.Authenticate(ctx, proof, id)
		switch {
		case err == nil:
			matches = append(matches, match{id, res})
			continue
		case errors.As(err, &refusal) && refusal.Subject != "" && ev.Subject == "":
			ev.Subject = refusal.Subject
		}
		switch k := errs.KindOf(err); {
		case errors.Is(err, authn.ErrNoMatch):
		case k == errs.Unavailable || k == errs.Internal:
			// Whether this identity would have matched is unknown, so no
			// answer can be trusted: "none match" could be false.
			return iam.Identity{}, authn.Result{}, err
		case tokenErr == nil:
			tokenErr = err
		}
	}
	switch {
	case len(matches) == 1:
		m := matches[0]
		ev.Identity, ev.Group = m.id.ID, m.id.Group()
		return m.id, m.res, nil
	case len(matches) > 1:
		return iam.Identity{}, authn.Result{}, errs.Invalidf("identity", "is required here: %d identities match this token; pass --identity to say which to assume", len(matches))
	case tokenErr != nil:
		return iam.Identity{}, authn.Result{}, tokenErr
	}
	return iam.Identity{}, authn.Result{}, errs.New(errs.PermissionDenied, "no identity matches this token (issuer %q); check the token's claims, or pass --identity to learn why a given identity refuses it", issuer)
}

// claimedIssuer asks the authenticators of the proof's kinds for the
// issuer it claims.
func (s *Service) claimedIssuer(proof string, kinds []iam.IdentityKind) (string, bool) {
	for _, k := range kinds {
		a, ok := s.authn.For(k)
		if !ok {
			continue
		}
		if n, ok := a.(authn.IssuerNamer); ok {
			if iss, ok := n.ClaimedIssuer(proof); ok {
				return iss, true
			}
		}
	}
	return "", false
}

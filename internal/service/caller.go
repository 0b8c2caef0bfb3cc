package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"latch.dev/latch/internal/authz"
	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
)

// Caller is an authenticated principal acting through the API.
type Caller struct {
	// Identity is the caller's identity ID (the token's subject).
	Identity string
	// Narrowing is what the caller's token was narrowed to at exchange.
	Narrowing authz.Narrowing
	// Token describes the token the caller presented.
	Token TokenInfo
}

// TokenInfo is what "who am I" reports about the caller's token.
type TokenInfo struct {
	ID       string
	Issuer   string
	Audience []string
	IssuedAt time.Time
	Expiry   time.Time
	Login    string // aws, claim_match, static, user, bootstrap
	Upstream string // the upstream principal (an ARN, an OIDC subject)
	Email    string
}

// access is a caller's policy for the span of one request.
type access struct {
	caller *Caller
	policy *authz.Policy
}

// accessFor loads the caller's grants. It runs on every call so that role
// bindings take effect immediately; Grants is one indexed query.
func (s *Service) accessFor(ctx context.Context, c *Caller) (*access, error) {
	if c == nil || c.Identity == "" {
		return nil, errs.New(errs.Unauthenticated, "this call needs a latch token; run `latch auth login`")
	}
	grants, err := s.store.Grants(ctx, c.Identity)
	if err != nil {
		return nil, fmt.Errorf("load grants of %s: %w", c.Identity, err)
	}
	return &access{caller: c, policy: authz.NewPolicy(s.capIndex, grants, c.Narrowing)}, nil
}

// visible reports whether the caller holds anything at all at group. What
// is not visible is reported as not found, so that probing for names or IDs
// reveals nothing about other organizations.
func (a *access) visible(group string) bool {
	return !a.policy.At(group).Empty()
}

// require checks that the caller holds c at group. It answers NotFound for
// groups the caller cannot see and PermissionDenied for the rest.
func (a *access) require(group string, label string, c iam.Capability) error {
	if a.policy.Can(group, c) {
		return nil
	}
	if group != iam.RootScope && !a.visible(group) {
		return errs.New(errs.NotFound, "%s not found", label)
	}
	where := "on " + label
	if group == iam.RootScope {
		where = "server-wide"
	}
	roles := "you hold no role there"
	if rs := a.policy.RolesAt(group); len(rs) > 0 {
		roles = "your roles there (" + strings.Join(rs, ", ") + ") do not grant it"
	}
	return errs.New(errs.PermissionDenied, "permission denied: this needs the capability %s %s, and %s; ask an owner for a role binding that grants it", c, where, roles)
}

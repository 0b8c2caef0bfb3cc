package service

import (
	"context"
	"net/http"

	"latch.dev/latch/internal/token"
)

// Authenticate verifies the latch token in the request's Authorization
// header and returns the caller it names. It does not load the caller's
// bindings: each use case does that when it needs them.
func (s *Service) Authenticate(ctx context.Context, h http.Header) (*Caller, error) {
	raw, err := token.BearerToken(h)
	if err != nil {
		return nil, err
	}
	c, err := s.verifier.Verify(ctx, raw)
	if err != nil {
		return nil, err
	}
	return callerFromClaims(c), nil
}

func callerFromClaims(c token.Claims) *Caller {
	out := &Caller{
		Identity: c.Subject,
		Token: TokenInfo{
			ID: c.ID, Issuer: c.Issuer, Audience: c.Audience, IssuedAt: c.IssuedAt,
			Expiry: c.Expiry, Login: string(c.Kind), Email: c.Email,
		},
	}
	if c.Actor != nil {
		out.Token.Upstream = c.Actor.Subject
	}
	if c.Capabilities != nil {
		out.Narrowing.Capabilities = c.Capabilities
	}
	if c.Scopes != nil {
		out.Narrowing.Scopes = c.Scopes
	}
	return out
}

package static_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"latch.dev/latch/internal/authn"
	"latch.dev/latch/internal/authn/oidc/oidctest"
	"latch.dev/latch/internal/authn/static"
	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
)

const latchURL = "https://latch.example.dev"

var now = time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)

func TestStaticIdentities(t *testing.T) {
	t.Parallel()
	cluster := oidctest.Start(t)
	otherCluster := oidctest.Start(t)
	const sub = "system:serviceaccount:ci:builder"
	identity := func(mod func(*iam.StaticKeys)) iam.Identity {
		s := &iam.StaticKeys{Issuer: "https://kubernetes.default.svc", Subject: sub, IssuerKeys: cluster.JWKS(), Expiration: now.Add(24 * time.Hour)}
		if mod != nil {
			mod(s)
		}
		return iam.Identity{ID: "45a0c0000000000000000000000000000000ee95/2c5f700000003871", Name: "airgapped", Static: s}
	}
	claims := func(extra map[string]any) map[string]any {
		c := cluster.Claims(now, sub, latchURL, extra)
		c["iss"] = "https://kubernetes.default.svc"
		return c
	}
	tests := []struct {
		name    string
		id      iam.Identity
		token   string
		kind    errs.Kind // zero (Internal) means accepted
		noMatch bool
		says    string
	}{
		{name: "a token signed with the stored keys is accepted", id: identity(nil), token: cluster.Mint(t, claims(nil))},
		{name: "a token after the identity's expiration is refused", id: identity(func(s *iam.StaticKeys) { s.Expiration = now.Add(-time.Minute) }),
			token: cluster.Mint(t, claims(nil)), kind: errs.PermissionDenied, noMatch: true, says: "expired at 2026-05-04T11:59:00Z"},
		{name: "a token from another cluster with the same issuer URL is refused", id: identity(nil),
			token: otherCluster.Mint(t, claims(nil)), kind: errs.Unauthenticated, noMatch: true, says: "keys of identity airgapped"},
		{name: "another subject is refused", id: identity(nil),
			token: cluster.Mint(t, claims(map[string]any{"sub": "system:serviceaccount:ci:other"})), kind: errs.PermissionDenied, noMatch: true, says: "subject rule"},
		{name: "another issuer is refused", id: identity(nil),
			token: cluster.Mint(t, cluster.Claims(now, sub, latchURL, nil)), kind: errs.PermissionDenied, noMatch: true, says: "not the identity's issuer"},
		{name: "an expired token is refused", id: identity(nil),
			token: cluster.Mint(t, claims(map[string]any{"exp": now.Add(-time.Hour).Unix()})), kind: errs.Unauthenticated, says: "expired at"},
		{name: "the identity's audience replaces the server's", id: identity(func(s *iam.StaticKeys) { s.Audience = "latch" }),
			token: cluster.Mint(t, claims(map[string]any{"aud": "latch"}))},
		{name: "alg none is refused", id: identity(nil),
			token: cluster.MintWith(t, claims(nil), "none"), kind: errs.Unauthenticated, says: "unsigned"},
	}
	a := static.New(latchURL, func() time.Time { return now }, 0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := a.Authenticate(t.Context(), tt.token, tt.id)
			if tt.kind == errs.Internal {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if res.Actor == nil || res.Actor.Subject != sub {
					t.Errorf("actor %+v", res.Actor)
				}
				return
			}
			if errs.KindOf(err) != tt.kind {
				t.Fatalf("got %v (%s), want %s", err, errs.KindOf(err), tt.kind)
			}
			if got := errors.Is(err, authn.ErrNoMatch); got != tt.noMatch {
				t.Errorf("ErrNoMatch = %v, want %v", got, tt.noMatch)
			}
			if !strings.Contains(errs.Message(err), tt.says) {
				t.Errorf("message %q does not say %q", errs.Message(err), tt.says)
			}
		})
	}
}

package oidc_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"latch.dev/latch/internal/authn"
	"latch.dev/latch/internal/authn/oidc"
	"latch.dev/latch/internal/authn/oidc/oidctest"
	"latch.dev/latch/internal/errs"
)

func TestClaimMatchAcceptsAMatchingGitHubToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	res, err := e.auth.Authenticate(t.Context(), e.iss.Mint(t, e.claims(nil)), e.github())
	if err != nil {
		t.Fatalf("refused: %v", err)
	}
	if res.Actor == nil || res.Actor.Issuer != e.iss.URL || res.Actor.Subject != "repo:acme/app:ref:refs/heads/main" {
		t.Errorf("actor %+v does not name the upstream issuer and subject", res.Actor)
	}
	if res.Detail["repository"] != "acme/app" || res.Detail["issuer"] != e.iss.URL {
		t.Errorf("audit detail %v lacks the issuer and repository", res.Detail)
	}
}

func TestClaimMatchRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		extra map[string]any
		alg   string
		kind  errs.Kind
		cause error
		// noMatch: the token may be fine, the identity is not the one.
		noMatch bool
		says    string
	}{
		{name: "another repository", extra: map[string]any{"repository": "acme/other"}, kind: errs.PermissionDenied, noMatch: true, says: `"repository" claim "acme/other"`},
		{name: "another ref", extra: map[string]any{"sub": "repo:acme/app:ref:refs/heads/dev", "ref": "refs/heads/dev"}, kind: errs.PermissionDenied, noMatch: true, says: "subject rule"},
		{name: "a newline smuggled into the subject", extra: map[string]any{"sub": "repo:acme/app:ref:refs/heads/main\n"}, kind: errs.PermissionDenied, noMatch: true, says: "control characters"},
		{name: "a wrong audience", extra: map[string]any{"aud": "https://elsewhere.example"}, kind: errs.PermissionDenied, noMatch: true, says: "does not include this server's URL"},
		{name: "an audience list without the server", extra: map[string]any{"aud": []string{"a", "b"}}, kind: errs.PermissionDenied, noMatch: true, says: "audience"},
		{name: "a missing claim", extra: map[string]any{"ref": nil}, kind: errs.PermissionDenied, noMatch: true, says: `no "ref" claim`},
		{name: "alg none", alg: "none", kind: errs.Unauthenticated, cause: oidc.ErrAlgorithm, says: "unsigned"},
		{name: "HS256 keyed with the issuer's public key", alg: "HS256", kind: errs.Unauthenticated, cause: oidc.ErrAlgorithm, says: "shared secret"},
		{name: "an expired token", extra: map[string]any{"exp": time.Date(2026, 5, 4, 11, 50, 0, 0, time.UTC).Unix()}, kind: errs.Unauthenticated, cause: oidc.ErrExpired, says: "expired at 2026-05-04T11:50:00Z"},
		{name: "a token without exp", extra: map[string]any{"exp": nil}, kind: errs.Unauthenticated, cause: oidc.ErrNoExpiry, says: `no "exp"`},
		{name: "a token not valid yet", extra: map[string]any{"nbf": time.Date(2026, 5, 4, 12, 10, 0, 0, time.UTC).Unix()}, kind: errs.Unauthenticated, cause: oidc.ErrNotYetValid, says: "not valid before"},
		{name: "a token issued in the future", extra: map[string]any{"iat": time.Date(2026, 5, 4, 12, 10, 0, 0, time.UTC).Unix()}, kind: errs.Unauthenticated, cause: oidc.ErrIssuedInFuture, says: "in the future"},
		{name: "another issuer", extra: map[string]any{"iss": "https://token.actions.githubusercontent.com"}, kind: errs.PermissionDenied, noMatch: true, says: "issuer rule"},
	}
	for _, tt := range tests {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil)
			alg := tt.alg
			if alg == "" {
				alg = "ES256"
			}
			_, err := e.auth.Authenticate(t.Context(), e.iss.MintWith(t, e.claims(tt.extra), alg), e.github())
			wantRefusal(t, err, tt.kind, tt.cause, tt.says)
			if got := errors.Is(err, authn.ErrNoMatch); got != tt.noMatch {
				t.Errorf("errors.Is(err, ErrNoMatch) = %v, want %v", got, tt.noMatch)
			}
		})
	}
}

func TestClaimMatchToleratesASmallSkew(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	tok := e.iss.Mint(t, e.claims(map[string]any{
		"exp": e.clock.Now().Add(-30 * time.Second).Unix(),
		"iat": e.clock.Now().Add(30 * time.Second).Unix(),
	}))
	if _, err := e.auth.Authenticate(t.Context(), tok, e.github()); err != nil {
		t.Errorf("a token 30s off is refused: %v", err)
	}
}

func TestAnotherIssuersTokenIsRefusedWithoutFetchingAnything(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	other := newEnv(t, nil)
	_, err := e.auth.Authenticate(t.Context(), other.iss.Mint(t, other.claims(nil)), e.github())
	wantRefusal(t, err, errs.PermissionDenied, authn.ErrNoMatch, "issuer rule")
	if d, k := other.iss.Fetches(); d+k != 0 {
		t.Errorf("the other issuer was fetched %d times; an issuer outside the rule must never be contacted", d+k)
	}
}

func TestAnIssuerPatternIsMatchedBeforeAnyFetch(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	id := e.github()
	id.ClaimMatch.Issuer, id.ClaimMatch.IssuerPattern = "", `http://127\.0\.0\.1:[0-9]+`
	if _, err := e.auth.Authenticate(t.Context(), e.iss.Mint(t, e.claims(nil)), id); err != nil {
		t.Fatalf("a token from an issuer the pattern matches is refused: %v", err)
	}
	id.ClaimMatch.IssuerPattern = `https://[a-z]+\.example\.dev`
	_, err := e.auth.Authenticate(t.Context(), e.iss.Mint(t, e.claims(nil)), id)
	wantRefusal(t, err, errs.PermissionDenied, authn.ErrNoMatch, "issuer rule")
}

func TestAPlainHTTPIssuerMustBeAllowedByTheOperator(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *oidc.Config) { c.InsecureIssuers = nil })
	_, err := e.auth.Authenticate(t.Context(), e.iss.Mint(t, e.claims(nil)), e.github())
	wantRefusal(t, err, errs.Unauthenticated, oidc.ErrIssuerNotAllowed, "--oidc-insecure-issuer")
	if d, k := e.iss.Fetches(); d+k != 0 {
		t.Errorf("the http issuer was fetched %d times", d+k)
	}
}

func TestADiscoveryDocumentNamingAnotherIssuerIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.iss.SetDiscoveryIssuer("https://token.actions.githubusercontent.com")
	_, err := e.auth.Authenticate(t.Context(), e.iss.Mint(t, e.claims(nil)), e.github())
	wantRefusal(t, err, errs.Unauthenticated, oidc.ErrDiscovery, `names issuer "https://token.actions.githubusercontent.com"`)
}

func TestASignatureByAnotherKeyIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	other := newEnv(t, nil)
	// Same claims, same key ID, signed by the other issuer's key.
	tok := other.iss.Mint(t, e.claims(nil))
	_, err := e.auth.Authenticate(t.Context(), tok, e.github())
	wantRefusal(t, err, errs.Unauthenticated, oidc.ErrSignature, "does not verify")
}

func TestAKeyOfAnotherTypeIsNotUsedForTheHeadersAlgorithm(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	// An RS256 key the issuer does not publish signs a token whose kid is
	// that of the published EC key: the EC key does not fit RS256.
	ecKID := e.iss.Key(t, "ES256")
	tok := e.iss.MintWith(t, e.claims(nil), "ES256")
	if _, err := e.auth.Authenticate(t.Context(), tok, e.github()); err != nil {
		t.Fatalf("control: %v", err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(e.claims(nil))
	forged := oidctest.Sign(t, rsaKey, "RS256", ecKID, payload)
	_, err = e.auth.Authenticate(t.Context(), forged, e.github())
	wantRefusal(t, err, errs.Unauthenticated, oidc.ErrUnknownKey, ecKID)
}

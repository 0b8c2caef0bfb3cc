package oidc_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"latch.dev/latch/internal/authn"
	"latch.dev/latch/internal/authn/oidc"
	"latch.dev/latch/internal/authn/oidc/oidctest"
	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/testutil/fakeclock"
)

const latchURL = "https://latch.example.dev"

// newClock returns a test clock that moves only when told.
func newClock() *fakeclock.Clock { return fakeclock.New(time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)) }

// env is an issuer, a verifier that trusts it over http and the fake
// clock both use.
type env struct {
	iss   *oidctest.Issuer
	clock *fakeclock.Clock
	v     *oidc.Verifier
	auth  *oidc.ClaimMatch
}

func newEnv(t *testing.T, mod func(*oidc.Config)) *env {
	t.Helper()
	e := &env{iss: oidctest.Start(t), clock: newClock()}
	cfg := oidc.Config{InsecureIssuers: []string{e.iss.URL}, Now: e.clock.Now, Timeout: 2 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	v, err := oidc.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.v, e.auth = v, oidc.NewClaimMatch(v, latchURL)
	return e
}

// claims returns a GitHub-Actions-shaped token's claims from e's issuer,
// merged with extra.
func (e *env) claims(extra map[string]any) map[string]any {
	base := map[string]any{
		"repository": "acme/app", "repository_owner": "acme", "ref": "refs/heads/main",
		"workflow_ref": "acme/app/.github/workflows/release.yaml@refs/heads/main",
	}
	for k, v := range extra {
		base[k] = v
	}
	return e.iss.Claims(e.clock.Now(), "repo:acme/app:ref:refs/heads/main", latchURL, base)
}

// github is what `latch iam identities create github --github-repo
// acme/app --github-ref refs/heads/main` writes, with e's issuer in place
// of GitHub's.
func (e *env) github() iam.Identity {
	return iam.Identity{
		ID: "45a0c0000000000000000000000000000000ee95/2c5f700000003871", Name: "ci",
		ClaimMatch: &iam.ClaimMatch{
			Issuer:  e.iss.URL,
			Subject: "repo:acme/app:ref:refs/heads/main",
			Claims:  map[string]string{"repository": "acme/app", "ref": "refs/heads/main"},
		},
	}
}

// wantRefusal fails unless err has the kind, wraps cause (when not nil)
// and its caller-facing message contains every part.
func wantRefusal(t *testing.T, err error, kind errs.Kind, cause error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted, want a %s refusal", kind)
	}
	if got := errs.KindOf(err); got != kind {
		t.Errorf("kind %s (%v), want %s", got, err, kind)
	}
	if cause != nil && !errors.Is(err, cause) {
		t.Errorf("error %v does not wrap %v", err, cause)
	}
	msg := errs.Message(err)
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("message %q does not say %q", msg, p)
		}
	}
	var r *authn.Refusal
	if !errors.As(err, &r) {
		t.Errorf("error %v is not an authn.Refusal", err)
	}
}

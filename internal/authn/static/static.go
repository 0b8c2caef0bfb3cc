// Package static is the authenticator of static identities: OIDC tokens
// from issuers latch cannot reach (an air-gapped cluster), verified with
// the JWKS stored on the identity when it was created.
//
// Because nobody rotates those keys for latch, a static identity expires
// (iam.MaxStaticLifetime after its keys were set); past that it refuses
// every token, so that keys which leaked, or that the cluster rotated
// away, stop working on their own.
package static

import (
	"context"
	"fmt"
	"time"

	"latch.dev/latch/internal/authn"
	"latch.dev/latch/internal/authn/oidc"
	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/token"
)

// Authenticator verifies tokens for static identities.
type Authenticator struct {
	audience string
	now      func() time.Time
	skew     time.Duration
}

var (
	_ authn.Authenticator = (*Authenticator)(nil)
	_ authn.IssuerNamer   = (*Authenticator)(nil)
)

// New returns the authenticator. audience is what a token's "aud" must
// contain when the identity names none (the server's URL); now is the
// clock (time.Now when nil); skew the tolerance for exp, nbf and iat
// (oidc.DefaultSkew when zero).
func New(audience string, now func() time.Time, skew time.Duration) *Authenticator {
	if now == nil {
		now = time.Now
	}
	if skew <= 0 {
		skew = oidc.DefaultSkew
	}
	return &Authenticator{audience: audience, now: now, skew: skew}
}

// Kind implements authn.Authenticator.
func (a *Authenticator) Kind() iam.IdentityKind { return iam.KindStatic }

// Accepts implements authn.Authenticator: the proof looks like a JWT.
func (a *Authenticator) Accepts(raw string) bool { return oidc.LooksLikeJWT(raw) }

// ClaimedIssuer implements authn.IssuerNamer.
func (a *Authenticator) ClaimedIssuer(raw string) (string, bool) { return oidc.ClaimedIssuer(raw) }

// Authenticate implements authn.Authenticator.
func (a *Authenticator) Authenticate(_ context.Context, raw string, id iam.Identity) (authn.Result, error) {
	rule := id.Static
	if rule == nil {
		return authn.Result{}, fmt.Errorf("static: identity %s has no static rule", id.ID)
	}
	now := a.now()
	if !now.Before(rule.Expiration) {
		return authn.Result{}, &authn.Refusal{Err: authn.NoMatch(errs.New(errs.PermissionDenied,
			"identity %s expired at %s: its keys are no longer trusted; an administrator must give it the issuer's current keys (`latch iam identities update`)",
			id.Name, rule.Expiration.UTC().Format(time.RFC3339)))}
	}
	t, err := oidc.Parse(raw)
	if err != nil {
		return authn.Result{}, &authn.Refusal{Err: err}
	}
	claimed := map[string]string{"claimed_issuer": t.Issuer, "claimed_subject": t.Subject}
	if t.Issuer != rule.Issuer {
		return authn.Result{}, &authn.Refusal{Detail: claimed, Err: authn.NoMatch(errs.New(errs.PermissionDenied,
			"the token's issuer %q is not the identity's issuer", t.Issuer))}
	}
	keys, err := oidc.ParseJWKS([]byte(rule.IssuerKeys))
	if err != nil {
		return authn.Result{}, errs.Wrap(errs.PermissionDenied, err, "identity %s holds no usable keys; ask its administrator to fix it", id.Name)
	}
	// Keys of another cluster that shares the issuer URL (every cluster's
	// default is https://kubernetes.default.svc) do not verify: for this
	// identity that is "not mine", not "forged".
	vt, err := oidc.VerifyWithKeys(t, keys, "identity "+id.Name)
	if err != nil {
		return authn.Result{}, &authn.Refusal{Detail: claimed, Err: authn.NoMatch(err)}
	}
	subject := vt.Subject + " (" + vt.Issuer + ")"
	if err := oidc.CheckTimes(vt.Claims, now, a.skew); err != nil {
		return authn.Result{}, &authn.Refusal{Subject: subject, Err: err}
	}
	// The rest are the claim_match rules an exact static rule amounts to.
	cm := iam.ClaimMatch{Issuer: rule.Issuer, Subject: rule.Subject, Audience: rule.Audience}
	if err := cm.Check(vt.Claims, a.audience).Err(); err != nil {
		return authn.Result{}, &authn.Refusal{Subject: subject, Err: authn.NoMatch(err)}
	}
	auds, _ := iam.Audiences(vt.Claims)
	return authn.Result{
		Subject: subject,
		Actor:   &token.Actor{Issuer: vt.Issuer, Subject: vt.Subject, Audience: auds},
		Detail:  map[string]string{"issuer": vt.Issuer, "subject": vt.Subject, "kid": vt.KeyID, "alg": vt.Algorithm},
	}, nil
}

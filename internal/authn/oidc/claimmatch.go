package oidc

import (
	"context"
	"fmt"
	"strings"

	"latch.dev/latch/internal/authn"
	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/token"
)

// ClaimMatch is the authenticator of claim_match identities.
type ClaimMatch struct {
	v        *Verifier
	audience string
}

var (
	_ authn.Authenticator = (*ClaimMatch)(nil)
	_ authn.IssuerNamer   = (*ClaimMatch)(nil)
)

// NewClaimMatch returns the authenticator. audience is what a token's
// "aud" must contain when an identity names no audience: the server's URL.
func NewClaimMatch(v *Verifier, audience string) *ClaimMatch {
	return &ClaimMatch{v: v, audience: audience}
}

// Kind implements authn.Authenticator.
func (a *ClaimMatch) Kind() iam.IdentityKind { return iam.KindClaimMatch }

// Accepts implements authn.Authenticator: the proof looks like a JWT.
func (a *ClaimMatch) Accepts(raw string) bool { return LooksLikeJWT(raw) }

// ClaimedIssuer implements authn.IssuerNamer.
func (a *ClaimMatch) ClaimedIssuer(raw string) (string, bool) { return ClaimedIssuer(raw) }

// Authenticate implements authn.Authenticator. The token's claimed issuer
// is matched against the identity's issuer rule before anything is
// fetched, so a caller cannot make the server contact an issuer that the
// identity does not trust.
func (a *ClaimMatch) Authenticate(ctx context.Context, raw string, id iam.Identity) (authn.Result, error) {
	rule := id.ClaimMatch
	if rule == nil {
		return authn.Result{}, fmt.Errorf("oidc: identity %s has no claim_match rule", id.ID)
	}
	t, err := Parse(raw)
	if err != nil {
		return authn.Result{}, refusal(nil, err)
	}
	issuer, err := iam.NewMatcher("claim_match.issuer", rule.Issuer, rule.IssuerPattern)
	if err != nil {
		return authn.Result{}, errs.Wrap(errs.PermissionDenied, err, "identity %s has an invalid issuer rule; ask its administrator to fix it", id.Name)
	}
	if !issuer.Match(t.Issuer) {
		return authn.Result{}, refusal(t, authn.NoMatch(errs.New(errs.PermissionDenied,
			"the token's issuer %s does not match the identity's issuer rule", quote(t.Issuer))))
	}
	vt, err := a.v.Verify(ctx, t)
	if err != nil {
		return authn.Result{}, refusal(t, err)
	}
	if err := rule.Check(vt.Claims, a.audience).Err(); err != nil {
		return authn.Result{}, refusal(vt, authn.NoMatch(err))
	}
	return result(vt), nil
}

// result describes a verified token for the audit trail and the issued
// token's "act" claim.
func result(t *Token) authn.Result {
	auds, _ := iam.Audiences(t.Claims)
	d := map[string]string{"issuer": t.Issuer, "subject": t.Subject, "audience": strings.Join(auds, " "), "alg": t.Algorithm}
	if t.KeyID != "" {
		d["kid"] = t.KeyID
	}
	// Claims that say which workload it was, when the issuer sets them.
	for _, name := range []string{"jti", "repository", "ref", "workflow_ref", "run_id", "project_path", "pipeline_id"} {
		if s, ok := t.Claims[name].(string); ok && s != "" {
			d[name] = s
		}
	}
	return authn.Result{
		Subject: subjectOf(t),
		Actor:   &token.Actor{Issuer: t.Issuer, Subject: t.Subject, Audience: auds},
		Detail:  d,
	}
}

// refusal attaches what is known of the upstream principal to err for the
// audit trail: for a verified token its issuer and subject, for an
// unverified one only what it claims, marked as such.
func refusal(t *Token, err error) error {
	r := &authn.Refusal{Err: err}
	switch {
	case t == nil:
	case t.verified:
		r.Subject = subjectOf(t)
	default:
		r.Detail = map[string]string{"claimed_issuer": t.Issuer, "claimed_subject": t.Subject}
	}
	return r
}

func subjectOf(t *Token) string { return t.Subject + " (" + t.Issuer + ")" }

func quote(s string) string {
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return fmt.Sprintf("%q", s)
}

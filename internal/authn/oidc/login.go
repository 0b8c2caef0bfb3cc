package oidc

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"latch.dev/latch/internal/authn"
	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
)

// DefaultLoginMaxAge is how old an ID token may be when it is presented
// to log in. The CLI presents it seconds after the provider issued it; a
// short window limits what an ID token that leaked later is worth.
const DefaultLoginMaxAge = 10 * time.Minute

// DefaultLoginScopes are requested when the operator names none.
var DefaultLoginScopes = []string{"openid", "email", "profile"}

// LoginConfig describes the server's upstream OpenID Provider.
type LoginConfig struct {
	// Issuer is the provider's issuer URL (--oidc-issuer).
	Issuer string
	// ClientID is the public client registered for latch's CLI
	// (--oidc-client-id); ID tokens must be issued to it.
	ClientID string
	// Scopes are requested by the CLI (DefaultLoginScopes).
	Scopes []string
	// MaxAge bounds the age of a presented ID token (DefaultLoginMaxAge).
	MaxAge time.Duration
}

// Login verifies ID tokens of the server's upstream OpenID Provider.
type Login struct {
	v   *Verifier
	cfg LoginConfig
}

var _ authn.LoginVerifier = (*Login)(nil)

// NewLogin checks the configuration and returns the login verifier.
func NewLogin(v *Verifier, cfg LoginConfig) (*Login, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" {
		return nil, fmt.Errorf("--oidc-issuer and --oidc-client-id go together; give both or neither")
	}
	if err := v.CheckIssuer(cfg.Issuer); err != nil {
		return nil, fmt.Errorf("--oidc-issuer %s: %s", cfg.Issuer, errs.Message(err))
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = DefaultLoginScopes
	}
	if !slices.Contains(cfg.Scopes, "openid") {
		cfg.Scopes = append([]string{"openid"}, cfg.Scopes...)
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = DefaultLoginMaxAge
	}
	return &Login{v: v, cfg: cfg}, nil
}

// Provider implements authn.LoginVerifier.
func (l *Login) Provider() authn.LoginProvider {
	return authn.LoginProvider{Issuer: l.cfg.Issuer, ClientID: l.cfg.ClientID, Scopes: slices.Clone(l.cfg.Scopes)}
}

// VerifyLogin implements authn.LoginVerifier: OpenID Connect Core §3.1.3.7
// (issuer, audience, azp, signature, times), the nonce the client sent,
// and an upper bound on the token's age.
func (l *Login) VerifyLogin(ctx context.Context, p authn.LoginProof) (authn.Login, error) {
	raw, nonce := p.IDToken, p.Nonce
	t, err := Parse(raw)
	if err != nil {
		return authn.Login{}, err
	}
	if t.Issuer != l.cfg.Issuer {
		return authn.Login{}, errs.New(errs.Unauthenticated, "the ID token's issuer %s is not this server's login provider %s", quote(t.Issuer), l.cfg.Issuer)
	}
	vt, err := l.v.Verify(ctx, t)
	if err != nil {
		return authn.Login{}, err
	}
	c := vt.Claims
	auds, _ := iam.Audiences(c)
	if !slices.Contains(auds, l.cfg.ClientID) {
		return authn.Login{}, errs.New(errs.Unauthenticated, "the ID token was issued to %s, not to latch's client %s; log in with `latch auth login`", quoteList(auds), l.cfg.ClientID)
	}
	// An ID token for several audiences must say which one it was for;
	// one issued to another client that merely lists latch's is not a
	// login at latch.
	azp, hasAZP := c["azp"].(string)
	if (hasAZP || len(auds) > 1) && azp != l.cfg.ClientID {
		return authn.Login{}, errs.New(errs.Unauthenticated, "the ID token's authorized party %s is not latch's client %s", quote(azp), l.cfg.ClientID)
	}
	// The nonce ties the ID token to the authorization request the CLI
	// made, so that a token from another login cannot be slipped in.
	if got, _ := c["nonce"].(string); nonce != "" && got != nonce {
		return authn.Login{}, errs.Wrap(errs.Unauthenticated, ErrNonce, "the ID token's nonce is not the one this login sent; start the login again")
	}
	iat, ok, err := numericDate(c, "iat")
	if err != nil {
		return authn.Login{}, err
	}
	now := l.v.now()
	if !ok || now.Sub(iat) > l.cfg.MaxAge+l.v.skew {
		return authn.Login{}, errs.New(errs.Unauthenticated, "the ID token was issued more than %s ago (or does not say when); log in again", l.cfg.MaxAge)
	}
	if vt.Subject == "" || iam.HasControl(vt.Subject) {
		return authn.Login{}, errs.New(errs.Unauthenticated, `the ID token has no usable "sub" claim`)
	}
	exp, _, _ := numericDate(c, "exp")
	sum := sha256.Sum256([]byte(vt.Raw))
	out := authn.Login{
		Issuer: vt.Issuer, Subject: vt.Subject, ClientID: l.cfg.ClientID,
		Username: stringClaim(c, "preferred_username"), Name: stringClaim(c, "name"),
		Expiry: exp, ReplayKey: "oidc-login:" + hex.EncodeToString(sum[:]),
	}
	if verified(c["email_verified"]) {
		out.Email = stringClaim(c, "email")
	}
	if out.Email == "" && out.Username == "" && p.AccessToken != "" {
		// The profile is at the userinfo endpoint. It only names the
		// user; failing to read it does not fail the login.
		if err := checkAccessTokenHash(vt, p.AccessToken); err != nil {
			return authn.Login{}, err
		}
		if err := l.userinfo(ctx, p.AccessToken, &out); err != nil {
			l.v.log.WarnContext(ctx, "userinfo not read; the user is named without it", "issuer", out.Issuer, "err", err)
		}
	}
	return out, nil
}

func stringClaim(c iam.TokenClaims, name string) string {
	s, _ := c[name].(string)
	if iam.HasControl(s) || len(s) > 512 {
		return ""
	}
	return s
}

// verified reads email_verified, which some providers send as a string.
func verified(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		return strings.EqualFold(x, "true")
	}
	return false
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

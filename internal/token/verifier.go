package token

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/go-jose/go-jose/v4"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/signer"
)

// Verification limits.
const (
	// DefaultLeeway is the clock skew allowed on exp, nbf and iat.
	DefaultLeeway = 30 * time.Second
	// MaxLeeway is the most skew a verifier may be configured to allow.
	MaxLeeway = time.Minute
	// MaxTokenBytes is the size of the largest token Verify parses. Latch
	// tokens are well under 4 KiB even with every capability listed.
	MaxTokenBytes = 16 << 10
)

// The causes Verify wraps; check them with errors.Is.
var (
	ErrMalformed     = errors.New("token: malformed")
	ErrSignature     = errors.New("token: signature does not verify")
	ErrExpired       = errors.New("token: expired")
	ErrNotYetValid   = errors.New("token: not yet valid")
	ErrWrongIssuer   = errors.New("token: wrong issuer")
	ErrWrongAudience = errors.New("token: wrong audience")
	ErrMissingClaim  = errors.New("token: missing or invalid claim")
)

// KeySource finds the key that verifies a token; *signer.Signer is one. It
// fails with signer.ErrUnknownKey for a key it does not publish.
type KeySource interface {
	PublicKey(ctx context.Context, kid string) (jose.JSONWebKey, error)
}

// VerifierConfig configures a Verifier. Issuer, Audience and Keys are
// required.
type VerifierConfig struct {
	// Issuer is the exact "iss" to accept: this server's URL.
	Issuer string
	// Audience must be one of a token's audiences.
	Audience string
	// Keys finds verification keys by kid.
	Keys KeySource
	// Now is the clock (time.Now).
	Now func() time.Time
	// Leeway is the clock skew allowed (DefaultLeeway, at most MaxLeeway).
	Leeway time.Duration
}

// Verifier verifies latch tokens in-process. It is safe for concurrent use.
type Verifier struct {
	cfg  VerifierConfig
	algs []jose.SignatureAlgorithm
}

// NewVerifier returns a Verifier.
func NewVerifier(cfg VerifierConfig) (*Verifier, error) {
	if err := CheckIssuer(cfg.Issuer); err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	if cfg.Audience == "" {
		return nil, errors.New("token: VerifierConfig.Audience is required")
	}
	if cfg.Keys == nil {
		return nil, errors.New("token: VerifierConfig.Keys is required")
	}
	if cfg.Leeway == 0 {
		cfg.Leeway = DefaultLeeway
	}
	if cfg.Leeway < 0 || cfg.Leeway > MaxLeeway {
		return nil, fmt.Errorf("token: leeway %v is not between 0 and %v", cfg.Leeway, MaxLeeway)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	v := &Verifier{cfg: cfg}
	for _, a := range signer.Algorithms() {
		v.algs = append(v.algs, jose.SignatureAlgorithm(a))
	}
	return v, nil
}

// relogin is the advice for a token that will never verify.
const relogin = "run `latch auth login` again"

// Verify checks raw and returns its claims. Every failure is
// errs.Unauthenticated, except a key store that cannot be read
// (errs.Unavailable).
func (v *Verifier) Verify(ctx context.Context, raw string) (Claims, error) {
	if raw == "" {
		return Claims{}, errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: empty", ErrMalformed), "no token was sent; %s", relogin)
	}
	if len(raw) > MaxTokenBytes {
		return Claims{}, errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: %d bytes", ErrMalformed, len(raw)),
			"the token is larger than %d bytes, so it is not a latch token; %s", MaxTokenBytes, relogin)
	}
	jws, err := jose.ParseSignedCompact(raw, v.algs)
	if err != nil {
		var badAlg *jose.ErrUnexpectedSignatureAlgorithm
		if errors.As(err, &badAlg) {
			return Claims{}, errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: %w", ErrMalformed, err),
				"the token is signed with %q, but latch tokens use ES256 or RS256; %s", badAlg.Got, relogin)
		}
		return Claims{}, errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: %w", ErrMalformed, err),
			"the token is not a well-formed JWT; %s", relogin)
	}
	if len(jws.Signatures) != 1 {
		return Claims{}, errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: %d signatures", ErrMalformed, len(jws.Signatures)),
			"the token is not a well-formed JWT; %s", relogin)
	}
	header := jws.Signatures[0].Protected
	if header.KeyID == "" {
		return Claims{}, errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: no kid", ErrMalformed),
			"the token names no signing key (kid), so it is not a latch token; %s", relogin)
	}
	key, err := v.cfg.Keys.PublicKey(ctx, header.KeyID)
	if errors.Is(err, signer.ErrUnknownKey) {
		return Claims{}, errs.Wrap(errs.Unauthenticated, err,
			"the token was signed by a key this server does not publish (it comes from another server, or it is too old); %s", relogin)
	}
	if err != nil {
		if errs.KindOf(err) == errs.Internal {
			err = errs.Wrap(errs.Unavailable, err, "the signing keys could not be loaded; try again shortly")
		}
		return Claims{}, err
	}
	if key.Algorithm != header.Algorithm {
		return Claims{}, errs.Wrap(errs.Unauthenticated,
			fmt.Errorf("%w: header alg %q, key %s is for %q", ErrSignature, header.Algorithm, key.KeyID, key.Algorithm),
			"the token's signature algorithm does not match its key; %s", relogin)
	}
	payload, err := jws.Verify(key.Key)
	if err != nil {
		return Claims{}, errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: %w", ErrSignature, err),
			"the token's signature is not valid; %s", relogin)
	}
	var c Claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return Claims{}, errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: claims: %w", ErrMalformed, err),
			"the token's claims are not valid JSON; %s", relogin)
	}
	if err := v.check(c); err != nil {
		return Claims{}, err
	}
	return c, nil
}

// check applies the claim rules to signed claims.
func (v *Verifier) check(c Claims) error {
	if c.Issuer != v.cfg.Issuer {
		return errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: %q, want %q", ErrWrongIssuer, c.Issuer, v.cfg.Issuer),
			"the token was issued by %q, not by this server (%s); log in to this server with `latch auth login`", c.Issuer, v.cfg.Issuer)
	}
	if !slices.Contains(c.Audience, v.cfg.Audience) {
		return errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: %q, want %q", ErrWrongAudience, c.Audience, v.cfg.Audience),
			"the token is for %q, not for %s; get one for it with `latch auth login --audience %s`", c.Audience, v.cfg.Audience, v.cfg.Audience)
	}
	for _, m := range []struct {
		name    string
		missing bool
	}{
		{"sub", c.Subject == ""},
		{"jti", c.ID == ""},
		{"exp", c.Expiry.IsZero()},
		{"iat", c.IssuedAt.IsZero()},
	} {
		if m.missing {
			return errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: no %s", ErrMissingClaim, m.name),
				"the token has no %q claim, so it is not a latch token; %s", m.name, relogin)
		}
	}
	if !iam.ValidID(c.Subject) {
		return errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: sub %q", ErrMissingClaim, c.Subject),
			"the token's subject is not a latch identity ID; %s", relogin)
	}

	now, leeway := v.cfg.Now(), v.cfg.Leeway
	stamp := func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	if !now.Before(c.Expiry.Add(leeway)) {
		return errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: exp %s, now %s", ErrExpired, stamp(c.Expiry), stamp(now)),
			"the token expired at %s; %s", stamp(c.Expiry), relogin)
	}
	if !c.NotBefore.IsZero() && now.Add(leeway).Before(c.NotBefore) {
		return errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: nbf %s, now %s", ErrNotYetValid, stamp(c.NotBefore), stamp(now)),
			"the token is not valid before %s; check that this machine's clock is right", stamp(c.NotBefore))
	}
	if now.Add(leeway).Before(c.IssuedAt) {
		return errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: iat %s, now %s", ErrNotYetValid, stamp(c.IssuedAt), stamp(now)),
			"the token was issued in the future (%s); check that this machine's clock is right", stamp(c.IssuedAt))
	}
	if life := c.Expiry.Sub(c.IssuedAt); life > MaxLifetimeCeiling || life <= 0 {
		return errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: lifetime %v", ErrMissingClaim, life),
			"the token's lifetime (%v) is not between 0 and %v; %s", life, MaxLifetimeCeiling, relogin)
	}
	return nil
}

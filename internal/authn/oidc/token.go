package oidc

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/go-jose/go-jose/v4"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
)

// MaxTokenSize bounds a token before it is decoded. Real ID tokens are a
// few kilobytes; a bound keeps a hostile caller from making the server
// decode megabytes of base64.
const MaxTokenSize = 32 << 10

// Algorithms are the signature algorithms accepted, all asymmetric.
var algorithms = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512,
	jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512,
	jose.EdDSA,
}

// Algorithms returns the accepted signature algorithms.
func Algorithms() []string {
	out := make([]string, len(algorithms))
	for i, a := range algorithms {
		out[i] = string(a)
	}
	return out
}

// Token is a parsed, not yet verified, JWT. Verify and VerifyWithKeys
// return a Token whose Claims come from the verified payload.
type Token struct {
	Raw       string
	Algorithm string
	KeyID     string
	// Claims, Issuer and Subject are the token's claims; until a Verify
	// function returns the token they are only what the token says.
	Claims  iam.TokenClaims
	Issuer  string
	Subject string

	jws      *jose.JSONWebSignature
	verified bool // the claims come from a verified payload
}

// Parse decodes raw without verifying it: the shape, the size, one
// signature with an accepted algorithm, and a JSON object as payload.
func Parse(raw string) (*Token, error) {
	raw = strings.TrimSpace(raw)
	if len(raw) > MaxTokenSize {
		return nil, errs.Wrap(errs.Unauthenticated, ErrMalformed, "the token is %d bytes long; the limit is %d", len(raw), MaxTokenSize)
	}
	if !LooksLikeJWT(raw) {
		return nil, errs.Wrap(errs.Unauthenticated, ErrMalformed, "the token is not a JWT (three base64url parts separated by dots)")
	}
	if err := checkHeaderAlgorithm(raw); err != nil {
		return nil, err
	}
	jws, err := jose.ParseSignedCompact(raw, algorithms)
	if err != nil {
		return nil, errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: %w", ErrMalformed, err), "the token is not a well-formed signed JWT")
	}
	if len(jws.Signatures) != 1 {
		return nil, errs.Wrap(errs.Unauthenticated, ErrMalformed, "the token has %d signatures; exactly one is accepted", len(jws.Signatures))
	}
	claims, err := decodeClaims(jws.UnsafePayloadWithoutVerification())
	if err != nil {
		return nil, err
	}
	h := jws.Signatures[0].Protected
	t := &Token{Raw: raw, Algorithm: h.Algorithm, KeyID: h.KeyID, jws: jws}
	t.setClaims(claims)
	return t, nil
}

func (t *Token) setClaims(c iam.TokenClaims) {
	t.Claims = c
	t.Issuer, _ = c["iss"].(string)
	t.Subject, _ = c["sub"].(string)
}

// checkHeaderAlgorithm reads the header's alg before the JOSE library
// does, so that the two forgeries worth naming get a message of their
// own.
func checkHeaderAlgorithm(raw string) error {
	head, _, _ := strings.Cut(raw, ".")
	b, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: header: %w", ErrMalformed, err), "the token's header is not base64url")
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: header: %w", ErrMalformed, err), "the token's header is not a JSON object")
	}
	switch {
	case strings.EqualFold(h.Alg, "none"):
		return errs.Wrap(errs.Unauthenticated, ErrAlgorithm, `the token is unsigned (alg "none"); latch accepts only tokens signed by their issuer`)
	case strings.HasPrefix(strings.ToUpper(h.Alg), "HS"):
		return errs.Wrap(errs.Unauthenticated, ErrAlgorithm, "the token is signed with a shared secret (alg %q); latch accepts only issuers' asymmetric signatures (%s)", h.Alg, strings.Join(Algorithms(), ", "))
	}
	for _, a := range algorithms {
		if h.Alg == string(a) {
			return nil
		}
	}
	return errs.Wrap(errs.Unauthenticated, ErrAlgorithm, "the token's signature algorithm %q is not accepted; use one of %s", h.Alg, strings.Join(Algorithms(), ", "))
}

func decodeClaims(payload []byte) (iam.TokenClaims, error) {
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var c map[string]any
	if err := dec.Decode(&c); err != nil || c == nil {
		if err == nil {
			err = fmt.Errorf("payload is not an object")
		}
		return nil, errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: claims: %w", ErrMalformed, err), "the token's claims are not a JSON object")
	}
	if dec.More() {
		return nil, errs.Wrap(errs.Unauthenticated, ErrMalformed, "the token's claims are followed by trailing data")
	}
	return iam.TokenClaims(c), nil
}

// LooksLikeJWT reports whether raw has the shape of a JWT: three base64url
// parts, the first decoding to a JSON object. The signature may be empty,
// as in an unsecured JWT, so that such a token reaches Parse and is
// refused for what it is. It verifies nothing; the exchange uses it to
// pick the authenticator.
func LooksLikeJWT(raw string) bool {
	raw = strings.TrimSpace(raw)
	parts := strings.Split(raw, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return false
	}
	for _, p := range parts {
		if strings.ContainsFunc(p, func(r rune) bool {
			return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_')
		}) {
			return false
		}
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[0])
	return err == nil && len(b) > 1 && b[0] == '{'
}

// ClaimedIssuer returns the iss claim of raw without verifying anything,
// for routing a token to the identities that could accept it.
func ClaimedIssuer(raw string) (string, bool) {
	t, err := Parse(raw)
	if err != nil || t.Issuer == "" {
		return "", false
	}
	return t.Issuer, true
}

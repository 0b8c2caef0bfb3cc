package oidc

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/go-jose/go-jose/v4"

	"latch.dev/latch/internal/errs"
)

// MinRSABits is the smallest RSA modulus accepted: smaller keys can be
// factored by a determined attacker, who could then sign as the issuer.
const MinRSABits = 2048

// maxCandidateKeys bounds how many keys a token without a "kid" is tried
// against, so that a JWKS of many keys does not multiply the work an
// unauthenticated caller can cause.
const maxCandidateKeys = 8

// ParseJWKS decodes a JWKS document, keeping every public signing key it
// can use and skipping the others (an unknown key type, an encryption
// key), so that one exotic key does not make a whole issuer unusable. It
// fails when no key is usable.
func ParseJWKS(b []byte) ([]jose.JSONWebKey, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%w: not a JWKS document: %w", ErrNoKeys, err)
	}
	var out []jose.JSONWebKey
	for _, raw := range doc.Keys {
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(raw); err != nil || !k.Valid() {
			continue
		}
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		// A JWKS that leaks private halves still only verifies.
		pub := k.Public()
		if !pub.Valid() || !acceptableKey(pub) {
			continue
		}
		out = append(out, pub)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: the JWKS has %d keys and none is a public signing key latch accepts", ErrNoKeys, len(doc.Keys))
	}
	return out, nil
}

func acceptableKey(k jose.JSONWebKey) bool {
	switch key := k.Key.(type) {
	case *rsa.PublicKey:
		return key.N.BitLen() >= MinRSABits
	case *ecdsa.PublicKey, ed25519.PublicKey:
		return true
	}
	return false
}

// fits reports whether key k may verify a signature made with alg: the
// key type and curve must be alg's, and a key that names its algorithm
// must name alg. This, not the token's header, decides how a key is used,
// which is what stops algorithm confusion.
func fits(k jose.JSONWebKey, alg string) bool {
	if k.Algorithm != "" && k.Algorithm != alg {
		return false
	}
	switch key := k.Key.(type) {
	case *rsa.PublicKey:
		return strings.HasPrefix(alg, "RS") || strings.HasPrefix(alg, "PS")
	case *ecdsa.PublicKey:
		switch alg {
		case "ES256":
			return key.Curve == elliptic.P256()
		case "ES384":
			return key.Curve == elliptic.P384()
		case "ES512":
			return key.Curve == elliptic.P521()
		}
	case ed25519.PublicKey:
		return alg == "EdDSA"
	}
	return false
}

// candidates returns the keys that may have signed t: those with t's key
// ID, or, for a token without one, every key that fits its algorithm.
func candidates(keys []jose.JSONWebKey, t *Token) []jose.JSONWebKey {
	var out []jose.JSONWebKey
	for _, k := range keys {
		if (t.KeyID == "" || k.KeyID == t.KeyID) && fits(k, t.Algorithm) {
			out = append(out, k)
		}
		if len(out) == maxCandidateKeys {
			break
		}
	}
	return out
}

// hasKey reports whether keys hold one with t's key ID that fits its
// algorithm (or, without a key ID, any key that fits).
func hasKey(keys []jose.JSONWebKey, t *Token) bool { return len(candidates(keys, t)) > 0 }

// VerifyWithKeys checks t's signature against keys and returns the token
// with the claims of the verified payload. from names the keys' owner in
// messages ("issuer https://…", "identity builder"). It does not check
// times; see CheckTimes.
func VerifyWithKeys(t *Token, keys []jose.JSONWebKey, from string) (*Token, error) {
	cands := candidates(keys, t)
	if len(cands) == 0 {
		if t.KeyID != "" {
			return nil, errs.Wrap(errs.Unauthenticated, ErrUnknownKey, "the token was signed with key %q, which is not among the keys of %s", t.KeyID, from)
		}
		return nil, errs.Wrap(errs.Unauthenticated, ErrUnknownKey, "none of the keys of %s fits the token's algorithm %s", from, t.Algorithm)
	}
	for _, k := range cands {
		payload, err := t.jws.Verify(k.Key)
		if err != nil {
			continue
		}
		claims, err := decodeClaims(payload)
		if err != nil {
			return nil, err
		}
		v := *t
		v.setClaims(claims)
		v.verified = true
		return &v, nil
	}
	return nil, errs.Wrap(errs.Unauthenticated, ErrSignature, "the token's signature does not verify with the keys of %s", from)
}

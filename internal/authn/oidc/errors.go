package oidc

import "errors"

// Causes of refusals, for errors.Is. Every error the package returns is
// also an *errs.Error whose message tells the caller what to fix.
var (
	ErrMalformed        = errors.New("oidc: not a compact JWS with a JSON claims object")
	ErrAlgorithm        = errors.New("oidc: signature algorithm not accepted")
	ErrIssuerNotAllowed = errors.New("oidc: issuer may not be fetched")
	ErrDiscovery        = errors.New("oidc: discovery document not acceptable")
	ErrFetch            = errors.New("oidc: fetch failed")
	ErrTooLarge         = errors.New("oidc: response too large")
	ErrRedirect         = errors.New("oidc: redirect refused")
	ErrNoKeys           = errors.New("oidc: no usable keys")
	ErrUnknownKey       = errors.New("oidc: unknown key")
	ErrSignature        = errors.New("oidc: signature does not verify")
	ErrExpired          = errors.New("oidc: token expired")
	ErrNoExpiry         = errors.New("oidc: token has no exp")
	ErrNotYetValid      = errors.New("oidc: token not yet valid")
	ErrIssuedInFuture   = errors.New("oidc: token issued in the future")
	ErrNonce            = errors.New("oidc: nonce mismatch")
)

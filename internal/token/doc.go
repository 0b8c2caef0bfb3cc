// Package token mints and verifies latch's access tokens.
//
// A latch token is a JWT signed by the signer package's current key
// (ES256 by default, RS256 available). Its claims follow OIDC, so that any
// relying party can verify it from the discovery document and JWKS, plus a
// few of latch's own:
//
//	iss     the server's URL
//	sub     the identity's UIDP
//	aud     the audiences asked for, always a JSON list
//	iat nbf exp  issue time, start and end of validity (1 h by default)
//	jti     a random ID, for audit trails and deny lists
//	act     the upstream proof that was exchanged: for AWS the STS issuer,
//	        the caller's ARN, account and user ID; for OIDC the upstream
//	        iss, sub and aud
//	caps    the capabilities the exchange narrowed the token to, if any
//	scopes  the groups the exchange narrowed the token to, if any
//	email   a human user's email, if known
//	kind    how the identity logged in: aws, claim_match, static, user,
//	        bootstrap
//
// Tokens cannot be revoked, so they are short: the default lifetime is an
// hour and no token lives longer than MaxLifetimeCeiling (12 h, a working
// day for a human session; machines exchange again, which costs little).
//
// The Verifier checks a token in-process against the signer's keys, with
// no HTTP: a fixed allowlist of algorithms (never "none", never an HMAC,
// and the algorithm must be the key's own), the exact issuer, the
// audience, the times with a small leeway, and the presence of jti and a
// well-formed sub. Its errors are errs.Unauthenticated with a message that
// tells the holder what to do, and wrap a sentinel (ErrExpired, …) with
// the details for the log.
package token

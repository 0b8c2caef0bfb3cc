// Package oidc verifies OIDC ID tokens from issuers latch reaches over the
// network (GitHub Actions, GitLab CI, Kubernetes, AWS outbound identity
// federation, the server's upstream OpenID Provider) and implements the
// claim_match authenticator and the human-login verifier on top.
//
// The checks, each named after the attack it stops:
//
//   - The token's claimed issuer is matched against the identity's rule
//     before anything is fetched, and only https issuers (or issuers the
//     operator listed with --oidc-insecure-issuer) are fetched: a caller
//     cannot make the server fetch a URL of their choosing (SSRF), nor
//     trust keys served over a path an attacker can tamper with.
//   - The discovery document must name exactly the issuer it was fetched
//     for (OpenID Connect Discovery §4.3): otherwise an issuer that serves
//     another issuer's document could mint tokens in its name.
//   - Fetches follow redirects only on the same host and scheme, stop at a
//     size cap and a timeout: a hostile or broken issuer cannot send the
//     server elsewhere, exhaust its memory, or hold its requests.
//   - Keys are cached per issuer in a bounded LRU; a token with an unknown
//     "kid" triggers at most one refresh per issuer per interval, and
//     concurrent fetches for one issuer are coalesced: a flood of tokens
//     with random key IDs cannot turn the server into a traffic amplifier
//     against an issuer.
//   - Only asymmetric algorithms are accepted (RS*, PS*, ES*, EdDSA),
//     each only with a key of its own type: "none" would accept forged
//     tokens, and HS256 "signed" with the issuer's public key as an HMAC
//     secret is the classic algorithm-confusion forgery. Keys in the
//     token's header (jwk, jku, x5u, x5c) are never used.
//   - exp is required; exp, nbf and iat are checked with a small skew
//     against an injected clock: stolen old tokens expire, and tokens
//     dated in the future (minted to outlive a key rotation) are refused.
package oidc

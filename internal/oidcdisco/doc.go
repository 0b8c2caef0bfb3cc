// Package oidcdisco serves the two documents that let any OIDC relying
// party verify latch tokens without talking to latch otherwise: the
// discovery document at <issuer>/.well-known/openid-configuration and the
// JWKS it points to at <issuer>/.well-known/jwks.json.
//
// # Caching
//
// The discovery document changes only with the configuration, so relying
// parties may cache it for DiscoveryMaxAge (1 h).
//
// The JWKS changes at every rotation, and what matters is that a relying
// party knows a key before it sees tokens signed with it. The signer
// publishes every key at least signer.PublishLead (10 min) before it signs
// (a whole rotation period, normally). Within that lead a key reaches
// every replica's cache (signer.RefreshInterval, 1 min), then a relying
// party's cache of this document (JWKSMaxAge, 5 min), with a minute to
// spare for clock skew: 1 + 5 + 1 = 7 min ≤ 10 min. Retired keys stay
// published until the last token they signed has expired, so a stale
// cache never misses a key that is still needed. Relying parties that
// refetch on an unknown kid (go-oidc does) are safe even without caching.
//
// An empty key set is served with "no-store", so that a server that has
// not created its keys yet is not remembered as having none.
package oidcdisco

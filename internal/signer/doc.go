// Package signer keeps latch's token-signing keys. It generates them, keeps
// them in the store (storage.Keys) so that every replica signs and verifies
// with the same set, rotates them on a schedule, and publishes their public
// halves as a JWKS.
//
// # Key timeline
//
// Every key passes through three phases: published but not yet signing
// ("next"), signing ("current"), and retired but still published so that
// the tokens it signed keep verifying. P is the rotation period, L the
// longest token lifetime and m the RetireMargin:
//
//	          t0                      t0+P                    t0+2P
//	key A     |######## signs ########|~~~~ published L+m ~~~~|
//	key B     |--- published, idle ---|######## signs ########|~~~~ L+m ~~~~|
//	key C                             |--- published, idle ---|### signs ###…
//
// A stored key has no "sign from" time: the key that signs at time t is the
// one with the earliest SignUntil after t, so a key starts signing when its
// predecessor stops. There is always a next key: as soon as a key becomes
// current, the next maintenance round (Maintain, run by Run every
// RefreshInterval) creates its successor, which is then published for a
// whole period before it signs.
//
// This gives the three properties rotation needs with several replicas:
//
//   - The switch from A to B needs no coordination. Every replica already
//     has B in its cache and switches on its own clock at SignUntil(A).
//   - A key is published before it signs, by a whole period normally and by
//     at least PublishLead always (the current key's SignUntil is pushed
//     out when its successor is created late, for example after every
//     replica was down). Every replica's cache and every relying party's
//     HTTP cache of the JWKS therefore knows a key before tokens signed by
//     it arrive. The one exception is a store with no usable key at all (the
//     first start): that key signs at once, and verifiers find it by
//     refetching on an unknown kid, as OIDC verifiers do.
//   - A retired key stays published until SignUntil + L + m, after the last
//     token it signed has expired.
//
// # Several replicas
//
// Changes go through storage.Keys.UpdateSigningKeys, a compare-and-swap.
// The update function recomputes what is due from the set it is given, not
// from what this replica saw before, so when two replicas race, the second
// finds the work done and returns storage.ErrUnchanged: one rotation, one
// new key. Keys are generated before the transaction opens (RSA generation
// takes a good fraction of a second) and used only if still needed.
//
// Rotate retires the current key at once (for operators, and for tests).
// Replicas that have not yet reloaded keep signing with the retired key
// for up to RefreshInterval; RetireMargin covers that.
//
// # Caches and their arithmetic
//
// Each replica keeps the parsed key set in memory, so signing costs no
// database round trip. The cache is reloaded every RefreshInterval (by Run,
// or by the first Sign after it is that old) and when a token names a kid
// the cache does not know, at most once per OnDemandRefreshInterval so that
// tokens with made-up kids cannot flood the store.
//
// A new key must reach everyone before it signs: stored at creation, in
// every replica's cache within RefreshInterval (1 min), in a relying party's
// JWKS cache within the JWKS max-age the discovery handler sends (5 min),
// plus clock skew between machines (1 min): 7 min, within PublishLead
// (10 min). A retired key must outlive its tokens: a stale replica signs
// with it up to RefreshInterval after it retired, the token lives L, and
// verifiers allow up to 1 min of leeway and clocks skew by up to 1 min:
// L + 3 min, within L + RetireMargin (5 min).
//
// # Algorithms
//
// ES256 (P-256) is the default: small keys, small signatures, fast signing.
// RS256 (RSA, 2048 bits or more) is available for relying parties that
// only speak RSA. New keys use the configured algorithm; existing keys
// finish their schedule, so a change of algorithm is complete within two
// periods and replicas that disagree during an upgrade do not fight.
package signer

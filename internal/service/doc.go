// Package service holds latch's use cases: creating and listing groups,
// identities, roles and bindings, exchanging upstream proofs for tokens,
// bootstrap and refresh. It is the only package that combines storage,
// authorization, authentication plug-ins and the token issuer; transports
// (the Connect API, the /sts HTTP endpoints) are thin adapters over it.
//
// Every method that acts for a caller takes the *Caller explicitly and
// re-reads the caller's bindings from the store, so a binding that changed
// is honoured on the very next call.
package service

// Package iam holds latch's domain: groups (organizations and folders),
// identities, roles, role bindings, capabilities and the UIDP identifiers
// that encode where each object lives in the organization tree.
//
// It imports no transport and no storage. Every rule about what a valid
// object is lives here, so that the API, the CLI's local checks and the
// storage conformance suite agree on one definition.
package iam

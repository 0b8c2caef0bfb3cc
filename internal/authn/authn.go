// Package authn is the seam between the exchange and the proof types: one
// small interface that each proof type (awsiam, oidc, static) implements in
// its own package, and the registry the service consults. Adding a proof
// type touches its package and the registry's construction, nothing else.
package authn

import (
	"context"

	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/token"
)

// Authenticator verifies one kind of upstream proof.
type Authenticator interface {
	// Kind is the identity kind whose rule this authenticator checks.
	Kind() iam.IdentityKind
	// Accepts reports, without verifying anything, whether raw has the
	// shape of this kind of proof. It lets the exchange pick the right
	// authenticator and tell a caller who sent the wrong kind of proof.
	Accepts(raw string) bool
	// Authenticate proves that raw may assume id, or returns an error
	// whose message says which of the caller's inputs broke which rule.
	Authenticate(ctx context.Context, raw string, id iam.Identity) (Result, error)
}

// Result is what a verified proof established.
type Result struct {
	// Subject names the upstream principal for audit and logs (an ARN,
	// an OIDC issuer and subject).
	Subject string
	// Actor goes into the issued token's "act" claim.
	Actor *token.Actor
	// Detail is recorded with the audit event (account, user id, STS
	// request id, endpoint, …).
	Detail map[string]string
}

// Refusal is an error that knows the upstream principal it refused, so
// the audit trail can record who tried, even when the rule did not match.
type Refusal struct {
	Subject string
	Detail  map[string]string
	Err     error
}

func (r *Refusal) Error() string { return r.Err.Error() }

// Unwrap exposes the classified error.
func (r *Refusal) Unwrap() error { return r.Err }

// Registry holds one authenticator per identity kind.
type Registry struct {
	byKind map[iam.IdentityKind]Authenticator
	order  []Authenticator
}

// NewRegistry builds a registry; a kind registered twice is a programming
// error and panics at start-up.
func NewRegistry(auths ...Authenticator) *Registry {
	r := &Registry{byKind: map[iam.IdentityKind]Authenticator{}}
	for _, a := range auths {
		if _, dup := r.byKind[a.Kind()]; dup {
			panic("authn: two authenticators for " + string(a.Kind()))
		}
		r.byKind[a.Kind()] = a
		r.order = append(r.order, a)
	}
	return r
}

// For returns the authenticator of a kind.
func (r *Registry) For(kind iam.IdentityKind) (Authenticator, bool) {
	if r == nil {
		return nil, false
	}
	a, ok := r.byKind[kind]
	return a, ok
}

// Detect returns the kinds whose shape raw has.
func (r *Registry) Detect(raw string) []iam.IdentityKind {
	if r == nil {
		return nil
	}
	var out []iam.IdentityKind
	for _, a := range r.order {
		if a.Accepts(raw) {
			out = append(out, a.Kind())
		}
	}
	return out
}

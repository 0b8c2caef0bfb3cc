package authn

import "errors"

// ErrNoMatch marks a refusal in which the proof itself may be sound but
// the identity's rule does not accept it (another subject, another
// repository, keys of another cluster). An exchange that names no
// identity tries every candidate and needs to tell "this identity is not
// the one" apart from "this token is no good" (expired, forged), which
// holds for every candidate alike.
var ErrNoMatch = errors.New("authn: the identity's rule does not accept the proof")

// NoMatch marks err, a classified refusal, as an ErrNoMatch. The
// caller-facing message stays err's.
func NoMatch(err error) error {
	if err == nil {
		return nil
	}
	return &noMatch{err: err}
}

type noMatch struct{ err error }

func (n *noMatch) Error() string   { return n.err.Error() }
func (n *noMatch) Unwrap() []error { return []error{n.err, ErrNoMatch} }

// IssuerNamer is implemented by authenticators whose proofs name their
// issuer (OIDC tokens). When an exchange names no identity, the service
// asks for the claimed, unverified issuer only to look up the identities
// that could accept the proof; each candidate then verifies it in full.
type IssuerNamer interface {
	ClaimedIssuer(raw string) (string, bool)
}

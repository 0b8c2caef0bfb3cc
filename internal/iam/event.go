package iam

import "time"

// Event is an audit record. Every exchange, accepted or refused, is one,
// with the verified upstream principal whenever it is known, so that an
// operator can answer "who tried to become this identity, and why were they
// refused" after the fact.
type Event struct {
	ID       string
	Time     time.Time
	Type     string // "exchange", "bootstrap", "refresh", "login", "logout"
	Group    string // the group the event belongs to (the identity's group), RootScope when unknown
	Identity string // the target identity, when known
	Outcome  string // "accepted" or "refused"
	Reason   string // why it was refused, in the words the caller saw
	Subject  string // the verified upstream principal (an ARN, an OIDC subject), when known
	Detail   map[string]string
	SourceIP string
	TokenID  string // jti of the issued token
}

// Event outcomes.
const (
	OutcomeAccepted = "accepted"
	OutcomeRefused  = "refused"
)

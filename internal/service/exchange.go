package service

import "time"

// ExchangeRequest is an upstream proof to exchange for a latch token, with
// the wire protocol's parameters.
type ExchangeRequest struct {
	Proof        string   // the upstream token or AWS proof
	Identity     string   // the target identity's ID; may be empty for OIDC proofs
	Audience     []string // requested audiences; default the server URL
	Capabilities []string // narrow the token to these capabilities
	Scopes       []string // narrow the token to these groups
	SourceIP     string
}

// TokenPair is what the token endpoints answer.
type TokenPair struct {
	Token        string
	RefreshToken string // only for logins that may renew themselves
	Expiry       time.Time
}

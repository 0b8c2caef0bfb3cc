package authn

import (
	"context"
	"time"
)

// Login is a human's verified sign-in at the server's upstream OpenID
// Provider.
type Login struct {
	Issuer  string
	Subject string
	// ClientID is the audience the ID token was issued to.
	ClientID string
	// Email is set only when the provider says it is verified: an
	// unverified address is whatever the person typed.
	Email string
	// Username is preferred_username, Name the display name; either may
	// be empty. They only suggest a name for a new user.
	Username string
	Name     string
	// Expiry is when the ID token expires; ReplayKey identifies it, so
	// that each ID token logs in once.
	Expiry    time.Time
	ReplayKey string
}

// LoginProvider describes the upstream OpenID Provider to clients, which
// need it to start the authorization code flow. None of it is secret.
type LoginProvider struct {
	Issuer   string   `json:"issuer"`
	ClientID string   `json:"client_id"`
	Scopes   []string `json:"scopes"`
}

// LoginVerifier verifies ID tokens from the server's upstream OpenID
// Provider.
type LoginVerifier interface {
	// Provider describes the provider.
	Provider() LoginProvider
	// VerifyLogin verifies the ID token of a login at the provider.
	VerifyLogin(ctx context.Context, p LoginProof) (Login, error)
}

// LoginProof is what a client brings back from the provider.
type LoginProof struct {
	// IDToken is the ID token issued to the provider's client.
	IDToken string
	// Nonce, when set, must equal the ID token's nonce claim: the nonce
	// of the client's authorization request.
	Nonce string
	// AccessToken, when set, is the access token issued with the ID
	// token. Providers that keep profile claims out of ID tokens (OpenID
	// Connect Core §5.4 allows it) serve them at their userinfo endpoint
	// for it; it is used for nothing else.
	AccessToken string
}

package server

import (
	"fmt"
	"net/url"
	"slices"
	"time"

	"latch.dev/latch/internal/authn"
	"latch.dev/latch/internal/authn/oidc"
	"latch.dev/latch/internal/authn/static"
)

// OIDCConfig configures OIDC federation (claim_match and static
// identities) and human login.
type OIDCConfig struct {
	// InsecureIssuers are issuer URLs the server may fetch over plain
	// http (--oidc-insecure-issuer): a test issuer, or one on a network
	// the operator trusts. Every other issuer must be https.
	InsecureIssuers []string
	// Timeout bounds each fetch of a discovery document or key set
	// (--oidc-fetch-timeout; default 10s).
	Timeout time.Duration

	// Issuer and ClientID name the upstream OpenID Provider people log in
	// with (--oidc-issuer, --oidc-client-id): the CLI runs the
	// authorization code flow with PKCE against it as a public client.
	// Both empty: no human login.
	Issuer   string
	ClientID string
	// Scopes are what the CLI asks for (--oidc-scopes; default openid,
	// email, profile).
	Scopes []string
}

// oidcAuthn builds the OIDC authenticators (claim_match, static) and,
// when an upstream provider is configured, the login verifier. One key
// cache serves both.
func (s *Server) oidcAuthn() ([]authn.Authenticator, authn.LoginVerifier, error) {
	cfg := s.cfg
	v, err := oidc.New(oidc.Config{
		InsecureIssuers: cfg.OIDC.InsecureIssuers, Timeout: cfg.OIDC.Timeout,
		Now: cfg.Now, Logger: cfg.Log, Registerer: s.metrics.Registerer(),
	})
	if err != nil {
		return nil, nil, err
	}
	auths := []authn.Authenticator{
		oidc.NewClaimMatch(v, cfg.URL),
		static.New(cfg.URL, cfg.Now, 0),
	}
	if cfg.OIDC.Issuer == "" && cfg.OIDC.ClientID == "" {
		return auths, nil, nil
	}
	login, err := oidc.NewLogin(v, oidc.LoginConfig{Issuer: cfg.OIDC.Issuer, ClientID: cfg.OIDC.ClientID, Scopes: cfg.OIDC.Scopes})
	if err != nil {
		return nil, nil, fmt.Errorf("login provider: %w", err)
	}
	return auths, login, nil
}

// ForDev returns c for `latch dev`, which trusts an http login provider on
// loopback without --oidc-insecure-issuer: a provider on this machine has
// no network path to tamper with.
func (c OIDCConfig) ForDev() OIDCConfig {
	if u, err := url.Parse(c.Issuer); err == nil && u.Scheme == "http" && isLoopback(u.Hostname()) && !slices.Contains(c.InsecureIssuers, c.Issuer) {
		c.InsecureIssuers = append(slices.Clone(c.InsecureIssuers), c.Issuer)
	}
	return c
}

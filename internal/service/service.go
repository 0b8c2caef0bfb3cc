package service

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"time"

	"latch.dev/latch/internal/authn"
	"latch.dev/latch/internal/authz"
	"latch.dev/latch/internal/storage"
	"latch.dev/latch/internal/token"
)

// Config is what a Service needs. Store and Issuer are required; the rest
// have defaults.
type Config struct {
	Store storage.Store
	// Issuer is the server's public URL: the tokens' iss and the default
	// audience.
	Issuer string
	Log    *slog.Logger
	// Now and Rand are injected so tests control time and IDs.
	Now  func() time.Time
	Rand io.Reader
	// Minter signs latch tokens; Verifier checks them on API calls.
	Minter   *token.Minter
	Verifier *token.Verifier
	// Authn verifies upstream proofs, one authenticator per identity kind.
	Authn *authn.Registry
	// Login verifies ID tokens of the upstream OpenID Provider people log
	// in with; nil when the server has none (see login.go).
	Login authn.LoginVerifier
	// Audiences are the audiences, besides Issuer, that exchanged tokens
	// may carry (other services that trust latch tokens).
	Audiences []string
	// RefreshLifetime is how long an unused refresh token stays valid
	// (DefaultRefreshLifetime). Each use replaces it with a fresh one.
	RefreshLifetime time.Duration
}

// DefaultRefreshLifetime is how long a refresh token lives unused.
const DefaultRefreshLifetime = 30 * 24 * time.Hour

// Service implements latch's use cases.
type Service struct {
	store    storage.Store
	issuer   string
	log      *slog.Logger
	now      func() time.Time
	rand     io.Reader
	capIndex *authz.Index
	minter   *token.Minter
	verifier *token.Verifier
	refresh  time.Duration
	authn    *authn.Registry
	login    authn.LoginVerifier

	extraAudiences []string
}

// New checks the configuration and returns a Service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("service: a store is required")
	}
	if cfg.Issuer == "" {
		return nil, fmt.Errorf("service: the issuer URL is required")
	}
	if cfg.Minter == nil || cfg.Verifier == nil {
		return nil, fmt.Errorf("service: a token minter and verifier are required")
	}
	s := &Service{
		store:    cfg.Store,
		issuer:   cfg.Issuer,
		log:      cfg.Log,
		now:      cfg.Now,
		rand:     cfg.Rand,
		capIndex: authz.NewIndex(),
		minter:   cfg.Minter,
		verifier: cfg.Verifier,
		refresh:  cfg.RefreshLifetime,
		authn:    cfg.Authn,
		login:    cfg.Login,

		extraAudiences: cfg.Audiences,
	}
	if s.refresh <= 0 {
		s.refresh = DefaultRefreshLifetime
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.rand == nil {
		s.rand = rand.Reader
	}
	return s, nil
}

// Init brings the store up to what this release expects (built-in roles).
// It is idempotent and safe to run from several replicas at once.
func (s *Service) Init(ctx context.Context) error {
	if err := s.store.PutBuiltInRoles(ctx, builtInRoles(s.now())); err != nil {
		return fmt.Errorf("install built-in roles: %w", err)
	}
	return nil
}

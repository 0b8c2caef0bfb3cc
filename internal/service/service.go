package service

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"time"

	"latch.dev/latch/internal/authz"
	"latch.dev/latch/internal/storage"
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
}

// Service implements latch's use cases.
type Service struct {
	store    storage.Store
	issuer   string
	log      *slog.Logger
	now      func() time.Time
	rand     io.Reader
	capIndex *authz.Index
}

// New checks the configuration and returns a Service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("service: a store is required")
	}
	if cfg.Issuer == "" {
		return nil, fmt.Errorf("service: the issuer URL is required")
	}
	s := &Service{
		store:    cfg.Store,
		issuer:   cfg.Issuer,
		log:      cfg.Log,
		now:      cfg.Now,
		rand:     cfg.Rand,
		capIndex: authz.NewIndex(),
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

package server

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"latch.dev/latch/internal/api"
	"latch.dev/latch/internal/authn"
	"latch.dev/latch/internal/authn/awsiam"
	"latch.dev/latch/internal/exchange"
	"latch.dev/latch/internal/metric"
	"latch.dev/latch/internal/oidcdisco"
	"latch.dev/latch/internal/service"
	"latch.dev/latch/internal/signer"
	"latch.dev/latch/internal/storage"
	"latch.dev/latch/internal/storage/sqlstore"
	"latch.dev/latch/internal/token"
)

// Server is a running latch: its store, issuer, service and HTTP handler.
type Server struct {
	cfg     Config
	store   *sqlstore.Store
	signer  *signer.Signer
	svc     *service.Service
	metrics *metrics
	handler http.Handler
	// awsVerifier keeps pooled connections to STS, closed on Close.
	awsVerifier *awsiam.Verifier
	// sealed is set when several key-encryption keys are given, for
	// keepResealing.
	sealed *signer.SealedKeys

	closeOnce sync.Once
	closeErr  error
}

// New opens the store (running migrations), prepares the signing keys,
// installs the built-in roles and the bootstrap secret, and builds the
// handler. It does not listen; Serve does.
func New(ctx context.Context, cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	store, err := sqlstore.Open(ctx, cfg.DB, sqlstore.Options{Logger: cfg.Log})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	s := &Server{cfg: cfg, store: store, metrics: newMetrics()}
	if err := s.build(ctx); err != nil {
		store.Close()
		return nil, err
	}
	return s, nil
}

func (s *Server) build(ctx context.Context) error {
	cfg := s.cfg
	var err error
	keys, err := s.signingKeys(ctx)
	if err != nil {
		return err
	}
	s.signer, err = signer.New(signer.Config{
		Keys: keys, Algorithm: cfg.SigningAlgorithm, RotationPeriod: cfg.KeyRotation,
		Now: cfg.Now, Rand: cfg.Rand, Logger: cfg.Log,
	})
	if err != nil {
		return fmt.Errorf("signer: %w", err)
	}
	if err := s.signer.Maintain(ctx); err != nil {
		return fmt.Errorf("prepare signing keys: %w", err)
	}
	minter, err := token.NewMinter(token.MinterConfig{Issuer: cfg.URL, Signer: s.signer, Lifetime: cfg.TokenLifetime, Now: cfg.Now, Rand: cfg.Rand})
	if err != nil {
		return fmt.Errorf("token minter: %w", err)
	}
	verifier, err := token.NewVerifier(token.VerifierConfig{Issuer: cfg.URL, Audience: cfg.URL, Keys: s.signer, Now: cfg.Now})
	if err != nil {
		return fmt.Errorf("token verifier: %w", err)
	}
	oidcAuths, login, err := s.oidcAuthn()
	if err != nil {
		return err
	}
	awsAuth, awsVerifier, err := s.awsAuthn()
	if err != nil {
		return err
	}
	s.awsVerifier = awsVerifier
	s.svc, err = service.New(service.Config{
		Store: s.store, Issuer: cfg.URL, Log: cfg.Log, Now: cfg.Now, Rand: cfg.Rand,
		Minter: minter, Verifier: verifier, Audiences: cfg.Audiences,
		Authn: authn.NewRegistry(append([]authn.Authenticator{awsAuth}, oidcAuths...)...), Login: login,
	})
	if err != nil {
		return err
	}
	if err := s.svc.Init(ctx); err != nil {
		return err
	}
	if err := s.prepareBootstrap(ctx); err != nil {
		return err
	}
	disco, err := oidcdisco.New(oidcdisco.Config{Issuer: cfg.URL, Keys: s.signer, Logger: cfg.Log})
	if err != nil {
		return err
	}
	if err := metric.Register(s.metrics.Registerer(), s.store.Collectors()...); err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	mux := http.NewServeMux()
	api.Register(mux, s.svc, s.svc, cfg.Log)
	limiter, err := s.exchangeLimiter()
	if err != nil {
		return err
	}
	mux.Handle("/sts/", exchange.New(s.svc, cfg.Log, exchange.WithLimiter(limiter)))
	mux.Handle("/.well-known/", disco)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", s.ready)
	mux.Handle("GET /metrics", s.metrics.handler())
	s.handler = s.metrics.instrument(recoverer(cfg.Log, mux))
	return nil
}

// URL is the server's public URL (the issuer).
func (s *Server) URL() string { return s.cfg.URL }

// Handler serves every endpoint.
func (s *Server) Handler() http.Handler { return s.handler }

// Service exposes the use cases, for `latch dev` and tests that set up
// state in-process.
func (s *Server) Service() *service.Service { return s.svc }

// Store exposes the store, for tests.
func (s *Server) Store() storage.Store { return s.store }

// Signer exposes the issuer's keys, for tests and operators' rotation.
func (s *Server) Signer() *signer.Signer { return s.signer }

// ready answers 200 when the database answers and a signing key is
// available, 503 otherwise, so a load balancer sends no traffic to a
// replica that would fail it.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.cfg.Log.WarnContext(ctx, "not ready: database", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	if keys, err := s.signer.PublicKeys(ctx); err != nil || len(keys.Keys) == 0 {
		s.cfg.Log.WarnContext(ctx, "not ready: signing keys", "err", err)
		http.Error(w, "signing keys unavailable", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}

// Serve serves on ln until ctx ends, then shuts down gracefully: it stops
// accepting, lets in-flight requests finish within the grace period and
// closes the store. Key rotation runs in the background meanwhile.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slogErrorLog(s.cfg.Log),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	// Connect's gRPC protocol needs HTTP/2; without TLS that is h2c.
	hs.Protocols = new(http.Protocols)
	hs.Protocols.SetHTTP1(true)
	hs.Protocols.SetHTTP2(true)
	hs.Protocols.SetUnencryptedHTTP2(true)

	bg, stopBG := context.WithCancel(ctx)
	defer stopBG()
	go func() {
		if err := s.signer.Run(bg); err != nil {
			s.cfg.Log.Error("key rotation stopped", "err", err)
		}
	}()
	go s.keepResealing(bg, signer.RefreshInterval)

	errc := make(chan error, 1)
	go func() {
		s.cfg.Log.Info("latch listening", "addr", ln.Addr().String(), "url", s.cfg.URL)
		if s.cfg.TLSCert != "" {
			errc <- hs.ServeTLS(ln, s.cfg.TLSCert, s.cfg.TLSKey)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		return err
	case <-ctx.Done():
	}
	s.cfg.Log.Info("shutting down", "grace", s.cfg.ShutdownGrace.String())
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownGrace)
	defer cancel()
	err := hs.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = hs.Close()
	}
	return err
}

// ListenAndServe listens on the configured address and serves until ctx
// ends.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// Close releases the store. It is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		if s.awsVerifier != nil {
			s.awsVerifier.CloseIdleConnections()
		}
		s.closeErr = s.store.Close()
	})
	return s.closeErr
}

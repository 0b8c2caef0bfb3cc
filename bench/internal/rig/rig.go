// Package rig starts, inside the load tool's process, everything an AWS
// exchange needs: a fake STS over TLS that checks SigV4, a latch server
// on a real loopback listener (SQLite in a temporary directory, or a
// fresh schema of a PostgreSQL database), its administrator, an
// organization, and AWS identities with credentials the fake STS accepts.
package rig

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"latch.dev/latch/internal/authn/awsiam"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/fakeaws"
	"latch.dev/latch/internal/server"
)

// Config says what to start.
type Config struct {
	// DB is "sqlite" (default) or "postgres".
	DB string
	// DSN is the PostgreSQL URL; the rig works in a schema of its own
	// that it drops on Close.
	DSN string
	// Identities is how many AWS identities (each with its own role) to
	// create; default 1.
	Identities int
	// Sessions is how many sessions of each identity's role, each with its
	// own access key, to register; default 1. Proofs carry a signed random
	// nonce, so one key signs any number of distinct proofs; more sessions
	// only make the principals (and the fake STS's keys) more varied.
	Sessions int
	// Server adjusts the server's configuration before it starts.
	Server func(*server.Config)
	// Log receives the server's logs; nil discards them.
	Log *slog.Logger
}

// Principal is an identity and the AWS credentials (one per session of
// its role) that may assume it.
type Principal struct {
	Identity string
	Creds    []aws.Credentials
}

// Key is one set of credentials and the identity they may assume: what
// signs one proof.
type Key struct {
	Identity string
	Creds    aws.Credentials
}

// Rig is a running server with its fake STS.
type Rig struct {
	// URL is the server's URL, the audience of proofs.
	URL string
	// STSURL is the fake STS endpoint proofs are signed for.
	STSURL string
	// STS is the emulator, for its fault queue.
	STS *fakeaws.STS
	// STSClient trusts the fake STS's CA and keeps connections alive like
	// the server's verifier.
	STSClient *http.Client
	// Registry holds the fake AWS credentials.
	Registry *fakeaws.Registry
	// Server is the latch server.
	Server *server.Server
	// Admin is the bootstrap administrator's token.
	Admin client.Token
	// Org is the ID of the organization the identities live in.
	Org string
	// Principals are the identities made for the load.
	Principals []Principal

	closers []func() error
}

const bootstrapSecret = "latch_bs_bench-secret-bench-secret-bench-secret"

// Start brings everything up. On error, what was started is stopped.
func Start(ctx context.Context, cfg Config) (_ *Rig, err error) {
	r := &Rig{}
	defer func() {
		if err != nil {
			_ = r.Close()
		}
	}()
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	dir, err := os.MkdirTemp("", "latch-bench-")
	if err != nil {
		return nil, fmt.Errorf("temp dir: %w", err)
	}
	r.closers = append(r.closers, func() error { return os.RemoveAll(dir) })
	caFile, err := r.startSTS(dir)
	if err != nil {
		return nil, err
	}
	db := filepath.Join(dir, "latch.db")
	if cfg.DB == "postgres" {
		if db, err = r.freshSchema(ctx, cfg.DSN); err != nil {
			return nil, err
		}
	} else if cfg.DB != "" && cfg.DB != "sqlite" {
		return nil, fmt.Errorf("-db %q: use sqlite or postgres", cfg.DB)
	}
	if err := r.startServer(ctx, cfg, dir, db, caFile); err != nil {
		return nil, err
	}
	if err := r.populate(ctx, max(cfg.Identities, 1), max(cfg.Sessions, 1)); err != nil {
		return nil, err
	}
	return r, nil
}

// startSTS serves a fake STS over TLS on loopback and writes its CA
// certificate where the server can read it.
func (r *Rig) startSTS(dir string) (string, error) {
	r.Registry = fakeaws.NewRegistry()
	sts, err := fakeaws.NewSTS(fakeaws.STSOptions{Registry: r.Registry})
	if err != nil {
		return "", fmt.Errorf("fake STS: %w", err)
	}
	ca, err := fakeaws.NewCA(fakeaws.CAOptions{})
	if err != nil {
		return "", fmt.Errorf("fake STS CA: %w", err)
	}
	var srv *fakeaws.Server
	pprof.Do(context.Background(), pprof.Labels("part", "fake-sts"), func(context.Context) {
		srv, err = fakeaws.Serve(sts, fakeaws.ServeOptions{CA: ca})
	})
	if err != nil {
		return "", fmt.Errorf("fake STS: %w", err)
	}
	r.closers = append(r.closers, srv.Close)
	r.STS, r.STSURL, r.STSClient = sts, srv.URL, stsClient(ca)
	caFile := filepath.Join(dir, "sts-ca.pem")
	if err := os.WriteFile(caFile, srv.CAPEM, 0o600); err != nil {
		return "", fmt.Errorf("write STS CA: %w", err)
	}
	return caFile, nil
}

// startServer starts latch on a loopback listener and bootstraps it.
func (r *Rig) startServer(ctx context.Context, cfg Config, dir, db, caFile string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	sc := server.Config{
		Addr:            ln.Addr().String(),
		URL:             "http://" + ln.Addr().String(),
		DataDir:         dir,
		DB:              db,
		BootstrapSecret: bootstrapSecret,
		ShutdownGrace:   5 * time.Second,
		Log:             cfg.Log,
		AWS:             server.AWSConfig{Endpoints: []string{r.STSURL}, CAFile: caFile, NoPublic: true},
	}
	if cfg.Server != nil {
		cfg.Server(&sc)
	}
	// The server's goroutines (connections, the store's committer)
	// inherit the profiler label, so a CPU profile tells the server's
	// share from the fake STS's and the clients'.
	var srv *server.Server
	sctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	pprof.Do(ctx, pprof.Labels("part", "latch"), func(ctx context.Context) {
		if srv, err = server.New(ctx, sc); err == nil {
			go func() { done <- srv.Serve(sctx, ln) }()
		}
	})
	if err != nil {
		stop()
		ln.Close()
		return fmt.Errorf("start server: %w", err)
	}
	r.closers = append(r.closers, func() error {
		stop()
		return errors.Join(<-done, srv.Close())
	})
	r.Server, r.URL = srv, srv.URL()
	r.Admin, err = r.Client().Bootstrap(ctx, bootstrapSecret, "admin")
	if err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	return nil
}

// Client is an unauthenticated latch client of the server.
func (r *Rig) Client() *client.Client {
	return client.New(r.URL, &http.Client{Timeout: time.Minute}, "latch-bench")
}

// Keys lists every credential of every principal, interleaved by
// principal, so that taking them in turn spreads the load over the
// identities.
func (r *Rig) Keys() []Key {
	var out []Key
	for i := 0; ; i++ {
		added := false
		for _, p := range r.Principals {
			if i < len(p.Creds) {
				out = append(out, Key{Identity: p.Identity, Creds: p.Creds[i]})
				added = true
			}
		}
		if !added {
			return out
		}
	}
}

// Proof signs a single-use proof with k, dated at, bound to the server.
func (r *Rig) Proof(ctx context.Context, k Key, at time.Time) (string, error) {
	return awsiam.Sign(ctx, k.Creds, r.STSURL, "us-east-1", k.Identity, r.URL, at)
}

// Close stops everything in reverse order of starting.
func (r *Rig) Close() error {
	var err error
	for i := len(r.closers) - 1; i >= 0; i-- {
		err = errors.Join(err, r.closers[i]())
	}
	r.closers = nil
	return err
}

// stsClient talks to the fake STS the way the server's AWS verifier
// does: keep-alive HTTP/1.1 over verified TLS.
func stsClient(ca *fakeaws.CA) *http.Client {
	tr := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: ca.Pool(), MinVersion: tls.VersionTLS12},
		MaxIdleConns:        128,
		MaxIdleConnsPerHost: 128,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: time.Minute}
}

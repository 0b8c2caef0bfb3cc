// Package server is `latch server`: run a latch server.
package server

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/server"
)

// Options are the flags of `latch server`.
type Options struct {
	Config   server.Config
	LogLevel string
	LogJSON  bool
}

// NewCmdServer returns the server command. runF replaces the run in tests.
func NewCmdServer(f *cmdutil.Factory) *cobra.Command {
	return newCmdServer(f, nil)
}

func newCmdServer(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:   "server",
		Short: "Run a latch server",
		Long: `Run a latch server: the API, the token exchange (/sts/exchange), the
OpenID discovery document and JWKS, /healthz, /readyz and /metrics.

By default the state lives in a SQLite database in --data-dir. Give
--db postgres://… to run several replicas behind a load balancer on one
PostgreSQL database.

On first start the server writes a one-time bootstrap secret to
<data-dir>/bootstrap-token (mode 0600). Create the first administrator with
  latch auth bootstrap --token-file <data-dir>/bootstrap-token
The secret works once; docs/operations.md explains the bootstrap.

Workloads with OIDC tokens (GitHub Actions, GitLab CI, Kubernetes, AWS
outbound identity federation) log in through claim_match identities; the
server fetches each issuer's keys over https (--oidc-insecure-issuer allows
plain http for one issuer). People log in with ` + "`latch auth login`" + ` at the
OpenID Provider named by --oidc-issuer and --oidc-client-id.

The private signing keys live in the database. With
--key-encryption-key-file they are sealed there (AES-256-GCM) under a key
kept outside it, so that a copy of the database cannot mint tokens; keys
stored before are sealed on start. A server without that key refuses to
start on sealed keys. To change the key, give the flag twice: the first
key seals, both open, and keys sealed under the second are sealed again
under the first (docs/operations.md has the rolling procedure).

Send the process SIGHUP to rotate the signing keys at once (other replicas
follow within a minute). The token exchange is rate limited per identity
(--rate-limit-per-identity) and, where clients connect directly, per source
address (--rate-limit-per-ip); each replica counts on its own.

Every flag can also be set with an environment variable: LATCH_ and the flag
name in upper case with "-" as "_" (LATCH_DB, LATCH_DATA_DIR, …).`,
		Example: `  latch server --data-dir /var/lib/latch --url https://latch.example.com --tls-cert cert.pem --tls-key key.pem
  latch server --db 'postgres://latch@db:5432/latch?sslmode=verify-full' --url https://latch.example.com`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := cmdutil.ApplyEnv(cmd.Flags(), os.Getenv, "url"); err != nil {
				return err
			}
			opts.Config.URL = f.Flags.URL
			if opts.Config.URL == "" {
				opts.Config.URL = os.Getenv("LATCH_URL")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Config.Addr, "addr", server.DefaultAddr, "address to listen on")
	fl.StringVar(&opts.Config.DataDir, "data-dir", "latch-data", "directory for the SQLite database and the bootstrap secret")
	fl.StringVar(&opts.Config.DB, "db", "", "database: a SQLite file or postgres://… (default <data-dir>/latch.db)")
	fl.StringVar(&opts.Config.TLSCert, "tls-cert", "", "serve HTTPS with this certificate (PEM)")
	fl.StringVar(&opts.Config.TLSKey, "tls-key", "", "private key of --tls-cert (PEM)")
	fl.StringVar(&opts.Config.SigningAlgorithm, "signing-algorithm", "ES256", "algorithm of new signing keys: ES256 or RS256")
	fl.DurationVar(&opts.Config.TokenLifetime, "token-lifetime", time.Hour, "lifetime of issued tokens (at most 12h)")
	fl.DurationVar(&opts.Config.KeyRotation, "key-rotation", 24*time.Hour, "how long each signing key signs before the next takes over")
	fl.StringSliceVar(&opts.Config.KeyEncryptionKeyFiles, "key-encryption-key-file", nil, "seal the private signing keys in the database with the key in this `file` (32 bytes in base64: openssl rand -base64 32); every replica needs the same one. Repeat it to change the key: the first seals, each one opens")
	fl.StringVar(&opts.Config.BootstrapSecretFile, "bootstrap-secret-file", "", "take the one-time bootstrap secret from this file instead of generating one")
	fl.StringSliceVar(&opts.Config.Audiences, "audience", nil, "other audiences tokens may be issued for (services that trust latch tokens); repeatable")
	addLogFlags(cmd, &opts.LogLevel, &opts.LogJSON)
	addAWSFlags(cmd, &opts.Config.AWS)
	addRateLimitFlags(cmd, &opts.Config.RateLimit)
	AddOIDCFlags(cmd, &opts.Config.OIDC)
	return cmd
}

func run(ctx context.Context, f *cmdutil.Factory, opts *Options) error {
	log, err := NewLogger(f.IOStreams.ErrOut, opts.LogLevel, opts.LogJSON)
	if err != nil {
		return cmdutil.FlagErrorWrap(err)
	}
	cfg := opts.Config
	cfg.Log = log
	srv, err := server.New(ctx, cfg)
	if err != nil {
		return fmt.Errorf("start server: %w", err)
	}
	defer srv.Close()
	rotateOnHangup(ctx, srv, log)
	return srv.ListenAndServe(ctx)
}

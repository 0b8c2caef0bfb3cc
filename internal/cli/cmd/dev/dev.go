// Package dev is `latch dev`: everything on one machine for trying latch
// and for testing against it.
package dev

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/server"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/fakeaws"
	"latch.dev/latch/internal/iam"
	latchserver "latch.dev/latch/internal/server"
)

// Options are the flags of `latch dev`.
type Options struct {
	Addr       string
	Org        string
	EnvFile    string
	STSURL     string
	STSCAFile  string
	LogLevel   string
	AWSAccount string
	AWSRole    string
	// TokenLifetime is how long issued tokens live; short lifetimes let
	// renewal be tried without waiting an hour.
	TokenLifetime time.Duration
	// OIDC optionally names an OpenID Provider to log in with.
	OIDC latchserver.OIDCConfig
}

// DefaultAddr is where `latch dev` listens.
const DefaultAddr = "127.0.0.1:8080"

// NewCmdDev returns the dev command.
func NewCmdDev(f *cmdutil.Factory) *cobra.Command {
	return newCmdDev(f, nil)
}

func newCmdDev(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{}
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Run latch and a fake AWS on this machine, logged in as an organization's owner",
		Long: `Run everything latch needs on one machine, for trying it and testing
against it, until interrupted:

  - a latch server on a fresh SQLite database in a temporary directory;
  - an organization (--org) whose owner the CLI is logged in as, so the
    next latch commands in any shell on this machine just work;
  - a fake AWS: an EC2 instance metadata service (IMDSv2) whose instance
    role signs for a fake STS that checks SigV4 signatures like the real
    one, served over TLS with its own CA. The server trusts that STS.

With --env-file, the variables another shell needs (LATCH_URL, the AWS
endpoints, the CA bundle, the fake account and role) are written there as
export lines: run "source FILE" in that shell. On exit the temporary
directory, the env file and the CLI's login are removed.

--sts-endpoint and --sts-ca-file point the server at an STS of your own
instead of the fake one.`,
		Example: `  latch dev
  latch dev --org acme.dev --env-file ./latch.env
  latch dev --addr 127.0.0.1:9090 --sts-endpoint https://sts.us-east-1.amazonaws.com`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := iam.ValidateName("--org", opts.Org); err != nil {
				return cmdutil.FlagErrorWrap(err)
			}
			if opts.STSCAFile != "" && opts.STSURL == "" {
				return cmdutil.FlagErrorf("--sts-ca-file needs --sts-endpoint")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return run(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", DefaultAddr, "address for the latch server")
	fl.StringVar(&opts.Org, "org", "example.dev", "name of the organization to create")
	fl.StringVar(&opts.EnvFile, "env-file", "", "write `export` lines for another shell to this file")
	fl.StringVar(&opts.STSURL, "sts-endpoint", "", "trust this STS instead of starting a fake one")
	fl.StringVar(&opts.STSCAFile, "sts-ca-file", "", "PEM bundle that signed --sts-endpoint's certificate")
	fl.StringVar(&opts.LogLevel, "log-level", "warn", "server log level: debug, info, warn or error")
	fl.StringVar(&opts.AWSAccount, "aws-account", "123456789012", "account of the fake AWS")
	fl.StringVar(&opts.AWSRole, "aws-role", "latch-dev-instance", "instance role of the fake AWS")
	fl.DurationVar(&opts.TokenLifetime, "token-lifetime", time.Hour, "lifetime of issued tokens (short ones let you watch sessions renew themselves)")
	server.AddOIDCFlags(cmd, &opts.OIDC)
	return cmd
}

func run(ctx context.Context, f *cmdutil.Factory, opts *Options) error {
	ios := f.IOStreams
	log, err := server.NewLogger(ios.ErrOut, opts.LogLevel, false)
	if err != nil {
		return cmdutil.FlagErrorWrap(err)
	}
	dir, err := os.MkdirTemp("", "latch-dev-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another latch dev running? pick another --addr)", opts.Addr, err)
	}
	url := "http://" + ln.Addr().String()

	var aws *fakeaws.Env
	caFile := opts.STSCAFile
	stsURL := opts.STSURL
	if stsURL == "" {
		aws, err = fakeaws.Start(fakeaws.Config{AccountID: opts.AWSAccount, RoleName: opts.AWSRole, Logger: log})
		if err != nil {
			ln.Close()
			return err
		}
		defer aws.Close()
		caFile = filepath.Join(dir, "fake-aws-ca.pem")
		if err := os.WriteFile(caFile, aws.STSServer.CAPEM, 0o600); err != nil {
			ln.Close()
			return err
		}
		stsURL = aws.STSServer.URL
	}

	secret, err := randomSecret()
	if err != nil {
		ln.Close()
		return err
	}
	srv, err := latchserver.New(ctx, latchserver.Config{
		Addr: ln.Addr().String(), URL: url, DataDir: dir, BootstrapSecret: secret,
		ShutdownGrace: 2 * time.Second, Log: log, TokenLifetime: opts.TokenLifetime,
		AWS:  latchserver.AWSConfig{Endpoints: []string{stsURL}, CAFile: caFile, NoPublic: opts.STSURL == ""},
		OIDC: opts.OIDC.ForDev(),
	})
	if err != nil {
		ln.Close()
		return fmt.Errorf("start server: %w", err)
	}
	defer srv.Close()
	serveCtx, stop := context.WithCancel(ctx)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(serveCtx, ln) }()

	st, err := setUp(ctx, f, srv, secret, opts.Org)
	if err != nil {
		stop()
		<-served
		return err
	}
	defer st.cache.Delete()

	env := environment(url, aws, caFile, opts)
	if opts.EnvFile != "" {
		if err := writeEnvFile(opts.EnvFile, env); err != nil {
			stop()
			<-served
			return err
		}
		defer os.Remove(opts.EnvFile)
	}
	printWelcome(ios.Out, url, st, aws, opts, env)

	select {
	case <-ctx.Done():
		fmt.Fprintln(ios.ErrOut, "latch dev: stopping")
		stop()
		return ignoreClosed(<-served)
	case err := <-served:
		return ignoreClosed(err)
	}
}

func ignoreClosed(err error) error {
	if err == http.ErrServerClosed {
		return nil
	}
	return err
}

func randomSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "latch_bs_" + base64.RawURLEncoding.EncodeToString(b), nil
}

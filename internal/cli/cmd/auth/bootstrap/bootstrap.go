// Package bootstrap is `latch auth bootstrap`: become the first
// administrator of a new server.
package bootstrap

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/tokencache"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/errs"
	authv1 "latch.dev/latch/internal/gen/latch/auth/v1"
)

// maxSecretSize bounds what is read as the secret.
const maxSecretSize = 4 << 10

// Options are the inputs of bootstrap.
type Options struct {
	IO         *iostreams.IOStreams
	Client     func() (*client.Client, error)
	TokenCache func() (*tokencache.Cache, error)
	Now        func() time.Time

	// TokenFile holds the secret; empty means standard input.
	TokenFile string
	// Name is the administrator identity's name; empty means the
	// server's default ("admin").
	Name string
}

// NewCmdBootstrap returns the command; runF, when set, replaces bootstrapRun.
func NewCmdBootstrap(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Client: f.Client, TokenCache: f.TokenCache, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "bootstrap [--token-file PATH]",
		Short: "Become the first administrator of a new server",
		Long: `Become the first administrator of a new server.

A new server has no identities, so nobody can log in. It creates a one-time
bootstrap secret instead; this command trades the secret for a session as a
new root administrator, who owns everything on the server. The secret then
stops working.

The secret is read from --token-file or from standard input, never from a
flag's value, so that it stays out of shell history and process listings.`,
		Example: `  latch auth bootstrap --token-file /var/lib/latch/bootstrap-token
  latch auth bootstrap < bootstrap-token
  latch auth bootstrap --name ops-admin --token-file ./bootstrap-token`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.TokenFile == "" && opts.IO.IsStdinTTY() {
				return cmdutil.FlagErrorf("give the bootstrap secret with --token-file PATH or on standard input")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return bootstrapRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.TokenFile, "token-file", "", "file holding the bootstrap secret (default: standard input)")
	cmd.Flags().StringVar(&opts.Name, "name", "", "name of the administrator identity (default \"admin\")")
	return cmd
}

func bootstrapRun(ctx context.Context, opts *Options) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	cache, err := opts.TokenCache()
	if err != nil {
		return err
	}
	secret, err := readSecret(opts)
	if err != nil {
		return err
	}
	tok, err := c.Bootstrap(ctx, secret, opts.Name)
	if err != nil {
		if errs.Is(err, errs.Unauthenticated) || errs.Is(err, errs.Conflict) {
			return cmdutil.WithHint(err, "The secret works once, before the server has an administrator; after that, log in with `latch auth login`.")
		}
		return err
	}
	who, err := c.API(client.StaticToken(tok.Token)).Auth.WhoAmI(ctx, connect.NewRequest(&authv1.WhoAmIRequest{}))
	if err != nil {
		return fmt.Errorf("validate the new token: %w", err)
	}
	err = cache.Save(tokencache.Credentials{
		Login: tokencache.Login{
			Method:     tokencache.MethodBootstrap,
			Identity:   who.Msg.GetSubject(),
			Expiry:     tok.Expiry,
			LoggedInAt: opts.Now(),
		},
		AccessToken:  tok.Token,
		RefreshToken: tok.RefreshToken,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "Logged in to %s as %s [%s], the server's administrator.\n",
		c.BaseURL(), who.Msg.GetIdentityName(), who.Msg.GetSubject())
	return nil
}

func readSecret(opts *Options) (string, error) {
	var (
		r    io.Reader = opts.IO.In
		from           = "standard input"
	)
	if opts.TokenFile != "" {
		f, err := os.Open(opts.TokenFile)
		if err != nil {
			return "", fmt.Errorf("read the bootstrap secret: %w", err)
		}
		defer f.Close()
		r, from = f, opts.TokenFile
	}
	b, err := io.ReadAll(io.LimitReader(r, maxSecretSize+1))
	if err != nil {
		return "", fmt.Errorf("read the bootstrap secret from %s: %w", from, err)
	}
	secret := strings.TrimSpace(string(b))
	switch {
	case secret == "":
		return "", errs.New(errs.Invalid, "the bootstrap secret from %s is empty", from)
	case len(secret) > maxSecretSize:
		return "", errs.New(errs.Invalid, "the bootstrap secret from %s is larger than %d bytes", from, maxSecretSize)
	}
	return secret, nil
}

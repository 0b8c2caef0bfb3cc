// Package login is `latch auth login`: trade proof of an identity you
// already have for a latch session.
package login

import (
	"context"
	"fmt"
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

// Options are the inputs of login.
type Options struct {
	IO         *iostreams.IOStreams
	Client     func() (*client.Client, error)
	TokenCache func() (*tokencache.Cache, error)
	Now        func() time.Time

	// IdentityToken is an upstream token, or a file holding one, or "-"
	// for standard input.
	IdentityToken string
	// Identity is the ID of the identity to assume; empty lets the server
	// pick the one identity the token matches.
	Identity string
	// Audience lists the audiences of the latch token.
	Audience []string
}

// NewCmdLogin returns the command; runF, when set, replaces loginRun.
func NewCmdLogin(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Client: f.Client, TokenCache: f.TokenCache, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "login --identity-token TOKEN|PATH [--identity ID]",
		Short: "Log in by exchanging an identity token",
		Long: `Log in by exchanging proof of an identity you already have for a latch
session.

--identity-token takes the upstream token itself (an OIDC token, or a
base64 signed AWS GetCallerIdentity request), the path of a file holding
it (as Kubernetes and CI systems provide; the file is read again to renew
the session), or "-" to read it from standard input. --identity is the ID
of the latch identity to assume; without it the server picks the one
identity the token matches.

On a server that has no administrator yet, use ` + "`latch auth bootstrap`" + `.`,
		Example: `  # On an EC2 instance, with a signed GetCallerIdentity request in $TOK:
  latch auth login --identity-token $TOK --identity $LATCH_IDENTITY

  # In a Kubernetes pod, with a projected service account token:
  latch auth login --identity-token /var/run/latch/oidc-token --identity $LATCH_IDENTITY`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// Browser login for people and native AWS signing (--aws) are
			// further ways to obtain the proof; each will be one more case
			// in proof(), and this check will accept their flags.
			if opts.IdentityToken == "" {
				return cmdutil.FlagErrorf("--identity-token is required (browser login is not available yet; on a new server use `latch auth bootstrap`)")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return loginRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.IdentityToken, "identity-token", "", "upstream `token`, a file holding it, or - for standard input")
	cmd.Flags().StringVar(&opts.Identity, "identity", "", "`ID` of the identity to assume")
	cmd.Flags().StringSliceVar(&opts.Audience, "audience", nil, "audience of the latch token (repeatable; default: the server's URL)")
	return cmd
}

func loginRun(ctx context.Context, opts *Options) error {
	c, err := opts.Client()
	if err != nil {
		return err
	}
	cache, err := opts.TokenCache()
	if err != nil {
		return err
	}
	p, err := proof(opts)
	if err != nil {
		return err
	}
	tok, err := c.Exchange(ctx, p.token, client.ExchangeRequest{Identity: opts.Identity, Audience: opts.Audience})
	if err != nil {
		if errs.Is(err, errs.Unauthenticated) || errs.Is(err, errs.PermissionDenied) {
			return cmdutil.WithHint(err, "Check the identity ID and that the token matches the identity's rules (`latch iam identities describe ID` shows them).")
		}
		return err
	}
	fmt.Fprintln(opts.IO.Out, "Successfully exchanged token.")

	who, err := c.API(client.StaticToken(tok.Token)).Auth.WhoAmI(ctx, connect.NewRequest(&authv1.WhoAmIRequest{}))
	if err != nil {
		return fmt.Errorf("validate the new token: %w", err)
	}
	err = cache.Save(tokencache.Credentials{
		Login: tokencache.Login{
			Method:            p.method,
			Identity:          who.Msg.GetSubject(),
			Audience:          opts.Audience,
			IdentityTokenFile: p.file,
			Expiry:            tok.Expiry,
			LoggedInAt:        opts.Now(),
		},
		AccessToken:  tok.Token,
		RefreshToken: tok.RefreshToken,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "Valid! Id: %s\n", who.Msg.GetSubject())
	return nil
}

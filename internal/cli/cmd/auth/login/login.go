// Package login is `latch auth login`: trade proof of an identity you
// already have for a latch session.
package login

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/awsproof"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/tokencache"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/errs"
	authv1 "latch.dev/latch/internal/gen/latch/auth/v1"
	"latch.dev/latch/internal/iam"
)

// Options are the inputs of login.
type Options struct {
	IO         *iostreams.IOStreams
	Client     func() (*client.Client, error)
	TokenCache func() (*tokencache.Cache, error)
	// API is the server's API with the cached session, if any: a browser
	// login on a server without a login provider reports that session.
	API func() (*client.API, error)
	Now func() time.Time

	// IdentityToken is an upstream token, or a file holding one, or "-"
	// for standard input.
	IdentityToken string
	// Identity is the ID of the identity to assume; empty lets the server
	// pick the one identity the token matches.
	Identity string
	// Audience lists the audiences of the latch token.
	Audience []string

	// AWS signs a proof with this machine's AWS credentials instead of
	// taking one from --identity-token.
	AWS bool
	// AWSOptions say which STS endpoint the proof is signed for.
	AWSOptions awsproof.Options
	// SignAWS makes the AWS proof; awsproof.Sign outside tests.
	SignAWS func(ctx context.Context, identity, audience string, o awsproof.Options) (string, error)

	// Browser login (no --identity-token): see browser.go.

	// Headless prints the authorization URL and reads the code, or the
	// whole redirect URL, from standard input instead of waiting for the
	// browser on a loopback port.
	Headless bool
	// HTTPClient talks to the upstream OpenID Provider.
	HTTPClient func() (*http.Client, error)
	// OpenBrowser opens a URL in the user's browser; the default runs the
	// system's opener. Tests drive the provider's login page with it.
	OpenBrowser func(url string) error
	// Rand is the source of the PKCE verifier, state and nonce
	// (crypto/rand when nil).
	Rand io.Reader
	// Timeout bounds a browser login (DefaultBrowserTimeout when zero).
	Timeout time.Duration
}

// NewCmdLogin returns the command; runF, when set, replaces loginRun.
func NewCmdLogin(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Client: f.Client, TokenCache: f.TokenCache, API: f.API, Now: f.Now, HTTPClient: f.HTTPClient, SignAWS: awsproof.Sign}
	cmd := &cobra.Command{
		Use:   "login [--identity-token TOKEN|PATH [--identity ID] | --aws --identity ID | --headless]",
		Short: "Log in with your browser, or by exchanging an identity token",
		Long: `Log in to latch.

Without flags, log in as yourself at the OpenID Provider the server is
configured with: latch opens your browser at the provider's login page and
waits for it on a loopback address (http://127.0.0.1:PORT/callback). On a
machine without a browser, --headless prints the URL to open elsewhere and
reads back the code, or the whole address the browser was sent to, from
standard input. Your first login registers you as a user; you can do
nothing until an owner grants you a role. The session renews itself with a
refresh token until ` + "`latch auth logout`" + ` revokes it. On a server
without a login provider (` + "`latch dev`" + `, or one run by its bootstrap
administrator alone), a browser login is not possible: if you already hold a
session there, login says so and succeeds.

Workloads log in by exchanging proof of an identity they already have for
a latch session.

--identity-token takes the upstream token itself (an OIDC token, or a
base64 signed AWS GetCallerIdentity request), the path of a file holding
it (as Kubernetes and CI systems provide; the file is read again to renew
the session), or "-" to read it from standard input. --identity is the ID
of the latch identity to assume; without it the server picks the one
identity the token matches.

--aws makes the AWS proof on this machine, without curl: the credentials
come from the AWS SDK's default chain (environment, profiles and SSO, web
identity on EKS, the ECS and EC2 instance metadata services), the signed
GetCallerIdentity request is bound to --identity and to the server, and the
session signs a new proof by itself whenever its token expires. The proof is
signed for AWS_ENDPOINT_URL_STS when it is set (AWS_CA_BUNDLE and the other
AWS_* settings apply as for the AWS CLI), else for https://sts.amazonaws.com;
--aws-sts-endpoint overrides both.

On a server that has no administrator yet, use ` + "`latch auth bootstrap`" + `.`,
		Example: `  # As yourself, in the browser:
  latch auth login

  # As yourself, over SSH:
  latch auth login --headless

  # On an EC2 instance, with a signed GetCallerIdentity request in $TOK:
  latch auth login --identity-token $TOK --identity $LATCH_IDENTITY

  # On an EC2 instance (or ECS, Lambda, EKS), natively:
  latch auth login --aws --identity $LATCH_IDENTITY

  # In a Kubernetes pod, with a projected service account token:
  latch auth login --identity-token /var/run/latch/oidc-token --identity $LATCH_IDENTITY`,
		// An empty $TOK is the likeliest mistake, and unquoted it shifts
		// the arguments (`--identity-token --identity ID`): that is what to
		// report, not the stray ID.
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case cmd.Flags().Changed("identity-token") && opts.IdentityToken == "":
				return cmdutil.FlagErrorf("--identity-token is empty: the variable or command that should hold the token gave nothing (did the step that signs or fetches it fail?)")
			case len(opts.IdentityToken) > 1 && strings.HasPrefix(opts.IdentityToken, "-"):
				return cmdutil.FlagErrorf("--identity-token took the flag %q as its value: the token before it is empty (did the step that signs or fetches it fail?)", opts.IdentityToken)
			}
			return cmdutil.NoArgs(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case opts.Identity != "" && !iam.ValidID(opts.Identity):
				return cmdutil.FlagErrorf("--identity %q is not an identity ID; IDs look like <40 hex>/<16 hex> (`latch iam identities ls -o wide` shows them, or `-o id` when creating)", opts.Identity)
			case opts.AWS && opts.IdentityToken != "":
				return cmdutil.FlagErrorf("--aws makes the proof itself; it does not go with --identity-token")
			case opts.AWS && opts.Identity == "":
				return cmdutil.FlagErrorf("--aws needs --identity: the ID of the AWS identity to assume")
			case opts.AWS && opts.Headless:
				return cmdutil.FlagErrorf("--headless is for browser login; it does not go with --aws")
			case !opts.AWS && (opts.AWSOptions.Endpoint != "" || opts.AWSOptions.Region != ""):
				return cmdutil.FlagErrorf("--aws-sts-endpoint and --aws-sts-region go with --aws")
			case opts.IdentityToken == "" && opts.Identity != "" && !opts.AWS:
				return cmdutil.FlagErrorf("--identity needs --identity-token: people log in as themselves, workloads assume identities")
			case opts.IdentityToken != "" && opts.Headless:
				return cmdutil.FlagErrorf("--headless is for browser login; it does not go with --identity-token")
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
	cmd.Flags().BoolVar(&opts.AWS, "aws", false, "sign an AWS proof with this machine's AWS credentials (no curl needed)")
	cmd.Flags().StringVar(&opts.AWSOptions.Endpoint, "aws-sts-endpoint", "", "STS `URL` to sign the proof for (default: AWS_ENDPOINT_URL_STS, else https://sts.amazonaws.com)")
	cmd.Flags().StringVar(&opts.AWSOptions.Region, "aws-sts-region", "", "signing `region` (default: from the endpoint's host name, else us-east-1)")
	cmd.Flags().BoolVar(&opts.Headless, "headless", false, "browser login without a local browser: print the URL, then read the code or the redirect URL from standard input")
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
	var p upstream
	switch {
	case opts.AWS:
		tok, err := opts.SignAWS(ctx, opts.Identity, c.BaseURL(), opts.AWSOptions)
		if err != nil {
			return err
		}
		p = upstream{token: tok, method: tokencache.MethodAWS}
	case opts.IdentityToken == "":
		return browserRun(ctx, opts, c, cache)
	default:
		if p, err = proof(opts); err != nil {
			return err
		}
	}
	tok, err := c.Exchange(ctx, p.token, client.ExchangeRequest{Identity: opts.Identity, Audience: opts.Audience})
	if err != nil {
		if errs.Is(err, errs.PermissionDenied) {
			// The proof itself was good but the identity refused it; a bad
			// proof (expired, replayed, badly signed) says what to do itself.
			return cmdutil.WithHint(err, "Check the identity ID and that the token matches the identity's rules (`latch iam identities describe ID` shows them).")
		}
		return err
	}
	fmt.Fprintln(opts.IO.Out, "Successfully exchanged token.")
	return save(ctx, opts, c, cache, tok, p.method, p.file)
}

// save checks the new token with the server, caches the session and says
// who it is for.
func save(ctx context.Context, opts *Options, c *client.Client, cache *tokencache.Cache, tok client.Token, method, file string) error {
	who, err := c.API(client.StaticToken(tok.Token)).Auth.WhoAmI(ctx, connect.NewRequest(&authv1.WhoAmIRequest{}))
	if err != nil {
		return fmt.Errorf("validate the new token: %w", err)
	}
	err = cache.Save(tokencache.Credentials{
		Login: tokencache.Login{
			Method:            method,
			Identity:          who.Msg.GetSubject(),
			Audience:          opts.Audience,
			IdentityTokenFile: file,
			AWSSTSEndpoint:    opts.AWSOptions.Endpoint,
			AWSSTSRegion:      opts.AWSOptions.Region,
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

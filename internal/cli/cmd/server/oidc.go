package server

import (
	"github.com/spf13/cobra"

	"latch.dev/latch/internal/server"
)

// AddOIDCFlags declares the flags of OIDC federation and human login, for
// `latch server` and `latch dev`.
func AddOIDCFlags(cmd *cobra.Command, c *server.OIDCConfig) {
	fl := cmd.Flags()
	fl.StringVar(&c.Issuer, "oidc-issuer", "", "issuer `URL` of the OpenID Provider people log in with (`latch auth login`); needs --oidc-client-id")
	fl.StringVar(&c.ClientID, "oidc-client-id", "", "`ID` of the public client (PKCE, no secret) registered at --oidc-issuer for latch's CLI, with the redirect URI http://127.0.0.1/callback (any port)")
	fl.StringSliceVar(&c.Scopes, "oidc-scopes", nil, "scopes the CLI asks --oidc-issuer for (default openid,email,profile)")
	fl.StringArrayVar(&c.InsecureIssuers, "oidc-insecure-issuer", nil, "an issuer `URL` whose discovery document and keys may be fetched over plain http (a test issuer, a trusted internal network); repeatable")
	fl.DurationVar(&c.Timeout, "oidc-fetch-timeout", 0, "how long fetching an issuer's discovery document or keys may take (default 10s)")
}

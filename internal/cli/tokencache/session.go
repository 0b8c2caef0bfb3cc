package tokencache

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"latch.dev/latch/internal/cli/awsproof"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/errs"
)

// DefaultLeeway is how long before expiry a token is renewed, so that a
// token handed out is still good for the request that carries it.
const DefaultLeeway = 2 * time.Minute

// Renewer obtains new tokens; *client.Client is one.
type Renewer interface {
	Refresh(ctx context.Context, refreshToken string) (client.Token, error)
	Exchange(ctx context.Context, proof string, r client.ExchangeRequest) (client.Token, error)
}

// Session hands out a valid access token for one server, renewing the
// cached one when it is expired or about to be. It is a client.TokenSource.
type Session struct {
	Cache   *Cache
	Renewer Renewer
	Now     func() time.Time
	// Leeway is DefaultLeeway when zero.
	Leeway time.Duration
	// SignAWS signs a new AWS proof for an AWS login's renewal; nil
	// means AWS logins cannot renew.
	SignAWS func(ctx context.Context, identity, audience string, o awsproof.Options) (string, error)

	mu sync.Mutex
}

var _ client.TokenSource = (*Session)(nil)

// Token returns a valid access token.
func (s *Session) Token(ctx context.Context) (string, error) {
	cr, err := s.Credentials(ctx)
	return cr.AccessToken, err
}

// Credentials returns the cached credentials after renewing them if needed.
func (s *Session) Credentials(ctx context.Context) (Credentials, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cr, err := s.Cache.Load()
	if err != nil {
		return cr, err
	}
	now := s.now()
	if cr.Login.Expiry.IsZero() || now.Add(s.leeway()).Before(cr.Login.Expiry) {
		return cr, nil
	}
	renewed, err := s.renew(ctx, cr)
	if err != nil {
		// A token inside the leeway still works for now; only fail once
		// it has really expired.
		if now.Before(cr.Login.Expiry) {
			return cr, nil
		}
		return cr, err
	}
	return renewed, nil
}

// renew gets a new access token the way the login allows: with the
// refresh token, by exchanging the identity token file again, or not at
// all.
func (s *Session) renew(ctx context.Context, cr Credentials) (Credentials, error) {
	var (
		tok client.Token
		err error
	)
	switch {
	case cr.RefreshToken != "":
		tok, err = s.Renewer.Refresh(ctx, cr.RefreshToken)
	case cr.Login.Method == MethodIdentityToken && cr.Login.IdentityTokenFile != "":
		var b []byte
		b, err = os.ReadFile(cr.Login.IdentityTokenFile)
		if err != nil {
			return cr, errs.Wrap(errs.Unauthenticated, err, "your session with %s expired and the identity token file %s cannot be read", cr.Login.Server, cr.Login.IdentityTokenFile)
		}
		tok, err = s.Renewer.Exchange(ctx, strings.TrimSpace(string(b)), client.ExchangeRequest{
			Identity: cr.Login.Identity,
			Audience: cr.Login.Audience,
		})
	case cr.Login.Method == MethodAWS && s.SignAWS != nil:
		var proof string
		proof, err = s.SignAWS(ctx, cr.Login.Identity, cr.Login.Server, awsproof.Options{Endpoint: cr.Login.AWSSTSEndpoint, Region: cr.Login.AWSSTSRegion})
		if err != nil {
			return cr, fmt.Errorf("renew session: %w", err)
		}
		tok, err = s.Renewer.Exchange(ctx, proof, client.ExchangeRequest{Identity: cr.Login.Identity, Audience: cr.Login.Audience})
	default:
		return cr, errs.New(errs.Unauthenticated, "your session with %s expired at %s and cannot be renewed without logging in again", cr.Login.Server, cr.Login.Expiry.Format(time.RFC3339))
	}
	if err != nil {
		if errs.Is(err, errs.Unauthenticated) {
			return cr, errs.Wrap(errs.Unauthenticated, err, "your session with %s expired and renewing it was refused", cr.Login.Server)
		}
		return cr, fmt.Errorf("renew session: %w", err)
	}
	cr.AccessToken = tok.Token
	if tok.RefreshToken != "" || cr.RefreshToken != "" {
		// A refresh token is single-use: keep the new one, or none.
		cr.RefreshToken = tok.RefreshToken
	}
	cr.Login.Expiry = tok.Expiry
	if err := s.Cache.Save(cr); err != nil {
		return cr, err
	}
	return cr, nil
}

func (s *Session) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Session) leeway() time.Duration {
	if s.Leeway > 0 {
		return s.Leeway
	}
	return DefaultLeeway
}

package dev

import (
	"context"
	"fmt"
	"net/http"

	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/tokencache"
	"latch.dev/latch/internal/iam"
	latchserver "latch.dev/latch/internal/server"
)

// state is what setUp made.
type state struct {
	admin iam.Identity
	org   iam.Group
	cache *tokencache.Cache
}

// setUp bootstraps the server in-process, creates the organization as the
// administrator (who thereby owns it) and logs the CLI in as that
// administrator, exactly as `latch auth bootstrap` would.
func setUp(ctx context.Context, f *cmdutil.Factory, srv *latchserver.Server, secret, org string) (*state, error) {
	svc := srv.Service()
	pair, err := svc.Bootstrap(ctx, secret, "dev-admin", "")
	if err != nil {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+pair.Token)
	caller, err := svc.Authenticate(ctx, h)
	if err != nil {
		return nil, err
	}
	g, err := svc.CreateGroup(ctx, caller, iam.RootScope, iam.Group{Name: org, Description: "created by latch dev"})
	if err != nil {
		return nil, fmt.Errorf("create organization %s: %w", org, err)
	}
	admin, err := svc.Identity(ctx, caller, caller.Identity)
	if err != nil {
		return nil, err
	}
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	cache, err := tokencache.New(cfg.CacheDir, srv.URL())
	if err != nil {
		return nil, err
	}
	err = cache.Save(tokencache.Credentials{
		Login: tokencache.Login{
			Server: srv.URL(), Method: tokencache.MethodDev, Identity: admin.ID,
			Audience: []string{srv.URL()}, Expiry: pair.Expiry, LoggedInAt: f.Now(),
		},
		AccessToken: pair.Token, RefreshToken: pair.RefreshToken,
	})
	if err != nil {
		return nil, fmt.Errorf("log the CLI in: %w", err)
	}
	return &state{admin: admin, org: g, cache: cache}, nil
}

package oidc_test

import (
	"strings"
	"testing"
	"time"

	"latch.dev/latch/internal/authn"
	"latch.dev/latch/internal/authn/oidc"
	"latch.dev/latch/internal/errs"
)

func TestLoginVerification(t *testing.T) {
	t.Parallel()
	const client = "latch-cli"
	tests := []struct {
		name   string
		extra  map[string]any
		nonce  string
		wantOK bool
		says   string
	}{
		{name: "an ID token for latch's client with the nonce logs in", extra: map[string]any{"nonce": "n1"}, nonce: "n1", wantOK: true},
		{name: "an ID token for another client is refused", extra: map[string]any{"aud": "some-web-app"}, says: "not to latch's client"},
		{name: "an ID token for several audiences needs azp", extra: map[string]any{"aud": []string{"some-web-app", client}}, says: "authorized party"},
		{name: "an ID token whose azp is latch's client logs in", extra: map[string]any{"aud": []string{"some-web-app", client}, "azp": client}, wantOK: true},
		{name: "another login's nonce is refused", extra: map[string]any{"nonce": "n2"}, nonce: "n1", says: "nonce"},
		{name: "an old ID token is refused", extra: map[string]any{"iat": time.Date(2026, 5, 4, 11, 30, 0, 0, time.UTC).Unix(), "nbf": nil, "exp": time.Date(2026, 5, 4, 13, 0, 0, 0, time.UTC).Unix()}, says: "more than 10m0s ago"},
		{name: "an ID token from another issuer is refused", extra: map[string]any{"iss": "https://accounts.example.com"}, says: "not this server's login provider"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil)
			l, err := oidc.NewLogin(e.v, oidc.LoginConfig{Issuer: e.iss.URL, ClientID: client})
			if err != nil {
				t.Fatal(err)
			}
			claims := e.iss.Claims(e.clock.Now(), "user-1", client, map[string]any{
				"email": "alice@example.dev", "email_verified": true, "preferred_username": "alice",
			})
			for k, v := range tt.extra {
				if v == nil {
					delete(claims, k)
				} else {
					claims[k] = v
				}
			}
			got, err := l.VerifyLogin(t.Context(), authn.LoginProof{IDToken: e.iss.Mint(t, claims), Nonce: tt.nonce})
			if !tt.wantOK {
				if errs.KindOf(err) != errs.Unauthenticated {
					t.Fatalf("got %v, want an unauthenticated refusal", err)
				}
				if msg := errs.Message(err); !strings.Contains(msg, tt.says) {
					t.Errorf("message %q does not say %q", msg, tt.says)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if got.Subject != "user-1" || got.Email != "alice@example.dev" || got.Username != "alice" || got.ReplayKey == "" {
				t.Errorf("login %+v", got)
			}
		})
	}
}

func TestAnUnverifiedEmailIsNotTakenFromALogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	l, err := oidc.NewLogin(e.v, oidc.LoginConfig{Issuer: e.iss.URL, ClientID: "latch-cli"})
	if err != nil {
		t.Fatal(err)
	}
	claims := e.iss.Claims(e.clock.Now(), "user-1", "latch-cli", map[string]any{"email": "ceo@example.dev", "email_verified": false})
	got, err := l.VerifyLogin(t.Context(), authn.LoginProof{IDToken: e.iss.Mint(t, claims)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Email != "" {
		t.Errorf("took the unverified email %q", got.Email)
	}
}

func TestALoginProviderMustBeHTTPSOrAllowed(t *testing.T) {
	t.Parallel()
	v, err := oidc.New(oidc.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := oidc.NewLogin(v, oidc.LoginConfig{Issuer: "http://accounts.example.com", ClientID: "c"}); err == nil {
		t.Error("an http login provider was accepted without --oidc-insecure-issuer")
	}
	if _, err := oidc.NewLogin(v, oidc.LoginConfig{Issuer: "https://accounts.example.com"}); err == nil {
		t.Error("a login provider without a client ID was accepted")
	}
}

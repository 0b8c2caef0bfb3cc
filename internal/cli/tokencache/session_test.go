package tokencache

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/errs"
)

// renewer records renewals and answers with fixed tokens or an error.
type renewer struct {
	refreshed []string
	exchanged []string
	requests  []client.ExchangeRequest
	tok       client.Token
	err       error
}

func (r *renewer) Refresh(_ context.Context, refreshToken string) (client.Token, error) {
	r.refreshed = append(r.refreshed, refreshToken)
	return r.tok, r.err
}

func (r *renewer) Exchange(_ context.Context, proof string, req client.ExchangeRequest) (client.Token, error) {
	r.exchanged = append(r.exchanged, proof)
	r.requests = append(r.requests, req)
	return r.tok, r.err
}

var now = time.Date(2026, 3, 31, 8, 48, 0, 0, time.UTC)

func newSession(t *testing.T, cr Credentials, r *renewer) *Session {
	t.Helper()
	c, err := New(t.TempDir(), "http://127.0.0.1:8080")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Save(cr); err != nil {
		t.Fatal(err)
	}
	return &Session{Cache: c, Renewer: r, Now: func() time.Time { return now }}
}

func TestSessionKeepsAValidToken(t *testing.T) {
	r := &renewer{}
	s := newSession(t, Credentials{AccessToken: "old", RefreshToken: "r1", Login: Login{Expiry: now.Add(time.Hour)}}, r)
	tok, err := s.Token(t.Context())
	if err != nil || tok != "old" {
		t.Fatalf("Token = %q, %v; want old", tok, err)
	}
	if len(r.refreshed)+len(r.exchanged) != 0 {
		t.Errorf("renewed a valid token")
	}
}

func TestSessionRefreshes(t *testing.T) {
	r := &renewer{tok: client.Token{Token: "new", RefreshToken: "r2", Expiry: now.Add(time.Hour)}}
	s := newSession(t, Credentials{AccessToken: "old", RefreshToken: "r1", Login: Login{Method: MethodBootstrap, Expiry: now.Add(time.Minute)}}, r)
	tok, err := s.Token(t.Context())
	if err != nil || tok != "new" {
		t.Fatalf("Token = %q, %v; want new", tok, err)
	}
	if len(r.refreshed) != 1 || r.refreshed[0] != "r1" {
		t.Errorf("refreshed with %v, want [r1]", r.refreshed)
	}
	cr, err := s.Cache.Load()
	if err != nil {
		t.Fatal(err)
	}
	if cr.RefreshToken != "r2" || cr.AccessToken != "new" || !cr.Login.Expiry.Equal(now.Add(time.Hour)) || cr.Login.Method != MethodBootstrap {
		t.Errorf("cache after refresh = %+v", cr)
	}
}

func TestSessionExchangesTheTokenFileAgain(t *testing.T) {
	file := filepath.Join(t.TempDir(), "oidc-token")
	if err := os.WriteFile(file, []byte("rotated-upstream\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := &renewer{tok: client.Token{Token: "new", Expiry: now.Add(time.Hour)}}
	s := newSession(t, Credentials{AccessToken: "old", Login: Login{
		Method: MethodIdentityToken, Identity: "id-1", Audience: []string{"aud"},
		IdentityTokenFile: file, Expiry: now.Add(-time.Minute),
	}}, r)
	tok, err := s.Token(t.Context())
	if err != nil || tok != "new" {
		t.Fatalf("Token = %q, %v; want new", tok, err)
	}
	if len(r.exchanged) != 1 || r.exchanged[0] != "rotated-upstream" || r.requests[0].Identity != "id-1" || r.requests[0].Audience[0] != "aud" {
		t.Errorf("exchanged %v with %+v", r.exchanged, r.requests)
	}
}

func TestSessionCannotRenew(t *testing.T) {
	tests := []struct {
		name string
		cr   Credentials
		r    *renewer
		want errs.Kind
	}{
		{
			name: "a literal identity token cannot be exchanged again",
			cr:   Credentials{AccessToken: "old", Login: Login{Method: MethodIdentityToken, Expiry: now.Add(-time.Second)}},
			r:    &renewer{},
			want: errs.Unauthenticated,
		},
		{
			name: "a refused refresh means logging in again",
			cr:   Credentials{AccessToken: "old", RefreshToken: "r1", Login: Login{Expiry: now.Add(-time.Second)}},
			r:    &renewer{err: errs.New(errs.Unauthenticated, "refresh token revoked")},
			want: errs.Unauthenticated,
		},
		{
			name: "a server that is down keeps its kind",
			cr:   Credentials{AccessToken: "old", RefreshToken: "r1", Login: Login{Expiry: now.Add(-time.Second)}},
			r:    &renewer{err: errs.New(errs.Unavailable, "down")},
			want: errs.Unavailable,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSession(t, tt.cr, tt.r)
			_, err := s.Token(t.Context())
			if got := errs.KindOf(err); got != tt.want {
				t.Errorf("err = %v (kind %v), want kind %v", err, got, tt.want)
			}
		})
	}
}

func TestSessionUsesATokenInsideTheLeewayWhenRenewalFails(t *testing.T) {
	r := &renewer{err: errs.New(errs.Unavailable, "down")}
	s := newSession(t, Credentials{AccessToken: "old", RefreshToken: "r1", Login: Login{Expiry: now.Add(time.Minute)}}, r)
	tok, err := s.Token(t.Context())
	if err != nil || tok != "old" {
		t.Fatalf("Token = %q, %v; want old", tok, err)
	}
}

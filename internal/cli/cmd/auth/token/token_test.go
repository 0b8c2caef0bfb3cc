package token

import (
	"net/http"
	"testing"
	"time"

	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/tokencache"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	"latch.dev/latch/internal/errs"
)

func TestTokenRun(t *testing.T) {
	now := time.Date(2026, 3, 31, 8, 48, 0, 0, time.UTC)
	srv := clienttest.NewServer(t, clienttest.Handlers{HTTP: map[string]http.HandlerFunc{
		"POST /sts/exchange_refresh_token": clienttest.TokenHandler(func(bearer string, _ *http.Request) (client.Token, error) {
			if bearer != "r1" {
				return client.Token{}, errs.New(errs.Unauthenticated, "refresh token is not valid")
			}
			return client.Token{Token: "fresh", RefreshToken: "r2", Expiry: now.Add(time.Hour)}, nil
		}),
	}})
	tests := []struct {
		name     string
		cr       *tokencache.Credentials
		want     string
		wantKind errs.Kind
	}{
		{name: "a valid token is printed", cr: &tokencache.Credentials{AccessToken: "current", Login: tokencache.Login{Expiry: now.Add(time.Hour)}}, want: "current\n"},
		{name: "an expiring token is refreshed", cr: &tokencache.Credentials{AccessToken: "old", RefreshToken: "r1", Login: tokencache.Login{Expiry: now.Add(time.Minute)}}, want: "fresh\n"},
		{name: "not logged in", wantKind: errs.Unauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cache, err := tokencache.New(t.TempDir(), srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			if tt.cr != nil {
				if err := cache.Save(*tt.cr); err != nil {
					t.Fatal(err)
				}
			}
			ios, _, out, _ := iostreams.Test()
			s := &tokencache.Session{Cache: cache, Renewer: srv.Client, Now: func() time.Time { return now }}
			err = tokenRun(t.Context(), &Options{IO: ios, Session: func() (*tokencache.Session, error) { return s, nil }})
			if tt.want == "" {
				if !errs.Is(err, tt.wantKind) {
					t.Errorf("err = %v, want kind %v", err, tt.wantKind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("output = %q, want %q", out.String(), tt.want)
			}
		})
	}
}

package client_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/google/go-cmp/cmp"

	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	"latch.dev/latch/internal/errs"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

func TestExchange(t *testing.T) {
	expiry := time.Date(2026, 3, 31, 9, 48, 0, 0, time.UTC)
	var gotBearer string
	var gotForm url.Values
	srv := clienttest.NewServer(t, clienttest.Handlers{HTTP: map[string]http.HandlerFunc{
		"POST /sts/exchange": clienttest.TokenHandler(func(bearer string, r *http.Request) (client.Token, error) {
			gotBearer, gotForm = bearer, r.PostForm
			return client.Token{Token: "latch-jwt", Expiry: expiry}, nil
		}),
	}})
	tok, err := srv.Client.Exchange(t.Context(), " upstream-proof\n", client.ExchangeRequest{
		Identity:     "45a0c0000000000000000000000000000000ee95/2c5f700000003871",
		Audience:     []string{"https://a.example", "https://b.example"},
		Capabilities: []string{"groups.list"},
		Scopes:       []string{"45a0c0000000000000000000000000000000ee95"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(client.Token{Token: "latch-jwt", Expiry: expiry}, tok); diff != "" {
		t.Errorf("token (-want +got):\n%s", diff)
	}
	if gotBearer != "upstream-proof" {
		t.Errorf("bearer = %q, want the trimmed proof", gotBearer)
	}
	want := url.Values{
		"identity": {"45a0c0000000000000000000000000000000ee95/2c5f700000003871"},
		"aud":      {"https://a.example", "https://b.example"},
		"cap":      {"groups.list"},
		"scopes":   {"45a0c0000000000000000000000000000000ee95"},
	}
	if diff := cmp.Diff(want, gotForm); diff != "" {
		t.Errorf("form (-want +got):\n%s", diff)
	}
}

func TestRefreshAndBootstrap(t *testing.T) {
	var bootstrapName string
	srv := clienttest.NewServer(t, clienttest.Handlers{HTTP: map[string]http.HandlerFunc{
		"POST /sts/exchange_refresh_token": clienttest.TokenHandler(func(bearer string, r *http.Request) (client.Token, error) {
			if bearer != "r1" {
				return client.Token{}, errs.New(errs.Unauthenticated, "refresh token is not valid")
			}
			return client.Token{Token: "a2", RefreshToken: "r2"}, nil
		}),
		"POST /sts/bootstrap": clienttest.TokenHandler(func(bearer string, r *http.Request) (client.Token, error) {
			bootstrapName = r.PostForm.Get("name")
			return client.Token{Token: "admin", RefreshToken: "ar"}, nil
		}),
	}})
	tok, err := srv.Client.Refresh(t.Context(), "r1")
	if err != nil || tok.RefreshToken != "r2" {
		t.Fatalf("Refresh = %+v, %v", tok, err)
	}
	if _, err := srv.Client.Refresh(t.Context(), "r0"); !errs.Is(err, errs.Unauthenticated) || errs.Message(err) != "refresh token is not valid" {
		t.Errorf("Refresh with a dead token: err = %v", err)
	}
	if _, err := srv.Client.Bootstrap(t.Context(), "secret", "ops"); err != nil || bootstrapName != "ops" {
		t.Errorf("Bootstrap: err = %v, name = %q", err, bootstrapName)
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   errs.Kind
		msg    string
	}{
		{name: "a latch error body keeps its kind and message", status: 403, body: `{"code":"permission_denied","message":"the proof does not match identity x"}`, want: errs.PermissionDenied, msg: "the proof does not match identity x"},
		{name: "a conflict", status: 409, body: `{"code":"failed_precondition","message":"already bootstrapped"}`, want: errs.Conflict, msg: "already bootstrapped"},
		{name: "a proxy's page is classified by status", status: 502, body: "<html>bad gateway</html>", want: errs.Unavailable, msg: "the server answered Bad Gateway"},
		{name: "plain text is kept when short", status: 404, body: "404 page not found\n", want: errs.NotFound, msg: "the server answered Not Found: 404 page not found"},
		{name: "a success without a token is internal", status: 200, body: `{}`, want: errs.Internal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			_, err := client.New(srv.URL, srv.Client(), "").Exchange(t.Context(), "proof", client.ExchangeRequest{})
			if got := errs.KindOf(err); got != tt.want {
				t.Fatalf("err = %v (kind %v), want kind %v", err, got, tt.want)
			}
			if tt.msg != "" && errs.Message(err) != tt.msg {
				t.Errorf("message = %q, want %q", errs.Message(err), tt.msg)
			}
		})
	}
}

func TestUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close()
	c := client.New(base, nil, "")
	_, err := c.Exchange(t.Context(), "proof", client.ExchangeRequest{})
	var unreachable *client.UnreachableError
	if !errs.Is(err, errs.Unavailable) || !errors.As(err, &unreachable) {
		t.Errorf("Exchange to a closed server: err = %v, want unavailable and unreachable", err)
	}
	_, err = c.API(client.StaticToken("t")).Groups.List(t.Context(), connect.NewRequest(&iamv1.GroupFilter{}))
	if !errs.Is(err, errs.Unavailable) || !errors.As(err, &unreachable) {
		t.Errorf("API call to a closed server: err = %v, want unavailable and unreachable", err)
	}
}

func TestEmptyCredentialIsRefusedLocally(t *testing.T) {
	_, err := client.New("http://127.0.0.1:1", nil, "").Bootstrap(t.Context(), "  ", "")
	if !errs.Is(err, errs.Invalid) {
		t.Errorf("err = %v, want invalid", err)
	}
}

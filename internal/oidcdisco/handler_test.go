package oidcdisco_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/google/go-cmp/cmp"

	"latch.dev/latch/internal/oidcdisco"
	"latch.dev/latch/internal/signer"
	"latch.dev/latch/internal/signer/signertest"
	"latch.dev/latch/internal/testutil/fakeclock"
	"latch.dev/latch/internal/token"
)

// staticKeys serves a fixed key set, or fails.
type staticKeys struct {
	set jose.JSONWebKeySet
	err error
}

func (s staticKeys) PublicKeys(context.Context) (jose.JSONWebKeySet, error) { return s.set, s.err }

// liveKeys returns a signer with its keys made.
func liveKeys(t *testing.T) *signer.Signer {
	t.Helper()
	s, err := signer.New(signer.Config{Keys: signertest.NewKeys(), Now: fakeclock.New(t0).Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Maintain(t.Context()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestHandler(t *testing.T) {
	t.Parallel()
	keys := liveKeys(t)
	tests := []struct {
		name       string
		issuer     string
		keys       oidcdisco.KeySet
		method     string
		path       string
		header     http.Header
		wantStatus int
		wantHeader map[string]string
		wantBody   string // a part of the body
	}{
		{
			name: "the discovery document is served with an hour's caching",
			keys: keys, method: http.MethodGet, path: "/.well-known/openid-configuration",
			wantStatus: http.StatusOK,
			wantHeader: map[string]string{"Content-Type": "application/json", "Cache-Control": "public, max-age=3600", "Access-Control-Allow-Origin": "*"},
			wantBody:   `"jwks_uri":"https://latch.example.com/.well-known/jwks.json"`,
		},
		{
			name: "the JWKS is served with five minutes' caching",
			keys: keys, method: http.MethodGet, path: "/.well-known/jwks.json",
			wantStatus: http.StatusOK,
			wantHeader: map[string]string{"Content-Type": "application/json", "Cache-Control": "public, max-age=300"},
			wantBody:   `"use":"sig"`,
		},
		{
			name: "HEAD gets the headers and no body",
			keys: keys, method: http.MethodHead, path: "/.well-known/jwks.json",
			wantStatus: http.StatusOK,
			wantHeader: map[string]string{"Content-Type": "application/json"},
		},
		{
			name: "POST is not allowed",
			keys: keys, method: http.MethodPost, path: "/.well-known/openid-configuration",
			wantStatus: http.StatusMethodNotAllowed,
			wantHeader: map[string]string{"Allow": "GET, HEAD", "Cache-Control": "no-store"},
			wantBody:   `"code":"invalid_argument"`,
		},
		{
			name: "DELETE on the JWKS is not allowed",
			keys: keys, method: http.MethodDelete, path: "/.well-known/jwks.json",
			wantStatus: http.StatusMethodNotAllowed,
		},
		{
			name: "another path is not found",
			keys: keys, method: http.MethodGet, path: "/.well-known/other",
			wantStatus: http.StatusNotFound,
			wantBody:   `"code":"not_found"`,
		},
		{
			name:   "an issuer with a path serves below it",
			issuer: "https://example.com/latch",
			keys:   keys, method: http.MethodGet, path: "/latch/.well-known/openid-configuration",
			wantStatus: http.StatusOK,
			wantBody:   `"jwks_uri":"https://example.com/latch/.well-known/jwks.json"`,
		},
		{
			name:   "an issuer with a path does not serve at the root",
			issuer: "https://example.com/latch",
			keys:   keys, method: http.MethodGet, path: "/.well-known/openid-configuration",
			wantStatus: http.StatusNotFound,
		},
		{
			name: "an empty key set is not to be cached",
			keys: staticKeys{}, method: http.MethodGet, path: "/.well-known/jwks.json",
			wantStatus: http.StatusOK,
			wantHeader: map[string]string{"Cache-Control": "no-store"},
			wantBody:   `{"keys":[]}`,
		},
		{
			name: "keys that cannot be read are a 503 that is not cached",
			keys: staticKeys{err: errors.New("database is down")}, method: http.MethodGet, path: "/.well-known/jwks.json",
			wantStatus: http.StatusServiceUnavailable,
			wantHeader: map[string]string{"Cache-Control": "no-store"},
			wantBody:   `"code":"unavailable"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			iss := tt.issuer
			if iss == "" {
				iss = "https://latch.example.com"
			}
			h, err := oidcdisco.New(oidcdisco.Config{Issuer: iss, Keys: tt.keys})
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequestWithContext(t.Context(), tt.method, tt.path, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body)
			}
			for k, v := range tt.wantHeader {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Errorf("body %s lacks %s", rec.Body, tt.wantBody)
			}
			if tt.method == http.MethodHead && rec.Body.Len() != 0 {
				t.Errorf("HEAD returned a body of %d bytes", rec.Body.Len())
			}
		})
	}
}

func TestAnUnchangedDocumentIsNotSentAgain(t *testing.T) {
	t.Parallel()
	h, err := oidcdisco.New(oidcdisco.Config{Issuer: "https://latch.example.com", Keys: liveKeys(t)})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{h.DiscoveryPath(), h.JWKSPath()} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, path, nil))
		tag := rec.Header().Get("ETag")
		if tag == "" {
			t.Fatalf("%s: no ETag", path)
		}
		req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, path, nil)
		req.Header.Set("If-None-Match", `"other", `+tag)
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("%s with If-None-Match: status %d, %d bytes; want 304 and no body", path, rec.Code, rec.Body.Len())
		}
	}
}

func TestTheDiscoveryDocument(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  oidcdisco.Config
		want oidcdisco.Document
	}{
		{
			name: "a token-exchange issuer advertises only what verifiers need",
			cfg:  oidcdisco.Config{Issuer: "https://latch.example.com"},
			want: oidcdisco.Document{
				Issuer:                           "https://latch.example.com",
				JWKSURI:                          "https://latch.example.com/.well-known/jwks.json",
				ResponseTypesSupported:           []string{"id_token"},
				SubjectTypesSupported:            []string{"public"},
				IDTokenSigningAlgValuesSupported: []string{"ES256", "RS256"},
				ClaimsSupported:                  []string{"iss", "sub", "aud", "iat", "nbf", "exp", "jti", "act", "caps", "scopes", "email", "kind"},
			},
		},
		{
			name: "configured endpoints are advertised",
			cfg: oidcdisco.Config{
				Issuer:                "https://latch.example.com",
				AuthorizationEndpoint: "https://latch.example.com/oauth/authorize",
				TokenEndpoint:         "https://latch.example.com/sts/exchange",
				SigningAlgorithms:     []string{"RS256"},
			},
			want: oidcdisco.Document{
				Issuer:                           "https://latch.example.com",
				AuthorizationEndpoint:            "https://latch.example.com/oauth/authorize",
				TokenEndpoint:                    "https://latch.example.com/sts/exchange",
				JWKSURI:                          "https://latch.example.com/.well-known/jwks.json",
				ResponseTypesSupported:           []string{"code", "id_token"},
				SubjectTypesSupported:            []string{"public"},
				IDTokenSigningAlgValuesSupported: []string{"RS256"},
				ClaimsSupported:                  []string{"iss", "sub", "aud", "iat", "nbf", "exp", "jti", "act", "caps", "scopes", "email", "kind"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.cfg.Keys = staticKeys{}
			h, err := oidcdisco.New(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, h.DiscoveryPath(), nil))
			var got oidcdisco.Document
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("document (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewChecksTheConfiguration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  oidcdisco.Config
	}{
		{"a missing key set", oidcdisco.Config{Issuer: "https://latch.example.com"}},
		{"an issuer with a trailing slash", oidcdisco.Config{Issuer: "https://latch.example.com/", Keys: staticKeys{}}},
		{"a relative token endpoint", oidcdisco.Config{Issuer: "https://latch.example.com", Keys: staticKeys{}, TokenEndpoint: "/sts/exchange"}},
		{"an algorithm latch does not sign with", oidcdisco.Config{Issuer: "https://latch.example.com", Keys: staticKeys{}, SigningAlgorithms: []string{"HS256"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is refused", func(t *testing.T) {
			t.Parallel()
			if _, err := oidcdisco.New(tt.cfg); err == nil {
				t.Error("New succeeded")
			}
		})
	}
}

// TestCachingLeavesTimeForRotation checks the arithmetic of the package
// documentation: a new key reaches every cache before it signs, and a
// retired key outlives every cache of the tokens it signed.
func TestCachingLeavesTimeForRotation(t *testing.T) {
	t.Parallel()
	const clockSkew = time.Minute
	if need := signer.RefreshInterval + oidcdisco.JWKSMaxAge + clockSkew; signer.PublishLead < need {
		t.Errorf("keys are published %v before they sign, but caches may take %v to learn of them", signer.PublishLead, need)
	}
	if need := signer.RefreshInterval + token.MaxLeeway + clockSkew; signer.RetireMargin < need {
		t.Errorf("retired keys stay %v past the longest token, but stale replicas and leeway need %v", signer.RetireMargin, need)
	}
	if signer.DefaultMaxTokenLifetime < token.MaxLifetimeCeiling {
		t.Errorf("the signer keeps keys for tokens of %v, but tokens may live %v", signer.DefaultMaxTokenLifetime, token.MaxLifetimeCeiling)
	}
}

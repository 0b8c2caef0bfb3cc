package token_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/signer"
	"latch.dev/latch/internal/token"
	"latch.dev/latch/internal/token/tokentest"
)

// signRaw signs arbitrary claims with the fixture's keys: a well-formed
// payload at t0, changed by edit.
func (f *fixture) signRaw(t testing.TB, edit func(map[string]any)) string {
	t.Helper()
	claims := map[string]any{
		"iss": issuer, "sub": subject, "aud": []string{audience}, "jti": "j",
		"iat": t0.Unix(), "nbf": t0.Unix(), "exp": t0.Add(time.Hour).Unix(),
	}
	edit(claims)
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := f.signer.Sign(t.Context(), payload)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// currentKey returns the public key the fixture signs with.
func (f *fixture) currentKey(t testing.TB) jose.JSONWebKey {
	t.Helper()
	jws, err := jose.ParseSignedCompact(f.mint(t, awsClaims()).Raw, []jose.SignatureAlgorithm{jose.ES256, jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	k, err := f.signer.PublicKey(t.Context(), jws.Signatures[0].Protected.KeyID)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestVerify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		token   func(testing.TB, *fixture) string
		advance time.Duration // the clock moves this far before Verify
		wantErr error         // the cause; nil for success
		wantMsg string        // part of the caller-facing message
	}{
		{
			name:  "a freshly minted token verifies",
			token: func(t testing.TB, f *fixture) string { return f.mint(t, awsClaims()).Raw },
		},
		{
			name:    "a token still verifies within the leeway after it expired",
			token:   func(t testing.TB, f *fixture) string { return f.mint(t, awsClaims()).Raw },
			advance: time.Hour + token.DefaultLeeway - time.Second,
		},
		{
			name:    "an expired token is refused with its expiry and what to do",
			token:   func(t testing.TB, f *fixture) string { return f.mint(t, awsClaims()).Raw },
			advance: time.Hour + token.DefaultLeeway,
			wantErr: token.ErrExpired,
			wantMsg: "the token expired at 2026-03-01T13:00:00Z; run `latch auth login` again",
		},
		{
			name: "a token for another audience is refused",
			token: func(t testing.TB, f *fixture) string {
				c := awsClaims()
				c.Audience = []string{"https://other.example.com"}
				return f.mint(t, c).Raw
			},
			wantErr: token.ErrWrongAudience,
			wantMsg: "latch auth login --audience https://latch.example.com",
		},
		{
			name: "a token naming another issuer is refused even when signed with these keys",
			token: func(t testing.TB, f *fixture) string {
				m, err := token.NewMinter(token.MinterConfig{Issuer: "https://evil.example.com", Signer: f.signer, Now: f.clock.Now})
				if err != nil {
					t.Fatal(err)
				}
				tok, err := m.Mint(t.Context(), awsClaims())
				if err != nil {
					t.Fatal(err)
				}
				return tok.Raw
			},
			wantErr: token.ErrWrongIssuer,
			wantMsg: `issued by "https://evil.example.com"`,
		},
		{
			name: "a token with a tampered payload is refused",
			token: func(t testing.TB, f *fixture) string {
				tok, err := tokentest.Tamper(f.mint(t, awsClaims()).Raw, func(c map[string]any) { c["sub"] = group })
				if err != nil {
					t.Fatal(err)
				}
				return tok
			},
			wantErr: token.ErrSignature,
		},
		{
			name: "an unsigned alg none token is refused",
			token: func(t testing.TB, f *fixture) string {
				payload, _ := json.Marshal(f.mint(t, awsClaims()).Claims)
				return tokentest.AlgNone(payload, f.currentKey(t).KeyID)
			},
			wantErr: token.ErrMalformed,
			wantMsg: `signed with "none"`,
		},
		{
			name: "an HS256 token keyed with the public key is refused",
			token: func(t testing.TB, f *fixture) string {
				payload, _ := json.Marshal(f.mint(t, awsClaims()).Claims)
				k := f.currentKey(t)
				tok, err := tokentest.HS256WithPublicKey(payload, k.KeyID, k.Key)
				if err != nil {
					t.Fatal(err)
				}
				return tok
			},
			wantErr: token.ErrMalformed,
			wantMsg: `signed with "HS256"`,
		},
		{
			name: "an RS256 token from a stranger's key under this server's EC kid is refused",
			token: func(t testing.TB, f *fixture) string {
				payload, _ := json.Marshal(f.mint(t, awsClaims()).Claims)
				priv, err := rsa.GenerateKey(rand.Reader, 2048)
				if err != nil {
					t.Fatal(err)
				}
				s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: priv, KeyID: f.currentKey(t).KeyID}}, nil)
				if err != nil {
					t.Fatal(err)
				}
				jws, err := s.Sign(payload)
				if err != nil {
					t.Fatal(err)
				}
				tok, _ := jws.CompactSerialize()
				return tok
			},
			wantErr: token.ErrSignature,
			wantMsg: "does not match its key",
		},
		{
			name:    "a token signed by another server's keys is refused",
			token:   func(t testing.TB, _ *fixture) string { return newFixture(t, "").mint(t, awsClaims()).Raw },
			wantErr: signer.ErrUnknownKey,
			wantMsg: "does not publish",
		},
		{
			name: "a token not valid yet is refused",
			token: func(t testing.TB, f *fixture) string {
				return f.signRaw(t, func(c map[string]any) { c["nbf"] = t0.Add(2 * time.Minute).Unix() })
			},
			wantErr: token.ErrNotYetValid,
			wantMsg: "check that this machine's clock is right",
		},
		{
			name: "a token issued in the future is refused",
			token: func(t testing.TB, f *fixture) string {
				return f.signRaw(t, func(c map[string]any) { c["iat"] = t0.Add(2 * time.Minute).Unix() })
			},
			wantErr: token.ErrNotYetValid,
		},
		{
			name: "a token without a jti is refused",
			token: func(t testing.TB, f *fixture) string {
				return f.signRaw(t, func(c map[string]any) { delete(c, "jti") })
			},
			wantErr: token.ErrMissingClaim,
			wantMsg: `no "jti" claim`,
		},
		{
			name: "a token without an expiry is refused",
			token: func(t testing.TB, f *fixture) string {
				return f.signRaw(t, func(c map[string]any) { delete(c, "exp") })
			},
			wantErr: token.ErrMissingClaim,
		},
		{
			name: "a token whose subject is not a UIDP is refused",
			token: func(t testing.TB, f *fixture) string {
				return f.signRaw(t, func(c map[string]any) { c["sub"] = "alice" })
			},
			wantErr: token.ErrMissingClaim,
			wantMsg: "not a latch identity ID",
		},
		{
			name: "a token living longer than the ceiling is refused",
			token: func(t testing.TB, f *fixture) string {
				return f.signRaw(t, func(c map[string]any) { c["exp"] = t0.Add(13 * time.Hour).Unix() })
			},
			wantErr: token.ErrMissingClaim,
		},
		{
			name:    "a payload that is not JSON claims is refused",
			token:   func(t testing.TB, f *fixture) string { return f.signRaw(t, func(c map[string]any) { c["aud"] = 7 }) },
			wantErr: token.ErrMalformed,
		},
		{
			name:    "an empty token is refused",
			token:   func(testing.TB, *fixture) string { return "" },
			wantErr: token.ErrMalformed,
		},
		{
			name:    "garbage is refused",
			token:   func(testing.TB, *fixture) string { return "not.a.jwt" },
			wantErr: token.ErrMalformed,
		},
		{
			name: "a JWS in JSON serialization is refused",
			token: func(t testing.TB, f *fixture) string {
				jws, err := jose.ParseSignedCompact(f.mint(t, awsClaims()).Raw, []jose.SignatureAlgorithm{jose.ES256})
				if err != nil {
					t.Fatal(err)
				}
				return jws.FullSerialize()
			},
			wantErr: token.ErrMalformed,
		},
		{
			name:    "an oversized token is refused before parsing",
			token:   func(testing.TB, *fixture) string { return strings.Repeat("a", token.MaxTokenBytes+1) },
			wantErr: token.ErrMalformed,
			wantMsg: "larger than",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, "")
			raw := tt.token(t, f)
			f.clock.Advance(tt.advance)
			claims, err := f.verifier.Verify(t.Context(), raw)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if claims.Subject != subject || claims.Actor == nil || claims.Actor.AWSAccount != "123456789012" {
					t.Errorf("claims = %+v", claims)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Verify error = %v, want %v", err, tt.wantErr)
			}
			if !errs.Is(err, errs.Unauthenticated) {
				t.Errorf("Verify error kind = %v, want unauthenticated", errs.KindOf(err))
			}
			if msg := errs.Message(err); !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("message %q lacks %q", msg, tt.wantMsg)
			}
		})
	}
}

func TestVerifyRS256(t *testing.T) {
	t.Parallel()
	f := newFixture(t, signer.RS256)
	tok := f.mint(t, awsClaims())
	if _, err := f.verifier.Verify(t.Context(), tok.Raw); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if k := f.currentKey(t); k.Algorithm != signer.RS256 {
		t.Errorf("key algorithm = %s", k.Algorithm)
	}
}

func TestVerifyWhenTheKeysCannotBeLoaded(t *testing.T) {
	t.Parallel()
	other := newFixture(t, "")
	f := newFixture(t, "")
	f.store.Fail(errors.New("database is down"))
	_, err := f.verifier.Verify(t.Context(), other.mint(t, awsClaims()).Raw)
	if !errs.Is(err, errs.Unavailable) {
		t.Fatalf("Verify error = %v, want unavailable", err)
	}
	// A token whose key is cached verifies regardless.
	if _, err := f.verifier.Verify(t.Context(), f.mint(t, awsClaims()).Raw); err != nil {
		t.Errorf("Verify with a cached key during an outage: %v", err)
	}
}

func TestNewVerifierChecksTheConfiguration(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "")
	tests := []struct {
		name string
		cfg  token.VerifierConfig
		ok   bool
	}{
		{"issuer, audience and keys are all it takes", token.VerifierConfig{Issuer: issuer, Audience: audience, Keys: f.signer}, true},
		{"a leeway of a minute is allowed", token.VerifierConfig{Issuer: issuer, Audience: audience, Keys: f.signer, Leeway: time.Minute}, true},
		{"a leeway over a minute is refused", token.VerifierConfig{Issuer: issuer, Audience: audience, Keys: f.signer, Leeway: 2 * time.Minute}, false},
		{"a missing audience is refused", token.VerifierConfig{Issuer: issuer, Keys: f.signer}, false},
		{"missing keys are refused", token.VerifierConfig{Issuer: issuer, Audience: audience}, false},
		{"a bad issuer is refused", token.VerifierConfig{Issuer: "latch", Audience: audience, Keys: f.signer}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := token.NewVerifier(tt.cfg); (err == nil) != tt.ok {
				t.Errorf("NewVerifier error = %v, want ok = %v", err, tt.ok)
			}
		})
	}
}

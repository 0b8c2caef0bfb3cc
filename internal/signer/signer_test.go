package signer

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/signer/signertest"
	"latch.dev/latch/internal/storage"
	"latch.dev/latch/internal/testutil/fakeclock"
)

func TestNewChecksTheConfiguration(t *testing.T) {
	t.Parallel()
	store := signertest.NewKeys()
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"a store is all it takes", Config{Keys: store}, ""},
		{"RS256 with 3072-bit keys is fine", Config{Keys: store, Algorithm: RS256, RSABits: 3072}, ""},
		{"a missing store is refused", Config{}, "Keys is required"},
		{"HS256 is refused", Config{Keys: store, Algorithm: "HS256"}, "unsupported algorithm"},
		{"none is refused", Config{Keys: store, Algorithm: "none"}, "unsupported algorithm"},
		{"1024-bit RSA keys are refused", Config{Keys: store, Algorithm: RS256, RSABits: 1024}, "RSA keys must have"},
		{"rotating every minute is refused", Config{Keys: store, RotationPeriod: time.Minute}, "shorter than"},
		{"a negative token lifetime is refused", Config{Keys: store, MaxTokenLifetime: -time.Hour}, "not between"},
		{"a month-long token lifetime is refused", Config{Keys: store, MaxTokenLifetime: 30 * 24 * time.Hour}, "not between"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := New(tt.cfg)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if s.Algorithm() == "" || s.MaxTokenLifetime() <= 0 {
					t.Errorf("defaults not applied: alg %q, lifetime %v", s.Algorithm(), s.MaxTokenLifetime())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestSignAndVerify(t *testing.T) {
	t.Parallel()
	for _, alg := range []string{ES256, RS256} {
		t.Run(alg+" tokens verify with the published key", func(t *testing.T) {
			t.Parallel()
			clock := fakeclock.New(t0)
			s := newTestSigner(t, signertest.NewKeys(), clock, func(c *Config) { c.Algorithm = alg })
			if err := s.Maintain(t.Context()); err != nil {
				t.Fatal(err)
			}
			tok := mustSign(t, s)
			jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.SignatureAlgorithm(alg)})
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			h := jws.Signatures[0].Protected
			if h.Algorithm != alg || h.KeyID == "" || h.ExtraHeaders[jose.HeaderType] != "JWT" {
				t.Errorf("header = alg %q kid %q typ %v, want %s, a kid and JWT", h.Algorithm, h.KeyID, h.ExtraHeaders[jose.HeaderType], alg)
			}
			kid, err := verifyWith(t.Context(), s, tok)
			if err != nil {
				t.Fatalf("verify: %v", err)
			}
			set, err := s.PublicKeys(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if len(set.Keys) != 2 {
				t.Fatalf("JWKS has %d keys, want the current and the next", len(set.Keys))
			}
			for _, k := range set.Keys {
				if k.Algorithm != alg || k.Use != "sig" || k.KeyID == "" || !k.IsPublic() {
					t.Errorf("JWKS key %+v: want alg %s, use sig, a kid, public only", k, alg)
				}
			}
			if set.Keys[0].KeyID != kid {
				t.Errorf("first JWKS key is %s, want the current key %s", set.Keys[0].KeyID, kid)
			}
		})
	}
}

func TestSignBeforeAnyKeyExistsIsUnavailable(t *testing.T) {
	t.Parallel()
	s := newTestSigner(t, signertest.NewKeys(), fakeclock.New(t0), nil)
	_, err := s.Sign(t.Context(), []byte("{}"))
	if !errs.Is(err, errs.Unavailable) {
		t.Fatalf("Sign error = %v, want Unavailable", err)
	}
	if _, err := s.PublicKeys(t.Context()); err != nil {
		t.Errorf("PublicKeys after a load of an empty store: %v", err)
	}
}

func TestSignFindsKeysAnotherReplicaCreated(t *testing.T) {
	t.Parallel()
	store, clock := signertest.NewKeys(), fakeclock.New(t0)
	b := newTestSigner(t, store, clock, nil)
	if _, err := b.Sign(t.Context(), []byte("{}")); err == nil {
		t.Fatal("Sign on an empty store succeeded")
	}
	maintained(t, store, clock) // replica A creates the keys
	clock.Advance(OnDemandRefreshInterval)
	if _, err := b.Sign(t.Context(), []byte("{}")); err != nil {
		t.Fatalf("Sign after another replica created keys: %v", err)
	}
}

func TestSigningSurvivesAStoreOutage(t *testing.T) {
	t.Parallel()
	store, clock := signertest.NewKeys(), fakeclock.New(t0)
	s := maintained(t, store, clock)
	store.Fail(errors.New("database is down"))

	clock.Advance(testPeriod + time.Hour) // past the first key: the cached successor signs
	tok := mustSign(t, s)
	if _, err := verifyWith(t.Context(), s, tok); err != nil {
		t.Fatalf("verify during the outage: %v", err)
	}
	if err := s.Maintain(t.Context()); !errs.Is(err, errs.Unavailable) {
		t.Errorf("Maintain during the outage = %v, want Unavailable", err)
	}
	if _, err := s.PublicKey(t.Context(), "no-such-kid"); !errs.Is(err, errs.Unavailable) {
		t.Errorf("unknown kid during the outage = %v, want Unavailable", err)
	}
}

func TestAnUnusableStoredKeyIsSkipped(t *testing.T) {
	t.Parallel()
	store, clock := signertest.NewKeys(), fakeclock.New(t0)
	s := maintained(t, store, clock)
	good := kidOf(t, mustSign(t, s))

	// Relabel the next key as RSA: it must not be used, the rest must.
	err := store.UpdateSigningKeys(t.Context(), func(old []storage.SigningKey) ([]storage.SigningKey, error) {
		sortKeys(old)
		old[1].Algorithm = RS256
		return old, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(RefreshInterval)
	if got := kidOf(t, mustSign(t, s)); got != good {
		t.Errorf("signed with %s, want %s", got, good)
	}
	if ids := jwksIDs(t, s); !slices.Equal(ids, []string{good}) {
		t.Errorf("JWKS = %v, want only %s", ids, good)
	}
}

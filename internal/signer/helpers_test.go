package signer

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"latch.dev/latch/internal/storage"
	"latch.dev/latch/internal/testutil/fakeclock"
)

// t0 is when every test's clock starts.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	testPeriod   = 24 * time.Hour
	testLifetime = 12 * time.Hour
)

// newTestSigner returns a signer on store, logging to the test's output.
// mod, if not nil, adjusts the configuration first.
func newTestSigner(t testing.TB, store storage.Keys, clock *fakeclock.Clock, mod func(*Config)) *Signer {
	t.Helper()
	cfg := Config{
		Keys:             store,
		RotationPeriod:   testPeriod,
		MaxTokenLifetime: testLifetime,
		Now:              clock.Now,
		Logger:           slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	if mod != nil {
		mod(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// maintained returns a signer on store that has run Maintain once.
func maintained(t testing.TB, store storage.Keys, clock *fakeclock.Clock) *Signer {
	t.Helper()
	s := newTestSigner(t, store, clock, nil)
	if err := s.Maintain(t.Context()); err != nil {
		t.Fatalf("Maintain: %v", err)
	}
	return s
}

// verifyWith checks tok's signature with the key v looks up for its kid,
// and returns that kid.
func verifyWith(ctx context.Context, v *Signer, tok string) (string, error) {
	jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.ES256, jose.RS256})
	if err != nil {
		return "", err
	}
	kid := jws.Signatures[0].Protected.KeyID
	key, err := v.PublicKey(ctx, kid)
	if err != nil {
		return kid, err
	}
	_, err = jws.Verify(key.Key)
	return kid, err
}

// mustSign signs a fixed payload.
func mustSign(t testing.TB, s *Signer) string {
	t.Helper()
	tok, err := s.Sign(t.Context(), []byte(`{"sub":"test"}`))
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	return tok
}

// kidOf returns the kid of a signed token.
func kidOf(t testing.TB, tok string) string {
	t.Helper()
	jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.ES256, jose.RS256})
	if err != nil {
		t.Fatalf("parse token: %v", err)
	}
	return jws.Signatures[0].Protected.KeyID
}

// storedKeys returns the stored set, sorted.
func storedKeys(t testing.TB, store storage.Keys) []storage.SigningKey {
	t.Helper()
	keys, err := store.SigningKeys(t.Context())
	if err != nil {
		t.Fatalf("SigningKeys: %v", err)
	}
	sortKeys(keys)
	return keys
}

// jwksIDs returns the kids of s's JWKS.
func jwksIDs(t testing.TB, s *Signer) []string {
	t.Helper()
	set, err := s.PublicKeys(t.Context())
	if err != nil {
		t.Fatalf("PublicKeys: %v", err)
	}
	var ids []string
	for _, k := range set.Keys {
		ids = append(ids, k.KeyID)
	}
	return ids
}

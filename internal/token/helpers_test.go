package token_test

import (
	"testing"
	"time"

	"latch.dev/latch/internal/signer"
	"latch.dev/latch/internal/signer/signertest"
	"latch.dev/latch/internal/testutil/fakeclock"
	"latch.dev/latch/internal/token"
)

const (
	issuer   = "https://latch.example.com"
	audience = "https://latch.example.com"
	subject  = "0123456789abcdef0123456789abcdef01234567/0123456789abcdef"
	group    = "0123456789abcdef0123456789abcdef01234567"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fixture is one issuer: a key store, a signer, a minter and a verifier
// sharing a clock.
type fixture struct {
	clock    *fakeclock.Clock
	store    *signertest.Keys
	signer   *signer.Signer
	minter   *token.Minter
	verifier *token.Verifier
}

func newFixture(t testing.TB, alg string) *fixture {
	t.Helper()
	f := &fixture{clock: fakeclock.New(t0), store: signertest.NewKeys()}
	var err error
	f.signer, err = signer.New(signer.Config{Keys: f.store, Algorithm: alg, Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.signer.Maintain(t.Context()); err != nil {
		t.Fatal(err)
	}
	f.minter, err = token.NewMinter(token.MinterConfig{Issuer: issuer, Signer: f.signer, Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	f.verifier, err = token.NewVerifier(token.VerifierConfig{Issuer: issuer, Audience: audience, Keys: f.signer, Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// awsClaims are the claims of a typical AWS exchange.
func awsClaims() token.Claims {
	return token.Claims{
		Subject:  subject,
		Audience: []string{audience},
		Actor: &token.Actor{
			Issuer:     "https://sts.amazonaws.com",
			Subject:    "arn:aws:sts::123456789012:assumed-role/ci/i-0abc",
			AWSAccount: "123456789012",
			AWSUserID:  "AROAEXAMPLE:i-0abc",
		},
		Kind: token.KindAWS,
	}
}

func (f *fixture) mint(t testing.TB, c token.Claims) token.Token {
	t.Helper()
	tok, err := f.minter.Mint(t.Context(), c)
	if err != nil {
		t.Fatalf("Mint: %v", err)
	}
	return tok
}

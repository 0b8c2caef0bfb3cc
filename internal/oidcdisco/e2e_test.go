package oidcdisco_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/oidcdisco"
	"latch.dev/latch/internal/signer"
	"latch.dev/latch/internal/signer/signertest"
	"latch.dev/latch/internal/testutil/fakeclock"
	"latch.dev/latch/internal/token"
	"latch.dev/latch/internal/token/tokentest"
)

const (
	audience = "https://api.example.com"
	subject  = "0123456789abcdef0123456789abcdef01234567/0123456789abcdef"
)

// issuer is a latch issuer served over HTTP, and a go-oidc relying party
// that discovered it.
type issuer struct {
	url      string
	clock    *fakeclock.Clock
	signer   *signer.Signer
	minter   *token.Minter
	verifier *token.Verifier
	provider *oidc.Provider
}

func newIssuer(t *testing.T, alg string) *issuer {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	iss := &issuer{url: "http://" + srv.Listener.Addr().String(), clock: fakeclock.New(t0)}
	var err error
	iss.signer, err = signer.New(signer.Config{Keys: signertest.NewKeys(), Algorithm: alg, Now: iss.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := iss.signer.Maintain(t.Context()); err != nil {
		t.Fatal(err)
	}
	iss.minter, err = token.NewMinter(token.MinterConfig{Issuer: iss.url, Signer: iss.signer, Now: iss.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	iss.verifier, err = token.NewVerifier(token.VerifierConfig{Issuer: iss.url, Audience: audience, Keys: iss.signer, Now: iss.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	h, err := oidcdisco.New(oidcdisco.Config{Issuer: iss.url, Keys: iss.signer})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)

	iss.provider, err = oidc.NewProvider(oidc.ClientContext(t.Context(), srv.Client()), iss.url)
	if err != nil {
		t.Fatalf("go-oidc discovery: %v", err)
	}
	return iss
}

func (iss *issuer) mint(t *testing.T, aud string) string {
	t.Helper()
	tok, err := iss.minter.Mint(t.Context(), token.Claims{
		Subject:  subject,
		Audience: []string{aud},
		Actor:    &token.Actor{Issuer: "https://sts.amazonaws.com", Subject: "arn:aws:iam::123456789012:user/ci", AWSAccount: "123456789012", AWSUserID: "AIDAEXAMPLE"},
		Kind:     token.KindAWS,
	})
	if err != nil {
		t.Fatalf("Mint: %v", err)
	}
	return tok.Raw
}

// goOIDC verifies raw as a relying party whose client ID is clientID.
func (iss *issuer) goOIDC(ctx context.Context, clientID, raw string) (*oidc.IDToken, error) {
	return iss.provider.Verifier(&oidc.Config{ClientID: clientID, Now: iss.clock.Now}).Verify(ctx, raw)
}

func TestGoOIDCVerifiesLatchTokens(t *testing.T) {
	t.Parallel()
	for _, alg := range []string{signer.ES256, signer.RS256} {
		t.Run("with "+alg, func(t *testing.T) {
			t.Parallel()
			testGoOIDC(t, alg)
		})
	}
}

func testGoOIDC(t *testing.T, alg string) {
	tests := []struct {
		name     string
		token    func(*testing.T, *issuer) string
		clientID string        // the relying party's; audience when empty
		advance  time.Duration // the clock moves before verifying
		ours     error         // what token.Verifier reports; nil for success
		theirs   string        // part of go-oidc's error; "" for success
	}{
		{
			name:  "a minted token verifies",
			token: func(t *testing.T, iss *issuer) string { return iss.mint(t, audience) },
		},
		{
			name:     "a relying party with another client ID refuses it",
			token:    func(t *testing.T, iss *issuer) string { return iss.mint(t, "https://other.example.com") },
			clientID: audience,
			ours:     token.ErrWrongAudience,
			theirs:   "expected audience",
		},
		{
			name:    "an expired token is refused",
			token:   func(t *testing.T, iss *issuer) string { return iss.mint(t, audience) },
			advance: 2 * time.Hour,
			ours:    token.ErrExpired,
			theirs:  "token is expired",
		},
		{
			name: "a token naming another issuer is refused",
			token: func(t *testing.T, iss *issuer) string {
				m, err := token.NewMinter(token.MinterConfig{Issuer: "https://evil.example.com", Signer: iss.signer, Now: iss.clock.Now})
				if err != nil {
					t.Fatal(err)
				}
				tok, err := m.Mint(t.Context(), token.Claims{Subject: subject, Audience: []string{audience}})
				if err != nil {
					t.Fatal(err)
				}
				return tok.Raw
			},
			ours:   token.ErrWrongIssuer,
			theirs: "issued by a different provider",
		},
		{
			name: "a token with a tampered payload is refused",
			token: func(t *testing.T, iss *issuer) string {
				tok, err := tokentest.Tamper(iss.mint(t, audience), func(c map[string]any) { c["sub"] = subject[:40] })
				if err != nil {
					t.Fatal(err)
				}
				return tok
			},
			ours:   token.ErrSignature,
			theirs: "failed to verify",
		},
		{
			name: "an unsigned alg none token is refused",
			token: func(t *testing.T, iss *issuer) string {
				return tokentest.AlgNone(payloadOf(t, iss.mint(t, audience)), currentKID(t, iss))
			},
			ours:   token.ErrMalformed,
			theirs: "malformed jwt",
		},
		{
			name: "an HS256 token keyed with the public key is refused",
			token: func(t *testing.T, iss *issuer) string {
				kid := currentKID(t, iss)
				k, err := iss.signer.PublicKey(t.Context(), kid)
				if err != nil {
					t.Fatal(err)
				}
				tok, err := tokentest.HS256WithPublicKey(payloadOf(t, iss.mint(t, audience)), kid, k.Key)
				if err != nil {
					t.Fatal(err)
				}
				return tok
			},
			ours:   token.ErrMalformed,
			theirs: "malformed jwt",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			iss := newIssuer(t, alg)
			raw := tt.token(t, iss)
			iss.clock.Advance(tt.advance)
			clientID := tt.clientID
			if clientID == "" {
				clientID = audience
			}

			idt, err := iss.goOIDC(t.Context(), clientID, raw)
			switch {
			case tt.theirs == "" && err != nil:
				t.Errorf("go-oidc: %v", err)
			case tt.theirs == "" && idt.Subject != subject:
				t.Errorf("go-oidc subject = %q", idt.Subject)
			case tt.theirs != "" && (err == nil || !strings.Contains(err.Error(), tt.theirs)):
				t.Errorf("go-oidc error = %v, want one containing %q", err, tt.theirs)
			}

			_, err = iss.verifier.Verify(t.Context(), raw)
			switch {
			case tt.ours == nil && err != nil:
				t.Errorf("token.Verifier: %v", err)
			case tt.ours != nil && (!errors.Is(err, tt.ours) || !errs.Is(err, errs.Unauthenticated)):
				t.Errorf("token.Verifier error = %v, want unauthenticated %v", err, tt.ours)
			}
		})
	}
	t.Run("the actor claim reaches the relying party", func(t *testing.T) {
		t.Parallel()
		iss := newIssuer(t, alg)
		idt, err := iss.goOIDC(t.Context(), audience, iss.mint(t, audience))
		if err != nil {
			t.Fatal(err)
		}
		var c token.Claims
		if err := idt.Claims(&c); err != nil {
			t.Fatal(err)
		}
		if c.Actor == nil || c.Actor.AWSAccount != "123456789012" || c.Kind != token.KindAWS || c.ID == "" {
			t.Errorf("claims = %+v", c)
		}
	})
}

func TestGoOIDCFollowsARotation(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t, signer.ES256)
	old := iss.mint(t, audience)
	if _, err := iss.goOIDC(t.Context(), audience, old); err != nil {
		t.Fatalf("before rotation: %v", err)
	}

	// Two rotations: the key that signs now was created after go-oidc
	// cached the JWKS, so go-oidc must refetch on the unknown kid.
	for range 2 {
		iss.clock.Advance(10 * time.Second)
		if err := iss.signer.Rotate(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	fresh := iss.mint(t, audience)
	if currentKID(t, iss) == kidOf(t, old) {
		t.Fatal("the key did not change")
	}
	for name, raw := range map[string]string{"a token from before the rotation": old, "a token from after it": fresh} {
		if _, err := iss.goOIDC(t.Context(), audience, raw); err != nil {
			t.Errorf("%s: go-oidc: %v", name, err)
		}
		if _, err := iss.verifier.Verify(t.Context(), raw); err != nil {
			t.Errorf("%s: token.Verifier: %v", name, err)
		}
	}
}

// payloadOf returns the decoded payload of a compact JWS.
func payloadOf(t *testing.T, raw string) []byte {
	t.Helper()
	var out []byte
	_, err := tokentest.Tamper(raw, func(c map[string]any) {
		out, _ = json.Marshal(c)
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// kidOf returns the kid in a compact JWS's header.
func kidOf(t *testing.T, raw string) string {
	t.Helper()
	header, _, _ := strings.Cut(raw, ".")
	var h struct {
		Kid string `json:"kid"`
	}
	b, err := decodeSegment(header)
	if err == nil {
		err = json.Unmarshal(b, &h)
	}
	if err != nil {
		t.Fatal(err)
	}
	return h.Kid
}

// currentKID returns the kid the issuer signs with now.
func currentKID(t *testing.T, iss *issuer) string {
	t.Helper()
	return kidOf(t, iss.mint(t, audience))
}

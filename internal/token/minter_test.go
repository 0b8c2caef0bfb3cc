package token_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/token"
)

// stubSigner signs nothing; it is enough to check a minter's settings.
type stubSigner struct{ max time.Duration }

func (s stubSigner) Sign(context.Context, []byte) (string, error) { return "x.y.z", nil }
func (s stubSigner) MaxTokenLifetime() time.Duration              { return s.max }

func TestNewMinterChecksTheConfiguration(t *testing.T) {
	t.Parallel()
	sig := stubSigner{max: 12 * time.Hour}
	tests := []struct {
		name    string
		cfg     token.MinterConfig
		wantErr string
	}{
		{"an issuer and a signer are all it takes", token.MinterConfig{Issuer: issuer, Signer: sig}, ""},
		{"a loopback http issuer is fine for development", token.MinterConfig{Issuer: "http://127.0.0.1:8080", Signer: sig}, ""},
		{"an issuer with a path is fine", token.MinterConfig{Issuer: "https://example.com/latch", Signer: sig}, ""},
		{"an issuer ending in a slash is refused", token.MinterConfig{Issuer: issuer + "/", Signer: sig}, "slash"},
		{"an issuer with a query is refused", token.MinterConfig{Issuer: issuer + "?a=b", Signer: sig}, "query"},
		{"a relative issuer is refused", token.MinterConfig{Issuer: "latch.example.com", Signer: sig}, "https"},
		{"a missing signer is refused", token.MinterConfig{Issuer: issuer}, "Signer is required"},
		{"a day-long maximum is refused", token.MinterConfig{Issuer: issuer, Signer: sig, MaxLifetime: 24 * time.Hour}, "maximum lifetime"},
		{"a maximum beyond what the signer's keys allow is refused", token.MinterConfig{Issuer: issuer, Signer: stubSigner{max: time.Hour}, MaxLifetime: 2 * time.Hour}, "maximum lifetime"},
		{"a lifetime above the maximum is refused", token.MinterConfig{Issuer: issuer, Signer: sig, Lifetime: 2 * time.Hour, MaxLifetime: time.Hour}, "lifetime 2h0m0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := token.NewMinter(tt.cfg)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("NewMinter: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("NewMinter error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestMintFillsTheIssuersClaims(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "")
	in := awsClaims()
	in.Audience = []string{audience, "cgr.dev", audience}
	in.Capabilities = []iam.Capability{iam.CapIdentityList, iam.CapGroupsList, iam.CapIdentityList}
	in.Scopes = []string{group + "/00000000000000ff", group}
	tok := f.mint(t, in)

	want := in
	want.Issuer = issuer
	want.Audience = []string{audience, "cgr.dev"}
	want.Capabilities = []iam.Capability{iam.CapGroupsList, iam.CapIdentityList}
	want.Scopes = []string{group, group + "/00000000000000ff"}
	want.IssuedAt, want.NotBefore, want.Expiry = t0, t0, t0.Add(time.Hour)
	want.ID = tok.Claims.ID
	if diff := cmp.Diff(want, tok.Claims); diff != "" {
		t.Errorf("minted claims (-want +got):\n%s", diff)
	}
	if len(tok.Claims.ID) < 22 || tok.Expiry() != t0.Add(time.Hour) {
		t.Errorf("jti %q, expiry %v: want a 128-bit jti and an expiry in an hour", tok.Claims.ID, tok.Expiry())
	}
	got, err := f.verifier.Verify(t.Context(), tok.Raw)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("verified claims (-want +got):\n%s", diff)
	}
	if again := f.mint(t, awsClaims()); again.Claims.ID == tok.Claims.ID {
		t.Error("two tokens have the same jti")
	}
}

func TestMintRefusesBadClaims(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "")
	tests := []struct {
		name     string
		edit     func(*token.Claims)
		wantKind errs.Kind
		wantMsg  string
	}{
		{"an expiry within the maximum is granted", func(c *token.Claims) { c.Expiry = t0.Add(12 * time.Hour) }, -1, ""},
		{"an expiry past the maximum is refused", func(c *token.Claims) { c.Expiry = t0.Add(12*time.Hour + time.Second) }, errs.Invalid, "at most 12h"},
		{"an expiry in the past is refused", func(c *token.Claims) { c.Expiry = t0.Add(-time.Second) }, errs.Invalid, "not in the future"},
		{"no audience is refused", func(c *token.Claims) { c.Audience = nil }, errs.Invalid, "at least one audience"},
		{"an empty audience is refused", func(c *token.Claims) { c.Audience = []string{""} }, errs.Invalid, "must not be empty"},
		{"an unknown capability is refused", func(c *token.Claims) { c.Capabilities = []iam.Capability{"root.everything"} }, errs.Invalid, "unknown capability"},
		{"a scope that is not a group ID is refused", func(c *token.Claims) { c.Scopes = []string{"acme.dev"} }, errs.Invalid, "not a group ID"},
		{"a subject that is not a UIDP is a bug", func(c *token.Claims) { c.Subject = "alice" }, errs.Internal, ""},
		{"another issuer is a bug", func(c *token.Claims) { c.Issuer = "https://evil.example.com" }, errs.Internal, ""},
		{"a preset jti is a bug", func(c *token.Claims) { c.ID = "chosen" }, errs.Internal, ""},
		{"an actor extra that shadows a member is a bug", func(c *token.Claims) { c.Actor.Extra = map[string]any{"sub": "x"} }, errs.Internal, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := awsClaims()
			tt.edit(&c)
			_, err := f.minter.Mint(t.Context(), c)
			if tt.wantKind < 0 {
				if err != nil {
					t.Fatalf("Mint: %v", err)
				}
				return
			}
			if err == nil || errs.KindOf(err) != tt.wantKind || !strings.Contains(errs.Message(err)+err.Error(), tt.wantMsg) {
				t.Fatalf("Mint error = %v (kind %v), want kind %v containing %q", err, errs.KindOf(err), tt.wantKind, tt.wantMsg)
			}
		})
	}
}

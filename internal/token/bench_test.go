package token_test

import (
	"testing"
)

func BenchmarkMintES256(b *testing.B) {
	f := newFixture(b, "")
	c := awsClaims()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.minter.Mint(b.Context(), c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyES256(b *testing.B) {
	f := newFixture(b, "")
	raw := f.mint(b, awsClaims()).Raw
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.verifier.Verify(b.Context(), raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyRS256(b *testing.B) {
	f := newFixture(b, "RS256")
	raw := f.mint(b, awsClaims()).Raw
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.verifier.Verify(b.Context(), raw); err != nil {
			b.Fatal(err)
		}
	}
}

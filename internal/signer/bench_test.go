package signer

import (
	"testing"

	"latch.dev/latch/internal/signer/signertest"
	"latch.dev/latch/internal/testutil/fakeclock"
)

// benchPayload is the size and shape of a typical token's claims.
var benchPayload = []byte(`{"iss":"https://latch.example.com","sub":"0123456789abcdef0123456789abcdef01234567/0123456789abcdef",` +
	`"aud":["https://latch.example.com"],"iat":1772366400,"nbf":1772366400,"exp":1772370000,"jti":"q3Hk1m5JxG0yq6pPz8f6VQ",` +
	`"act":{"iss":"https://sts.amazonaws.com","sub":"arn:aws:sts::123456789012:assumed-role/ci/i-0abc","aws_account":"123456789012",` +
	`"aws_user_id":"AROAEXAMPLE:i-0abc"},"kind":"aws"}`)

func benchmarkSign(b *testing.B, alg string, parallel bool) {
	store, clock := signertest.NewKeys(), fakeclock.New(t0)
	s := newTestSigner(b, store, clock, func(c *Config) { c.Algorithm = alg })
	if err := s.Maintain(b.Context()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	if parallel {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := s.Sign(b.Context(), benchPayload); err != nil {
					b.Error(err)
					return
				}
			}
		})
		return
	}
	for b.Loop() {
		if _, err := s.Sign(b.Context(), benchPayload); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSignES256(b *testing.B)         { benchmarkSign(b, ES256, false) }
func BenchmarkSignRS256(b *testing.B)         { benchmarkSign(b, RS256, false) }
func BenchmarkSignES256Parallel(b *testing.B) { benchmarkSign(b, ES256, true) }
func BenchmarkSignRS256Parallel(b *testing.B) { benchmarkSign(b, RS256, true) }

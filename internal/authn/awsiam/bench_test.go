package awsiam

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// seedProof reads a committed fuzz seed: a real proof.
func seedProof(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzDecodeProof", name))
	if err != nil {
		tb.Fatal(err)
	}
	_, quoted, _ := strings.Cut(strings.TrimSpace(string(b)), "\nstring(")
	p, err := strconv.Unquote(strings.TrimSuffix(quoted, ")"))
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func BenchmarkDecodeProof(b *testing.B) {
	lim := Limits{}.withDefaults()
	for _, name := range []string{"curl-http2", "curl-http1.1", "go-req-write"} {
		b.Run(name, func(b *testing.B) {
			proof := seedProof(b, name)
			b.SetBytes(int64(len(proof)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := decodeProof(proof, lim); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchRig is a rig without replay protection (so one proof can be
// verified over and over) and without logging.
func benchRig(b *testing.B) *rig {
	return newRig(b, withConfig(func(_ *rig, c *Config) {
		c.Replay, c.DisableReplayProtection = nil, true
		c.Logger = slog.New(slog.DiscardHandler)
	}))
}

func BenchmarkVerifyAgainstFakeSTS(b *testing.B) {
	r := benchRig(b)
	proof := r.sign(b, testNow)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.v.Verify(ctx, proof, testIdentity); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyAgainstFakeSTSParallel(b *testing.B) {
	r := benchRig(b)
	proof := r.sign(b, testNow)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := r.v.Verify(ctx, proof, testIdentity); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkLocalChecks is everything before the replay claim and STS.
func BenchmarkLocalChecks(b *testing.B) {
	r := benchRig(b)
	proof := r.sign(b, testNow)
	lim := Limits{}.withDefaults()
	b.ReportAllocs()
	for b.Loop() {
		req, err := decodeProof(proof, lim)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.v.checkProof(req, testIdentity, testNow); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeBase64 compares decodeBase64's quick path, which every
// well-formed proof takes, with the character-by-character check.
func BenchmarkDecodeBase64(b *testing.B) {
	proof := seedProof(b, "go-req-write")
	for _, c := range []struct {
		name   string
		decode func(string) ([]byte, error)
	}{{"quick", decodeBase64}, {"checked", checkedDecodeBase64}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(proof)))
			for b.Loop() {
				if _, err := c.decode(proof); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package awsiam

import (
	"encoding/base64"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"latch.dev/latch/internal/errs"
)

// FuzzDecodeProof checks that the decoder never panics or hangs, that it
// refuses only with decode refusals, and that whatever it accepts means
// the same thing after being written back out and encoded again in either
// alphabet (so two parsers of one proof cannot disagree). Every accepted
// request also goes through the local checks, which must not panic
// either. Seeds in testdata/fuzz/FuzzDecodeProof are real curl HTTP/2 and
// HTTP/1.1 dumps and a Go req.Write proof.
func FuzzDecodeProof(f *testing.F) {
	for _, raw := range []string{
		"POST /?" + gciQuery + " HTTP/1.1\r\nHost: sts.amazonaws.com\r\n\r\n",
		"POST /?" + gciQuery + " HTTP/2\nHost: sts.amazonaws.com\nx-amz-date: 20261125T173911Z\n\n",
		"GET / HTTP/1.1\r\nA: b\r\n\r\nbody",
		"POST https://evil.com/ HTTP/1.1\r\nHost: sts.amazonaws.com\r\n\r\n",
	} {
		f.Add(base64.StdEncoding.EncodeToString([]byte(raw)))
		f.Add(base64.RawURLEncoding.EncodeToString([]byte(raw)))
	}
	f.Add("")
	f.Add("====")
	f.Add("a+b-")
	lim := Limits{}.withDefaults()
	v := fuzzVerifier(f)
	f.Fuzz(func(t *testing.T, proof string) {
		req, err := decodeProof(proof, lim)
		if err != nil {
			if FailedCheck(err) != CheckDecode || errs.KindOf(err) != errs.Unauthenticated {
				t.Fatalf("decode refused with %s/%s: %v", FailedCheck(err), errs.KindOf(err), err)
			}
			if msg := errs.Message(err); !utf8.ValidString(msg) {
				t.Fatalf("the refusal message is not UTF-8: %q", msg)
			}
			return
		}
		checkDecoded(t, v, req)
	})
}

// FuzzParseRequest fuzzes the request text directly, so mutations explore
// HTTP framing instead of mostly breaking the base64. It is seeded with
// the decoded FuzzDecodeProof seeds.
func FuzzParseRequest(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzDecodeProof", "*"))
	for _, name := range files {
		raw, err := decodeBase64(seedProof(f, filepath.Base(name)))
		if err != nil {
			f.Fatalf("seed %s: %v", name, err)
		}
		f.Add(raw)
	}
	lim := Limits{}.withDefaults()
	v := fuzzVerifier(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		req, err := parseRequest(raw, lim)
		if err != nil {
			if FailedCheck(err) != CheckDecode {
				t.Fatalf("parse refused with %s: %v", FailedCheck(err), err)
			}
			return
		}
		checkDecoded(t, v, req)
	})
}

// fuzzVerifier accepts every kind of endpoint, so the local checks get as
// far as possible; it never does I/O because only checkProof is called.
func fuzzVerifier(f *testing.F) *Verifier {
	v, err := New(Config{
		Audiences:               []string{testAudience},
		DisableReplayProtection: true,
		Endpoints: EndpointConfig{
			Partitions: []string{PartitionAWS, PartitionAWSCN, PartitionAWSUSGov},
			Regional:   true,
			FIPS:       true,
			Custom:     []CustomEndpoint{{URL: "https://127.0.0.1:38493"}},
		},
	})
	if err != nil {
		f.Fatal(err)
	}
	return v
}

// checkDecoded asserts the properties of an accepted request: writing it
// back and decoding it again, in either alphabet, gives the same request,
// and the local checks run without panicking.
func checkDecoded(t *testing.T, v *Verifier, req *proofRequest) {
	t.Helper()
	// Writing a request back may add a space after each colon; nothing
	// else grows.
	lim := Limits{}.withDefaults()
	again := Limits{MaxProofBytes: 1 << 30, MaxHeaders: lim.MaxHeaders, MaxHeaderBytes: lim.MaxHeaderBytes + 1}
	out := req.encode()
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawURLEncoding} {
		req2, err := decodeProof(enc.EncodeToString(out), again)
		if err != nil {
			t.Fatalf("the re-encoded request %q was refused: %v", out, err)
		}
		if diff := cmp.Diff(req, req2, cmp.AllowUnexported(proofRequest{}, header{})); diff != "" {
			t.Fatalf("re-encoding changed the request (-first +second):\n%s", diff)
		}
	}
	if _, err := v.checkProof(req, testIdentity, testNow); err != nil && FailedCheck(err) == "" {
		t.Fatalf("a local check failed without naming itself: %v", err)
	}
}

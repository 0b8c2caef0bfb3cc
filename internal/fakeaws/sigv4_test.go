package fakeaws

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// rewriteAuthorization edits the Authorization header after signing.
func rewriteAuthorization(edit func(string) string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", edit(r.Header.Get("Authorization"))) }
}

func TestSTSVerifiesSignaturesLikeSTS(t *testing.T) {
	t.Parallel()
	signatureRE := regexp.MustCompile(`, Signature=[0-9a-f]{64}`)
	f := newFixture(t)
	regional := newFixture(t, func(o *STSOptions) { o.Regions = []string{"eu-west-1"} })
	type tc struct {
		name   string
		sts    *fixture
		spec   func() signSpec
		after  func(*http.Request)
		status int
		code   string
		msg    string
	}
	proof := func() signSpec { return proofSpec(f.temp, testNow) }
	cases := []tc{
		{name: "a correctly signed latch proof is accepted", spec: proof, status: 200},
		{name: "a proof signed exactly 15 minutes ago is still accepted",
			spec: func() signSpec { s := proof(); s.at = testNow.Add(-15 * time.Minute); return s }, status: 200},
		{name: "a proof dated exactly 15 minutes ahead is still accepted",
			spec: func() signSpec { s := proof(); s.at = testNow.Add(15 * time.Minute); return s }, status: 200},
		{name: "an unsigned header added after signing is ignored, as STS ignores it",
			spec: proof, after: func(r *http.Request) { r.Header.Set("Chainguard-Extra", "x") }, status: 200},
		{name: "a request signed for the emulator's region is accepted by a regional emulator", sts: regional,
			spec: func() signSpec { s := proofSpec(regional.temp, testNow); s.region = "eu-west-1"; return s }, status: 200},

		{name: "a request signed with the wrong secret does not match",
			spec:   func() signSpec { s := proof(); s.creds.SecretAccessKey = "wrong"; return s },
			status: 403, code: "SignatureDoesNotMatch", msg: "The request signature we calculated does not match"},
		{name: "an unknown access key is an invalid client token",
			spec:   func() signSpec { s := proof(); s.creds.AccessKeyID = "ASIAUNKNOWNKEY000000"; return s },
			status: 403, code: "InvalidClientTokenId", msg: "The security token included in the request is invalid."},
		{name: "an audience changed after signing does not match",
			spec: proof, after: func(r *http.Request) { r.Header.Set("Chainguard-Audience", "https://evil.example") },
			status: 403, code: "SignatureDoesNotMatch", msg: "does not match"},
		{name: "an identity changed after signing does not match",
			spec: proof, after: func(r *http.Request) { r.Header.Set("Chainguard-Identity", "attacker") },
			status: 403, code: "SignatureDoesNotMatch", msg: "does not match"},
		{name: "a signed header removed after signing does not match",
			spec: proof, after: func(r *http.Request) { r.Header.Del("Chainguard-Identity") },
			status: 403, code: "SignatureDoesNotMatch", msg: "does not match"},
		{name: "a host changed after signing does not match",
			spec: proof, after: func(r *http.Request) { r.Host = "sts.evil.example" },
			status: 403, code: "SignatureDoesNotMatch", msg: "does not match"},
		{name: "a query parameter added after signing does not match",
			spec: proof, after: func(r *http.Request) { r.URL.RawQuery += "&Extra=1" },
			status: 403, code: "SignatureDoesNotMatch", msg: "does not match"},
		{name: "a body swapped after signing does not match",
			spec: func() signSpec { return formSpec(f.temp, testNow) },
			after: func(r *http.Request) {
				b := gciQuery + "&Extra=1"
				r.Body, r.ContentLength = io.NopCloser(strings.NewReader(b)), int64(len(b))
			},
			status: 403, code: "SignatureDoesNotMatch", msg: "does not match"},
		{name: "an x-amz-content-sha256 that is not the body's hash is refused",
			spec: proof, after: func(r *http.Request) {
				sum := sha256.Sum256([]byte("other"))
				r.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(sum[:]))
			},
			status: 400, code: "XAmzContentSHA256Mismatch", msg: "x-amz-content-sha256"},
		{name: "a session token that was not signed is refused",
			spec:   func() signSpec { s := proof(); s.creds.SessionToken = ""; return s },
			after:  func(r *http.Request) { r.Header.Set("X-Amz-Security-Token", f.temp.SessionToken) },
			status: 403, code: "SignatureDoesNotMatch", msg: "X-Amz-Security-Token must be a signed header"},
		{name: "temporary credentials without their session token are an invalid client token",
			spec:   func() signSpec { s := proof(); s.creds.SessionToken = ""; return s },
			status: 403, code: "InvalidClientTokenId", msg: "invalid"},
		{name: "a wrong session token is an invalid client token",
			spec:   func() signSpec { s := proof(); s.creds.SessionToken = "bogus"; return s },
			status: 403, code: "InvalidClientTokenId", msg: "invalid"},
		{name: "a session token on a long-term key is an invalid client token",
			spec: func() signSpec {
				s := proofSpec(f.longTerm, testNow)
				s.creds.SessionToken = f.temp.SessionToken
				return s
			},
			status: 403, code: "InvalidClientTokenId", msg: "invalid"},
		{name: "expired credentials are an expired token",
			spec:   func() signSpec { return proofSpec(f.expired, testNow) },
			status: 403, code: "ExpiredToken", msg: "expired"},
		{name: "a proof signed 16 minutes ago has an expired signature",
			spec:   func() signSpec { s := proof(); s.at = testNow.Add(-16 * time.Minute); return s },
			status: 403, code: "SignatureDoesNotMatch",
			msg: "Signature expired: 20261125T172311Z is now earlier than 20261125T172411Z (20261125T173911Z - 15 min.)"},
		{name: "a proof dated 16 minutes ahead is not yet current",
			spec:   func() signSpec { s := proof(); s.at = testNow.Add(16 * time.Minute); return s },
			status: 403, code: "SignatureDoesNotMatch",
			msg: "Signature not yet current: 20261125T175511Z is still later than 20261125T175411Z (20261125T173911Z + 15 min.)"},
		{name: "a credential scoped to another service does not match",
			spec:   func() signSpec { s := proof(); s.service = "iam"; return s },
			status: 403, code: "SignatureDoesNotMatch", msg: "Credential should be scoped to correct service: 'sts'."},
		{name: "a credential scoped to a region the emulator does not serve does not match", sts: regional,
			spec:   func() signSpec { return proofSpec(regional.temp, testNow) },
			status: 403, code: "SignatureDoesNotMatch", msg: "Credential should be scoped to a valid region."},
		{name: "a scope date other than X-Amz-Date's day does not match",
			spec: proof, after: rewriteAuthorization(func(v string) string { return strings.Replace(v, "/20261125/", "/20261124/", 1) }),
			status: 403, code: "SignatureDoesNotMatch", msg: "'20261124' != '20261125', from '20261125T173911Z'"},
		{name: "signed headers without host are refused",
			spec: proof, after: rewriteAuthorization(func(v string) string { return strings.Replace(v, ";host;", ";", 1) }),
			status: 403, code: "SignatureDoesNotMatch", msg: "'Host' or ':authority' must be a 'SignedHeader'"},

		{name: "a request without Authorization is missing its token",
			spec: proof, after: func(r *http.Request) { r.Header.Del("Authorization") },
			status: 403, code: "MissingAuthenticationToken", msg: "Request is missing Authentication Token"},
		{name: "two Authorization headers are refused",
			spec: proof, after: func(r *http.Request) { r.Header.Add("Authorization", r.Header.Get("Authorization")) },
			status: 400, code: "IncompleteSignature", msg: "exactly one Authorization"},
		{name: "an Authorization without a Signature is incomplete",
			spec: proof, after: rewriteAuthorization(func(v string) string { return signatureRE.ReplaceAllString(v, "") }),
			status: 400, code: "IncompleteSignature", msg: "Authorization header requires 'Signature' parameter."},
		{name: "an Authorization without a Credential is incomplete",
			spec: proof, after: rewriteAuthorization(func(v string) string {
				return regexp.MustCompile(`Credential=[^,]*, `).ReplaceAllString(v, "")
			}),
			status: 400, code: "IncompleteSignature", msg: "Authorization header requires 'Credential' parameter."},
		{name: "an Authorization with two SignedHeaders is incomplete",
			spec: proof, after: rewriteAuthorization(func(v string) string { return v + ", SignedHeaders=host" }),
			status: 400, code: "IncompleteSignature", msg: "more than one 'SignedHeaders'"},
		{name: "an Authorization with an unknown part is incomplete",
			spec: proof, after: rewriteAuthorization(func(v string) string { return v + ", Foo=bar" }),
			status: 400, code: "IncompleteSignature", msg: "unknown parameter"},
		{name: "another signing algorithm is refused",
			spec: proof, after: rewriteAuthorization(func(v string) string {
				return strings.Replace(v, "AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256", 1)
			}),
			status: 400, code: "IncompleteSignature", msg: "Unsupported AWS 'algorithm'"},
		{name: "a credential scope without the aws4_request terminator is incomplete",
			spec: proof, after: rewriteAuthorization(func(v string) string { return strings.Replace(v, "/aws4_request", "/aws5_request", 1) }),
			status: 400, code: "IncompleteSignature", msg: "valid terminator"},
		{name: "a credential with too few parts is incomplete",
			spec: proof, after: rewriteAuthorization(func(v string) string { return strings.Replace(v, "/us-east-1/", "/", 1) }),
			status: 400, code: "IncompleteSignature", msg: "must have the form"},
		{name: "unsorted signed headers are incomplete",
			spec: proof, after: rewriteAuthorization(func(v string) string {
				return strings.Replace(v, "SignedHeaders=accept;chainguard-audience", "SignedHeaders=chainguard-audience;accept", 1)
			}),
			status: 400, code: "IncompleteSignature", msg: "sorted"},
		{name: "a short signature is incomplete",
			spec: proof, after: rewriteAuthorization(func(v string) string { return v[:len(v)-2] }),
			status: 400, code: "IncompleteSignature", msg: "64 lower-case hex"},
		{name: "a request without X-Amz-Date is incomplete",
			spec: proof, after: func(r *http.Request) { r.Header.Del("X-Amz-Date") },
			status: 400, code: "IncompleteSignature", msg: "'X-Amz-Date'"},
		{name: "a malformed X-Amz-Date is incomplete",
			spec: proof, after: func(r *http.Request) { r.Header.Set("X-Amz-Date", "2026-11-25T17:39:11Z") },
			status: 400, code: "IncompleteSignature", msg: "ISO-8601 'basic format'"},
		{name: "two X-Amz-Date headers are incomplete",
			spec: proof, after: func(r *http.Request) { r.Header.Add("X-Amz-Date", r.Header.Get("X-Amz-Date")) },
			status: 400, code: "IncompleteSignature", msg: "exactly one X-Amz-Date"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fx := f
			if c.sts != nil {
				fx = c.sts
			}
			r := newSignedRequest(t, c.spec())
			if c.after != nil {
				c.after(r)
			}
			w := serve(fx.sts, r)
			if c.status == http.StatusOK {
				if w.Code != http.StatusOK {
					t.Fatalf("status %d, body %s", w.Code, w.Body)
				}
				return
			}
			checkSTSError(t, w.Result(), c.status, c.code, c.msg)
		})
	}
}

func TestParseAuthorizationAcceptsWhatRealClientsSend(t *testing.T) {
	t.Parallel()
	sig := strings.Repeat("ab", 32)
	cases := []struct {
		name   string
		header string
		want   authorization
	}{
		{"curl and the SDK separate parts with a comma and a space",
			"AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + sig,
			authorization{accessKeyID: "AKID", date: "20261125", region: "us-east-1", service: "sts",
				signedHeaders: []string{"host", "x-amz-date"}, signedRaw: "host;x-amz-date", signature: sig}},
		{"a comma alone also separates parts",
			"AWS4-HMAC-SHA256 Credential=AKID/20261125/cn-north-1/sts/aws4_request,SignedHeaders=host,Signature=" + sig,
			authorization{accessKeyID: "AKID", date: "20261125", region: "cn-north-1", service: "sts",
				signedHeaders: []string{"host"}, signedRaw: "host", signature: sig}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseAuthorization(tc.header)
			if err != nil {
				t.Fatal(err)
			}
			if got.accessKeyID != tc.want.accessKeyID || got.date != tc.want.date || got.region != tc.want.region ||
				got.service != tc.want.service || got.signedRaw != tc.want.signedRaw || got.signature != tc.want.signature ||
				strings.Join(got.signedHeaders, ";") != strings.Join(tc.want.signedHeaders, ";") {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestRejectionsAreLoggedWithTheCanonicalRequestAtDebugLevel(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	f := newFixture(t, func(o *STSOptions) {
		o.Logger = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	r := newSignedRequest(t, proofSpec(f.temp, testNow))
	r.Header.Set("User-Agent", "odd-client/1.0")
	rewriteAuthorization(func(v string) string { return strings.Replace(v, ";host;", ";host;user-agent;", 1) })(r)
	checkSTSError(t, serve(f.sts, r).Result(), 403, "SignatureDoesNotMatch", "does not match")
	logged := buf.String()
	for _, want := range []string{"fake sts rejected request", "code=SignatureDoesNotMatch", "CANONICAL STRING",
		`the client signed \"user-agent\", which the SDK signer cannot reproduce`} {
		if !strings.Contains(logged, want) {
			t.Errorf("log lacks %q:\n%s", want, logged)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

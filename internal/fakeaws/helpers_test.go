package fakeaws

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"latch.dev/latch/internal/testutil/fakeclock"
)

// testNow is the fixed instant handler-level tests run at.
var testNow = time.Date(2026, 11, 25, 17, 39, 11, 0, time.UTC)

const (
	gciQuery    = "Action=GetCallerIdentity&Version=2011-06-15"
	emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	testAccount = "123456789012"
	testRegion  = "us-east-1"
	// Binding headers of a latch proof.
	testIdentity = "0123456789abcdef0123456789abcdef01234567/0123456789abcdef"
	testAudience = "https://latch.example.dev"
)

// seeded returns a deterministic random source, distinct per seed.
func seeded(seed byte) io.Reader {
	var s [32]byte
	s[0] = seed
	return rand.NewChaCha8(s)
}

// fixture is an STS emulator with a few registered principals.
type fixture struct {
	clock    *fakeclock.Clock
	reg      *Registry
	sts      *STS
	role     Principal   // assumed-role principal of temp
	temp     Credentials // temporary credentials (with a session token)
	user     Principal   // IAM user principal of longTerm
	longTerm Credentials
	expired  Credentials // temporary, already expired
}

func newFixture(t *testing.T, opts ...func(*STSOptions)) *fixture {
	t.Helper()
	f := &fixture{clock: fakeclock.New(testNow), reg: NewRegistry()}
	rnd := seeded(1)
	var err error
	f.role = must(AssumedRole(PartitionAWS, testAccount, "test-role", "AROAEXAMPLEROLEID0001", "i-0123456789abcdef0"))(t)
	f.user = must(IAMUser(PartitionAWS, testAccount, "", "alice", "AIDAEXAMPLEUSERID0001"))(t)
	f.temp = must(NewTemporaryCredentials(rnd, testNow.Add(time.Hour)))(t)
	f.longTerm = must(NewLongTermCredentials(rnd))(t)
	f.expired = must(NewTemporaryCredentials(rnd, testNow.Add(-time.Minute)))(t)
	for _, e := range []struct {
		c Credentials
		p Principal
	}{{f.temp, f.role}, {f.longTerm, f.user}, {f.expired, f.role}} {
		if err := f.reg.Add(e.c, e.p); err != nil {
			t.Fatal(err)
		}
	}
	o := STSOptions{Registry: f.reg, Now: f.clock.Now, Rand: seeded(2)}
	for _, fn := range opts {
		fn(&o)
	}
	if f.sts, err = NewSTS(o); err != nil {
		t.Fatal(err)
	}
	return f
}

// must turns a (value, error) pair into a value or a fatal test error:
// must(f())(t).
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// signSpec describes how a test request is built and signed.
type signSpec struct {
	method      string
	target      string // path and query
	body        string
	contentType string
	headers     map[string]string
	creds       aws.Credentials
	at          time.Time
	service     string
	region      string
}

// proofSpec is a latch-shaped proof: POST with the action in the query,
// an empty body, JSON wanted, binding headers signed.
func proofSpec(c Credentials, at time.Time) signSpec {
	return signSpec{
		method: http.MethodPost,
		target: "/?" + gciQuery,
		headers: map[string]string{
			"Accept":              "application/json",
			"Chainguard-Identity": testIdentity,
			"Chainguard-Audience": testAudience,
		},
		creds:   aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken},
		at:      at,
		service: "sts",
		region:  testRegion,
	}
}

// formSpec is the SDK/CLI shape: the action in a form body.
func formSpec(c Credentials, at time.Time) signSpec {
	s := proofSpec(c, at)
	s.target = "/"
	s.body = gciQuery
	s.contentType = "application/x-www-form-urlencoded; charset=utf-8"
	s.headers = map[string]string{}
	return s
}

// newSignedRequest builds a server-side request for spec, signed with the
// SDK signer, ready for ServeHTTP.
func newSignedRequest(t *testing.T, s signSpec) *http.Request {
	t.Helper()
	var body io.Reader
	if s.body != "" {
		body = strings.NewReader(s.body)
	}
	r := httptest.NewRequest(s.method, "http://sts.test"+s.target, body)
	if s.contentType != "" {
		r.Header.Set("Content-Type", s.contentType)
	}
	for k, v := range s.headers {
		r.Header.Set(k, v)
	}
	sum := sha256.Sum256([]byte(s.body))
	if err := v4.NewSigner().SignHTTP(context.Background(), s.creds, r, hex.EncodeToString(sum[:]), s.service, s.region, s.at); err != nil {
		t.Fatal(err)
	}
	return r
}

// serve runs one request through h and returns the recorded response.
func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// stsErrorOf decodes an STS error answer in either encoding.
func stsErrorOf(t *testing.T, res *http.Response) jsonError {
	t.Helper()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var e jsonError
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		mustUnmarshalJSON(t, body, &e)
		return e
	}
	var x xmlError
	mustUnmarshalXML(t, body, &x)
	e.Error.Code, e.Error.Message, e.Error.Type = x.Error.Code, x.Error.Message, x.Error.Type
	e.RequestID = x.RequestID
	return e
}

func mustUnmarshalJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode JSON %q: %v", b, err)
	}
}

func mustUnmarshalXML(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := xml.Unmarshal(b, v); err != nil {
		t.Fatalf("decode XML %q: %v", b, err)
	}
}

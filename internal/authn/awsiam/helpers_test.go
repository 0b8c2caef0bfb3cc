package awsiam

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/fakeaws"
	"latch.dev/latch/internal/testutil/fakeclock"
)

const (
	testIdentity = "0123456789abcdef0123456789abcdef01234567/0123456789abcdef"
	testAudience = "https://latch.example.dev"
	testAccount  = "123456789012"
)

// testNow is the instant most tests run at; the fake STS and the verifier
// share the clock, so proofs signed "now" are fresh for both.
var testNow = time.Date(2026, 11, 25, 17, 39, 11, 0, time.UTC)

// memReplay is an in-memory ReplayStore with the storage contract.
type memReplay struct {
	mu   sync.Mutex
	keys map[string]time.Time
}

func newMemReplay() *memReplay { return &memReplay{keys: map[string]time.Time{}} }

func (m *memReplay) ClaimProof(_ context.Context, key string, expires, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if exp, ok := m.keys[key]; ok && now.Before(exp) {
		return errs.New(errs.AlreadyExists, "proof %s already claimed", key)
	}
	m.keys[key] = expires
	return nil
}

// seenRequest is what the fake STS received.
type seenRequest struct {
	proto  string
	host   string
	header http.Header
	target string
}

// rig is a fake AWS over TLS, a verifier allowed to reach it as an
// operator endpoint, and a record of every request the fake STS received.
type rig struct {
	env      *fakeaws.Env
	clock    func() time.Time
	url      string // https://127.0.0.1:port
	host     string // 127.0.0.1:port, what proofs sign
	creds    aws.Credentials
	role     fakeaws.Principal
	replay   *memReplay
	v        *Verifier
	requests atomic.Int64

	mu   sync.Mutex
	seen []seenRequest
}

type rigOption func(*rigConfig)

type rigConfig struct {
	now      func() time.Time
	verifier func(*rig, *Config)
	names    []string
}

// withRealTime runs the rig on the real clock, for real clients (curl).
func withRealTime() rigOption { return func(c *rigConfig) { c.now = time.Now } }

// withConfig adjusts the verifier's configuration.
func withConfig(f func(*rig, *Config)) rigOption { return func(c *rigConfig) { c.verifier = f } }

// withTLSNames adds names to the fake STS certificate.
func withTLSNames(names ...string) rigOption {
	return func(c *rigConfig) { c.names = append(c.names, names...) }
}

func newRig(t testing.TB, opts ...rigOption) *rig {
	t.Helper()
	clk := fakeclock.New(testNow)
	rc := rigConfig{now: clk.Now}
	for _, o := range opts {
		o(&rc)
	}
	env, err := fakeaws.Start(fakeaws.Config{Now: rc.now, RoleName: "deploy", AccountID: testAccount})
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{env: env, clock: rc.now, replay: newMemReplay()}
	// Serve the same emulator behind a recorder, so tests see exactly what
	// the verifier forwarded.
	_ = env.STSServer.Close()
	record := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.seen = append(r.seen, seenRequest{proto: req.Proto, host: req.Host, header: req.Header.Clone(), target: req.RequestURI})
		r.mu.Unlock()
		env.STS.ServeHTTP(w, req)
	})
	env.STSServer, err = fakeaws.Serve(record, fakeaws.ServeOptions{CA: env.CA, Names: rc.names})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Close() })
	r.url = env.STSServer.URL
	r.host = strings.TrimPrefix(r.url, "https://")
	c := env.IMDS.Credentials()
	r.creds = aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}
	r.role = env.IMDS.Principal()

	cfg := Config{
		Audiences: []string{testAudience},
		Endpoints: EndpointConfig{Custom: []CustomEndpoint{{URL: r.url, RootCAs: env.CA.Pool()}}},
		Replay:    r.replay,
		Now:       rc.now,
		Logger:    slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug})),
		Jitter:    func(d time.Duration) time.Duration { return d / 2 },
	}
	if rc.verifier != nil {
		rc.verifier(r, &cfg)
	}
	r.v, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.v.CloseIdleConnections)
	return r
}

// stsRequests is how many requests the fake STS has received.
func (r *rig) stsRequests() int64 { return r.env.STS.Requests() }

func (r *rig) lastSeen(t *testing.T) seenRequest {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.seen) == 0 {
		t.Fatal("the fake STS saw no request")
	}
	return r.seen[len(r.seen)-1]
}

// publicTransport dials every *.amazonaws.com host to the fake STS, so
// proofs signed for real AWS host names exercise the public endpoint path.
func (r *rig) publicTransport() http.RoundTripper {
	addr := r.host
	d := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
		TLSClientConfig:   &tls.Config{RootCAs: r.env.CA.Pool(), MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2: true,
	}
}

// sign makes a proof with the package's own client.
func (r *rig) sign(t testing.TB, at time.Time) string {
	t.Helper()
	p, err := Sign(context.Background(), r.creds, r.url, "us-east-1", testIdentity, testAudience, at)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// spec describes a hand-built proof: signed headers are set before
// signing, unsigned ones after, and the request is serialized by hand so
// tests can write what Go's req.Write would refuse to.
type spec struct {
	method   string
	target   string
	host     string
	region   string
	service  string
	at       time.Time
	creds    aws.Credentials
	signed   [][2]string
	unsigned [][2]string
	body     string
	proto    string
}

func (r *rig) spec() spec {
	return spec{
		method:  "POST",
		target:  "/?" + gciQuery,
		host:    r.host,
		region:  "us-east-1",
		service: "sts",
		at:      r.clock(),
		creds:   r.creds,
		signed: [][2]string{
			{"Accept", "application/json"},
			{"Chainguard-Identity", testIdentity},
			{"Chainguard-Audience", testAudience},
		},
		proto: "HTTP/1.1",
	}
}

// without drops a signed header.
func (s spec) without(name string) spec {
	s.signed = slices.DeleteFunc(slices.Clone(s.signed), func(h [2]string) bool { return strings.EqualFold(h[0], name) })
	return s
}

// with replaces or adds a signed header.
func (s spec) with(name, value string) spec {
	s = s.without(name)
	s.signed = append(s.signed, [2]string{name, value})
	return s
}

// raw signs the spec with the SDK signer and returns the request text.
func (s spec) raw(t testing.TB) string {
	t.Helper()
	u := &url.URL{Scheme: "https", Host: "placeholder", Path: "/"}
	if path, q, ok := strings.Cut(s.target, "?"); ok && strings.HasPrefix(s.target, "/") {
		u.Path, u.RawQuery = path, q
	}
	req := &http.Request{Method: s.method, URL: u, Host: s.host, Header: http.Header{}}
	for _, h := range s.signed {
		req.Header.Add(h[0], h[1])
	}
	hash := emptySHA256
	if s.body != "" {
		hash = fmt.Sprintf("%x", sha256.Sum256([]byte(s.body)))
	}
	if err := v4.NewSigner().SignHTTP(context.Background(), s.creds, req, hash, s.service, s.region, s.at); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s\r\n", s.method, s.target, s.proto)
	fmt.Fprintf(&b, "Host: %s\r\n", s.host)
	for _, k := range slices.Sorted(mapKeys(req.Header)) {
		for _, v := range req.Header[k] {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	for _, h := range s.unsigned {
		fmt.Fprintf(&b, "%s: %s\r\n", h[0], h[1])
	}
	b.WriteString("\r\n")
	b.WriteString(s.body)
	return b.String()
}

// proof signs and encodes the spec (standard base64, like curl's pipeline).
func (s spec) proof(t testing.TB) string {
	return std(s.raw(t))
}

func std(raw string) string { return base64.StdEncoding.EncodeToString([]byte(raw)) }

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// decodeRaw returns the request text of a proof.
func decodeRaw(t testing.TB, proof string) string {
	t.Helper()
	b, err := decodeBase64(proof)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// wantRefusal checks that err is a refusal of the kind and check given,
// whose caller-facing message contains every string in want.
func wantRefusal(t *testing.T, err error, kind errs.Kind, check Check, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("the proof was accepted; want a %s refusal by the %s check", kind, check)
	}
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *errs.Error", err, err)
	}
	msg := errs.Message(err)
	if errs.KindOf(err) != kind || FailedCheck(err) != check {
		t.Fatalf("refused as %s by the %q check, want %s by %q: %s\ncause: %v", errs.KindOf(err), FailedCheck(err), kind, check, msg, err)
	}
	t.Logf("%s (%s, %s check)", msg, kind, check)
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q does not mention %q", msg, w)
		}
	}
}

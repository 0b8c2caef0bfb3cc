package service

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"latch.dev/latch/internal/authn"
	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
	"latch.dev/latch/internal/testutil/fakeclock"
	"latch.dev/latch/internal/token"
)

const (
	testIssuer   = "https://latch.example"
	testIdentity = "0123456789abcdef0123456789abcdef01234567/0123456789abcdef"
)

// touchStore holds one AWS identity and records the exchange's writes.
// Methods the exchange does not call are left to the embedded nil
// interface and would panic.
type touchStore struct {
	storage.Store
	mu      sync.Mutex
	id      iam.Identity
	touches []time.Time
	events  []iam.Event
}

func (s *touchStore) Identity(_ context.Context, id string) (iam.Identity, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id != s.id.ID {
		return iam.Identity{}, errs.New(errs.NotFound, "no identity %s", id)
	}
	return s.id, nil
}

func (s *touchStore) TouchIdentity(_ context.Context, id string, t time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.touches = append(s.touches, t)
	if id == s.id.ID && t.After(s.id.LastSeen) {
		s.id.LastSeen = t
	}
	return nil
}

func (s *touchStore) AppendEvent(_ context.Context, e iam.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, e)
	return nil
}

// acceptAll is an AWS authenticator that accepts any proof "proof".
type acceptAll struct{}

func (acceptAll) Kind() iam.IdentityKind  { return iam.KindAWS }
func (acceptAll) Accepts(raw string) bool { return raw == "proof" }
func (acceptAll) Authenticate(context.Context, string, iam.Identity) (authn.Result, error) {
	return authn.Result{Subject: "arn:aws:sts::123456789012:assumed-role/deploy/i-1"}, nil
}

// fixedSigner "signs" by returning a constant compact JWS.
type fixedSigner struct{}

func (fixedSigner) Sign(context.Context, []byte) (string, error) { return "h.p.s", nil }
func (fixedSigner) MaxTokenLifetime() time.Duration              { return 24 * time.Hour }

// noKeys publishes no keys; the test verifies no latch token.
type noKeys struct{}

func (noKeys) PublicKey(context.Context, string) (jose.JSONWebKey, error) {
	return jose.JSONWebKey{}, errs.New(errs.NotFound, "no keys")
}

func TestAnExchangeRecordsLastUseAtMostOnceAMinute(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 31, 8, 0, 0, 0, time.UTC)
	clock := fakeclock.New(start)

	st := &touchStore{id: iam.Identity{ID: testIdentity, Name: "deploy",
		AWS: &iam.AWSIdentity{Account: "123456789012", ARNPattern: ".+", UserIDPattern: ".+"}}}
	minter, err := token.NewMinter(token.MinterConfig{Issuer: testIssuer, Signer: fixedSigner{}, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := token.NewVerifier(token.VerifierConfig{Issuer: testIssuer, Audience: testIssuer, Keys: noKeys{}})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(Config{Store: st, Issuer: testIssuer, Now: clock.Now, Minter: minter, Verifier: verifier,
		Authn: authn.NewRegistry(acceptAll{})})
	if err != nil {
		t.Fatal(err)
	}
	exchange := func() {
		t.Helper()
		if _, err := svc.Exchange(t.Context(), ExchangeRequest{Proof: "proof", Identity: testIdentity}); err != nil {
			t.Fatal(err)
		}
	}

	exchange() // never used before: recorded
	clock.Advance(30 * time.Second)
	exchange() // used 30 s ago: not written again
	clock.Advance(30 * time.Second)
	exchange() // used a minute ago: recorded
	clock.Advance(time.Second)
	exchange()

	want := []time.Time{start, start.Add(time.Minute)}
	if len(st.touches) != len(want) || !st.touches[0].Equal(want[0]) || !st.touches[1].Equal(want[1]) {
		t.Errorf("last use written at %v, want %v", st.touches, want)
	}
	if len(st.events) != 4 {
		t.Errorf("%d audit events for 4 exchanges", len(st.events))
	}
	for _, e := range st.events {
		if e.Outcome != iam.OutcomeAccepted || e.Identity != testIdentity {
			t.Errorf("audit event %+v", e)
		}
	}
}

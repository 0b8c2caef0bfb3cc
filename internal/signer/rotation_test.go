package signer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"latch.dev/latch/internal/signer/signertest"
	"latch.dev/latch/internal/storage"
	"latch.dev/latch/internal/testutil/fakeclock"
)

func TestOldTokensVerifyUntilTheirKeyIsUnpublished(t *testing.T) {
	t.Parallel()
	forEachStore(t, testOldTokensVerifyUntilTheirKeyIsUnpublished)
}

func testOldTokensVerifyUntilTheirKeyIsUnpublished(t *testing.T, open func(testing.TB) storage.Keys) {
	store, clock := open(t), fakeclock.New(t0)
	s := maintained(t, store, clock)
	old := mustSign(t, s)
	oldKid := kidOf(t, old)

	if err := s.Rotate(t.Context()); err != nil {
		t.Fatalf("Rotate: %v", err)
	}
	if kidOf(t, mustSign(t, s)) == oldKid {
		t.Fatal("after Rotate the retired key still signs")
	}
	retired := storedKeys(t, store)[0]
	if retired.ID != oldKid || !retired.PublishUntil.Equal(t0.Add(testLifetime+RetireMargin)) {
		t.Fatalf("retired key = %s publishing until %v, want %s until now+L+margin", retired.ID, retired.PublishUntil, oldKid)
	}

	steps := []struct {
		name      string
		at        time.Time
		published bool
	}{
		{"right after rotation the old token verifies", t0, true},
		{"as its last token expires the old key still verifies", t0.Add(testLifetime), true},
		{"a second before the key's publish time the old token verifies", retired.PublishUntil.Add(-time.Second), true},
		{"at the key's publish time the old key is gone", retired.PublishUntil, false},
	}
	for _, st := range steps {
		clock.Set(st.at)
		if err := s.Maintain(t.Context()); err != nil {
			t.Fatalf("%s: Maintain: %v", st.name, err)
		}
		_, err := verifyWith(t.Context(), s, old)
		inJWKS := slices.Contains(jwksIDs(t, s), oldKid)
		inStore := slices.ContainsFunc(storedKeys(t, store), func(k storage.SigningKey) bool { return k.ID == oldKid })
		if st.published && (err != nil || !inJWKS || !inStore) {
			t.Errorf("%s: verify error %v, in JWKS %v, stored %v; want it verified and published", st.name, err, inJWKS, inStore)
		}
		if !st.published && (!errors.Is(err, ErrUnknownKey) || inJWKS || inStore) {
			t.Errorf("%s: verify error %v, in JWKS %v, stored %v; want ErrUnknownKey and gone", st.name, err, inJWKS, inStore)
		}
	}
}

func TestReplicasRacingToRotateMakeOneNewKey(t *testing.T) {
	t.Parallel()
	forEachStore(t, testReplicasRacingToRotateMakeOneNewKey)
}

func testReplicasRacingToRotateMakeOneNewKey(t *testing.T, open func(testing.TB) storage.Keys) {
	const replicas = 8
	tests := []struct {
		name    string
		advance time.Duration // before the race
		race    func(*Signer, context.Context) error
		// what the race must leave: how many keys, and who is current
		wantKeys int
	}{
		{"on a fresh store, replicas starting together make one key and its successor", 0, (*Signer).Maintain, 2},
		{"when the current key's time is up, replicas make one successor", testPeriod + time.Minute, (*Signer).Maintain, 3},
		{"when every replica is told to rotate, the key is rotated once", time.Hour, (*Signer).Rotate, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store, clock := open(t), fakeclock.New(t0)
			var rs []*Signer
			for range replicas {
				rs = append(rs, newTestSigner(t, store, clock, nil))
			}
			if tt.advance > 0 {
				for _, r := range rs {
					if err := r.Maintain(t.Context()); err != nil {
						t.Fatal(err)
					}
				}
				clock.Advance(tt.advance)
			}
			_, writesBefore, _ := counts(store)

			var wg sync.WaitGroup
			start := make(chan struct{})
			errc := make(chan error, replicas)
			for _, r := range rs {
				wg.Go(func() {
					<-start
					errc <- tt.race(r, t.Context())
				})
			}
			close(start)
			wg.Wait()
			close(errc)
			for err := range errc {
				if err != nil {
					t.Fatalf("race: %v", err)
				}
			}

			keys := storedKeys(t, store)
			if len(keys) != tt.wantKeys {
				t.Fatalf("after the race the store holds %d keys, want %d: %+v", len(keys), tt.wantKeys, keys)
			}
			if _, writes, ok := counts(store); ok && writes-writesBefore != 1 {
				t.Errorf("the race committed %d writes, want 1", writes-writesBefore)
			}
			// Every replica signs with the same key.
			want := kidOf(t, mustSign(t, rs[0]))
			for i, r := range rs {
				if got := kidOf(t, mustSign(t, r)); got != want {
					t.Errorf("replica %d signs with %s, replica 0 with %s", i, got, want)
				}
			}
		})
	}
}

func TestAStaleReplicaFindsAKeyAnotherReplicaStartedUsing(t *testing.T) {
	t.Parallel()
	forEachStore(t, testAStaleReplicaFindsAKeyAnotherReplicaStartedUsing)
}

func testAStaleReplicaFindsAKeyAnotherReplicaStartedUsing(t *testing.T, open func(testing.TB) storage.Keys) {
	store, clock := open(t), fakeclock.New(t0)
	a, b := maintained(t, store, clock), maintained(t, store, clock)

	// A creates a successor that B never loads, then starts signing with it.
	clock.Advance(testPeriod + time.Minute)
	if err := a.Maintain(t.Context()); err != nil {
		t.Fatal(err)
	}
	clock.Advance(testPeriod)
	tok := mustSign(t, a)

	reads, _, _ := counts(store)
	kid, err := verifyWith(t.Context(), b, tok)
	if err != nil {
		t.Fatalf("B verifying A's token signed with %s: %v", kid, err)
	}
	if after, _, ok := counts(store); ok && after != reads+1 {
		t.Errorf("B read the store %d times, want once", after-reads)
	}
}

func TestTheScheduledSwitchNeedsNoStoreRead(t *testing.T) {
	t.Parallel()
	store, clock := signertest.NewKeys(), fakeclock.New(t0)
	a, b := maintained(t, store, clock), maintained(t, store, clock)
	first := kidOf(t, mustSign(t, a))

	clock.Advance(testPeriod + time.Second) // the successor, which both have cached, takes over
	tok := mustSign(t, a)
	// B has not reloaded since before the switch, and needs not.
	reads, _, _ := store.Stats()
	if kid, err := verifyWith(t.Context(), b, tok); err != nil || kid == first {
		t.Fatalf("verify %s: %v (first key %s)", kid, err, first)
	}
	if after, _, _ := store.Stats(); after != reads {
		t.Errorf("B read the store %d times to verify the successor's token, want none", after-reads)
	}
}

func TestUnknownKeyIDsReloadAtMostOncePerInterval(t *testing.T) {
	t.Parallel()
	store, clock := signertest.NewKeys(), fakeclock.New(t0)
	s := maintained(t, store, clock)
	before, _, _ := store.Stats()

	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			if _, err := s.PublicKey(t.Context(), fmt.Sprintf("made-up-%d", i)); !errors.Is(err, ErrUnknownKey) {
				t.Errorf("made-up kid: %v, want ErrUnknownKey", err)
			}
		})
	}
	wg.Wait()
	if after, _, _ := store.Stats(); after-before != 1 {
		t.Errorf("50 unknown kids caused %d reads, want 1", after-before)
	}

	clock.Advance(OnDemandRefreshInterval)
	if _, err := s.PublicKey(t.Context(), "another"); !errors.Is(err, ErrUnknownKey) {
		t.Fatal(err)
	}
	if after, _, _ := store.Stats(); after-before != 2 {
		t.Errorf("after the interval, reads = %d, want 2", after-before)
	}
}

func TestRotationUnderConcurrentSigningFailsNoSignature(t *testing.T) {
	t.Parallel()
	forEachStore(t, testRotationUnderConcurrentSigningFailsNoSignature)
}

func testRotationUnderConcurrentSigningFailsNoSignature(t *testing.T, open func(testing.TB) storage.Keys) {
	store, clock := open(t), fakeclock.New(t0)
	a, b := maintained(t, store, clock), maintained(t, store, clock)

	var stop atomic.Bool
	var signed, failed atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for !stop.Load() {
				tok, err := a.Sign(t.Context(), []byte(`{"sub":"x"}`))
				if err != nil {
					failed.Add(1)
					t.Errorf("Sign: %v", err)
					return
				}
				for name, v := range map[string]*Signer{"A": a, "B": b} {
					if kid, err := verifyWith(t.Context(), v, tok); err != nil {
						failed.Add(1)
						t.Errorf("%s verifying a token signed with %s: %v", name, kid, err)
						return
					}
				}
				signed.Add(1)
			}
		})
	}
	for i := range 30 {
		clock.Advance(10 * time.Second) // past OnDemandRefreshInterval
		r := b
		if i%3 == 0 {
			r = a
		}
		if err := r.Rotate(t.Context()); err != nil {
			t.Errorf("Rotate: %v", err)
		}
		if err := r.Maintain(t.Context()); err != nil {
			t.Errorf("Maintain: %v", err)
		}
		time.Sleep(time.Millisecond)
	}
	stop.Store(true)
	wg.Wait()
	if signed.Load() == 0 || failed.Load() != 0 {
		t.Errorf("%d tokens signed and verified, %d failures", signed.Load(), failed.Load())
	}
}

func TestRunMaintainsUntilTheContextEnds(t *testing.T) {
	t.Parallel()
	store := signertest.NewKeys()
	s := newTestSigner(t, store, fakeclock.New(t0), nil)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()

	deadline := time.Now().Add(10 * time.Second)
	for len(storedKeys(t, store)) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("Run created no keys")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run returned %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	mustSign(t, s)
}

package storagetest

import (
	"sync/atomic"
	"testing"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/storage"
)

func proofTests() []test {
	return []test{
		{"a proof is accepted once until it expires", func(t *testing.T, st storage.Store) {
			c := newClock()
			must(t, st.ClaimProof(t.Context(), "proof-1", c.Now().Add(15*time.Minute), c.Now()))
			err := st.ClaimProof(t.Context(), "proof-1", c.Now().Add(15*time.Minute), c.Now())
			wantKind(t, err, errs.AlreadyExists)
			c.Advance(14 * time.Minute)
			wantKind(t, st.ClaimProof(t.Context(), "proof-1", c.Now().Add(15*time.Minute), c.Now()), errs.AlreadyExists)
			must(t, st.ClaimProof(t.Context(), "proof-2", c.Now().Add(15*time.Minute), c.Now()))
		}},
		{"an expired record may be claimed again, and then holds anew", func(t *testing.T, st storage.Store) {
			c := newClock()
			must(t, st.ClaimProof(t.Context(), "proof", c.Now().Add(time.Minute), c.Now()))
			c.Advance(time.Minute)
			must(t, st.ClaimProof(t.Context(), "proof", c.Now().Add(time.Minute), c.Now()))
			c.Advance(30 * time.Second)
			wantKind(t, st.ClaimProof(t.Context(), "proof", c.Now().Add(time.Minute), c.Now()), errs.AlreadyExists)
		}},
		{"a claim that expires before now is Invalid", func(t *testing.T, st storage.Store) {
			wantKind(t, st.ClaimProof(t.Context(), "proof", epoch(), epoch()), errs.Invalid)
			wantKind(t, st.ClaimProof(t.Context(), "", epoch().Add(time.Minute), epoch()), errs.Invalid)
		}},
		{"many claims over time keep working while old records are swept", func(t *testing.T, st storage.Store) {
			c := newClock()
			for i := range 50 {
				now := c.Advance(17 * time.Second)
				must(t, st.ClaimProof(t.Context(), "p"+string(rune('A'+i)), now.Add(time.Minute), now))
			}
			now := c.Now()
			wantKind(t, st.ClaimProof(t.Context(), "p"+string(rune('A'+49)), now.Add(time.Minute), now), errs.AlreadyExists)
			must(t, st.ClaimProof(t.Context(), "pA", now.Add(time.Minute), now))
		}},
		{"of racing claims of one proof exactly one wins", func(t *testing.T, st storage.Store) {
			now := epoch()
			for round := range 3 {
				key := "raced-" + string(rune('a'+round))
				var won, refused atomic.Int32
				race(func(int) {
					err := st.ClaimProof(t.Context(), key, now.Add(time.Minute), now)
					switch {
					case err == nil:
						won.Add(1)
					case errs.Is(err, errs.AlreadyExists):
						refused.Add(1)
					default:
						t.Errorf("claim: %v", err)
					}
				})
				if won.Load() != 1 || refused.Load() != racers-1 {
					t.Errorf("round %d: %d claims won and %d were refused; want 1 and %d", round, won.Load(), refused.Load(), racers-1)
				}
			}
		}},
		{"of racing claims of an expired proof exactly one wins", func(t *testing.T, st storage.Store) {
			c := newClock()
			must(t, st.ClaimProof(t.Context(), "proof", c.Now().Add(time.Minute), c.Now()))
			now := c.Advance(2 * time.Minute)
			var won atomic.Int32
			race(func(int) {
				err := st.ClaimProof(t.Context(), "proof", now.Add(time.Minute), now)
				if err == nil {
					won.Add(1)
				} else if !errs.Is(err, errs.AlreadyExists) {
					t.Errorf("claim: %v", err)
				}
			})
			if won.Load() != 1 {
				t.Errorf("%d claims won, want exactly 1", won.Load())
			}
		}},
	}
}

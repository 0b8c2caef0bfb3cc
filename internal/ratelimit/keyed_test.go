package ratelimit

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"latch.dev/latch/internal/testutil/fakeclock"
)

// newClock returns a test clock that moves only when told.
func newClock() *fakeclock.Clock { return fakeclock.New(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) }

func TestABucketAdmitsItsBurstThenRefills(t *testing.T) {
	t.Parallel()
	c := newClock()
	k := NewKeyed(2, 4, 0, c.Now)
	for i := range 4 {
		if ok, _ := k.Allow("a"); !ok {
			t.Fatalf("request %d of a burst of 4 was refused", i+1)
		}
	}
	ok, wait := k.Allow("a")
	if ok {
		t.Fatal("the fifth request of a burst of 4 was admitted")
	}
	if wait != 500*time.Millisecond {
		t.Errorf("wait = %v, want 500ms (one token at 2 a second)", wait)
	}
	c.Advance(wait)
	if ok, _ := k.Allow("a"); !ok {
		t.Error("a request after the announced wait was refused")
	}
	if ok, _ := k.Allow("a"); ok {
		t.Error("a second request right after was admitted; only one token had refilled")
	}
}

func TestKeysHaveTheirOwnBuckets(t *testing.T) {
	t.Parallel()
	k := NewKeyed(1, 1, 0, newClock().Now)
	if ok, _ := k.Allow("a"); !ok {
		t.Fatal("first request of a refused")
	}
	if ok, _ := k.Allow("a"); ok {
		t.Fatal("second request of a admitted")
	}
	if ok, _ := k.Allow("b"); !ok {
		t.Error("b was refused because a is throttled")
	}
}

func TestARefusalTakesNoToken(t *testing.T) {
	t.Parallel()
	c := newClock()
	k := NewKeyed(1, 1, 0, c.Now)
	k.Allow("a")
	for range 10 {
		k.Allow("a") // refused, and must not push the next token further away
	}
	c.Advance(time.Second)
	if ok, _ := k.Allow("a"); !ok {
		t.Error("refused requests delayed the next token")
	}
}

func TestAZeroRateAdmitsEverything(t *testing.T) {
	t.Parallel()
	k := NewKeyed(0, 0, 0, newClock().Now)
	for range 1000 {
		if ok, _ := k.Allow("a"); !ok {
			t.Fatal("a disabled limiter refused")
		}
	}
	if k.Len() != 0 {
		t.Errorf("a disabled limiter holds %d buckets", k.Len())
	}
}

func TestMemoryIsBounded(t *testing.T) {
	t.Parallel()
	t.Run("past the bound the least recently used bucket goes", func(t *testing.T) {
		t.Parallel()
		k := NewKeyed(1, 1, 3, newClock().Now)
		for i := range 10 {
			k.Allow(fmt.Sprint(i))
		}
		if k.Len() != 3 {
			t.Errorf("%d buckets held, want the bound of 3", k.Len())
		}
		// 9 was used last and is still empty: it must not have been dropped.
		if ok, _ := k.Allow("9"); ok {
			t.Error("the most recently used bucket was dropped")
		}
	})
	t.Run("buckets idle long enough to refill are dropped", func(t *testing.T) {
		t.Parallel()
		c := newClock()
		k := NewKeyed(10, 5, 0, c.Now) // refills in 500ms
		for i := range 100 {
			k.Allow(fmt.Sprint(i))
		}
		c.Advance(499 * time.Millisecond)
		k.Allow("fresh")
		if k.Len() != 101 {
			t.Fatalf("%d buckets after 499ms, want all 101 (none refilled yet)", k.Len())
		}
		c.Advance(time.Millisecond)
		k.Allow("fresh")
		if k.Len() != 1 {
			t.Errorf("%d buckets after the refill time, want only the one just used", k.Len())
		}
	})
}

func TestConcurrentUseAdmitsExactlyTheBurst(t *testing.T) {
	t.Parallel()
	k := NewKeyed(1, 50, 0, newClock().Now) // the clock stands still: no refill
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		admitted int
	)
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if ok, _ := k.Allow("shared"); ok {
					mu.Lock()
					admitted++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if admitted != 50 {
		t.Errorf("%d of 800 concurrent requests admitted, want exactly the burst of 50", admitted)
	}
}

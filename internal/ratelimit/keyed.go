package ratelimit

import (
	"container/list"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// DefaultMaxKeys bounds the buckets of a Keyed limiter: about 200 bytes
// each, so at most a few tens of megabytes.
const DefaultMaxKeys = 100_000

// Keyed is a set of token buckets, one per key, all with the same rate
// and burst. It is safe for concurrent use.
type Keyed struct {
	limit   rate.Limit
	burst   int
	maxKeys int
	now     func() time.Time
	// refill is how long an empty bucket takes to fill up: a bucket idle
	// that long is full, the same as none.
	refill time.Duration

	mu      sync.Mutex
	buckets map[string]*list.Element // of *bucket
	lru     list.List                // front: most recently used
}

type bucket struct {
	key      string
	lim      *rate.Limiter
	lastUsed time.Time
}

// NewKeyed returns a limiter of perSecond events per key with bursts of
// burst (at least 1), keeping at most maxKeys buckets (DefaultMaxKeys if
// 0). now is the clock; nil means time.Now. A perSecond of 0 or less
// disables the limiter: Allow always admits.
func NewKeyed(perSecond float64, burst, maxKeys int, now func() time.Time) *Keyed {
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	if now == nil {
		now = time.Now
	}
	burst = max(burst, 1)
	k := &Keyed{limit: rate.Limit(perSecond), burst: burst, maxKeys: maxKeys, now: now, buckets: map[string]*list.Element{}}
	if perSecond > 0 {
		k.refill = time.Duration(float64(burst) / perSecond * float64(time.Second))
	}
	return k
}

// Enabled reports whether the limiter limits anything.
func (k *Keyed) Enabled() bool { return k.limit > 0 }

// Allow takes one token from key's bucket. When there is none it takes
// nothing and returns how long until one is there.
func (k *Keyed) Allow(key string) (bool, time.Duration) {
	if !k.Enabled() {
		return true, 0
	}
	now := k.now()
	k.mu.Lock()
	defer k.mu.Unlock()
	k.evictIdle(now)
	b := k.bucket(key, now)
	b.lastUsed = now
	if b.lim.AllowN(now, 1) {
		return true, 0
	}
	missing := 1 - b.lim.TokensAt(now)
	wait := time.Duration(math.Ceil(missing / float64(k.limit) * float64(time.Second)))
	return false, max(wait, time.Nanosecond)
}

// Len reports how many buckets are held.
func (k *Keyed) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.buckets)
}

// bucket returns key's bucket, making it most recently used, or a new
// full one, making room if the set is at its bound. The caller holds mu.
func (k *Keyed) bucket(key string, now time.Time) *bucket {
	if e, ok := k.buckets[key]; ok {
		k.lru.MoveToFront(e)
		return e.Value.(*bucket)
	}
	for len(k.buckets) >= k.maxKeys {
		k.remove(k.lru.Back())
	}
	b := &bucket{key: key, lim: rate.NewLimiter(k.limit, k.burst), lastUsed: now}
	k.buckets[key] = k.lru.PushFront(b)
	return b
}

// evictIdle drops, from the least recently used end, buckets that have
// refilled since their last use. Each call looks at one bucket more than
// it drops, so the cost is spread over the calls. The caller holds mu.
func (k *Keyed) evictIdle(now time.Time) {
	for e := k.lru.Back(); e != nil; e = k.lru.Back() {
		if now.Sub(e.Value.(*bucket).lastUsed) < k.refill {
			return
		}
		k.remove(e)
	}
}

func (k *Keyed) remove(e *list.Element) {
	delete(k.buckets, e.Value.(*bucket).key)
	k.lru.Remove(e)
}

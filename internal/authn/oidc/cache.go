package oidc

import (
	"container/list"
	"context"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"golang.org/x/sync/singleflight"
)

// keyCache holds the keys of recently used issuers: an LRU bounded by
// size, so that tokens naming many issuers (through an issuer pattern)
// cannot grow it without bound.
type keyCache struct {
	mu    sync.Mutex
	size  int
	order *list.List // of *cacheEntry, most recently used first
	byIss map[string]*list.Element
	// flight coalesces concurrent fetches for one issuer: a burst of
	// exchanges after a restart, or after a rotation, costs the issuer one
	// fetch.
	flight singleflight.Group
}

// cacheEntry is one issuer's keys and the times that decide when to
// fetch them again.
type cacheEntry struct {
	issuer  string
	keys    []jose.JSONWebKey // nil until a fetch succeeded
	fetched time.Time         // last successful fetch
	tried   time.Time         // last fetch, successful or not
	err     error             // the last fetch's error, nil after a success
}

func newKeyCache(size int) *keyCache {
	return &keyCache{size: size, order: list.New(), byIss: map[string]*list.Element{}}
}

// get returns a copy of iss's entry and marks it recently used.
func (c *keyCache) get(iss string) (cacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byIss[iss]
	if !ok {
		return cacheEntry{}, false
	}
	c.order.MoveToFront(el)
	return *el.Value.(*cacheEntry), true
}

// put records the outcome of a fetch for iss. A failure keeps the keys
// of the last success, which stay usable for a while (see Verifier.keys).
func (c *keyCache) put(iss string, keys []jose.JSONWebKey, err error, at time.Time) cacheEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byIss[iss]
	if !ok {
		el = c.order.PushFront(&cacheEntry{issuer: iss})
		c.byIss[iss] = el
		for c.order.Len() > c.size {
			last := c.order.Back()
			c.order.Remove(last)
			delete(c.byIss, last.Value.(*cacheEntry).issuer)
		}
	}
	c.order.MoveToFront(el)
	e := el.Value.(*cacheEntry)
	e.tried, e.err = at, err
	if err == nil {
		e.keys, e.fetched = keys, at
	}
	return *e
}

// len returns how many issuers are cached.
func (c *keyCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// fetch runs fn once for all concurrent callers asking for iss. fn runs
// on a context detached from the first caller's, so that one caller
// giving up does not fail the others; each caller still stops waiting
// when its own context ends.
func (c *keyCache) fetch(ctx context.Context, iss string, fn func(context.Context) (cacheEntry, error)) (cacheEntry, error) {
	ch := c.flight.DoChan(iss, func() (any, error) {
		return fn(context.WithoutCancel(ctx))
	})
	select {
	case r := <-ch:
		e, _ := r.Val.(cacheEntry)
		return e, r.Err
	case <-ctx.Done():
		return cacheEntry{}, ctx.Err()
	}
}

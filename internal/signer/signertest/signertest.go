// Package signertest provides what tests of the signer and of its users
// need: an in-memory, concurrency-safe storage.Keys and a settable clock.
package signertest

import (
	"bytes"
	"context"
	"errors"
	"sync"

	"latch.dev/latch/internal/storage"
)

// Keys is an in-memory storage.Keys. UpdateSigningKeys is optimistic, like
// a serializable database transaction: it runs the update function on a
// copy without holding the lock and commits only if no other update
// committed meanwhile, otherwise it runs the function again. That makes
// races between replicas real in tests.
type Keys struct {
	mu      sync.Mutex
	keys    []storage.SigningKey
	version uint64
	reads   int
	writes  int
	retries int
	err     error
}

// NewKeys returns an empty key store.
func NewKeys() *Keys { return &Keys{} }

// SigningKeys returns a copy of the stored keys.
func (m *Keys) SigningKeys(ctx context.Context) ([]storage.SigningKey, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return nil, m.err
	}
	m.reads++
	return clone(m.keys), nil
}

// UpdateSigningKeys replaces the stored keys with fn(old), retrying fn
// when another update committed first.
func (m *Keys) UpdateSigningKeys(ctx context.Context, fn func(old []storage.SigningKey) ([]storage.SigningKey, error)) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		m.mu.Lock()
		if m.err != nil {
			defer m.mu.Unlock()
			return m.err
		}
		old, version := clone(m.keys), m.version
		m.mu.Unlock()

		out, err := fn(old)
		if errors.Is(err, storage.ErrUnchanged) {
			return nil
		}
		if err != nil {
			return err
		}

		m.mu.Lock()
		if m.version != version {
			m.retries++
			m.mu.Unlock()
			continue
		}
		m.keys = clone(out)
		m.version++
		m.writes++
		m.mu.Unlock()
		return nil
	}
}

// Fail makes every later call fail with err, or succeed again if err is
// nil, to simulate a database outage.
func (m *Keys) Fail(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.err = err
}

// Stats reports how many reads, committed writes and update retries the
// store has seen.
func (m *Keys) Stats() (reads, writes, retries int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.reads, m.writes, m.retries
}

func clone(keys []storage.SigningKey) []storage.SigningKey {
	if keys == nil {
		return nil
	}
	out := make([]storage.SigningKey, len(keys))
	for i, k := range keys {
		k.PrivateDER = bytes.Clone(k.PrivateDER)
		out[i] = k
	}
	return out
}

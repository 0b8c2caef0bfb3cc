package signer

import (
	"context"
	"fmt"
	"slices"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/storage"
)

// keySet is an immutable snapshot of the parsed key set. A new snapshot
// replaces the old one whole, so readers need no lock.
type keySet struct {
	keys     []*key // ordered by signUntil
	bad      map[string]bool
	loadedAt time.Time
	gen      uint64 // 0 until the first load
}

// signing returns the key that signs at now, or nil.
func (ks *keySet) signing(now time.Time) *key {
	for _, k := range ks.keys {
		if k.signUntil.After(now) && k.publishUntil.After(now) {
			return k
		}
	}
	return nil
}

// published returns the key with ID kid if it is published at now.
func (ks *keySet) published(kid string, now time.Time) *key {
	for _, k := range ks.keys {
		if k.id == kid && k.publishUntil.After(now) {
			return k
		}
	}
	return nil
}

// lock takes the reload lock, or gives up when ctx ends.
func (s *Signer) lock(ctx context.Context) error {
	select {
	case s.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Signer) tryLock() bool {
	select {
	case s.sem <- struct{}{}:
		return true
	default:
		return false
	}
}

func (s *Signer) unlock() { <-s.sem }

// maybeRefresh reloads the key set when it is RefreshInterval old, unless
// another caller is already at it. A failed reload keeps the cached set,
// which holds the next key, so signing survives a store outage of up to a
// rotation period.
func (s *Signer) maybeRefresh(ctx context.Context) {
	if s.cfg.Now().Sub(s.snap.Load().loadedAt) < RefreshInterval || !s.tryLock() {
		return
	}
	defer s.unlock()
	if s.cfg.Now().Sub(s.snap.Load().loadedAt) < RefreshInterval {
		return
	}
	if err := s.reloadLocked(ctx); err != nil && ctx.Err() == nil {
		s.cfg.Logger.WarnContext(ctx, "signer: reloading the key set failed; using the cached set", "err", err)
	}
}

// refreshOnDemand reloads the key set because a lookup missed in snapshot
// generation seen. Callers that miss together share one reload, and
// reloads for misses happen at most once per OnDemandRefreshInterval.
func (s *Signer) refreshOnDemand(ctx context.Context, seen uint64) error {
	if err := s.lock(ctx); err != nil {
		return errs.Wrap(errs.Unavailable, err, "the signing keys could not be loaded; try again shortly")
	}
	defer s.unlock()
	if s.snap.Load().gen != seen {
		return nil // another caller reloaded while this one waited
	}
	now := s.cfg.Now()
	if d := now.Sub(s.lastOnDemand); !s.lastOnDemand.IsZero() && d >= 0 && d < OnDemandRefreshInterval {
		return nil
	}
	s.lastOnDemand = now
	return s.reloadLocked(ctx)
}

// reloadLocked reads the key set and installs it. The caller holds sem.
func (s *Signer) reloadLocked(ctx context.Context) error {
	keys, err := s.readKeys(ctx)
	if err != nil {
		return err
	}
	s.installLocked(ctx, keys)
	return nil
}

// readKeys reads the stored key set.
func (s *Signer) readKeys(ctx context.Context) ([]storage.SigningKey, error) {
	keys, err := s.cfg.Keys.SigningKeys(ctx)
	if err != nil {
		return nil, errs.Wrap(errs.Unavailable, fmt.Errorf("signer: read the key set: %w", err),
			"the signing keys could not be loaded; try again shortly")
	}
	return keys, nil
}

// installLocked parses keys into a new snapshot, reusing the parsed form
// of keys the current snapshot has. A stored key that cannot be used is
// logged once and skipped rather than failing the whole set. The caller
// holds sem.
func (s *Signer) installLocked(ctx context.Context, keys []storage.SigningKey) {
	prev := s.snap.Load()
	byID := make(map[string]*key, len(prev.keys))
	for _, k := range prev.keys {
		byID[k.id] = k
	}
	next := &keySet{
		keys:     make([]*key, 0, len(keys)),
		loadedAt: s.cfg.Now(),
		gen:      prev.gen + 1,
	}
	for _, sk := range keys {
		k, err := parseKey(sk, byID[sk.ID])
		if err != nil {
			if !prev.bad[sk.ID] {
				s.cfg.Logger.ErrorContext(ctx, "signer: skipping a stored key that cannot be used", "kid", sk.ID, "err", err)
			}
			if next.bad == nil {
				next.bad = make(map[string]bool)
			}
			next.bad[sk.ID] = true
			continue
		}
		next.keys = append(next.keys, k)
	}
	slices.SortFunc(next.keys, func(a, b *key) int { return a.signUntil.Compare(b.signUntil) })
	s.snap.Store(next)
}

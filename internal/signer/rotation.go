package signer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"latch.dev/latch/internal/storage"
)

// step computes the key set wanted at now from the stored set old.
type step func(old []storage.SigningKey, now time.Time, gen keyGen) ([]storage.SigningKey, changes, error)

// Run keeps the key set on schedule: it calls Maintain at once and then
// every RefreshInterval, logging failures, until ctx ends. It returns nil
// when ctx ends.
func (s *Signer) Run(ctx context.Context) error {
	t := time.NewTicker(RefreshInterval)
	defer t.Stop()
	for {
		if err := s.Maintain(ctx); err != nil && ctx.Err() == nil {
			s.cfg.Logger.WarnContext(ctx, "signer: key maintenance failed; retrying later", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Maintain does one round of upkeep: it creates the keys the schedule
// asks for (the first key on a fresh store, the current key's successor),
// removes keys past PublishUntil, and reloads the cache. When nothing is
// due it costs one read. Any number of replicas may call it at once.
func (s *Signer) Maintain(ctx context.Context) error {
	keys, err := s.readKeys(ctx)
	if err != nil {
		return err
	}
	_, ch, err := s.sched.plan(keys, s.cfg.Now(), placeholderKey)
	if err != nil {
		return err
	}
	if !ch.any() {
		if err := s.lock(ctx); err != nil {
			return err
		}
		defer s.unlock()
		s.installLocked(ctx, keys)
		return nil
	}
	return s.update(ctx, len(ch.created), s.sched.plan)
}

// Rotate retires the current key now and promotes its successor, which
// has been published since it was created, then creates a new successor.
// It is for operators (a suspected leak, a change of algorithm) and tests.
// The key retired is the one this replica signs with; if another replica
// retired it first, Rotate does nothing more. The retired key stays
// published until the tokens it signed expire; withdrawing a leaked key
// at once, and with it those tokens, is a different operation.
func (s *Signer) Rotate(ctx context.Context) error {
	keys, err := s.readKeys(ctx)
	if err != nil {
		return err
	}
	// The key to retire is the one this replica signs with, so that when
	// several replicas are told to rotate at once, one rotation happens.
	now := s.cfg.Now()
	target := "" // when no key signs, Rotate only creates keys, like Maintain
	if k := s.snap.Load().signing(now); k != nil {
		target = k.id
	} else if sorted, _ := live(keys, now); current(sorted, now) >= 0 {
		target = sorted[current(sorted, now)].ID
	}
	rotate := func(old []storage.SigningKey, now time.Time, gen keyGen) ([]storage.SigningKey, changes, error) {
		return s.sched.rotate(old, now, target, gen)
	}
	_, ch, err := rotate(keys, now, placeholderKey)
	if err != nil {
		return err
	}
	return s.update(ctx, len(ch.created), rotate)
}

// placeholderKey stands in for a generated key when a plan is only
// computed to see what it would do.
func placeholderKey() (storage.SigningKey, error) { return storage.SigningKey{ID: "placeholder"}, nil }

// update applies next to the stored set in one compare-and-swap and
// installs the result. It generates the want keys the plan is expected to
// need before the transaction opens; the update function, which may run
// several times, recomputes the plan from the set it is given and takes
// from those keys, generating more only if a race made the plan grow.
func (s *Signer) update(ctx context.Context, want int, next step) error {
	pool := make([]storage.SigningKey, 0, want)
	for range want {
		k, err := generateKey(s.cfg.Algorithm, s.cfg.RSABits, s.cfg.Rand)
		if err != nil {
			return fmt.Errorf("signer: %w", err)
		}
		pool = append(pool, k)
	}
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.unlock()

	var final []storage.SigningKey
	var done changes
	err := s.cfg.Keys.UpdateSigningKeys(ctx, func(old []storage.SigningKey) ([]storage.SigningKey, error) {
		used := 0
		gen := func() (storage.SigningKey, error) {
			if used < len(pool) {
				used++
				return pool[used-1], nil
			}
			return generateKey(s.cfg.Algorithm, s.cfg.RSABits, s.cfg.Rand)
		}
		out, ch, err := next(old, s.cfg.Now(), gen)
		if err != nil {
			return nil, err
		}
		if !ch.any() {
			// Another replica did the work first.
			final, done = old, changes{}
			return nil, storage.ErrUnchanged
		}
		final, done = out, ch
		return out, nil
	})
	if err != nil && !errors.Is(err, storage.ErrUnchanged) {
		return fmt.Errorf("signer: update the key set: %w", err)
	}
	s.logChanges(ctx, done)
	if final == nil {
		return s.reloadLocked(ctx)
	}
	s.installLocked(ctx, final)
	return nil
}

// logChanges reports a change of the key set.
func (s *Signer) logChanges(ctx context.Context, ch changes) {
	if !ch.any() {
		return
	}
	log := s.cfg.Logger
	if ch.immediate != "" {
		log.InfoContext(ctx, "signer: created a key that signs at once (first start, or every key had lapsed)", "kid", ch.immediate)
	}
	if ch.hasty {
		log.WarnContext(ctx, "signer: promoted a key published less than the publish lead ago; verifiers that cache the JWKS refetch it on the new kid",
			"kid", ch.promoted, "lead", PublishLead)
	}
	log.InfoContext(ctx, "signer: key set updated",
		slog.Any("created", ch.created),
		slog.String("retired", ch.retired),
		slog.String("promoted", ch.promoted),
		slog.String("extended", ch.extended),
		slog.Any("removed", ch.pruned))
}

package sqlstore

import (
	"context"
	"time"

	"latch.dev/latch/internal/errs"
)

// How expired proof records are cleared: at most once per sweepInterval of
// the callers' clock, sweepBatch rows at a time, so that no exchange pays
// for a large delete and the table cannot grow without bound. A full
// batch means more are waiting, and the next claim sweeps again.
const (
	sweepInterval = time.Minute
	sweepBatch    = 500
)

// ClaimProof implements storage.Proofs in one statement: insert the key,
// or, if it is there already, take it over only when its record has
// expired. Both databases make an INSERT … ON CONFLICT DO UPDATE atomic
// against concurrent inserts of the same key: of N racing claims exactly
// one inserts (or takes over) and the others find a live record and change
// nothing, whichever replica they run on.
func (s *Store) ClaimProof(ctx context.Context, key string, expires, now time.Time) error {
	switch {
	case key == "":
		return errs.Invalidf("proof", "has an empty replay key")
	case !expires.After(now):
		return errs.Invalidf("proof", "expires at %s, not after now (%s)", expires.UTC().Format(time.RFC3339Nano), now.UTC().Format(time.RFC3339Nano))
	}
	t := s.db.dialect.timeArg
	res, err := s.exec(ctx, `INSERT INTO proofs (id, expires_at) VALUES ($1, $2)
		ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at WHERE proofs.expires_at <= $3`,
		key, t(expires), t(now))
	if err != nil {
		return s.db.fail(ctx, "claim proof", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return s.db.fail(ctx, "claim proof", err)
	}
	if n == 0 {
		return errs.New(errs.AlreadyExists, "this proof was used before and cannot be used again; create a fresh one")
	}
	s.sweepProofs(ctx, now)
	return nil
}

// sweepProofs deletes a batch of expired proof records when the last sweep
// is sweepInterval old. Only one caller wins the compare-and-swap and
// sweeps; failures are logged, not returned: the claim itself succeeded.
func (s *Store) sweepProofs(ctx context.Context, now time.Time) {
	if s.tx != nil {
		return // keep the caller's transaction to what it asked for
	}
	next := s.db.nextSweep.Load()
	if now.UnixMicro() < next || !s.db.nextSweep.CompareAndSwap(next, now.Add(sweepInterval).UnixMicro()) {
		return
	}
	res, err := s.exec(ctx, `DELETE FROM proofs WHERE id IN
		(SELECT id FROM proofs WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)`,
		s.db.dialect.timeArg(now), sweepBatch)
	if err != nil {
		s.db.log.WarnContext(ctx, "storage: sweeping expired proofs failed", "error", err)
		return
	}
	n, _ := res.RowsAffected()
	if n == sweepBatch {
		s.db.nextSweep.Store(now.UnixMicro())
	}
	if n > 0 {
		s.db.log.DebugContext(ctx, "storage: swept expired proofs", "deleted", n)
	}
}

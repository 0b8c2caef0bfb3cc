package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

// The bootstrap record is the single row with id 1 (a CHECK constraint
// forbids any other), so "create unless it exists" and "use unless used"
// are each one atomic statement, whichever replica runs them.

// InitBootstrap implements storage.Bootstrap.
func (s *Store) InitBootstrap(ctx context.Context, st storage.BootstrapState) (bool, error) {
	if len(st.SecretHash) == 0 {
		return false, errs.Invalidf("bootstrap.secret_hash", "is empty")
	}
	t := s.db.dialect.timeArg
	res, err := s.exec(ctx, `INSERT INTO bootstrap (id, secret_hash, created_at, used_at, identity_id)
		VALUES (1, $1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
		st.SecretHash, t(st.CreatedAt), t(st.UsedAt), st.Identity)
	if err != nil {
		return false, s.db.fail(ctx, "store bootstrap secret", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.db.fail(ctx, "store bootstrap secret", err)
	}
	return n == 1, nil
}

// BootstrapState implements storage.Bootstrap. It fails with NotFound
// before InitBootstrap.
func (s *Store) BootstrapState(ctx context.Context) (storage.BootstrapState, error) {
	return s.bootstrapState(ctx, s.reader())
}

func (s *Store) bootstrapState(ctx context.Context, q querier) (storage.BootstrapState, error) {
	var st storage.BootstrapState
	err := q.QueryRowContext(ctx, `SELECT secret_hash, created_at, used_at, identity_id FROM bootstrap WHERE id = 1`).
		Scan(&st.SecretHash, timeDest(&st.CreatedAt), timeDest(&st.UsedAt), &st.Identity)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return storage.BootstrapState{}, errs.New(errs.NotFound, "this server has no bootstrap secret")
	case err != nil:
		return storage.BootstrapState{}, s.db.fail(ctx, "read bootstrap state", err)
	}
	return st, nil
}

// UseBootstrap implements storage.Bootstrap.
func (s *Store) UseBootstrap(ctx context.Context, identity string, now time.Time) error {
	if !iam.ValidID(identity) {
		return invalidID("identity", identity)
	}
	if now.IsZero() {
		return errs.Invalidf("used_at", "is the zero time")
	}
	return s.write(ctx, func(q querier) error {
		res, err := q.ExecContext(ctx, `UPDATE bootstrap SET used_at = $1, identity_id = $2 WHERE id = 1 AND used_at IS NULL`,
			s.db.dialect.timeArg(now), identity)
		if err != nil {
			return s.db.fail(ctx, "use bootstrap secret", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return s.db.fail(ctx, "use bootstrap secret", err)
		} else if n == 1 {
			return nil
		}
		if _, err := s.bootstrapState(ctx, q); err != nil {
			return err
		}
		return errs.New(errs.Conflict, "the bootstrap secret was used already; sign in as the administrator it created")
	})
}

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"latch.dev/latch/internal/storage"
)

// Store is a storage.Store on SQLite or PostgreSQL. It is safe for
// concurrent use, except the Store that Tx hands to its function, which
// belongs to that function alone.
type Store struct {
	db *database
	// tx is set on the Store that Tx hands out: every statement then runs
	// in that transaction, and nested transactions join it.
	tx *sql.Tx
}

var _ storage.Store = (*Store)(nil)

// database is what every Store value of one Open shares.
type database struct {
	dialect dialect
	// read serves statements outside transactions that only read; write
	// serves transactions and writes. On PostgreSQL they are one pool. On
	// SQLite they are two, see openSQLite.
	read  *sql.DB
	write *sql.DB
	log   *slog.Logger
	// maxRetries bounds how often a transaction that the database aborted
	// for a retryable reason (serialization failure, deadlock) is run again.
	maxRetries int
	// nextSweep is the proof expiry time (Unix microseconds) after which
	// ClaimProof next deletes expired records; see proofs.go.
	nextSweep atomic.Int64
	// readStmts caches prepared statements of the read pool, and group
	// runs single-statement writes in shared transactions; both SQLite
	// only (see stmtcache.go and groupcommit.go), nil on PostgreSQL.
	readStmts *stmtCache
	group     *groupCommit
	// ckpt checkpoints the WAL in the background (SQLite only).
	ckpt *checkpointer
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface {
	Scan(dest ...any) error
}

// reader returns where read-only statements run: the transaction inside
// Tx (so reads see its writes), the read pool otherwise.
func (s *Store) reader() querier {
	if s.tx != nil {
		return s.tx
	}
	if s.db.readStmts != nil {
		return s.db.readStmts
	}
	return s.db.read
}

// write runs fn in a write transaction, or in the enclosing one inside Tx.
// A transaction of its own is retried as a whole when the database asks
// for it; inside Tx the error goes up to the outermost Tx, which retries.
func (s *Store) write(ctx context.Context, fn func(q querier) error) error {
	if s.tx != nil {
		return fn(s.tx)
	}
	return s.db.retry(ctx, func() error {
		return s.db.inTx(ctx, func(tx *sql.Tx) error { return fn(tx) })
	})
}

// exec runs a single writing statement: in the enclosing transaction inside
// Tx, otherwise on its own. A single statement is atomic by itself, and
// skipping BEGIN and COMMIT saves two round trips on PostgreSQL, which
// matters for the statements that run on every token exchange
// (TouchIdentity, ClaimProof, AppendEvent). On SQLite, statements of
// concurrent callers share a transaction (groupcommit.go).
func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s.tx != nil {
		return s.tx.ExecContext(ctx, query, args...)
	}
	var res sql.Result
	err := s.db.retry(ctx, func() error {
		var err error
		if s.db.group != nil {
			res, err = s.db.group.exec(ctx, query, args...)
		} else {
			res, err = s.db.write.ExecContext(ctx, query, args...)
		}
		return err
	})
	return res, err
}

// Tx implements storage.Store. Inside Tx every method of the given Store
// runs in one transaction; Update* methods lock the rows they read, so a
// read-modify-write through them is safe against other writers. A plain
// read followed by a write inside fn is not locked: on PostgreSQL (READ
// COMMITTED) another writer may change the row in between.
//
// fn must use only the Store it is given. On SQLite a write through the
// outer Store would wait for the one write connection, which the
// transaction holds until fn returns: fn would wait for itself until its
// context ends.
func (s *Store) Tx(ctx context.Context, fn func(tx storage.Store) error) error {
	if s.tx != nil {
		return fn(s)
	}
	return s.db.retry(ctx, func() error {
		return s.db.inTx(ctx, func(tx *sql.Tx) error {
			return fn(&Store{db: s.db, tx: tx})
		})
	})
}

// inTx runs fn in a transaction on the write pool and commits if fn
// returns nil.
func (d *database) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := d.write.BeginTx(ctx, d.dialect.txOptions())
	if err != nil {
		return d.fail(ctx, "begin transaction", err)
	}
	// Rollback after Commit is a harmless no-op; deferring it also covers
	// a panic in fn.
	defer func() { _ = tx.Rollback() }()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return d.fail(ctx, "commit", err)
	}
	if d.ckpt != nil {
		d.ckpt.wrote()
	}
	return nil
}

// retry runs fn until it succeeds, fails for a reason a retry cannot fix,
// or has failed maxRetries+1 times. Serialization failures and deadlocks
// are the database's way of saying "one of you must go again"; handling
// them here is what lets callers treat Update* and Tx as plain atomic
// operations (dex's ent backend skipped its concurrency tests because it
// never retried). The backoff is short, exponential and jittered so that
// the transactions that collided do not collide again in lockstep.
func (d *database) retry(ctx context.Context, fn func() error) error {
	backoff := 2 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || attempt > d.maxRetries || !d.dialect.retryable(err) {
			return err
		}
		d.log.DebugContext(ctx, "storage: retrying transaction", "attempt", attempt, "error", err)
		wait := backoff/2 + rand.N(backoff)
		backoff = min(2*backoff, 200*time.Millisecond)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return err
		case <-timer.C:
		}
	}
}

// Ping implements storage.Store.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.read.PingContext(ctx); err != nil {
		return s.db.fail(ctx, "ping", err)
	}
	if s.db.write != s.db.read {
		if err := s.db.write.PingContext(ctx); err != nil {
			return s.db.fail(ctx, "ping", err)
		}
	}
	return nil
}

// Close implements storage.Store. It must not be called on the Store that
// Tx hands out.
func (s *Store) Close() error {
	if s.tx != nil {
		return errors.New("storage: Close called inside Tx; close the Store that Open returned")
	}
	if s.db.group != nil {
		s.db.group.close()
	}
	if s.db.ckpt != nil {
		s.db.ckpt.close()
	}
	if s.db.readStmts != nil {
		s.db.readStmts.close()
	}
	err := s.db.read.Close()
	if s.db.write != s.db.read {
		err = errors.Join(err, s.db.write.Close())
	}
	return err
}

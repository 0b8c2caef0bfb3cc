package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"latch.dev/latch/internal/errs"
)

// openPostgres opens one pool for reads and writes. PostgreSQL runs
// readers and writers concurrently on its own, so there is nothing to gain
// from two pools; the pool size is the knob (Options.MaxOpenConns).
//
// Transactions run at READ COMMITTED. Read-modify-write methods lock the
// rows they read (SELECT … FOR NO KEY UPDATE / FOR UPDATE) or a row of
// store_locks, which makes them safe without SERIALIZABLE's frequent
// aborts. Deadlocks (40P01) and serialization failures (40001) are retried
// by database.retry.
func openPostgres(ctx context.Context, dsn string, o Options) (*database, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, errs.Wrap(errs.Invalid, err, "the PostgreSQL URL cannot be parsed; see https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING")
	}
	if _, ok := cfg.RuntimeParams["application_name"]; !ok {
		cfg.RuntimeParams["application_name"] = "latch"
	}
	pool := stdlib.OpenDB(*cfg)
	// At least two connections: Open holds one for the migration lock
	// while goose migrates on another.
	n := max(cmp.Or(max(o.MaxOpenConns, 0), 10), 2)
	pool.SetMaxOpenConns(n)
	pool.SetMaxIdleConns(cmp.Or(max(o.MaxIdleConns, 0), n))
	pool.SetConnMaxLifetime(o.ConnMaxLifetime)
	pool.SetConnMaxIdleTime(o.ConnMaxIdleTime)

	db := &database{dialect: postgresDialect{}, read: pool, write: pool, log: o.Logger, maxRetries: o.MaxRetries}
	if err := pool.PingContext(ctx); err != nil {
		_ = pool.Close()
		return nil, errs.Wrap(errs.Unavailable, fmt.Errorf("storage: connect to PostgreSQL: %w", err),
			"cannot connect to PostgreSQL; check the URL, the server and the network")
	}
	if err := migrate(ctx, db); err != nil {
		_ = pool.Close()
		return nil, err
	}
	return db, nil
}

// postgresDialect is PostgreSQL as pgx's database/sql driver speaks it.
type postgresDialect struct{}

func (postgresDialect) name() string         { return "postgres" }
func (postgresDialect) goose() goose.Dialect { return goose.DialectPostgres }

func (postgresDialect) migrations() (fs.FS, error) { return fs.Sub(migrationFS, "migrations/postgres") }

// txOptions asks for READ COMMITTED explicitly, whatever the server's
// default_transaction_isolation says. The locking above depends on it: a
// statement that waited for a lock runs on a fresh snapshot and sees what
// the lock holder committed. At REPEATABLE READ or SERIALIZABLE the
// snapshot is the transaction's first, taken before the wait, so the
// second of two replicas would decide on stale data (and, for example,
// insert built-in roles the first had just inserted).
func (postgresDialect) txOptions() *sql.TxOptions {
	return &sql.TxOptions{Isolation: sql.LevelReadCommitted}
}

func (postgresDialect) timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return micro(t.UTC())
}

// lockRows: an update keeps the key, so FOR NO KEY UPDATE, which lets
// children be inserted meanwhile (their foreign key checks take KEY SHARE
// on the parent row). A delete must exclude exactly those inserts, so
// FOR UPDATE.
func (postgresDialect) lockRows(m lockMode) string {
	if m == lockDelete {
		return " FOR UPDATE"
	}
	return " FOR NO KEY UPDATE"
}

func (postgresDialect) violation(err error) violation {
	var e *pgconn.PgError
	if !errors.As(err, &e) {
		return violationNone
	}
	switch e.Code {
	case "23505":
		// Every primary key in the migrations is named <table>_pkey.
		if strings.HasSuffix(e.ConstraintName, "_pkey") {
			return violationPrimaryKey
		}
		return violationUnique
	case "23503":
		return violationForeignKey
	case "23514":
		return violationCheck
	}
	return violationNone
}

func (postgresDialect) retryable(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && (e.Code == "40001" || e.Code == "40P01")
}

func (postgresDialect) unavailable(err error) bool {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		class := e.Code[:min(2, len(e.Code))]
		return class == "08" || // connection exception
			class == "53" || // insufficient resources
			e.Code == "57P01" || e.Code == "57P02" || e.Code == "57P03" || // shutting down, starting up
			e.Code == "55P03" // lock not available
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn)
}

// lockMigrations makes replicas that start together take turns at
// migrating: it holds a session-level advisory lock on a connection of its
// own until release is called, around the whole goose run.
//
// goose's own session locker is not enough: Provider.Up first checks for
// pending migrations without the lock, and replicas starting together
// then race to create goose's version table (goose retries after a
// second). The lock is waited for inside the server (pg_advisory_lock,
// no polling), so the next replica proceeds the moment the previous one is
// done, and it is keyed by schema, so deployments (and tests) in
// different schemas of one database do not wait for each other. If the
// process dies, PostgreSQL releases the lock with the session.
func (postgresDialect) lockMigrations(ctx context.Context, db *sql.DB) (func(), error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("take the migration lock: %w", err)
	}
	if _, err := conn.ExecContext(ctx, migrationLockSQL); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("take the migration lock: %w", err)
	}
	return func() {
		var released bool
		err := conn.QueryRowContext(context.WithoutCancel(ctx), migrationUnlockSQL).Scan(&released)
		if err != nil || !released {
			// Discard the connection: ending its session releases the lock.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		_ = conn.Close()
	}, nil
}

// The lock's first key is "latc" in ASCII; the second, the schema's hash.
const (
	migrationLockSQL   = `SELECT pg_advisory_lock(1818326115, hashtext(coalesce(current_schema(), '')))`
	migrationUnlockSQL = `SELECT pg_advisory_unlock(1818326115, hashtext(coalesce(current_schema(), '')))`
)

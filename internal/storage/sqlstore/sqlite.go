package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"latch.dev/latch/internal/errs"
)

// openSQLite opens the database file at path as two pools.
//
// SQLite allows one writer at a time per database file. If every
// connection could write, concurrent writers would meet inside SQLite and
// wait in its busy handler, which sleeps and polls: slow, unfair, and a
// source of SQLITE_BUSY under load. So all writes go through a pool of
// exactly one connection: writers queue in database/sql (bounded by their
// context), each gets the connection as soon as the previous one is done,
// and a read-modify-write in a transaction needs no further locking.
//
// Reads go through a separate pool of several connections. In WAL mode
// readers see the last committed state and never block the writer or each
// other, so reads run in parallel with writes and with each other. The
// read connections are query_only, so a write that reached them by
// mistake fails instead of competing for the lock.
//
// Settings: WAL journal; synchronous=NORMAL, which in WAL mode syncs only
// at checkpoints, so a process crash loses nothing committed (a power loss
// may lose the last transactions, never consistency); foreign keys on
// (SQLite's default is off); a busy timeout for locks held by another
// process; and BEGIN IMMEDIATE for transactions, so a transaction takes
// the write lock when it starts. A deferred transaction that read first
// and then tried to write could fail with SQLITE_BUSY when another
// process wrote in between, and no amount of waiting would fix it.
func openSQLite(ctx context.Context, path string, o Options) (*database, error) {
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	common := url.Values{}
	common.Set("_busy_timeout", strconv.FormatInt(o.BusyTimeout.Milliseconds(), 10))
	common.Set("_foreign_keys", "1")

	wq := cloneValues(common)
	wq.Set("_journal_mode", "WAL")
	wq.Set("_synchronous", "NORMAL")
	wq.Set("_txlock", "immediate")
	// Checkpoints run in the background (checkpoint.go); the writer's
	// own, which would stall every write while it copies and syncs, only
	// if that falls far behind.
	wq.Add("_pragma", "wal_autocheckpoint="+strconv.Itoa(fallbackCheckpointPages))
	write, err := sql.Open("sqlite", path+"?"+wq.Encode())
	if err != nil {
		return nil, fmt.Errorf("storage: open SQLite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)

	db := &database{dialect: sqliteDialect{}, read: write, write: write, log: o.Logger, maxRetries: o.MaxRetries}
	if err := checkSQLite(ctx, db); err != nil {
		_ = write.Close()
		return nil, err
	}
	if err := migrate(ctx, db); err != nil {
		_ = write.Close()
		return nil, err
	}

	rq := cloneValues(common)
	rq.Set("_query_only", "1")
	read, err := sql.Open("sqlite", path+"?"+rq.Encode())
	if err != nil {
		_ = write.Close()
		return nil, fmt.Errorf("storage: open SQLite: %w", err)
	}
	n := o.MaxOpenConns
	if n <= 0 {
		n = max(4, runtime.GOMAXPROCS(0))
	}
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(cmp.Or(o.MaxIdleConns, n))
	db.read = read
	db.readStmts = newStmtCache(read)
	db.ckpt = newCheckpointer(read, o.Logger)
	db.group = newGroupCommit(write, newStmtCache(write), func(err error) bool {
		return db.dialect.violation(err) != violationNone
	}, db.ckpt.wrote)
	return db, nil
}

// checkSQLite connects and makes sure the file took WAL mode: a database
// on a file system without shared memory support cannot, and would then
// serialize readers behind the writer.
func checkSQLite(ctx context.Context, db *database) error {
	var mode string
	if err := db.write.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return errs.Wrap(errs.Unavailable, fmt.Errorf("storage: open SQLite: %w", err),
			"cannot open the SQLite database; check that its directory exists and is writable")
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("storage: SQLite database is in %s journal mode, not WAL; is it on a network file system?", mode)
	}
	return nil
}

// createPrivate creates the database file readable by its owner only
// before SQLite does: it holds signing keys. SQLite gives the -wal and
// -shm files it creates later the main file's permissions.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case errors.Is(err, fs.ErrExist):
		return nil
	case err != nil:
		return errs.Wrap(errs.Unavailable, fmt.Errorf("storage: create SQLite file: %w", err),
			"cannot create the SQLite database file; check that its directory exists and is writable")
	}
	return f.Close()
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// sqliteDialect is SQLite as modernc.org/sqlite drives it.
type sqliteDialect struct{}

func (sqliteDialect) name() string         { return "sqlite" }
func (sqliteDialect) goose() goose.Dialect { return goose.DialectSQLite3 }

func (sqliteDialect) migrations() (fs.FS, error) { return fs.Sub(migrationFS, "migrations/sqlite") }

// lockMigrations takes no lock: one process serves an SQLite file, and
// within it Open migrates before anything else runs.
func (sqliteDialect) lockMigrations(context.Context, *sql.DB) (func(), error) { return func() {}, nil }

// txOptions: SQLite transactions are serializable anyway, and the driver
// begins them IMMEDIATE (see openSQLite).
func (sqliteDialect) txOptions() *sql.TxOptions { return nil }

// timeArg stores microseconds since the epoch: exact, compact, and ordered
// like the times themselves, which keyset pagination on events relies on.
func (sqliteDialect) timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

// lockRows is empty: every write transaction begins IMMEDIATE on the one
// write connection, so it already excludes every other writer.
func (sqliteDialect) lockRows(lockMode) string { return "" }

func (sqliteDialect) violation(err error) violation {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return violationNone
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return violationPrimaryKey
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE:
		return violationUnique
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return violationForeignKey
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		return violationCheck
	}
	return violationNone
}

// retryable: only a stale snapshot, which a deferred transaction of
// another process can cause; IMMEDIATE transactions never see it.
func (sqliteDialect) retryable(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code() == sqlite3.SQLITE_BUSY_SNAPSHOT
}

func (sqliteDialect) unavailable(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL, sqlite3.SQLITE_CANTOPEN:
		return true
	}
	return false
}

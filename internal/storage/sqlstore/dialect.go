package sqlstore

import (
	"context"
	"database/sql"
	"io/fs"
	"time"

	"github.com/pressly/goose/v3"
)

// dialect is everything the two databases disagree on. It is deliberately
// small: the queries themselves are shared.
type dialect interface {
	// name is "sqlite" or "postgres", for logs and messages.
	name() string

	// goose names the dialect for the migration library; migrations is the
	// directory of embedded migrations; lockMigrations takes a lock that
	// is held, until release is called, while migrations run, so that
	// replicas starting together take turns.
	goose() goose.Dialect
	migrations() (fs.FS, error)
	lockMigrations(ctx context.Context, db *sql.DB) (release func(), err error)

	// txOptions are the options of every write transaction.
	txOptions() *sql.TxOptions

	// timeArg encodes t as a query argument for a time column, NULL for
	// the zero time. Scanning needs no dialect: see timeDest.
	timeArg(t time.Time) any

	// lockRows is the suffix that makes a SELECT lock the rows it reads
	// until the transaction ends.
	lockRows(m lockMode) string

	// violation classifies a constraint failure; violationNone for every
	// other error (and for nil).
	violation(err error) violation
	// retryable reports whether the whole transaction may succeed if run
	// again (serialization failure, deadlock).
	retryable(err error) bool
	// unavailable reports whether err says the database is busy or out of
	// reach, as opposed to a bug in a query.
	unavailable(err error) bool
}

// lockMode says what a read-modify-write intends to do with the rows it
// locks. PostgreSQL distinguishes the two so that updating an object does
// not block inserting its children (whose foreign key check takes a
// KEY SHARE lock on the parent row), while deleting it does.
type lockMode int

const (
	// lockUpdate: the row will be updated, its ID kept.
	lockUpdate lockMode = iota
	// lockDelete: the row will be deleted, or nothing may reference it
	// meanwhile.
	lockDelete
)

// violation is the kind of constraint a statement broke.
type violation int

const (
	violationNone violation = iota
	violationPrimaryKey
	violationUnique
	violationForeignKey
	violationCheck
)

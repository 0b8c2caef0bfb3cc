package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/pressly/goose/v3"

	"latch.dev/latch/internal/errs"
)

// Options tunes Open. The zero value is ready to use.
type Options struct {
	// Logger receives migrations, retries and housekeeping. Nil discards.
	Logger *slog.Logger

	// MaxOpenConns bounds the connections that serve statements: the
	// PostgreSQL pool (default 10, at least 2), or SQLite's read pool
	// (default max(4, GOMAXPROCS)). SQLite always writes through one
	// connection.
	// Size a PostgreSQL pool so that replicas × MaxOpenConns stays well
	// under the server's max_connections.
	MaxOpenConns int
	// MaxIdleConns is how many connections stay open while idle; default
	// MaxOpenConns, so a busy server does not reconnect between bursts.
	MaxIdleConns int
	// ConnMaxLifetime closes PostgreSQL connections after this long
	// (default 30 minutes), so that a pool spreads over replicas added
	// behind a load balancer or a failover address and picks up changed
	// server settings.
	ConnMaxLifetime time.Duration
	// ConnMaxIdleTime closes PostgreSQL connections idle this long
	// (default 5 minutes).
	ConnMaxIdleTime time.Duration

	// BusyTimeout is how long an SQLite statement waits for a lock that
	// another process holds before failing with Unavailable; default 5s.
	// Within one process writers queue for the single write connection
	// instead, which this does not bound (the caller's context does).
	BusyTimeout time.Duration

	// MaxRetries bounds how often a transaction is run again after a
	// serialization failure or deadlock; default 5. Negative disables
	// retries.
	MaxRetries int
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = 5 * time.Second
	}
	switch {
	case o.MaxRetries == 0:
		o.MaxRetries = 5
	case o.MaxRetries < 0:
		o.MaxRetries = 0
	}
	if o.ConnMaxLifetime <= 0 {
		o.ConnMaxLifetime = 30 * time.Minute
	}
	if o.ConnMaxIdleTime <= 0 {
		o.ConnMaxIdleTime = 5 * time.Minute
	}
	return o
}

// Open connects to the database that dsn names, brings its schema up to
// date and returns the store.
//
// dsn is a PostgreSQL URL (postgres://… or postgresql://…, every pgx
// parameter allowed, e.g. search_path to use a schema) or an SQLite file:
// a path, sqlite:PATH or file:PATH. SQLite needs a real file, never
// ":memory:" (each connection would get its own empty database), and takes
// no parameters: the store sets its own.
//
// Several processes may Open one PostgreSQL database at once: migrations
// run under a lock, so replicas starting together take turns and the later
// ones find nothing to do.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	kind, target, err := parseDSN(dsn)
	if err != nil {
		return nil, err
	}
	var db *database
	switch kind {
	case "postgres":
		db, err = openPostgres(ctx, target, opts)
	default:
		db, err = openSQLite(ctx, target, opts)
	}
	if err != nil {
		return nil, err
	}
	return &Store{db: db}, nil
}

// parseDSN tells the two kinds of dsn apart and, for SQLite, extracts the
// file path.
func parseDSN(dsn string) (kind, target string, err error) {
	hasPrefix := func(p string) bool { return len(dsn) >= len(p) && strings.EqualFold(dsn[:len(p)], p) }
	path := dsn
	switch {
	case hasPrefix("postgres://"), hasPrefix("postgresql://"):
		return "postgres", dsn, nil
	case hasPrefix("sqlite:"):
		path = dsn[len("sqlite:"):]
	case hasPrefix("file:"):
		path = dsn[len("file:"):]
	}
	// sqlite:///var/lib/latch.db and file:///… are URLs with an empty host.
	if strings.HasPrefix(path, "//") {
		path = path[2:]
		if !strings.HasPrefix(path, "/") {
			return "", "", errs.Invalidf("database", "%q names a host; an SQLite database is a local file (sqlite:///absolute/path or a plain path)", dsn)
		}
	}
	switch {
	case path == "":
		return "", "", errs.Invalidf("database", "is empty; give a PostgreSQL URL (postgres://…) or an SQLite file path")
	case path == ":memory:" || strings.Contains(path, "mode=memory"):
		return "", "", errs.Invalidf("database", "an in-memory SQLite database is private to each connection; give a file path")
	case strings.ContainsAny(path, "?#"):
		return "", "", errs.Invalidf("database", "SQLite paths take no parameters (latch sets WAL, foreign keys and timeouts itself); remove everything from '?'")
	}
	return "sqlite", path, nil
}

//go:embed migrations
var migrationFS embed.FS

// migrate brings the schema up to date with goose, under the dialect's
// migration lock, so concurrent Opens take turns.
func migrate(ctx context.Context, db *database) error {
	fsys, err := db.dialect.migrations()
	if err != nil {
		return fmt.Errorf("storage: migrations: %w", err)
	}
	p, err := goose.NewProvider(db.dialect.goose(), db.write, fsys,
		// Only this package's SQL files: never Go migrations that some
		// other package registered globally.
		goose.WithDisableGlobalRegistry(true),
		goose.WithSlog(db.log))
	if err != nil {
		return fmt.Errorf("storage: migrations: %w", err)
	}
	release, err := db.dialect.lockMigrations(ctx, db.write)
	if err != nil {
		return db.fail(ctx, "migrate schema", err)
	}
	defer release()
	results, err := p.Up(ctx)
	if err != nil {
		return db.fail(ctx, "migrate schema", err)
	}
	for _, r := range results {
		db.log.InfoContext(ctx, "storage: applied migration",
			"dialect", db.dialect.name(), "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
	}
	return nil
}

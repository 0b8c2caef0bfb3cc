package sqlstore_test

import (
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"sync"
	"testing"

	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
	"latch.dev/latch/internal/storage/sqlstore"
	"latch.dev/latch/internal/storage/storagetest"
	"latch.dev/latch/internal/testutil/pgtest"
)

// postgresServer returns a connection to the shared test server and its
// URL, or skips (see pgtest).
func postgresServer(t *testing.T) (*sql.DB, string) {
	t.Helper()
	dsn := pgtest.Server(t)
	return pgtest.Admin(t, dsn), dsn
}

// freshSchema returns dsn pointed at a schema of t's own.
func freshSchema(t *testing.T, admin *sql.DB, dsn string) string {
	t.Helper()
	schemaDSN, _ := pgtest.Schema(t, admin, dsn)
	return schemaDSN
}

func openPostgres(t *testing.T, dsn string) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.Open(t.Context(), dsn, sqlstore.Options{Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	// Registered after the schema's cleanup, so it runs before it.
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return st
}

func TestPostgres(t *testing.T) {
	t.Parallel()
	admin, dsn := postgresServer(t)
	storagetest.Run(t, func(t *testing.T) storage.Store {
		return openPostgres(t, freshSchema(t, admin, dsn))
	})
}

// TestPostgresReplicasStartTogether opens several stores on one empty
// schema at once, as replicas of a deployment do, and checks that all of
// them migrate without error and share one database.
func TestPostgresReplicasStartTogether(t *testing.T) {
	t.Parallel()
	admin, dsn := postgresServer(t)
	schemaDSN := freshSchema(t, admin, dsn)
	const replicas = 4
	stores := make([]*sqlstore.Store, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		wg.Go(func() {
			st, err := sqlstore.Open(t.Context(), schemaDSN, sqlstore.Options{Logger: testLogger(t)})
			if err != nil {
				t.Errorf("replica %d: open: %v", i, err)
				return
			}
			stores[i] = st
		})
	}
	wg.Wait()
	for _, st := range stores {
		if st != nil {
			t.Cleanup(func() { _ = st.Close() })
		}
	}
	if t.Failed() {
		return
	}
	g := iam.Group{ID: mustRootID(t), Name: "acme.dev"}
	if err := stores[0].CreateGroup(t.Context(), g); err != nil {
		t.Fatal(err)
	}
	for i, st := range stores {
		if _, err := st.Group(t.Context(), g.ID); err != nil {
			t.Errorf("replica %d does not see the group replica 0 wrote: %v", i, err)
		}
	}
	var applied int
	if err := admin.QueryRowContext(t.Context(), "SELECT count(*) FROM "+schemaName(t, schemaDSN)+".goose_db_version WHERE version_id > 0").Scan(&applied); err != nil {
		t.Fatal(err)
	}
	files, err := os.ReadDir("migrations/postgres")
	if err != nil {
		t.Fatal(err)
	}
	if applied != len(files) {
		t.Errorf("the migration history has %d applied migrations, want %d: replicas migrated twice", applied, len(files))
	}
}

func mustRootID(t *testing.T) string {
	t.Helper()
	id, err := iam.NewRootID(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func schemaName(t *testing.T, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("search_path")
}

// TestPostgresIgnoresTheServersIsolationDefault runs the suite on
// connections whose default isolation level is SERIALIZABLE, as an
// operator may configure a database. The store pins READ COMMITTED for its
// transactions, which its locking relies on.
func TestPostgresIgnoresTheServersIsolationDefault(t *testing.T) {
	t.Parallel()
	admin, dsn := postgresServer(t)
	storagetest.Run(t, func(t *testing.T) storage.Store {
		u, err := url.Parse(freshSchema(t, admin, dsn))
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("default_transaction_isolation", "serializable")
		u.RawQuery = q.Encode()
		return openPostgres(t, u.String())
	})
}

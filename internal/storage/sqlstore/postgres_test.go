package sqlstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver for the admin connection

	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
	"latch.dev/latch/internal/storage/sqlstore"
	"latch.dev/latch/internal/storage/storagetest"
)

// postgresServer returns a connection to the server named by
// LATCH_TEST_POSTGRES_DSN and the DSN itself. Without it the test skips,
// unless LATCH_REQUIRE_POSTGRES=1, which CI sets so that a missing server
// fails the run instead of passing it quietly.
func postgresServer(t *testing.T) (*sql.DB, string) {
	t.Helper()
	dsn := os.Getenv("LATCH_TEST_POSTGRES_DSN")
	if dsn == "" {
		if os.Getenv("LATCH_REQUIRE_POSTGRES") == "1" {
			t.Fatal("LATCH_REQUIRE_POSTGRES=1 but LATCH_TEST_POSTGRES_DSN is not set")
		}
		t.Skip("LATCH_TEST_POSTGRES_DSN is not set; set it to a PostgreSQL URL to run these tests")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	if err := admin.PingContext(t.Context()); err != nil {
		t.Fatalf("cannot reach the PostgreSQL server in LATCH_TEST_POSTGRES_DSN: %v", err)
	}
	return admin, dsn
}

// freshSchema creates a schema with a random name, drops it with
// everything in it when t ends, and returns dsn with search_path set to
// it. Tests in separate schemas run in parallel on one server.
func freshSchema(t *testing.T, admin *sql.DB, dsn string) string {
	t.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	schema := "latch_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// t.Context() has ended by now; the drop must run regardless.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("LATCH_TEST_POSTGRES_DSN is not a URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
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

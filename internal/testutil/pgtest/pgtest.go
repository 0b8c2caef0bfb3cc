// Package pgtest gives tests a PostgreSQL schema of their own on the
// server named by LATCH_TEST_POSTGRES_DSN (scripts/test.sh starts a
// throwaway one and sets it), so that tests in separate schemas run in
// parallel on one server.
//
// Without that variable PostgreSQL tests skip, unless
// LATCH_REQUIRE_POSTGRES=1, which CI sets so that a missing server fails
// the run instead of passing it quietly.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for the tests' own connections
)

// Need skips t because PostgreSQL is not available, saying why, or fails
// it under LATCH_REQUIRE_POSTGRES=1.
func Need(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("LATCH_REQUIRE_POSTGRES") == "1" {
		t.Fatalf("LATCH_REQUIRE_POSTGRES=1 but %s", why)
	}
	t.Skip(why)
}

// Server returns the URL of the shared test server, or skips t.
func Server(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("LATCH_TEST_POSTGRES_DSN")
	if dsn == "" {
		Need(t, "LATCH_TEST_POSTGRES_DSN is not set; scripts/test.sh starts a throwaway PostgreSQL and sets it")
	}
	return dsn
}

// Admin connects to dsn for the test's own statements; the connection
// closes when t ends.
func Admin(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		t.Fatalf("cannot reach PostgreSQL at %s: %v", dsn, err)
	}
	return db
}

// Schema creates a schema with a random name through admin, drops it with
// everything in it when t ends, and returns dsn pointed at it (see
// NewSchema).
func Schema(t testing.TB, admin *sql.DB, dsn string) (schemaDSN, schema string) {
	t.Helper()
	schemaDSN, schema, drop, err := NewSchema(t.Context(), admin, dsn, "latch_test_")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := drop(); err != nil {
			t.Error(err)
		}
	})
	return schemaDSN, schema
}

// NewSchema creates a schema named prefix and random hex through admin
// and returns dsn pointed at it: its search_path is the schema, and so is
// its application_name, so that a test can find its own sessions among
// everyone's. drop removes the schema with everything in it, on a context
// of its own (the caller's may have ended by then). Load tools use it
// outside tests.
func NewSchema(ctx context.Context, admin *sql.DB, dsn, prefix string) (schemaDSN, schema string, drop func() error, err error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", "", nil, fmt.Errorf("the PostgreSQL URL is not a URL: %w", err)
	}
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", "", nil, err
	}
	schema = prefix + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return "", "", nil, fmt.Errorf("create schema: %w", err)
	}
	drop = func() error {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			return fmt.Errorf("drop schema %s: %w", schema, err)
		}
		return nil
	}
	q := u.Query()
	q.Set("search_path", schema)
	q.Set("application_name", schema)
	u.RawQuery = q.Encode()
	return u.String(), schema, drop, nil
}

// FreshSchema is Server, Admin and Schema in one: a schema of t's own on
// the shared test server.
func FreshSchema(t testing.TB) (schemaDSN, schema string) {
	t.Helper()
	dsn := Server(t)
	return Schema(t, Admin(t, dsn), dsn)
}

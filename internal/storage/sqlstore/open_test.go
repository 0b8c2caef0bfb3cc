package sqlstore

import (
	"testing"

	"latch.dev/latch/internal/errs"
)

func TestParseDSN(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, dsn, kind, target string
	}{
		{"a postgres URL is PostgreSQL", "postgres://u@db:5432/latch?sslmode=verify-full", "postgres", "postgres://u@db:5432/latch?sslmode=verify-full"},
		{"a postgresql URL is PostgreSQL", "postgresql://db/latch", "postgres", "postgresql://db/latch"},
		{"the scheme is case-insensitive", "POSTGRES://db/latch", "postgres", "POSTGRES://db/latch"},
		{"a plain path is SQLite", "/var/lib/latch/latch.db", "sqlite", "/var/lib/latch/latch.db"},
		{"a relative path is SQLite", "data/latch.db", "sqlite", "data/latch.db"},
		{"sqlite:PATH is SQLite", "sqlite:data/latch.db", "sqlite", "data/latch.db"},
		{"sqlite:///PATH is an absolute path", "sqlite:///var/lib/latch.db", "sqlite", "/var/lib/latch.db"},
		{"file:PATH is SQLite", "file:/var/lib/latch.db", "sqlite", "/var/lib/latch.db"},
		{"file:///PATH is an absolute path", "file:///var/lib/latch.db", "sqlite", "/var/lib/latch.db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kind, target, err := parseDSN(tc.dsn)
			if err != nil {
				t.Fatal(err)
			}
			if kind != tc.kind || target != tc.target {
				t.Errorf("parseDSN(%q) = %q, %q; want %q, %q", tc.dsn, kind, target, tc.kind, tc.target)
			}
		})
	}
}

func TestParseDSNRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, dsn string }{
		{"an empty DSN", ""},
		{"an in-memory database", ":memory:"},
		{"an in-memory database by URI", "file:latch?mode=memory"},
		{"SQLite parameters", "latch.db?_journal_mode=DELETE"},
		{"a host in a file URL", "file://server/latch.db"},
		{"an empty sqlite: path", "sqlite:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := parseDSN(tc.dsn)
			if !errs.Is(err, errs.Invalid) {
				t.Errorf("parseDSN(%q) = %v, want an Invalid error", tc.dsn, err)
			}
		})
	}
}

func TestOpenExplainsAMissingDirectory(t *testing.T) {
	t.Parallel()
	_, err := Open(t.Context(), t.TempDir()+"/missing/latch.db", Options{})
	if !errs.Is(err, errs.Unavailable) {
		t.Fatalf("got %v, want an Unavailable error", err)
	}
	if msg := errs.Message(err); msg == "" {
		t.Error("the error has no message for the operator")
	}
}

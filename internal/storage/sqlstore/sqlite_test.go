package sqlstore_test

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"latch.dev/latch/internal/storage"
	"latch.dev/latch/internal/storage/sqlstore"
	"latch.dev/latch/internal/storage/storagetest"
)

// testLogger sends the store's logs to the test's output.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func openSQLite(t *testing.T, path string) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.Open(t.Context(), path, sqlstore.Options{Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return st
}

func TestSQLite(t *testing.T) {
	t.Parallel()
	storagetest.Run(t, func(t *testing.T) storage.Store {
		return openSQLite(t, filepath.Join(t.TempDir(), "latch.db"))
	})
}

func TestSQLiteFileIsPrivateAndReopens(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "latch.db")
	st, err := sqlstore.Open(t.Context(), "sqlite:"+path, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{path, path + "-wal"} {
		fi, err := os.Stat(name)
		if err != nil {
			if name != path && os.IsNotExist(err) {
				continue // a clean close may checkpoint and remove the WAL
			}
			t.Fatal(err)
		}
		if mode := fi.Mode().Perm(); mode&0o077 != 0 {
			t.Errorf("%s has mode %v; it holds signing keys and must be private to its owner", name, mode)
		}
	}
	// Opening again finds the schema in place.
	openSQLite(t, "file:"+path)
}

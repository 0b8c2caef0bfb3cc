package signer

import (
	"path/filepath"
	"testing"

	"latch.dev/latch/internal/signer/signertest"
	"latch.dev/latch/internal/storage"
	"latch.dev/latch/internal/storage/sqlstore"
)

// keyStore is a storage.Keys implementation the rotation tests run on.
type keyStore struct {
	name string
	open func(testing.TB) storage.Keys
}

// keyStores lists the implementations of storage.Keys to test rotation on.
func keyStores() []keyStore {
	return []keyStore{
		{"in memory", func(testing.TB) storage.Keys { return signertest.NewKeys() }},
		{"in an SQLite file", openSQLite},
	}
}

// forEachStore runs test once per key store, in parallel subtests.
func forEachStore(t *testing.T, test func(t *testing.T, open func(testing.TB) storage.Keys)) {
	for _, ks := range keyStores() {
		t.Run("with keys "+ks.name, func(t *testing.T) {
			t.Parallel()
			test(t, ks.open)
		})
	}
}

// counts returns how often an in-memory store was read and written; ok is
// false for other stores, which do not count.
func counts(store storage.Keys) (reads, writes int, ok bool) {
	m, ok := store.(*signertest.Keys)
	if !ok {
		return 0, 0, false
	}
	reads, writes, _ = m.Stats()
	return reads, writes, true
}

// openSQLite opens a fresh SQLite file store, the default backend.
func openSQLite(t testing.TB) storage.Keys {
	t.Helper()
	st, err := sqlstore.Open(t.Context(), filepath.Join(t.TempDir(), "latch.db"), sqlstore.Options{})
	if err != nil {
		t.Fatalf("open SQLite store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

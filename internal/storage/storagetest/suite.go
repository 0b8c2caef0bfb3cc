package storagetest

import (
	"testing"

	"latch.dev/latch/internal/storage"
)

// Run runs the whole suite. open must return an empty, migrated store that
// belongs to t alone and is closed (and its data removed) by t's cleanup.
func Run(t *testing.T, open func(t *testing.T) storage.Store) {
	areas := []struct {
		name  string
		tests []test
	}{
		{"groups", groupTests()},
		{"hierarchy", hierarchyTests()},
		{"identities", identityTests()},
		{"identities by issuer", issuerTests()},
		{"roles", roleTests()},
		{"role bindings", bindingTests()},
		{"pagination", paginationTests()},
		{"transactions", txTests()},
		{"concurrency", concurrencyTests()},
		{"signing keys", keyTests()},
		{"proofs", proofTests()},
		{"refresh tokens", refreshTests()},
		{"events", eventTests()},
		{"bootstrap", bootstrapTests()},
	}
	for _, area := range areas {
		t.Run(area.name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range area.tests {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					tc.run(t, open(t))
				})
			}
		})
	}
}

// test is one case: a sentence saying what must hold, and a check that
// gets a fresh store.
type test struct {
	name string
	run  func(t *testing.T, st storage.Store)
}

package sqlstore

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// The suite cannot see expired records (they are invisible through the
// interface), so this test looks at the table: expired records go in
// batches, at most once per sweepInterval of the callers' clock, and never
// records that are still live.
func TestClaimProofSweepsExpiredRecords(t *testing.T) {
	t.Parallel()
	st, err := Open(t.Context(), filepath.Join(t.TempDir(), "latch.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	rows := func() int {
		t.Helper()
		var n int
		if err := st.db.read.QueryRowContext(t.Context(), `SELECT count(*) FROM proofs`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	now := time.Date(2026, time.November, 25, 12, 0, 0, 0, time.UTC)
	// The first claim sweeps (there is nothing yet); the next ones, within
	// sweepInterval, do not.
	for i := range sweepBatch + 10 {
		if err := st.ClaimProof(t.Context(), fmt.Sprintf("old%d", i), now.Add(time.Second), now); err != nil {
			t.Fatal(err)
		}
	}
	if got := rows(); got != sweepBatch+10 {
		t.Fatalf("%d records before any expired, want %d", got, sweepBatch+10)
	}

	later := now.Add(sweepInterval)
	if err := st.ClaimProof(t.Context(), "live", later.Add(time.Hour), later); err != nil {
		t.Fatal(err)
	}
	if got := rows(); got != 11 {
		t.Fatalf("%d records after one sweep, want 11 (10 expired left for the next batch, and the live one)", got)
	}
	// A full batch means more may wait: the next claim sweeps at once.
	if err := st.ClaimProof(t.Context(), "live2", later.Add(time.Hour), later); err != nil {
		t.Fatal(err)
	}
	if got := rows(); got != 2 {
		t.Fatalf("%d records after the second sweep, want the 2 live ones", got)
	}
}

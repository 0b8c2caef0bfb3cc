package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

func openTestSQLite(t *testing.T) *Store {
	t.Helper()
	st, err := Open(t.Context(), filepath.Join(t.TempDir(), "latch.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// holdWriter takes the one write connection until the returned function
// is called, so that statements queue up and then commit as one group.
func holdWriter(t *testing.T, st *Store) func() {
	t.Helper()
	held, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- st.Tx(context.Background(), func(storage.Store) error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	var once sync.Once
	free := func() {
		once.Do(func() {
			close(release)
			if err := <-done; err != nil {
				t.Error(err)
			}
		})
	}
	t.Cleanup(free) // also when the test fails before it frees the writer
	return free
}

// queued gives n writers that were just started time to queue behind
// the held write connection. The committer may already have taken any
// number of them into its next group, so the queue's length tells
// nothing certain; the tests' assertions hold however the writers were
// grouped, and this only makes one shared group likely.
func queued(t *testing.T, g *groupCommit, n int) {
	t.Helper()
	deadline := time.Now().Add(200 * time.Millisecond)
	for len(g.queue) < n-1 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
}

func event(id string) iam.Event {
	return iam.Event{ID: id, Time: time.Unix(1700000000, 0), Type: "exchange", Group: iam.RootScope, Outcome: iam.OutcomeAccepted}
}

func TestGroupCommit(t *testing.T) {
	t.Parallel()
	t.Run("concurrent writers each get their own outcome", func(t *testing.T) {
		t.Parallel()
		st := openTestSQLite(t)
		ctx := context.Background()
		now := time.Now()
		release := holdWriter(t, st)
		var wg sync.WaitGroup
		errc := make(chan error, 40)
		for i := range 20 {
			wg.Go(func() { errc <- st.AppendEvent(ctx, event(fmt.Sprintf("e%02d", i%10))) }) // each ID twice
			wg.Go(func() { errc <- st.ClaimProof(ctx, fmt.Sprintf("k%02d", i%10), now.Add(time.Minute), now) })
		}
		queued(t, st.db.group, 30)
		release()
		wg.Wait()
		close(errc)
		var ok, exists int
		for err := range errc {
			switch {
			case err == nil:
				ok++
			case errs.Is(err, errs.AlreadyExists):
				exists++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok != 20 || exists != 20 {
			t.Errorf("%d writes succeeded and %d found their key taken; want 20 and 20 (each key once)", ok, exists)
		}
		page, err := st.ListEvents(ctx, storage.EventFilter{PageSize: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 10 {
			t.Errorf("%d events stored, want the 10 distinct ones", len(page.Items))
		}
	})
	t.Run("a failing statement fails its caller alone", func(t *testing.T) {
		t.Parallel()
		st := openTestSQLite(t)
		ctx := context.Background()
		release := holdWriter(t, st)
		var wg sync.WaitGroup
		var bad error
		good := make([]error, 5)
		for i := range good {
			wg.Go(func() { good[i] = st.AppendEvent(ctx, event(fmt.Sprintf("g%d", i))) })
		}
		wg.Go(func() { _, bad = st.db.group.exec(ctx, `INSERT INTO no_such_table (x) VALUES (1)`) })
		queued(t, st.db.group, 6)
		release()
		wg.Wait()
		if bad == nil {
			t.Error("a statement on a missing table succeeded")
		}
		for i, err := range good {
			if err != nil {
				t.Errorf("write %d failed with its group's bad statement: %v", i, err)
			}
		}
	})
	t.Run("a caller that gave up while queued is not run", func(t *testing.T) {
		t.Parallel()
		st := openTestSQLite(t)
		ctx := context.Background()
		if err := st.AppendEvent(ctx, event("warm")); err != nil { // prepares the statement
			t.Fatal(err)
		}
		release := holdWriter(t, st)
		// The first write is taken by the committer, which then waits for
		// the write connection; the second waits in the queue.
		first := make(chan error, 1)
		go func() { first <- st.AppendEvent(ctx, event("first")) }()
		time.Sleep(50 * time.Millisecond)
		abandon, cancel := context.WithCancel(ctx)
		second := make(chan error, 1)
		go func() { second <- st.AppendEvent(abandon, event("abandoned")) }()
		for len(st.db.group.queue) == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
		if err := <-second; !errs.Is(err, errs.Unavailable) || !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want unavailable because the context ended", err)
		}
		release()
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		if err := st.AppendEvent(ctx, event("after")); err != nil {
			t.Fatal(err)
		}
		page, err := st.ListEvents(ctx, storage.EventFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 3 {
			t.Errorf("%d events stored, want warm, first and after", len(page.Items))
		}
		for _, e := range page.Items {
			if e.ID == "abandoned" {
				t.Error("the abandoned write was committed")
			}
		}
	})
	t.Run("writes after Close fail instead of waiting", func(t *testing.T) {
		t.Parallel()
		st, err := Open(t.Context(), filepath.Join(t.TempDir(), "latch.db"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		if err := st.AppendEvent(context.Background(), event("late")); err == nil {
			t.Error("a write after Close succeeded")
		}
	})
}

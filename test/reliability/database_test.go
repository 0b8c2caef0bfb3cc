package reliability

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	_ "modernc.org/sqlite" // the "sqlite" driver, to lock the server's database

	"latch.dev/latch/internal/errs"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
	"latch.dev/latch/internal/testutil/pgtest"
)

// busyTimeout is how long the SQLite store waits for a lock another
// process holds (sqlstore.Options.BusyTimeout's default).
const busyTimeout = 5 * time.Second

// TestTheDatabaseGoingAwayGives503sAndLatchRecovers takes the database
// away under a running server: writes then fail with 503 (never 500 or a
// hang), reads and health checks that need no write still answer, and
// once the database is back the server works again without a restart.
func TestTheDatabaseGoingAwayGives503sAndLatchRecovers(t *testing.T) {
	t.Parallel()
	t.Run("SQLite locked by another process", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t, options{})
		lock, err := sql.Open("sqlite", filepath.Join(w.srv.Config().DataDir, "latch.db")+"?_txlock=immediate")
		if err != nil {
			t.Fatal(err)
		}
		defer lock.Close()
		tx, err := lock.BeginTx(context.Background(), nil) // BEGIN IMMEDIATE: the write lock
		if err != nil {
			t.Fatal(err)
		}
		// The exchange waits for the lock twice: to record the proof's
		// use, and to record the refusal in the audit trail.
		w.expectWritesRefused(t, 2*busyTimeout+slack)
		if err := w.served(context.Background(), w.srv.URL, 2*time.Second); err != nil {
			t.Errorf("reads while another process holds the write lock: %v", err)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		w.expectRecovery(t, 10*time.Second)
	})
	t.Run("PostgreSQL stopped and started again", func(t *testing.T) {
		t.Parallel()
		c := startCluster(t)
		w := newWorld(t, options{db: c.DSN()})
		c.stop(t)
		w.expectWritesRefused(t, 10*time.Second)
		if code := w.get(t, "/readyz"); code != http.StatusServiceUnavailable {
			t.Errorf("/readyz with the database down: %d, want 503 so a load balancer stops sending traffic", code)
		}
		if code := w.get(t, "/healthz"); code != http.StatusOK {
			t.Errorf("/healthz with the database down: %d, want 200: the process is alive and must not be restarted", code)
		}
		c.start(t)
		w.expectRecovery(t, 20*time.Second)
		if code := w.get(t, "/readyz"); code != http.StatusOK {
			t.Errorf("/readyz once the database is back: %d", code)
		}
	})
	t.Run("PostgreSQL sessions terminated", func(t *testing.T) {
		t.Parallel()
		dsn, app := pgtest.FreshSchema(t)
		w := newWorld(t, options{db: dsn})
		admin := pgtest.Admin(t, pgtest.Server(t))
		var killed int
		if err := admin.QueryRowContext(t.Context(),
			`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`, app).Scan(&killed); err != nil {
			t.Fatal(err)
		}
		if killed == 0 {
			t.Fatal("the server had no session to terminate")
		}
		// The pool finds its connections dead; a request may fail on one
		// (with a 503, never a 500) before the pool has replaced them.
		var failures int
		for i := range 10 {
			a, err := w.exchange(context.Background(), w.srv.URL, w.proof(t), w.identity)
			switch {
			case err != nil:
				t.Fatalf("exchange %d: %v", i, err)
			case a.Status == http.StatusServiceUnavailable:
				failures++
			case a.Status != http.StatusOK:
				t.Errorf("exchange %d after the sessions were terminated: %d %s %q", i, a.Status, a.Code, a.Message)
			}
		}
		if failures > 3 {
			t.Errorf("%d of 10 exchanges failed after %d sessions were terminated; the pool should replace them at once", failures, killed)
		}
		w.expectRecovery(t, 10*time.Second)
	})
}

// expectWritesRefused checks that an exchange and an identity creation
// are refused as unavailable, each within limit.
func (w *world) expectWritesRefused(t *testing.T, limit time.Duration) {
	t.Helper()
	a, err := w.exchange(context.Background(), w.srv.URL, w.proof(t), w.identity)
	switch {
	case err != nil:
		t.Errorf("exchange without the database: %v", err)
	case a.Status != http.StatusServiceUnavailable || a.Code != "unavailable" || a.RetryAfter == "":
		t.Errorf("exchange without the database: %d %s %q (Retry-After %q); want 503 unavailable with Retry-After", a.Status, a.Code, a.Message, a.RetryAfter)
	case a.Took > limit:
		t.Errorf("exchange without the database took %v; want at most %v", a.Took, limit)
	}
	start := time.Now()
	err = w.createIdentity(context.Background(), fmt.Sprintf("refused-%d", start.UnixNano()))
	if !errs.Is(err, errs.Unavailable) {
		t.Errorf("creating an identity without the database: %v (%s); want unavailable", err, errs.KindOf(err))
	}
	if took := time.Since(start); took > limit {
		t.Errorf("creating an identity without the database took %v; want at most %v", took, limit)
	}
}

// expectRecovery waits, up to limit, until an exchange and an identity
// creation both succeed again.
func (w *world) expectRecovery(t *testing.T, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	var last string
	for n := 0; time.Now().Before(deadline); n++ {
		a, err := w.exchange(context.Background(), w.srv.URL, w.proof(t), w.identity)
		if err == nil && a.Status == http.StatusOK {
			if err := w.createIdentity(context.Background(), fmt.Sprintf("recovered-%d", n)); err == nil {
				return
			} else {
				last = err.Error()
			}
		} else {
			last = fmt.Sprintf("%+v %v", a, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Errorf("the server did not recover within %v of the database coming back: last %s", limit, last)
}

// createIdentity creates an AWS identity in the organization.
func (w *world) createIdentity(ctx context.Context, name string) error {
	_, err := w.api(w.srv.URL).Identities.Create(ctx, connect.NewRequest(&iamv1.CreateIdentityRequest{
		ParentId: w.org,
		Identity: &iamv1.Identity{Name: name, Relationship: &iamv1.Identity_AwsIdentity{AwsIdentity: &iamv1.AWSIdentity{
			AwsAccount: "123456789012",
			AwsArn:     &iamv1.AWSIdentity_ArnPattern{ArnPattern: "arn:aws:sts::123456789012:assumed-role/" + strings.ReplaceAll(name, "_", "-") + "/.+"},
			AwsUserId:  &iamv1.AWSIdentity_UserIdPattern{UserIdPattern: "AROA[A-Z0-9]+:.+"},
		}}},
	}))
	return err
}

// get returns the status of a GET of path.
func (w *world) get(t *testing.T, path string) int {
	t.Helper()
	res, err := w.plain.Get(w.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

package reliability

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"latch.dev/latch/internal/fakeaws"
)

// stsTimeout is the verifier's default bound on the whole conversation
// with STS, retries included (awsiam.DefaultTimeout); slack covers a
// loaded test machine.
const (
	stsTimeout = 10 * time.Second
	slack      = 3 * time.Second
	// maxAttempts is the first attempt and awsiam.DefaultRetries retries.
	maxAttempts = 3
	// stormSize is how many exchanges each storm sends at once.
	stormSize = 6
)

// TestTheExchangeSurvivesSTSFaults sends storms of exchanges while the
// fake STS misbehaves and checks that each gets a clear answer within the
// verifier's timeout, that retries are bounded, that the rest of the
// server keeps answering meanwhile, that nothing leaks (the server's
// goroutines and open files stop growing), and that the exchange works
// again once STS does.
func TestTheExchangeSurvivesSTSFaults(t *testing.T) {
	t.Parallel()
	json := http.Header{"Content-Type": {"application/json"}}
	for _, tc := range []struct {
		name   string
		fault  fakeaws.Fault
		down   bool // close STS instead of injecting a fault
		storms int
		status int
		code   string
		says   string
	}{
		{name: "slow but answering", fault: fakeaws.Delay(1500 * time.Millisecond), storms: 2, status: http.StatusOK},
		{name: "hanging", fault: fakeaws.Delay(time.Hour), storms: 2, status: http.StatusServiceUnavailable, code: "unavailable", says: "did not answer in time"},
		{name: "down", down: true, storms: 3, status: http.StatusServiceUnavailable, code: "unavailable", says: "could not reach AWS STS"},
		{name: "throttling", fault: fakeaws.Throttling(), storms: 3, status: http.StatusTooManyRequests, code: "resource_exhausted", says: "throttling"},
		{name: "failing", fault: fakeaws.InternalFailure(), storms: 3, status: http.StatusServiceUnavailable, code: "unavailable", says: "failed with HTTP 500"},
		{name: "answering garbage", fault: fakeaws.Raw(http.StatusOK, json, []byte("<html>not STS</html>")), storms: 3, status: http.StatusServiceUnavailable, code: "unavailable", says: "which latch does not accept"},
		{name: "answering without end", fault: fakeaws.NeverEnding(http.StatusOK, json), storms: 3, status: http.StatusServiceUnavailable, code: "unavailable", says: "answered with more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, options{})
			ctx := context.Background()
			// A storm that succeeds first opens what the server pools
			// (database connections, connections to STS), so that what
			// follows compares like with like.
			w.storm(t, http.StatusOK, "", "")
			u0 := w.resources(t)
			addr := strings.TrimPrefix(w.aws.STSServer.URL, "https://")
			if tc.down {
				if err := w.aws.STSServer.Close(); err != nil {
					t.Fatal(err)
				}
			} else {
				w.aws.STS.Faults().Inject(tc.fault, 0)
			}
			var u1 usage
			for storm := range tc.storms {
				before := w.aws.STS.Requests()
				w.storm(t, tc.status, tc.code, tc.says)
				if sent := w.aws.STS.Requests() - before; sent > stormSize*maxAttempts {
					t.Errorf("storm %d: %d exchanges sent %d requests to STS; at most %d attempts each", storm+1, stormSize, sent, maxAttempts)
				}
				u := w.resources(t)
				t.Logf("storm %d: %+v (before the fault: %+v)", storm+1, u, u0)
				if storm == 0 {
					u1 = u
					// Idle keep-alive connections to STS may remain, two
					// goroutines and one file each, and the database
					// pools may grow; nothing else should.
					if u.goroutines > u0.goroutines+2*stormSize+8 || u.files > u0.files+stormSize+8+fdsPerConn*max(0, u.conns-u0.conns) {
						t.Errorf("after the first storm: %+v, from %+v", u, u0)
					}
				} else if u.goroutines > u1.goroutines+4 || u.files > u1.files+4+fdsPerConn*max(0, u.conns-u1.conns) {
					t.Errorf("storm %d: %+v, from %+v after the first: a leak (files beyond what new database connections hold)", storm+1, u, u1)
				}
			}
			if tc.down {
				srv, err := fakeaws.Serve(w.aws.STS, fakeaws.ServeOptions{Addr: addr, CA: w.aws.CA})
				if err != nil {
					t.Fatalf("start STS again on %s: %v", addr, err)
				}
				t.Cleanup(func() { srv.Close() })
			}
			w.aws.STS.Faults().Reset()
			if a, err := w.exchange(ctx, w.srv.URL, w.proof(t), w.identity); err != nil || a.Status != http.StatusOK {
				t.Errorf("exchange once STS is back: %+v, %v", a, err)
			}
		})
	}
}

// storm sends stormSize exchanges at once and checks every answer, while
// checking that API calls and health probes are answered meanwhile.
func (w *world) storm(t *testing.T, status int, code, says string) {
	t.Helper()
	ctx := context.Background()
	proofs := make([]string, stormSize)
	for i := range proofs {
		proofs[i] = w.proof(t)
	}
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Go(func() {
		for {
			if err := w.served(ctx, w.srv.URL, 2*time.Second); err != nil {
				t.Errorf("while exchanges wait for STS: %v", err)
			}
			select {
			case <-done:
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	})
	var ex sync.WaitGroup
	for _, p := range proofs {
		ex.Go(func() {
			a, err := w.exchange(ctx, w.srv.URL, p, w.identity)
			switch {
			case err != nil:
				t.Errorf("exchange: %v", err)
			case a.Status != status || a.Code != code || !strings.Contains(a.Message, says):
				t.Errorf("exchange answered %d %s %q; want %d %s saying %q", a.Status, a.Code, a.Message, status, code, says)
			case a.Took > stsTimeout+slack:
				t.Errorf("exchange answered after %v; the verifier's timeout is %v", a.Took, stsTimeout)
			case status != http.StatusOK && a.RetryAfter == "":
				t.Errorf("a %d without Retry-After", a.Status)
			}
		})
	}
	ex.Wait()
	close(done)
	wg.Wait()
}

// usage is what the server holds at one moment: what a leak would grow.
type usage struct {
	goroutines, files float64
	// conns is the database connections open in the server's pools. Each
	// holds a few files (SQLite: the database and its WAL), and a pool may
	// grow to its bound under a storm that the warm-up did not reach.
	conns float64
}

// fdsPerConn is the files one database connection holds: a SQLite
// connection has the database and its WAL open, a PostgreSQL one a socket.
const fdsPerConn = 2

// resources reads the server's goroutines, open files and database
// connections, the reading with the fewest files of three: goroutines
// and files of requests that just finished may linger for a moment.
func (w *world) resources(t *testing.T) usage {
	t.Helper()
	time.Sleep(300 * time.Millisecond)
	u := usage{goroutines: 1e9, files: 1e9}
	for range 3 {
		m := w.metrics(t, w.srv.URL)
		if m["process_open_fds"] < u.files {
			u.files, u.conns = m["process_open_fds"], m[`go_sql_open_connections{db_name="read"}`]+m[`go_sql_open_connections{db_name="write"}`]+m[`go_sql_open_connections{db_name="main"}`]
		}
		u.goroutines = min(u.goroutines, m["go_goroutines"])
		time.Sleep(100 * time.Millisecond)
	}
	return u
}

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
			g0, f0 := w.resources(t)
			addr := strings.TrimPrefix(w.aws.STSServer.URL, "https://")
			if tc.down {
				if err := w.aws.STSServer.Close(); err != nil {
					t.Fatal(err)
				}
			} else {
				w.aws.STS.Faults().Inject(tc.fault, 0)
			}
			var g1, f1 float64
			for storm := range tc.storms {
				before := w.aws.STS.Requests()
				w.storm(t, tc.status, tc.code, tc.says)
				if sent := w.aws.STS.Requests() - before; sent > stormSize*maxAttempts {
					t.Errorf("storm %d: %d exchanges sent %d requests to STS; at most %d attempts each", storm+1, stormSize, sent, maxAttempts)
				}
				g, f := w.resources(t)
				t.Logf("storm %d: %v goroutines, %v open files (before the fault: %v, %v)", storm+1, g, f, g0, f0)
				if storm == 0 {
					g1, f1 = g, f
					// Idle keep-alive connections to STS may remain, two
					// goroutines and one file each; nothing else should.
					if g > g0+2*stormSize+8 || f > f0+stormSize+8 {
						t.Errorf("after the first storm: %v goroutines and %v open files, from %v and %v", g, f, g0, f0)
					}
				} else if g > g1+4 || f > f1+4 {
					t.Errorf("storm %d: goroutines grew to %v and open files to %v from %v and %v after the first: a leak", storm+1, g, f, g1, f1)
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

// resources reads the server's goroutines and open files, the smallest of
// a few readings a moment apart, once what the last requests started has
// wound down.
func (w *world) resources(t *testing.T) (goroutines, files float64) {
	t.Helper()
	time.Sleep(300 * time.Millisecond)
	goroutines, files = 1e9, 1e9
	for range 3 {
		m := w.metrics(t, w.srv.URL)
		goroutines, files = min(goroutines, m["go_goroutines"]), min(files, m["process_open_fds"])
		time.Sleep(100 * time.Millisecond)
	}
	return goroutines, files
}

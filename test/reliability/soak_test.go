//go:build soak

package reliability

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"

	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// TestSoak runs a moderate load (LATCH_SOAK_RATE exchanges a second, 100
// by default, each followed by an API call) against a `latch server` on
// SQLite for LATCH_SOAK_DURATION (10m by default) and checks that memory,
// goroutines and open files stay flat once warmed up, and that no request
// fails. Run it with `make soak`.
func TestSoak(t *testing.T) {
	duration := 10 * time.Minute
	if v := os.Getenv("LATCH_SOAK_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("LATCH_SOAK_DURATION: %v", err)
		}
		duration = d
	}
	rate := 100.0
	if v := os.Getenv("LATCH_SOAK_RATE"); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r <= 0 {
			t.Fatalf("LATCH_SOAK_RATE %q: give a positive number of exchanges a second", v)
		}
		rate = r
	}
	w := newWorld(t, options{})
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()

	var sent, failed atomic.Int64
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer tick.Stop()
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			proof := w.proof(t)
			wg.Go(func() {
				sent.Add(1)
				a, err := w.exchange(context.WithoutCancel(ctx), w.srv.URL, proof, w.identity)
				if err != nil || a.Status != http.StatusOK {
					failed.Add(1)
					t.Logf("exchange failed: %+v %v", a, err)
					return
				}
				if _, err := w.api(w.srv.URL).Groups.List(context.WithoutCancel(ctx), connect.NewRequest(&iamv1.GroupFilter{})); err != nil {
					failed.Add(1)
					t.Logf("API call failed: %v", err)
				}
			})
		}
	})

	var samples []sample
	start := time.Now()
	every := max(duration/60, time.Second)
	for ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-time.After(every):
			m := w.metrics(t, w.srv.URL)
			s := sample{time.Since(start).Round(time.Second), m["process_resident_memory_bytes"] / (1 << 20),
				m["go_memstats_heap_inuse_bytes"] / (1 << 20), m["go_goroutines"], m["process_open_fds"]}
			samples = append(samples, s)
			t.Logf("%6v  rss %6.1f MiB  heap %6.1f MiB  goroutines %4.0f  open files %4.0f  requests %d", s.at, s.rss, s.heap, s.goroutines, s.fds, sent.Load())
		}
	}
	wg.Wait()
	if f := failed.Load(); f > 0 {
		t.Errorf("%d of %d exchanges failed", f, sent.Load())
	}
	if len(samples) < 10 {
		t.Fatalf("only %d samples", len(samples))
	}
	// Warm-up: the first fifth (pools, caches, the runtime's heap goal).
	// Then compare its end with the last samples.
	base := avg(samples[len(samples)/5 : len(samples)/5+3])
	end := avg(samples[len(samples)-3:])
	t.Logf("after warm-up: rss %.1f MiB, heap %.1f MiB, %v goroutines, %v open files; at the end: %.1f MiB, %.1f MiB, %v, %v",
		base.rss, base.heap, base.goroutines, base.fds, end.rss, end.heap, end.goroutines, end.fds)
	if end.rss > base.rss*1.25+8 {
		t.Errorf("resident memory grew from %.1f to %.1f MiB", base.rss, end.rss)
	}
	if end.heap > base.heap*1.5+4 {
		t.Errorf("heap in use grew from %.1f to %.1f MiB", base.heap, end.heap)
	}
	if end.goroutines > base.goroutines+10 || end.fds > base.fds+10 {
		t.Errorf("goroutines went from %v to %v and open files from %v to %v", base.goroutines, end.goroutines, base.fds, end.fds)
	}
}

// sample is one reading of the server's resources (MiB for memory).
type sample struct {
	at                         time.Duration
	rss, heap, goroutines, fds float64
}

// avg averages samples field by field.
func avg(s []sample) sample {
	var out sample
	for _, x := range s {
		out.rss += x.rss / float64(len(s))
		out.heap += x.heap / float64(len(s))
		out.goroutines += x.goroutines / float64(len(s))
		out.fds += x.fds / float64(len(s))
	}
	return out
}

package stats

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Rate runs fn from n goroutines for d and returns how many calls
// completed per second. It measures a bare part of the exchange (signing a
// JWT, a round trip to STS) on the same machine as the full run, so the
// load tools can report ratios that hold when the machine is noisy. The
// first error stops the run.
func Rate(ctx context.Context, n int, d time.Duration, fn func(context.Context) error) (float64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		done     atomic.Int64
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	start := time.Now()
	deadline := start.Add(d)
	for range n {
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(deadline) {
				if err := fn(ctx); err != nil {
					errOnce.Do(func() { firstErr = err; cancel() })
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return 0, fmt.Errorf("after %d calls: %w", done.Load(), firstErr)
	}
	return float64(done.Load()) / time.Since(start).Seconds(), nil
}

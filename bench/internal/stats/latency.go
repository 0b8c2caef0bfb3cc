// Package stats summarizes what the load tools measure: latency
// percentiles and the throughput of a piece of work run alone.
package stats

import (
	"slices"
	"sync"
	"time"
)

// Latencies collects durations from many goroutines. A mutex is enough:
// the tools record a few thousand samples a second, far below where it
// would show in a profile.
type Latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

// Add records one sample.
func (l *Latencies) Add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

// Summary is a latency distribution in milliseconds, the unit the targets
// are stated in.
type Summary struct {
	Count  int     `json:"count"`
	MeanMS float64 `json:"mean_ms"`
	P50MS  float64 `json:"p50_ms"`
	P90MS  float64 `json:"p90_ms"`
	P99MS  float64 `json:"p99_ms"`
	P999MS float64 `json:"p99_9_ms"`
	MaxMS  float64 `json:"max_ms"`
}

// Summary computes the distribution of the samples so far.
func (l *Latencies) Summary() Summary {
	l.mu.Lock()
	d := slices.Clone(l.d)
	l.mu.Unlock()
	return Summarize(d)
}

// Summarize computes the distribution of d (which it sorts).
func Summarize(d []time.Duration) Summary {
	if len(d) == 0 {
		return Summary{}
	}
	slices.Sort(d)
	var sum time.Duration
	for _, x := range d {
		sum += x
	}
	return Summary{
		Count:  len(d),
		MeanMS: MS(sum / time.Duration(len(d))),
		P50MS:  MS(quantile(d, 0.50)),
		P90MS:  MS(quantile(d, 0.90)),
		P99MS:  MS(quantile(d, 0.99)),
		P999MS: MS(quantile(d, 0.999)),
		MaxMS:  MS(d[len(d)-1]),
	}
}

// quantile is the nearest-rank quantile of sorted samples: the smallest
// sample that at least q of the samples do not exceed.
func quantile(sorted []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// MS is d in milliseconds, to the microsecond: how every tool reports
// durations.
func MS(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}

package awsiam

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"latch.dev/latch/internal/metric"
)

// maxEndpointLabels bounds the endpoint label's values. Regional hosts are
// matched by shape, so a caller could name many made-up regions; past the
// bound they are counted as "other".
const maxEndpointLabels = 64

// metrics are per-endpoint counters of verifications and STS attempts and
// STS latency. Label values come from bounded sets: checks, outcomes, and
// at most maxEndpointLabels endpoint hosts.
type metrics struct {
	verifications *prometheus.CounterVec
	attempts      *prometheus.CounterVec
	latency       *prometheus.HistogramVec

	mu     sync.Mutex
	labels map[string]bool
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		verifications: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "latch", Subsystem: "aws_proof", Name: "verifications_total",
			Help: "AWS proofs verified, by STS endpoint and outcome (accepted, or the check that refused it).",
		}, []string{"endpoint", "outcome"}),
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "latch", Subsystem: "aws_proof", Name: "sts_requests_total",
			Help: "Requests sent to STS, by endpoint and result.",
		}, []string{"endpoint", "result"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "latch", Subsystem: "aws_proof", Name: "sts_request_duration_seconds",
			Help:    "Latency of requests to STS, by endpoint.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"endpoint"}),
		labels: map[string]bool{},
	}
	if err := metric.Register(reg, m.verifications, m.attempts, m.latency); err != nil {
		return nil, err
	}
	return m, nil
}

// endpointLabel returns host, "none" before an endpoint is chosen, or
// "other" once the label budget is spent.
func (m *metrics) endpointLabel(host string) string {
	if host == "" {
		return "none"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.labels[host] {
		return host
	}
	if len(m.labels) >= maxEndpointLabels {
		return "other"
	}
	m.labels[host] = true
	return host
}

func (m *metrics) verified(host, outcome string) {
	m.verifications.WithLabelValues(m.endpointLabel(host), outcome).Inc()
}

func (m *metrics) attempt(host string, o outcome, d time.Duration) {
	label := m.endpointLabel(host)
	m.attempts.WithLabelValues(label, string(o)).Inc()
	m.latency.WithLabelValues(label).Observe(d.Seconds())
}

package oidc

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/metric"
)

// fetchMetrics count the fetches of discovery documents and key sets and
// time them, so that an operator sees an issuer going slow or away before
// logins fail. Issuers are not a label: which issuers are fetched is up to
// whoever writes identities, and the log names the issuer of each failure.
type fetchMetrics struct {
	fetches  *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newFetchMetrics(reg prometheus.Registerer) (*fetchMetrics, error) {
	m := &fetchMetrics{
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "latch", Subsystem: "oidc", Name: "fetches_total",
			Help: "Fetches of OIDC discovery documents and key sets, by document (discovery, jwks) and result (ok, unavailable: worth retrying, refused: the issuer answered with something latch does not accept).",
		}, []string{"document", "result"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "latch", Subsystem: "oidc", Name: "fetch_duration_seconds",
			Help:    "Time to fetch an OIDC discovery document or key set, by document.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"document"}),
	}
	if err := metric.Register(reg, m.fetches, m.duration); err != nil {
		return nil, fmt.Errorf("oidc: %w", err)
	}
	return m, nil
}

// observe records one fetch of document that took d and ended with err.
func (m *fetchMetrics) observe(document string, d time.Duration, err error) {
	result := "ok"
	switch {
	case err == nil:
	case errs.Is(err, errs.Unavailable):
		result = "unavailable"
	default:
		result = "refused"
	}
	m.fetches.WithLabelValues(document, result).Inc()
	m.duration.WithLabelValues(document).Observe(d.Seconds())
}

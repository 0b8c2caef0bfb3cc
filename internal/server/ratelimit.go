package server

import (
	"fmt"

	"latch.dev/latch/internal/exchange"
	"latch.dev/latch/internal/ratelimit"
)

// RateLimitConfig sets the token exchange's rate limits (see
// internal/ratelimit). Rates are exchanges a second; 0 turns a limit off;
// a burst of 0 means twice the rate. Each replica counts on its own, so
// behind a load balancer a caller gets up to replicas × the limit.
type RateLimitConfig struct {
	// PerIP limits each source address (an IPv6 address by its /64).
	// latch sees the address of the peer that connected: behind a proxy
	// or load balancer that is the proxy's, and the limit would apply to
	// all callers together.
	PerIP      float64
	PerIPBurst int
	// PerIdentity limits the exchanges that target one identity.
	PerIdentity      float64
	PerIdentityBurst int
}

// exchangeLimiter builds the limiter of /sts/exchange. It is built even
// with both limits off, so that latch_exchange_rate_limited_total is
// always exported.
func (s *Server) exchangeLimiter() (exchange.Limiter, error) {
	c := s.cfg.RateLimit
	l, err := ratelimit.NewExchange(ratelimit.ExchangeConfig{
		PerIP: c.PerIP, PerIPBurst: c.PerIPBurst,
		PerIdentity: c.PerIdentity, PerIdentityBurst: c.PerIdentityBurst,
		Now: s.cfg.Now, Registerer: s.metrics.Registerer(),
	})
	if err != nil {
		return nil, fmt.Errorf("rate limits: %w", err)
	}
	return l, nil
}

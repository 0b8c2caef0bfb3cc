package server

import (
	"fmt"

	"latch.dev/latch/internal/exchange"
	"latch.dev/latch/internal/ratelimit"
)

// exchangeLimiter builds the limiter of /sts/exchange from
// Config.RateLimit. It is built even with both limits off, so that
// latch_exchange_rate_limited_total is always exported.
func (s *Server) exchangeLimiter() (exchange.Limiter, error) {
	l, err := ratelimit.NewExchange(ratelimit.ExchangeConfig{
		Limits: s.cfg.RateLimit, Now: s.cfg.Now, Registerer: s.metrics.Registerer(),
	})
	if err != nil {
		return nil, fmt.Errorf("rate limits: %w", err)
	}
	return l, nil
}

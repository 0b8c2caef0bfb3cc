package server

import (
	"github.com/spf13/cobra"

	"latch.dev/latch/internal/ratelimit"
)

// Default rate limits. Per identity: a runaway workload is stopped long
// before it can exhaust the STS quota or the database, and a fleet of a
// hundred instances of one role renewing together is not. Per source
// address: off, because latch sees the peer that connected, and behind a
// load balancer or proxy (every multi-replica deployment) that peer is
// the balancer: one address's limit would throttle every caller at once.
const (
	defaultRateLimitPerIdentity = 100
	defaultRateLimitPerIP       = 0
)

// addRateLimitFlags declares the token exchange's rate limits.
func addRateLimitFlags(cmd *cobra.Command, c *ratelimit.Limits) {
	fl := cmd.Flags()
	fl.Float64Var(&c.PerIdentity, "rate-limit-per-identity", defaultRateLimitPerIdentity, "token exchanges a second allowed for one identity, per replica; 0 turns the limit off")
	fl.IntVar(&c.PerIdentityBurst, "rate-limit-per-identity-burst", 0, "exchanges for one identity allowed at once (default: twice --rate-limit-per-identity)")
	fl.Float64Var(&c.PerIP, "rate-limit-per-ip", defaultRateLimitPerIP, "token exchanges a second allowed from one source address (IPv6: one /64), per replica; 0 turns the limit off. latch sees the connecting peer, so set it only where clients connect directly, not behind a load balancer or proxy")
	fl.IntVar(&c.PerIPBurst, "rate-limit-per-ip-burst", 0, "exchanges from one source address allowed at once (default: twice --rate-limit-per-ip)")
}

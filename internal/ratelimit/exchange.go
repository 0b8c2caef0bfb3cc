package ratelimit

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/metric"
)

// Limits are the token exchange's rate limits, as an operator sets them.
// A rate of 0 turns that limit off; a burst of 0 means twice the rate (at
// least 1). Each replica counts on its own, so behind a load balancer a
// caller gets up to replicas × the limit.
type Limits struct {
	// PerIP is how many exchanges a second one source address may make.
	// IPv6 addresses count by their /64, which one client usually holds
	// whole. latch sees the address of the peer that connected: behind a
	// proxy or load balancer that is the proxy's, and the limit would
	// apply to all callers together.
	PerIP      float64
	PerIPBurst int
	// PerIdentity is how many exchanges a second may target one identity.
	PerIdentity      float64
	PerIdentityBurst int
}

// ExchangeConfig sets the token exchange's limiter.
type ExchangeConfig struct {
	Limits
	// MaxKeys bounds each limiter's buckets (DefaultMaxKeys).
	MaxKeys int
	// Now is the clock (time.Now).
	Now func() time.Time
	// Registerer, when set, receives latch_exchange_rate_limited_total.
	Registerer prometheus.Registerer
}

// Exchange admits or refuses token exchanges before any work is done for
// them: no proof is decoded, no STS request sent, no row written for a
// refused one.
type Exchange struct {
	perIP, perIdentity *Keyed
	limited            *prometheus.CounterVec
}

// Limit names, the values of the metric's "by" label.
const (
	ByIP       = "ip"
	ByIdentity = "identity"
)

// NewExchange builds the exchange's limiters.
func NewExchange(c ExchangeConfig) (*Exchange, error) {
	if c.PerIP < 0 || c.PerIdentity < 0 || c.PerIPBurst < 0 || c.PerIdentityBurst < 0 {
		return nil, errors.New("rate limits and bursts must not be negative (0 turns a limit off)")
	}
	e := &Exchange{
		perIP:       NewKeyed(c.PerIP, burstOf(c.PerIP, c.PerIPBurst), c.MaxKeys, c.Now),
		perIdentity: NewKeyed(c.PerIdentity, burstOf(c.PerIdentity, c.PerIdentityBurst), c.MaxKeys, c.Now),
		limited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "latch", Name: "exchange_rate_limited_total",
			Help: "Token exchanges refused by a rate limit, by the limit (ip or identity).",
		}, []string{"by"}),
	}
	for _, by := range []string{ByIP, ByIdentity} {
		e.limited.WithLabelValues(by) // export zeros, so dashboards see the series
	}
	if err := metric.Register(c.Registerer, e.limited); err != nil {
		return nil, fmt.Errorf("rate limit: %w", err)
	}
	return e, nil
}

func burstOf(perSecond float64, burst int) int {
	if burst > 0 {
		return burst
	}
	return max(1, int(math.Ceil(2*perSecond)))
}

// Admit takes a token from the source address's bucket and then from the
// identity's, and returns nil, or a ResourceExhausted error whose message
// says which limit was hit and when to retry (and whose cause is an
// *Exceeded). The identity counts only when it is a well-formed ID: a
// malformed one is refused by the exchange anyway, cheaply, and keying on
// it would let a caller fill the buckets with made-up keys.
func (e *Exchange) Admit(sourceIP, identity string) error {
	if e.perIP.Enabled() { // off by default: then no address is parsed
		if ok, wait := e.perIP.Allow(AddressKey(sourceIP)); !ok {
			return e.refuse(&Exceeded{By: ByIP, Key: sourceIP, PerSecond: float64(e.perIP.limit), Burst: e.perIP.burst, Wait: wait})
		}
	}
	if !e.perIdentity.Enabled() || identity == "" || !iam.ValidID(identity) {
		return nil
	}
	if ok, wait := e.perIdentity.Allow(identity); !ok {
		return e.refuse(&Exceeded{By: ByIdentity, Key: identity, PerSecond: float64(e.perIdentity.limit), Burst: e.perIdentity.burst, Wait: wait})
	}
	return nil
}

func (e *Exchange) refuse(x *Exceeded) error {
	e.limited.WithLabelValues(x.By).Inc()
	return errs.Wrap(errs.ResourceExhausted, x, "%s", x.message())
}

// Exceeded says which limit refused a request and how long until it would
// admit one.
type Exceeded struct {
	By        string // ByIP or ByIdentity
	Key       string // the address or identity
	PerSecond float64
	Burst     int
	Wait      time.Duration
}

// Error is for logs.
func (x *Exceeded) Error() string {
	return fmt.Sprintf("rate limit by %s %s exceeded (%g/s, burst %d); retry in %s", x.By, x.Key, x.PerSecond, x.Burst, x.Wait)
}

// RetryAfter is how long the caller should wait, for the Retry-After
// header.
func (x *Exceeded) RetryAfter() time.Duration { return x.Wait }

// message is what the caller reads.
func (x *Exceeded) message() string {
	what := fmt.Sprintf("from your address %s", x.Key)
	per := "source address"
	if x.By == ByIdentity {
		what, per = fmt.Sprintf("for identity %s", x.Key), "identity"
	}
	return fmt.Sprintf("too many token exchanges %s: this server allows %g a second per %s (bursts of %d); retry in %s",
		what, x.PerSecond, per, x.Burst, roundUp(x.Wait))
}

// roundUp renders a wait the way Retry-After carries it: whole seconds,
// at least one.
func roundUp(d time.Duration) string {
	return (time.Duration(RetryAfterSeconds(d)) * time.Second).String()
}

// RetryAfterSeconds is d in whole seconds, rounded up, at least 1: the
// value of a Retry-After header.
func RetryAfterSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

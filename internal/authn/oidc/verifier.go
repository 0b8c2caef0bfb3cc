package oidc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/prometheus/client_golang/prometheus"

	"latch.dev/latch/internal/errs"
)

// Defaults of Config.
const (
	DefaultTimeout            = 10 * time.Second
	DefaultMaxResponseBytes   = 128 << 10
	DefaultCacheSize          = 100
	DefaultKeysTTL            = time.Hour
	DefaultMinRefreshInterval = 30 * time.Second
	DefaultFailureBackoff     = 5 * time.Second
	DefaultMaxStale           = 24 * time.Hour
)

// Config configures a Verifier. The zero value is usable.
type Config struct {
	// InsecureIssuers are issuer URLs whose documents may be fetched over
	// plain http (--oidc-insecure-issuer): a test issuer on loopback, a
	// cluster-internal issuer behind a trusted network. Every other
	// issuer must be https.
	InsecureIssuers []string
	// Transport carries the fetches; default http.DefaultTransport's
	// clone.
	Transport http.RoundTripper
	// Timeout bounds each fetch (DefaultTimeout).
	Timeout time.Duration
	// MaxResponseBytes caps a discovery document or key set
	// (DefaultMaxResponseBytes). Real ones are a few kilobytes.
	MaxResponseBytes int64
	// CacheSize is how many issuers' keys are kept (DefaultCacheSize).
	CacheSize int
	// KeysTTL is how long fetched keys are used before they are fetched
	// again (DefaultKeysTTL).
	KeysTTL time.Duration
	// MinRefreshInterval is the least time between two fetches of one
	// issuer caused by tokens with an unknown key ID
	// (DefaultMinRefreshInterval).
	MinRefreshInterval time.Duration
	// FailureBackoff is how long a failed fetch is answered from memory
	// before the issuer is asked again (DefaultFailureBackoff).
	FailureBackoff time.Duration
	// MaxStale is how long keys stay usable when fetching them again
	// fails, so that an issuer's short outage does not stop logins
	// (DefaultMaxStale).
	MaxStale time.Duration
	// Skew is the clock difference tolerated for exp, nbf and iat
	// (DefaultSkew).
	Skew time.Duration
	// Now is the clock (time.Now).
	Now func() time.Time
	// Logger receives fetch failures; default discards.
	Logger *slog.Logger
	// Registerer, when set, gets the fetch metrics
	// (latch_oidc_fetches_total, latch_oidc_fetch_duration_seconds).
	Registerer prometheus.Registerer
}

// Verifier verifies tokens against the keys their issuers publish. It is
// safe for concurrent use; its only state is the key cache.
type Verifier struct {
	policy     issuerPolicy
	fetch      *fetcher
	cache      *keyCache
	ttl        time.Duration
	minRefresh time.Duration
	backoff    time.Duration
	maxStale   time.Duration
	skew       time.Duration
	now        func() time.Time
	log        *slog.Logger
}

// New returns a Verifier.
func New(cfg Config) (*Verifier, error) {
	policy, err := newIssuerPolicy(cfg.InsecureIssuers)
	if err != nil {
		return nil, err
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.Timeout, DefaultTimeout)
	def(&cfg.KeysTTL, DefaultKeysTTL)
	def(&cfg.MinRefreshInterval, DefaultMinRefreshInterval)
	def(&cfg.FailureBackoff, DefaultFailureBackoff)
	def(&cfg.MaxStale, DefaultMaxStale)
	def(&cfg.Skew, DefaultSkew)
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if cfg.CacheSize <= 0 {
		cfg.CacheSize = DefaultCacheSize
	}
	if cfg.Transport == nil {
		cfg.Transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	metrics, err := newFetchMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}
	return &Verifier{
		policy:     policy,
		fetch:      newFetcher(cfg.Transport, cfg.Timeout, cfg.MaxResponseBytes, metrics),
		cache:      newKeyCache(cfg.CacheSize),
		ttl:        cfg.KeysTTL,
		minRefresh: cfg.MinRefreshInterval,
		backoff:    cfg.FailureBackoff,
		maxStale:   cfg.MaxStale,
		skew:       cfg.Skew,
		now:        cfg.Now,
		log:        cfg.Logger,
	}, nil
}

// CheckIssuer reports whether iss may be fetched at all (https, or
// allowed over http), without fetching it.
func (v *Verifier) CheckIssuer(iss string) error {
	_, err := v.policy.check(iss)
	return err
}

// Verify checks t's signature with the keys of the issuer t names, and
// its times. The caller must have decided that it trusts that issuer
// (the identity's issuer rule) before calling: Verify fetches from it.
func (v *Verifier) Verify(ctx context.Context, t *Token) (*Token, error) {
	if err := v.CheckIssuer(t.Issuer); err != nil {
		return nil, err
	}
	keys, err := v.keys(ctx, t)
	if err != nil {
		return nil, err
	}
	out, err := VerifyWithKeys(t, keys, "issuer "+t.Issuer)
	if err != nil {
		return nil, err
	}
	if err := CheckTimes(out.Claims, v.now(), v.skew); err != nil {
		return nil, err
	}
	return out, nil
}

// keys returns the issuer's keys for t: from the cache while they are
// fresh and hold t's key; fetched again when they are old, or when t's key
// is unknown and the last fetch is at least MinRefreshInterval ago (a
// rotation at the issuer). Old keys serve for MaxStale when the issuer
// cannot be reached; a failed fetch is not repeated within FailureBackoff.
func (v *Verifier) keys(ctx context.Context, t *Token) ([]jose.JSONWebKey, error) {
	iss, now := t.Issuer, v.now()
	e, ok := v.cache.get(iss)
	switch {
	case !ok:
	case e.err != nil && now.Sub(e.tried) < v.backoff:
		// The issuer failed a moment ago: do not ask again yet, so that
		// a down or hanging issuer costs one fetch per backoff, not one
		// per exchange.
		if e.keys != nil && now.Sub(e.fetched) < v.maxStale {
			return e.keys, nil
		}
		return nil, e.err
	case e.keys == nil:
	case now.Sub(e.fetched) >= v.ttl:
	case !hasKey(e.keys, t) && now.Sub(e.tried) >= v.minRefresh:
	default:
		return e.keys, nil
	}
	fresh, err := v.cache.fetch(ctx, iss, func(fctx context.Context) (cacheEntry, error) {
		keys, err := v.discover(fctx, iss)
		if err != nil {
			v.log.WarnContext(fctx, "oidc issuer keys not fetched", "issuer", iss, "err", err)
		}
		return v.cache.put(iss, keys, err, v.now()), nil
	})
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, errs.Wrap(errs.Unavailable, err, "the request ended before the keys of issuer %s arrived", iss)
		}
		return nil, fmt.Errorf("fetch keys of %s: %w", iss, err)
	}
	if fresh.err == nil {
		return fresh.keys, nil
	}
	if fresh.keys != nil && now.Sub(fresh.fetched) < v.maxStale {
		return fresh.keys, nil
	}
	return nil, fresh.err
}

// CachedIssuers returns how many issuers' keys are cached, for tests and
// metrics.
func (v *Verifier) CachedIssuers() int { return v.cache.len() }

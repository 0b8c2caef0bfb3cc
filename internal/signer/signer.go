package signer

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/go-jose/go-jose/v4"

	"latch.dev/latch/internal/errs"
)

// ErrUnknownKey means a token names a key ID that is not in the published
// key set, even after reloading it.
var ErrUnknownKey = errors.New("signer: unknown key ID")

// Signer signs with the current key of the shared key set and looks up
// the keys that verify. It is safe for concurrent use.
type Signer struct {
	cfg   Config
	sched schedule

	snap atomic.Pointer[keySet]
	// sem is held while reading the store and installing what was read,
	// so that an older read never replaces a newer one.
	sem chan struct{}
	// lastOnDemand is when an unknown kid last caused a reload; guarded
	// by sem.
	lastOnDemand time.Time
}

// New returns a Signer. It does no I/O: call Maintain once before serving
// (it creates the keys on a fresh store) and keep Run going.
func New(cfg Config) (*Signer, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Signer{
		cfg:   cfg,
		sched: schedule{period: cfg.RotationPeriod, maxTokenLifetime: cfg.MaxTokenLifetime},
		sem:   make(chan struct{}, 1),
	}
	s.snap.Store(&keySet{})
	return s, nil
}

// Algorithm returns the algorithm of the keys this signer creates.
func (s *Signer) Algorithm() string { return s.cfg.Algorithm }

// MaxTokenLifetime returns the longest token lifetime the key schedule
// allows for: a token must not outlive the key that verifies it.
func (s *Signer) MaxTokenLifetime() time.Duration { return s.cfg.MaxTokenLifetime }

// Sign signs payload with the current key and returns a JWS in compact
// serialization, with "alg", "kid" and "typ": "JWT" in its header. It
// reads the store only when the cached key set is RefreshInterval old or
// has no current key.
func (s *Signer) Sign(ctx context.Context, payload []byte) (string, error) {
	s.maybeRefresh(ctx)
	snap := s.snap.Load()
	k := snap.signing(s.cfg.Now())
	if k == nil {
		err := s.refreshOnDemand(ctx, snap.gen)
		if k = s.snap.Load().signing(s.cfg.Now()); k == nil {
			if err == nil {
				err = errors.New("signer: the key set has no current key; is the signer's Maintain running?")
			}
			return "", errs.Wrap(errs.Unavailable, err, "no signing key is available yet; try again shortly")
		}
	}
	jws, err := k.signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("signer: sign with key %s: %w", k.id, err)
	}
	out, err := jws.CompactSerialize()
	if err != nil {
		return "", fmt.Errorf("signer: serialize: %w", err)
	}
	return out, nil
}

// PublicKey returns the published key with ID kid, for verifying a token
// that names it. An unknown kid reloads the key set first (at most once
// per OnDemandRefreshInterval), so a replica finds a key that another
// replica created moments ago. It fails with ErrUnknownKey when the key
// is not published, and with an Unavailable error when the store could
// not be read.
func (s *Signer) PublicKey(ctx context.Context, kid string) (jose.JSONWebKey, error) {
	snap := s.snap.Load()
	if k := snap.published(kid, s.cfg.Now()); k != nil {
		return k.public, nil
	}
	if err := s.refreshOnDemand(ctx, snap.gen); err != nil {
		return jose.JSONWebKey{}, err
	}
	if k := s.snap.Load().published(kid, s.cfg.Now()); k != nil {
		return k.public, nil
	}
	return jose.JSONWebKey{}, fmt.Errorf("%w %q", ErrUnknownKey, kid)
}

// PublicKeys returns the JWKS: every key that is still published (next,
// current and retired), oldest first, each with "kid", "alg" and
// "use": "sig".
func (s *Signer) PublicKeys(ctx context.Context) (jose.JSONWebKeySet, error) {
	s.maybeRefresh(ctx)
	snap := s.snap.Load()
	if snap.gen == 0 {
		return jose.JSONWebKeySet{}, errs.New(errs.Unavailable, "the signing keys are not loaded yet; try again shortly")
	}
	now := s.cfg.Now()
	set := jose.JSONWebKeySet{Keys: make([]jose.JSONWebKey, 0, len(snap.keys))}
	for _, k := range snap.keys {
		if k.publishUntil.After(now) {
			set.Keys = append(set.Keys, k.public)
		}
	}
	return set, nil
}

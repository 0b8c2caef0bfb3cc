package signer

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"latch.dev/latch/internal/storage"
)

// The signature algorithms latch signs with. Nothing else is ever accepted
// by latch's verifiers: never "none", never an HMAC.
const (
	ES256 = "ES256" // ECDSA on P-256 with SHA-256; the default
	RS256 = "RS256" // RSASSA-PKCS1-v1_5 with SHA-256
)

// Algorithms returns the signature algorithms latch signs and verifies
// with, the default first.
func Algorithms() []string { return []string{ES256, RS256} }

// Schedule constants. The package documentation explains how they relate.
const (
	// DefaultRotationPeriod is how long a key signs. A day keeps the JWKS
	// at two or three keys (next, current and, for L after each rotation,
	// the retired one) and a rotation a rare, cheap event for every
	// replica and relying party, while a key that leaked is still out of
	// use within two days plus the longest token lifetime.
	DefaultRotationPeriod = 24 * time.Hour
	// MinRotationPeriod bounds how often keys may rotate; it must stay
	// well above PublishLead.
	MinRotationPeriod = time.Hour
	// DefaultMaxTokenLifetime is the longest token lifetime assumed when
	// none is configured; it matches the token package's ceiling.
	DefaultMaxTokenLifetime = 12 * time.Hour
	// maxMaxTokenLifetime bounds how long retired keys stay published.
	maxMaxTokenLifetime = 7 * 24 * time.Hour

	// PublishLead is the least time a key is published before it signs.
	PublishLead = 10 * time.Minute
	// RetireMargin is how long a retired key stays published beyond the
	// longest token lifetime.
	RetireMargin = 5 * time.Minute
	// RefreshInterval is how often a replica reloads the key set and
	// checks whether rotation is due.
	RefreshInterval = time.Minute
	// OnDemandRefreshInterval is the least time between two reloads caused
	// by tokens with unknown key IDs.
	OnDemandRefreshInterval = 5 * time.Second
)

// RSA key sizes.
const (
	DefaultRSABits = 2048
	maxRSABits     = 4096
)

// Config configures a Signer. Keys is required; every other field has a
// default.
type Config struct {
	// Keys is where the key set lives, shared by every replica.
	Keys storage.Keys
	// Algorithm of new keys: ES256 (default) or RS256.
	Algorithm string
	// RSABits is the size of new RSA keys: 2048 (default) to 4096.
	RSABits int
	// RotationPeriod is how long each key signs (DefaultRotationPeriod).
	RotationPeriod time.Duration
	// MaxTokenLifetime is the longest lifetime of any token signed with
	// these keys (DefaultMaxTokenLifetime). Retired keys stay published
	// that long, so it must not be less than what the minter allows.
	MaxTokenLifetime time.Duration
	// Now is the clock (time.Now).
	Now func() time.Time
	// Rand is the source of randomness for key generation (crypto/rand).
	// Since Go 1.26 the standard library ignores it and always uses a
	// secure source, unless GODEBUG=cryptocustomrand=1.
	Rand io.Reader
	// Logger receives rotation events and store failures (discarded).
	Logger *slog.Logger
}

// withDefaults validates c and fills in the defaults.
func (c Config) withDefaults() (Config, error) {
	if c.Keys == nil {
		return c, errors.New("signer: Config.Keys is required")
	}
	switch c.Algorithm {
	case "":
		c.Algorithm = ES256
	case ES256, RS256:
	default:
		return c, fmt.Errorf("signer: unsupported algorithm %q; use %s or %s", c.Algorithm, ES256, RS256)
	}
	if c.RSABits == 0 {
		c.RSABits = DefaultRSABits
	}
	if c.RSABits < DefaultRSABits || c.RSABits > maxRSABits {
		return c, fmt.Errorf("signer: RSA keys must have %d to %d bits, not %d", DefaultRSABits, maxRSABits, c.RSABits)
	}
	if c.RotationPeriod == 0 {
		c.RotationPeriod = DefaultRotationPeriod
	}
	if c.RotationPeriod < MinRotationPeriod {
		return c, fmt.Errorf("signer: rotation period %v is shorter than %v", c.RotationPeriod, MinRotationPeriod)
	}
	if c.MaxTokenLifetime == 0 {
		c.MaxTokenLifetime = DefaultMaxTokenLifetime
	}
	if c.MaxTokenLifetime < 0 || c.MaxTokenLifetime > maxMaxTokenLifetime {
		return c, fmt.Errorf("signer: longest token lifetime %v is not between 0 and %v", c.MaxTokenLifetime, maxMaxTokenLifetime)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

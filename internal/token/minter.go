package token

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
)

// Lifetimes.
const (
	// DefaultLifetime is how long a token lives unless asked otherwise.
	DefaultLifetime = time.Hour
	// MaxLifetimeCeiling is the longest any token may live, whatever the
	// configuration.
	MaxLifetimeCeiling = 12 * time.Hour
)

// Signer signs token payloads; *signer.Signer is one.
type Signer interface {
	// Sign returns payload as a compact JWS.
	Sign(ctx context.Context, payload []byte) (string, error)
	// MaxTokenLifetime is the longest token lifetime the keys stay
	// published for.
	MaxTokenLifetime() time.Duration
}

// MinterConfig configures a Minter. Issuer and Signer are required.
type MinterConfig struct {
	// Issuer is the server's URL, the tokens' "iss".
	Issuer string
	// Signer signs the tokens.
	Signer Signer
	// Lifetime is how long tokens live when the claims set no expiry
	// (DefaultLifetime).
	Lifetime time.Duration
	// MaxLifetime is the longest expiry a caller may ask for: the
	// smaller of MaxLifetimeCeiling and the signer's MaxTokenLifetime by
	// default, and never more.
	MaxLifetime time.Duration
	// Now is the clock (time.Now).
	Now func() time.Time
	// Rand is the source of token IDs (crypto/rand).
	Rand io.Reader
}

// Minter mints signed latch tokens. It is safe for concurrent use.
type Minter struct {
	cfg MinterConfig
}

// NewMinter returns a Minter.
func NewMinter(cfg MinterConfig) (*Minter, error) {
	if err := CheckIssuer(cfg.Issuer); err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	if cfg.Signer == nil {
		return nil, errors.New("token: MinterConfig.Signer is required")
	}
	limit := min(MaxLifetimeCeiling, cfg.Signer.MaxTokenLifetime())
	if cfg.MaxLifetime == 0 {
		cfg.MaxLifetime = limit
	}
	if cfg.MaxLifetime < 0 || cfg.MaxLifetime > limit {
		return nil, fmt.Errorf("token: maximum lifetime %v is not between 0 and %v (the ceiling, or the signer's longest token lifetime)", cfg.MaxLifetime, limit)
	}
	if cfg.Lifetime == 0 {
		cfg.Lifetime = min(DefaultLifetime, cfg.MaxLifetime)
	}
	if cfg.Lifetime < time.Second || cfg.Lifetime > cfg.MaxLifetime {
		return nil, fmt.Errorf("token: lifetime %v is not between 1s and the maximum %v", cfg.Lifetime, cfg.MaxLifetime)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	return &Minter{cfg: cfg}, nil
}

// Issuer returns the "iss" of the tokens this minter makes.
func (m *Minter) Issuer() string { return m.cfg.Issuer }

// Token is a minted token.
type Token struct {
	Raw    string // the compact JWT, for the "token" field of the exchange response
	Claims Claims // what Raw says
}

// Expiry is when the token stops being valid, for the "expiry" field of
// the exchange response.
func (t Token) Expiry() time.Time { return t.Claims.Expiry }

// Mint signs a token with the claims c. The minter sets iss, iat, nbf and
// jti, which c must leave empty (or set iss to the minter's issuer). It
// sets exp to now plus the configured lifetime when c.Expiry is zero;
// otherwise c.Expiry must lie in the future and within MaxLifetime.
// Capabilities and scopes are sorted and de-duplicated.
func (m *Minter) Mint(ctx context.Context, c Claims) (Token, error) {
	if c.Issuer != "" && c.Issuer != m.cfg.Issuer {
		return Token{}, fmt.Errorf("token: claims name issuer %q, but this minter issues as %q", c.Issuer, m.cfg.Issuer)
	}
	if !c.IssuedAt.IsZero() || !c.NotBefore.IsZero() || c.ID != "" {
		return Token{}, errors.New("token: iat, nbf and jti are the minter's to set")
	}
	if !iam.ValidID(c.Subject) {
		return Token{}, fmt.Errorf("token: subject %q is not a UIDP", c.Subject)
	}
	if err := m.normalize(&c); err != nil {
		return Token{}, err
	}

	now := m.cfg.Now()
	iat := now.UTC().Truncate(time.Second)
	switch {
	case c.Expiry.IsZero():
		c.Expiry = iat.Add(m.cfg.Lifetime)
	case !c.Expiry.After(now):
		return Token{}, errs.Invalidf("exp", "the expiry %s is not in the future", c.Expiry.UTC().Format(time.RFC3339))
	case c.Expiry.Sub(iat) > m.cfg.MaxLifetime:
		return Token{}, errs.Invalidf("exp", "a token may live at most %v", m.cfg.MaxLifetime)
	default:
		c.Expiry = c.Expiry.UTC().Truncate(time.Second)
	}
	id := make([]byte, 16)
	if _, err := io.ReadFull(m.cfg.Rand, id); err != nil {
		return Token{}, fmt.Errorf("token: read random token ID: %w", err)
	}
	c.Issuer = m.cfg.Issuer
	c.IssuedAt, c.NotBefore = iat, iat
	c.ID = base64.RawURLEncoding.EncodeToString(id)

	// MarshalJSON directly: json.Marshal(c) would call it and then scan
	// its output again to validate and compact it, a third of the cost of
	// encoding on every exchange.
	payload, err := c.MarshalJSON()
	if err != nil {
		return Token{}, fmt.Errorf("token: encode claims: %w", err)
	}
	raw, err := m.cfg.Signer.Sign(ctx, payload)
	if err != nil {
		return Token{}, fmt.Errorf("token: %w", err)
	}
	return Token{Raw: raw, Claims: c}, nil
}

// normalize checks the caller's parts of c and puts lists in canonical
// order.
func (m *Minter) normalize(c *Claims) error {
	if len(c.Audience) == 0 {
		return errs.Invalidf("aud", "at least one audience is required")
	}
	aud := make([]string, 0, len(c.Audience))
	for _, a := range c.Audience {
		if a == "" {
			return errs.Invalidf("aud", "an audience must not be empty")
		}
		if !slices.Contains(aud, a) {
			aud = append(aud, a)
		}
	}
	c.Audience = aud
	if len(c.Capabilities) > 0 {
		caps, err := iam.NormalizeCapabilities("cap", c.Capabilities)
		if err != nil {
			return err
		}
		c.Capabilities = caps
	} else {
		c.Capabilities = nil
	}
	if len(c.Scopes) > 0 {
		scopes := slices.Clone(c.Scopes)
		for _, s := range scopes {
			if !iam.ValidID(s) {
				return errs.Invalidf("scopes", "%q is not a group ID", s)
			}
		}
		slices.Sort(scopes)
		c.Scopes = slices.Compact(scopes)
	} else {
		c.Scopes = nil
	}
	return nil
}

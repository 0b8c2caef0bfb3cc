package oidc

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
)

// DefaultSkew is the clock difference tolerated between an issuer and
// latch. It is small: every second of it extends a stolen token's life.
const DefaultSkew = time.Minute

// CheckTimes checks exp (required), nbf and iat against now, each with
// skew. A token without exp would be valid forever once stolen; a token
// dated in the future was minted by a wrong clock or to outlive a key
// rotation.
func CheckTimes(c iam.TokenClaims, now time.Time, skew time.Duration) error {
	exp, ok, err := numericDate(c, "exp")
	if err != nil {
		return err
	}
	if !ok {
		return errs.Wrap(errs.Unauthenticated, ErrNoExpiry, `the token has no "exp" claim; latch accepts only tokens that expire`)
	}
	if now.After(exp.Add(skew)) {
		return errs.Wrap(errs.Unauthenticated, ErrExpired, "the token expired at %s (it is now %s); get a fresh token from its issuer", stamp(exp), stamp(now))
	}
	nbf, ok, err := numericDate(c, "nbf")
	if err != nil {
		return err
	}
	if ok && now.Add(skew).Before(nbf) {
		return errs.Wrap(errs.Unauthenticated, ErrNotYetValid, "the token is not valid before %s (it is now %s); check the issuer's clock", stamp(nbf), stamp(now))
	}
	iat, ok, err := numericDate(c, "iat")
	if err != nil {
		return err
	}
	if ok && now.Add(skew).Before(iat) {
		return errs.Wrap(errs.Unauthenticated, ErrIssuedInFuture, "the token says it was issued at %s, in the future (it is now %s); check the issuer's clock", stamp(iat), stamp(now))
	}
	return nil
}

// numericDate reads a NumericDate claim (seconds since the epoch, maybe
// fractional).
func numericDate(c iam.TokenClaims, name string) (time.Time, bool, error) {
	v, present := c[name]
	if !present {
		return time.Time{}, false, nil
	}
	var f float64
	switch x := v.(type) {
	case json.Number:
		var err error
		if f, err = x.Float64(); err != nil {
			return time.Time{}, false, badDate(name)
		}
	case float64:
		f = x
	default:
		return time.Time{}, false, badDate(name)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e11 {
		return time.Time{}, false, badDate(name)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true, nil
}

func badDate(name string) error {
	return errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: %s", ErrMalformed, name), "the token's %q claim is not a number of seconds since 1970", name)
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

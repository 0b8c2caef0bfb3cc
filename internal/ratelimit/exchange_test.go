package ratelimit

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/testutil/fakeclock"
)

const (
	identityA = "0123456789abcdef0123456789abcdef01234567/0123456789abcdef"
	identityB = "0123456789abcdef0123456789abcdef01234567/fedcba9876543210"
)

func newExchange(t *testing.T, l Limits) (*Exchange, *prometheus.Registry, *fakeclock.Clock) {
	t.Helper()
	clk := newClock()
	reg := prometheus.NewRegistry()
	e, err := NewExchange(ExchangeConfig{Limits: l, Now: clk.Now, Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	return e, reg, clk
}

func TestTheExchangeLimits(t *testing.T) {
	t.Parallel()
	t.Run("an address over its limit is refused with the limit and the wait in the message", func(t *testing.T) {
		t.Parallel()
		e, _, _ := newExchange(t, Limits{PerIP: 1, PerIPBurst: 1})
		if err := e.Admit("203.0.113.7", identityA); err != nil {
			t.Fatal(err)
		}
		err := e.Admit("203.0.113.7", identityB)
		if !errs.Is(err, errs.ResourceExhausted) {
			t.Fatalf("err = %v, want resource exhausted", err)
		}
		msg := errs.Message(err)
		for _, want := range []string{"203.0.113.7", "1 a second per source address", "retry in 1s"} {
			if !strings.Contains(msg, want) {
				t.Errorf("message %q does not say %q", msg, want)
			}
		}
		var x *Exceeded
		if !errors.As(err, &x) || x.By != ByIP || x.RetryAfter() != time.Second {
			t.Errorf("cause = %#v, want an Exceeded by ip with a 1s wait", x)
		}
	})
	t.Run("an identity over its limit is refused whatever the address", func(t *testing.T) {
		t.Parallel()
		e, _, _ := newExchange(t, Limits{PerIdentity: 2, PerIdentityBurst: 2})
		for _, addr := range []string{"198.51.100.1", "198.51.100.2"} {
			if err := e.Admit(addr, identityA); err != nil {
				t.Fatal(err)
			}
		}
		err := e.Admit("198.51.100.3", identityA)
		if !errs.Is(err, errs.ResourceExhausted) || !strings.Contains(errs.Message(err), "for identity "+identityA) {
			t.Fatalf("err = %v, want the identity's limit", err)
		}
		if err := e.Admit("198.51.100.3", identityB); err != nil {
			t.Errorf("another identity was refused: %v", err)
		}
	})
	t.Run("a refusal by address takes no token of the identity", func(t *testing.T) {
		t.Parallel()
		e, _, _ := newExchange(t, Limits{PerIP: 1, PerIPBurst: 1, PerIdentity: 1, PerIdentityBurst: 1})
		if err := e.Admit("192.0.2.1", identityB); err != nil {
			t.Fatal(err)
		}
		if err := e.Admit("192.0.2.1", identityA); err == nil {
			t.Fatal("the address's second request was admitted")
		}
		if err := e.Admit("192.0.2.2", identityA); err != nil {
			t.Errorf("identity A lost its token to a request its address's limit refused: %v", err)
		}
	})
	t.Run("malformed identities are not keyed", func(t *testing.T) {
		t.Parallel()
		e, _, _ := newExchange(t, Limits{PerIdentity: 1, PerIdentityBurst: 1})
		for range 5 {
			if err := e.Admit("192.0.2.1", "not-an-id"); err != nil {
				t.Fatalf("a malformed identity was limited: %v", err)
			}
		}
		if n := e.perIdentity.Len(); n != 0 {
			t.Errorf("%d identity buckets, want none", n)
		}
	})
	t.Run("addresses of one IPv6 /64 share a bucket", func(t *testing.T) {
		t.Parallel()
		e, _, _ := newExchange(t, Limits{PerIP: 1, PerIPBurst: 1})
		if err := e.Admit("2001:db8:1:2::1", ""); err != nil {
			t.Fatal(err)
		}
		if err := e.Admit("2001:db8:1:2:ffff::9", ""); err == nil {
			t.Error("another address of the same /64 was admitted")
		}
		if err := e.Admit("2001:db8:1:3::1", ""); err != nil {
			t.Errorf("an address of another /64 was refused: %v", err)
		}
	})
	t.Run("refusals are counted by limit", func(t *testing.T) {
		t.Parallel()
		e, reg, _ := newExchange(t, Limits{PerIP: 1, PerIPBurst: 1, PerIdentity: 1, PerIdentityBurst: 1})
		_ = e.Admit("192.0.2.1", identityA)
		_ = e.Admit("192.0.2.1", identityA) // by ip
		_ = e.Admit("192.0.2.2", identityA) // by identity
		_ = e.Admit("192.0.2.3", identityA) // by identity
		got := limited(t, reg)
		if got[ByIP] != 1 || got[ByIdentity] != 2 {
			t.Errorf("latch_exchange_rate_limited_total = %v, want ip 1 and identity 2", got)
		}
	})
	t.Run("limits off admit everything", func(t *testing.T) {
		t.Parallel()
		e, _, _ := newExchange(t, Limits{})
		for range 1000 {
			if err := e.Admit("192.0.2.1", identityA); err != nil {
				t.Fatal(err)
			}
		}
	})
	t.Run("negative limits are refused", func(t *testing.T) {
		t.Parallel()
		if _, err := NewExchange(ExchangeConfig{Limits: Limits{PerIP: -1}}); err == nil {
			t.Error("a negative rate was accepted")
		}
	})
}

func TestRetryAfterRoundsUpToWholeSeconds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		wait time.Duration
		want int
	}{{time.Nanosecond, 1}, {time.Second, 1}, {1001 * time.Millisecond, 2}, {90 * time.Second, 90}} {
		if got := RetryAfterSeconds(tc.wait); got != tc.want {
			t.Errorf("RetryAfterSeconds(%v) = %d, want %d", tc.wait, got, tc.want)
		}
	}
}

// limited reads latch_exchange_rate_limited_total by label.
func limited(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() != "latch_exchange_rate_limited_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "by" {
					out[l.GetValue()] = m.GetCounter().GetValue()
				}
			}
		}
	}
	return out
}

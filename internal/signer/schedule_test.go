package signer

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"latch.dev/latch/internal/storage"
)

// fakeGen returns keys named k1, k2, … with no key material.
func fakeGen() keyGen {
	n := 0
	return func() (storage.SigningKey, error) {
		n++
		return storage.SigningKey{ID: fmt.Sprintf("k%d", n), Algorithm: ES256}, nil
	}
}

// sk is a scheduled fake key.
func sk(id string, created, signUntil time.Time) storage.SigningKey {
	p := schedule{period: testPeriod, maxTokenLifetime: testLifetime}
	return storage.SigningKey{ID: id, Algorithm: ES256, CreatedAt: created, SignUntil: signUntil, PublishUntil: p.publishUntil(signUntil)}
}

func TestSchedulePlan(t *testing.T) {
	t.Parallel()
	p := schedule{period: testPeriod, maxTokenLifetime: testLifetime}
	retain := testLifetime + RetireMargin
	tests := []struct {
		name    string
		keys    []storage.SigningKey
		now     time.Time
		want    []storage.SigningKey
		changed bool
	}{
		{
			name: "an empty store gets a key that signs at once and its successor",
			now:  t0,
			want: []storage.SigningKey{
				sk("k1", t0, t0.Add(testPeriod)),
				sk("k2", t0, t0.Add(2*testPeriod)),
			},
			changed: true,
		},
		{
			name: "a set with a current key and its successor is left alone",
			keys: []storage.SigningKey{sk("a", t0, t0.Add(testPeriod)), sk("b", t0, t0.Add(2*testPeriod))},
			now:  t0.Add(time.Hour),
			want: []storage.SigningKey{sk("a", t0, t0.Add(testPeriod)), sk("b", t0, t0.Add(2*testPeriod))},
		},
		{
			name: "when the current key's time is up its successor signs and gets a successor a period early",
			keys: []storage.SigningKey{sk("a", t0, t0.Add(testPeriod)), sk("b", t0, t0.Add(2*testPeriod))},
			now:  t0.Add(testPeriod + time.Minute),
			want: []storage.SigningKey{
				sk("a", t0, t0.Add(testPeriod)),
				sk("b", t0, t0.Add(2*testPeriod)),
				sk("k1", t0.Add(testPeriod+time.Minute), t0.Add(3*testPeriod)),
			},
			changed: true,
		},
		{
			name: "a retired key stays until its publish time and no longer",
			keys: []storage.SigningKey{
				sk("a", t0, t0.Add(testPeriod)),
				sk("b", t0, t0.Add(2*testPeriod)),
				sk("c", t0.Add(testPeriod), t0.Add(3*testPeriod)),
			},
			now: t0.Add(testPeriod + retain),
			want: []storage.SigningKey{
				sk("b", t0, t0.Add(2*testPeriod)),
				sk("c", t0.Add(testPeriod), t0.Add(3*testPeriod)),
			},
			changed: true,
		},
		{
			name: "a successor created late pushes the current key out by the publish lead",
			keys: []storage.SigningKey{sk("a", t0, t0.Add(testPeriod))},
			now:  t0.Add(testPeriod - time.Minute),
			want: []storage.SigningKey{
				sk("a", t0, t0.Add(testPeriod-time.Minute+PublishLead)),
				sk("k1", t0.Add(testPeriod-time.Minute), t0.Add(2*testPeriod-time.Minute+PublishLead)),
			},
			changed: true,
		},
		{
			name: "when every key has lapsed a new key signs at once",
			keys: []storage.SigningKey{sk("a", t0, t0.Add(testPeriod))},
			now:  t0.Add(testPeriod + time.Hour),
			want: []storage.SigningKey{
				sk("a", t0, t0.Add(testPeriod)),
				sk("k1", t0.Add(testPeriod+time.Hour), t0.Add(2*testPeriod+time.Hour)),
				sk("k2", t0.Add(testPeriod+time.Hour), t0.Add(3*testPeriod+time.Hour)),
			},
			changed: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ch, err := p.plan(tt.keys, tt.now, fakeGen())
			if err != nil {
				t.Fatal(err)
			}
			if ch.any() != tt.changed {
				t.Errorf("changed = %v, want %v (%+v)", ch.any(), tt.changed, ch)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScheduleRotate(t *testing.T) {
	t.Parallel()
	p := schedule{period: testPeriod, maxTokenLifetime: testLifetime}
	now := t0.Add(time.Hour)
	keys := []storage.SigningKey{sk("a", t0, t0.Add(testPeriod)), sk("b", t0, t0.Add(2*testPeriod))}

	t.Run("rotating the current key retires it now and promotes its successor for a period", func(t *testing.T) {
		t.Parallel()
		got, ch, err := p.rotate(keys, now, "a", fakeGen())
		if err != nil {
			t.Fatal(err)
		}
		want := []storage.SigningKey{
			sk("a", t0, now),
			sk("b", t0, now.Add(testPeriod)),
			sk("k1", now, now.Add(2*testPeriod)),
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("rotate (-want +got):\n%s", diff)
		}
		if ch.retired != "a" || ch.promoted != "b" || ch.hasty {
			t.Errorf("changes = %+v, want a retired and b promoted", ch)
		}
	})
	t.Run("rotating a key that no longer signs changes nothing", func(t *testing.T) {
		t.Parallel()
		got, ch, err := p.rotate(keys, now, "gone", fakeGen())
		if err != nil {
			t.Fatal(err)
		}
		if ch.any() {
			t.Errorf("changes = %+v, want none", ch)
		}
		if diff := cmp.Diff(keys, got); diff != "" {
			t.Errorf("rotate (-want +got):\n%s", diff)
		}
	})
	t.Run("a successor published for less than the publish lead is promoted hastily", func(t *testing.T) {
		t.Parallel()
		_, ch, err := p.rotate(keys, t0.Add(PublishLead-time.Second), "a", fakeGen())
		if err != nil {
			t.Fatal(err)
		}
		if !ch.hasty {
			t.Errorf("changes = %+v, want hasty", ch)
		}
	})
}

// TestScheduleInvariants drives the schedule through random gaps between
// maintenance rounds and random forced rotations, and checks after every
// round the properties the package documentation promises.
func TestScheduleInvariants(t *testing.T) {
	t.Parallel()
	p := schedule{period: testPeriod, maxTokenLifetime: testLifetime}
	rng := rand.New(rand.NewPCG(1, 2))
	gen := fakeGen()
	now := t0
	var keys []storage.SigningKey
	signedBy := map[string]time.Time{} // the last time each key was seen signing
	for round := range 5000 {
		var ch changes
		var err error
		if rng.IntN(50) == 0 {
			target := ""
			if i := current(keys, now); i >= 0 {
				target = keys[i].ID
			}
			keys, ch, err = p.rotate(keys, now, target, gen)
		} else {
			keys, ch, err = p.plan(keys, now, gen)
		}
		if err != nil {
			t.Fatal(err)
		}
		i := current(keys, now)
		if i < 0 {
			t.Fatalf("round %d at %v: no key signs", round, now)
		}
		if i != len(keys)-2 {
			t.Fatalf("round %d at %v: the current key is #%d of %d, want exactly one successor", round, now, i, len(keys))
		}
		cur := keys[i]
		// A key that starts signing now was published PublishLead ago,
		// unless it had to sign at once or was promoted by force.
		if _, seen := signedBy[cur.ID]; !seen && ch.immediate != cur.ID && ch.promoted != cur.ID && round > 0 {
			if lead := now.Sub(cur.CreatedAt); lead < PublishLead {
				t.Fatalf("round %d: key %s signs %v after it was created", round, cur.ID, lead)
			}
		}
		signedBy[cur.ID] = now
		// Every key that signed stays published until its tokens expire.
		for id, last := range signedBy {
			if last.Add(testLifetime).After(now) && !containsID(keys, id) {
				t.Fatalf("round %d: key %s, which signed at %v, left before its tokens expired", round, id, last)
			}
		}
		for _, k := range keys {
			if k.PublishUntil.Before(k.SignUntil.Add(testLifetime)) {
				t.Fatalf("round %d: key %s publishes until %v, less than L after it signs until %v", round, k.ID, k.PublishUntil, k.SignUntil)
			}
		}
		now = now.Add(time.Duration(rng.Int64N(int64(3 * time.Hour))))
	}
}

func containsID(keys []storage.SigningKey, id string) bool {
	for _, k := range keys {
		if k.ID == id {
			return true
		}
	}
	return false
}

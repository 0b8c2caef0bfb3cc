package signer

import (
	"slices"
	"strings"
	"time"

	"latch.dev/latch/internal/storage"
)

// schedule is the timing policy applied to the stored key set. Its methods
// are pure: they take the set and the time and return the set the policy
// asks for, so that every replica computes the same answer from the same
// stored set.
type schedule struct {
	period           time.Duration
	maxTokenLifetime time.Duration
}

// publishUntil is how long a key that signs until signUntil stays in the
// JWKS: until every token it may have signed has expired.
func (p schedule) publishUntil(signUntil time.Time) time.Time {
	return signUntil.Add(p.maxTokenLifetime + RetireMargin)
}

// keyGen returns a fresh key without a schedule.
type keyGen func() (storage.SigningKey, error)

// changes records what a plan changed, for logs and tests.
type changes struct {
	created   []string // new keys
	immediate string   // a new key that signs at once, because no key could
	extended  string   // the current key, which signs longer so that its late successor is published in time
	retired   string   // the key Rotate took out of use
	promoted  string   // its successor, which signs from now
	hasty     bool     // the promoted key was published less than PublishLead ago
	pruned    []string // keys past PublishUntil, removed
}

// any reports whether the set changed.
func (c changes) any() bool {
	return len(c.created) > 0 || c.extended != "" || c.retired != "" || len(c.pruned) > 0
}

// sortKeys orders keys by SignUntil, the order in which they sign.
func sortKeys(keys []storage.SigningKey) {
	slices.SortFunc(keys, func(a, b storage.SigningKey) int {
		if c := a.SignUntil.Compare(b.SignUntil); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// current returns the index of the key that signs at now in sorted keys:
// the one with the earliest SignUntil after now. It is -1 when none does.
func current(keys []storage.SigningKey, now time.Time) int {
	for i, k := range keys {
		if k.SignUntil.After(now) && k.PublishUntil.After(now) {
			return i
		}
	}
	return -1
}

// live returns sorted copies of the keys still published at now, and the
// IDs of the others.
func live(keys []storage.SigningKey, now time.Time) ([]storage.SigningKey, []string) {
	out := make([]storage.SigningKey, 0, len(keys)+2)
	var pruned []string
	for _, k := range keys {
		if !k.PublishUntil.After(now) {
			pruned = append(pruned, k.ID)
			continue
		}
		out = append(out, k)
	}
	sortKeys(out)
	return out, pruned
}

// stamp is the form of now written into schedules: UTC, whole seconds,
// like the times in the tokens themselves.
func stamp(now time.Time) time.Time { return now.UTC().Truncate(time.Second) }

// plan brings keys up to schedule at now: it drops keys past PublishUntil,
// creates a key that signs at once if none can, and creates the current
// key's successor if it has none.
func (p schedule) plan(keys []storage.SigningKey, now time.Time, gen keyGen) ([]storage.SigningKey, changes, error) {
	out, pruned := live(keys, now)
	ch := changes{pruned: pruned}
	out, err := p.fill(out, now, gen, &ch)
	return out, ch, err
}

// rotate retires the key that signs at now, if it is still target, and
// promotes its successor to sign from now for a whole period; then it
// plans. When target no longer signs (another replica rotated first) it
// only plans.
func (p schedule) rotate(keys []storage.SigningKey, now time.Time, target string, gen keyGen) ([]storage.SigningKey, changes, error) {
	out, pruned := live(keys, now)
	ch := changes{pruned: pruned}
	if i := current(out, now); i >= 0 && out[i].ID == target {
		t := stamp(now)
		cur := &out[i]
		cur.SignUntil = t
		if pu := p.publishUntil(t); pu.Before(cur.PublishUntil) {
			cur.PublishUntil = pu
		}
		ch.retired = cur.ID
		if i+1 < len(out) {
			next := &out[i+1]
			if su := t.Add(p.period); su.Before(next.SignUntil) {
				next.SignUntil = su
				next.PublishUntil = p.publishUntil(su)
			}
			ch.promoted = next.ID
			ch.hasty = next.CreatedAt.After(now.Add(-PublishLead))
		}
		sortKeys(out)
	}
	out, err := p.fill(out, now, gen, &ch)
	return out, ch, err
}

// fill adds the keys that sorted, live keys lack at now.
func (p schedule) fill(out []storage.SigningKey, now time.Time, gen keyGen, ch *changes) ([]storage.SigningKey, error) {
	t := stamp(now)
	cur := current(out, now)
	if cur < 0 {
		k, err := gen()
		if err != nil {
			return nil, err
		}
		k.CreatedAt = t
		k.SignUntil = t.Add(p.period)
		k.PublishUntil = p.publishUntil(k.SignUntil)
		out = append(out, k)
		sortKeys(out)
		cur = current(out, now)
		ch.created = append(ch.created, k.ID)
		ch.immediate = k.ID
	}
	if cur < len(out)-1 {
		return out, nil // the successor exists
	}
	c := &out[cur]
	if earliest := t.Add(PublishLead); c.SignUntil.Before(earliest) {
		c.SignUntil = earliest
		if pu := p.publishUntil(earliest); c.PublishUntil.Before(pu) {
			c.PublishUntil = pu
		}
		ch.extended = c.ID
	}
	k, err := gen()
	if err != nil {
		return nil, err
	}
	k.CreatedAt = t
	k.SignUntil = c.SignUntil.Add(p.period)
	k.PublishUntil = p.publishUntil(k.SignUntil)
	ch.created = append(ch.created, k.ID)
	return append(out, k), nil
}

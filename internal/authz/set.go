package authz

import (
	"math/bits"
	"slices"

	"latch.dev/latch/internal/iam"
)

// Set is a set of capabilities as a bitmap indexed by position in
// iam.AllCapabilities, so unions and checks on the request path cost a few
// instructions instead of map lookups.
type Set struct{ w [2]uint64 }

// Index maps capability names to bit positions. It is built once per
// server and is read-only afterwards.
type Index struct {
	all []iam.Capability
	pos map[iam.Capability]int
}

// NewIndex builds the index over iam.AllCapabilities.
func NewIndex() *Index {
	all := iam.AllCapabilities()
	if len(all) > 128 {
		panic("authz: more than 128 capabilities; widen Set")
	}
	pos := make(map[iam.Capability]int, len(all))
	for i, c := range all {
		pos[c] = i
	}
	return &Index{all: all, pos: pos}
}

// Set returns the set of the given capabilities; unknown names are ignored
// (they cannot be stored, see iam.NormalizeCapabilities).
func (x *Index) Set(caps []iam.Capability) Set {
	var s Set
	for _, c := range caps {
		if i, ok := x.pos[c]; ok {
			s.w[i/64] |= 1 << (i % 64)
		}
	}
	return s
}

// List returns the capabilities in s, sorted.
func (x *Index) List(s Set) []iam.Capability {
	out := make([]iam.Capability, 0, s.Len())
	for i, c := range x.all {
		if s.w[i/64]&(1<<(i%64)) != 0 {
			out = append(out, c)
		}
	}
	return out
}

// Has reports whether c is in s.
func (x *Index) Has(s Set, c iam.Capability) bool {
	i, ok := x.pos[c]
	return ok && s.w[i/64]&(1<<(i%64)) != 0
}

// Union returns s ∪ o.
func (s Set) Union(o Set) Set { return Set{[2]uint64{s.w[0] | o.w[0], s.w[1] | o.w[1]}} }

// Intersect returns s ∩ o.
func (s Set) Intersect(o Set) Set { return Set{[2]uint64{s.w[0] & o.w[0], s.w[1] & o.w[1]}} }

// Minus returns s \ o.
func (s Set) Minus(o Set) Set { return Set{[2]uint64{s.w[0] &^ o.w[0], s.w[1] &^ o.w[1]}} }

// Empty reports whether s has no capability.
func (s Set) Empty() bool { return s.w[0]|s.w[1] == 0 }

// Len counts the capabilities in s.
func (s Set) Len() int { return bits.OnesCount64(s.w[0]) + bits.OnesCount64(s.w[1]) }

// sortedUnique is a helper for lists built from several grants.
func sortedUnique(in []string) []string {
	slices.Sort(in)
	return slices.Compact(in)
}

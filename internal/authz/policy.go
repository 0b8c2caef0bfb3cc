package authz

import (
	"slices"

	"latch.dev/latch/internal/iam"
)

// Narrowing restricts a token below what its identity's bindings allow:
// the exchange may ask for fewer capabilities (cap) or fewer groups
// (scopes). Nil slices mean "not narrowed".
type Narrowing struct {
	Capabilities []iam.Capability
	Scopes       []string
}

// Policy answers authorization questions for one caller.
type Policy struct {
	idx    *Index
	grants []grant
	caps   *Set     // narrowing by capability, nil when none
	scopes []string // narrowing by group, nil when none
}

type grant struct {
	group string
	role  string
	caps  Set
}

// NewPolicy builds the caller's policy from its grants and its token's
// narrowing.
func NewPolicy(idx *Index, grants []iam.Grant, n Narrowing) *Policy {
	p := &Policy{idx: idx, grants: make([]grant, len(grants))}
	for i, g := range grants {
		p.grants[i] = grant{group: g.Group, role: g.RoleName, caps: idx.Set(g.Capabilities)}
	}
	if n.Capabilities != nil {
		s := idx.Set(n.Capabilities)
		p.caps = &s
	}
	if n.Scopes != nil {
		p.scopes = slices.Clone(n.Scopes) // keeps an empty, non-nil list: narrowed to nothing
	}
	return p
}

// At returns the capabilities the caller holds at group (iam.RootScope for
// the whole server): the union of every grant at the group or above it,
// cut down by the token's narrowing.
func (p *Policy) At(group string) Set {
	if !p.inScope(group) {
		return Set{}
	}
	var s Set
	for _, g := range p.grants {
		if iam.IsWithin(group, g.group) {
			s = s.Union(g.caps)
		}
	}
	if p.caps != nil {
		s = s.Intersect(*p.caps)
	}
	return s
}

// Can reports whether the caller holds c at group.
func (p *Policy) Can(group string, c iam.Capability) bool {
	return p.idx.Has(p.At(group), c)
}

// RolesAt returns the names of the roles the caller holds at group,
// inherited ones included, for messages.
func (p *Policy) RolesAt(group string) []string {
	var out []string
	for _, g := range p.grants {
		if iam.IsWithin(group, g.group) {
			out = append(out, g.role)
		}
	}
	return sortedUnique(out)
}

// Lacks returns the capabilities of want the caller does not hold at group,
// sorted. Binding a role, or creating one, is refused unless this is empty:
// nobody hands out more than they have.
func (p *Policy) Lacks(group string, want []iam.Capability) []iam.Capability {
	return p.idx.List(p.idx.Set(want).Minus(p.At(group)))
}

// Roots returns the highest groups where the caller holds c: listing "all
// I can see" is a union of Within queries over them. The result has no
// group below another; it is [iam.RootScope] for a server-wide grant.
func (p *Policy) Roots(c iam.Capability) []string {
	var out []string
	for _, g := range p.grants {
		if !p.idx.Has(g.caps, c) || (p.caps != nil && !p.idx.Has(*p.caps, c)) {
			continue
		}
		out = append(out, p.narrowTo(g.group)...)
	}
	return topmost(sortedUnique(out))
}

// Grants returns, per group where the caller has any grant, the role names
// and the capabilities it holds there (inherited ones included), for
// "who am I" answers.
func (p *Policy) Grants() []GroupGrant {
	byGroup := map[string]*GroupGrant{}
	var order []string
	for _, g := range p.grants {
		gg, ok := byGroup[g.group]
		if !ok {
			gg = &GroupGrant{Group: g.group}
			byGroup[g.group] = gg
			order = append(order, g.group)
		}
		gg.Roles = append(gg.Roles, g.role)
	}
	order = sortedUnique(order)
	out := make([]GroupGrant, 0, len(order))
	for _, grp := range order {
		gg := byGroup[grp]
		gg.Roles = sortedUnique(gg.Roles)
		gg.Capabilities = p.idx.List(p.At(grp))
		out = append(out, *gg)
	}
	return out
}

// GroupGrant is what the caller may do at one group.
type GroupGrant struct {
	Group        string
	Roles        []string
	Capabilities []iam.Capability
}

func (p *Policy) inScope(group string) bool {
	if p.scopes == nil {
		return true
	}
	for _, s := range p.scopes {
		if iam.IsWithin(group, s) {
			return true
		}
	}
	return false
}

// narrowTo intersects a grant's group with the token's scopes: a grant at
// G narrowed to scope S (below G) only covers S.
func (p *Policy) narrowTo(group string) []string {
	if p.scopes == nil {
		return []string{group}
	}
	var out []string
	for _, s := range p.scopes {
		switch {
		case iam.IsWithin(s, group):
			out = append(out, s)
		case iam.IsWithin(group, s):
			out = append(out, group)
		}
	}
	return out
}

// topmost drops every group that lies below another in the (sorted) list.
func topmost(sorted []string) []string {
	var out []string
	for _, g := range sorted {
		covered := false
		for _, o := range out {
			if iam.IsWithin(g, o) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, g)
		}
	}
	return out
}

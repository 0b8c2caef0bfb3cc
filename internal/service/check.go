package service

import (
	"context"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
)

// RuleCheck is one rule of an identity, evaluated against a principal.
type RuleCheck struct {
	Field  string
	OK     bool
	Rule   string // what the rule requires (may show the configured values)
	Reason string // what was presented and why it passed or failed
}

// CheckAWS explains, rule by rule, whether an AWS principal would be
// accepted by an identity, without minting anything. It shows the
// identity's configuration, so it needs identity.list where the identity
// lives — the same right that reading the identity needs.
func (s *Service) CheckAWS(ctx context.Context, c *Caller, ref string, p iam.AWSPrincipal) (bool, []RuleCheck, error) {
	a, err := s.accessFor(ctx, c)
	if err != nil {
		return false, nil, err
	}
	id, err := s.identityRef(ctx, a, "id", ref, "")
	if err != nil {
		return false, nil, err
	}
	if err := a.require(id.Group(), s.groupLabel(ctx, id.Group()), iam.CapIdentityList); err != nil {
		return false, nil, err
	}
	if id.AWS == nil {
		return false, nil, errs.Invalidf("id", "identity %s is a %s identity, not an AWS one; check it with claims instead", id.Name, id.Kind())
	}
	v := id.AWS.Check(p)
	out := make([]RuleCheck, len(v.Checks))
	for i, ch := range v.Checks {
		out[i] = RuleCheck{Field: ch.Field, OK: ch.OK, Rule: ch.Rule, Reason: ch.Reason}
	}
	return v.Accepted(), out, nil
}

package service

import (
	"context"
	"fmt"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
)

// CheckClaims explains, rule by rule, whether a token with these claims
// would be accepted by a claim_match or static identity, without
// verifying a signature or minting anything (an administrator pastes the
// claims of a token, or of the token a workload will get). Like CheckAWS
// it shows the identity's configuration, so it needs identity.list where
// the identity lives.
func (s *Service) CheckClaims(ctx context.Context, c *Caller, ref string, claims iam.TokenClaims) (bool, []RuleCheck, error) {
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
	var v iam.ClaimVerdict
	switch {
	case id.ClaimMatch != nil:
		v = id.ClaimMatch.Check(claims, s.issuer)
	case id.Static != nil:
		// A static rule is an exact claim_match rule with stored keys
		// and an expiry.
		cm := iam.ClaimMatch{Issuer: id.Static.Issuer, Subject: id.Static.Subject, Audience: id.Static.Audience}
		v = cm.Check(claims, s.issuer)
		exp := iam.ClaimRuleCheck{Field: "expiration", Rule: "before " + id.Static.Expiration.UTC().Format(time.RFC3339)}
		if s.now().Before(id.Static.Expiration) {
			exp.OK, exp.Reason = true, "the identity has not expired"
		} else {
			exp.Reason = fmt.Sprintf("the identity expired at %s", id.Static.Expiration.UTC().Format(time.RFC3339))
		}
		v.Checks = append(v.Checks, exp)
	default:
		return false, nil, errs.Invalidf("id", "identity %s is a %s identity, not a claim_match or static one; check it with an AWS principal instead", id.Name, id.Kind())
	}
	out := make([]RuleCheck, len(v.Checks))
	for i, ch := range v.Checks {
		out[i] = RuleCheck{Field: ch.Field, OK: ch.OK, Rule: ch.Rule, Reason: ch.Reason}
	}
	return v.Accepted(), out, nil
}

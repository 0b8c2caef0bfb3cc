package iam

import (
	"fmt"
	"strings"

	"latch.dev/latch/internal/errs"
)

// The rules an AWS principal is checked against, as named in
// [AWSRuleCheck.Field] (and in the API's RuleCheck.field).
const (
	AWSRuleAccount       = "aws_account"
	AWSRuleARN           = "arn"
	AWSRuleUserID        = "user_id"
	AWSRulePrincipalType = "principal_type"
)

// Longest values a GetCallerIdentity answer can carry: an ARN is at most
// 2048 characters in IAM, a UserId is a 128-character unique ID, a colon
// and a 64-character session name.
const (
	maxAWSARNLength    = 2048
	maxAWSUserIDLength = 256
)

// AWSRuleCheck is the outcome of one rule of an [AWSIdentity] for one
// principal.
type AWSRuleCheck struct {
	// Field is one of the AWSRule* names.
	Field string
	// OK reports whether the principal satisfies the rule.
	OK bool
	// Rule says what the rule requires. It may show the configured values
	// and patterns, so it is for administrators (`latch iam identities
	// check`) and never for the caller of an exchange.
	Rule string
	// Reason says what was presented and why it passed or failed, in terms
	// of the caller's own values only: it is safe to send to whoever
	// presented the principal.
	Reason string
}

// AWSVerdict is the result of checking a principal against every rule of
// an identity. Every rule is evaluated, so an administrator sees all that
// is wrong at once.
type AWSVerdict struct {
	Principal AWSPrincipal
	Checks    []AWSRuleCheck
}

// Accepted reports whether every rule passed. A verdict without checks is
// never accepted.
func (v AWSVerdict) Accepted() bool {
	if len(v.Checks) == 0 {
		return false
	}
	for _, c := range v.Checks {
		if !c.OK {
			return false
		}
	}
	return true
}

// Failed returns the rules that did not pass.
func (v AWSVerdict) Failed() []AWSRuleCheck {
	var out []AWSRuleCheck
	for _, c := range v.Checks {
		if !c.OK {
			out = append(out, c)
		}
	}
	return out
}

// Err returns nil when the verdict is accepted, and otherwise a
// PermissionDenied error whose message lists the caller-safe reasons of
// the failed rules (never the configured values) and whose logged cause
// lists the rules themselves.
func (v AWSVerdict) Err() error {
	if v.Accepted() {
		return nil
	}
	failed := v.Failed()
	if len(failed) == 0 { // no checks at all
		return errs.New(errs.PermissionDenied, "the AWS principal was not checked against any rule")
	}
	reasons := make([]string, len(failed))
	rules := make([]string, len(failed))
	for i, c := range failed {
		reasons[i] = c.Reason
		rules[i] = c.Field + " " + c.Rule
	}
	return errs.Wrap(errs.PermissionDenied,
		fmt.Errorf("aws identity rules failed: %s", strings.Join(rules, "; ")),
		"the AWS principal may not assume this identity: %s", strings.Join(reasons, "; "))
}

// Check evaluates p, as STS reported it, against every rule of the
// identity. It compiles the identity's patterns first; a caller that checks
// many principals against one rule should [AWSIdentity.Compile] it once and
// use [AWSRule.Check].
func (a *AWSIdentity) Check(p AWSPrincipal) AWSVerdict {
	return a.Compile().Check(p)
}

// AWSRule is an [AWSIdentity]'s rule with its patterns compiled. Compiling
// the ARN and user ID patterns costs more than the whole rest of a check,
// and a rule changes rarely, so the exchange keeps compiled rules (keyed
// by the identity's rule value, so an updated rule compiles anew). An
// AWSRule is immutable and safe for concurrent use.
type AWSRule struct {
	id      AWSIdentity
	present bool // false for an identity without aws_identity
	account error
	arn     compiledField
	userID  compiledField
}

// compiledField is one "exact or pattern" rule, or why it is not valid.
type compiledField struct {
	m   Matcher
	err error
}

// Compile compiles the rule for [AWSRule.Check]. It does not fail: a rule
// that is not valid (which Validate refuses, but a stored rule may predate
// a stricter check) fails closed in every check, with a reason that says
// so, exactly as if it were compiled at each check. A nil identity
// compiles to a rule that accepts no one.
func (a *AWSIdentity) Compile() *AWSRule {
	if a == nil {
		return &AWSRule{}
	}
	r := &AWSRule{id: *a, present: true,
		account: ValidateAWSAccount("aws_identity.aws_account", a.Account)}
	r.arn.m, r.arn.err = NewMatcher("aws_identity.arn", a.ARN, a.ARNPattern)
	r.userID.m, r.userID.err = NewMatcher("aws_identity.user_id", a.UserID, a.UserIDPattern)
	return r
}

// Check evaluates p, as STS reported it, against every rule. It does no
// I/O and trusts nothing in p: a value STS could not have produced fails
// the principal_type rule.
//
// The rules are:
//   - aws_account: the account equals the configured 12-digit account.
//     Stops a same-named role in another account (an attacker creates
//     role "deploy" in their own account).
//   - arn: equal to the configured ARN, or matched in full by the
//     configured RE2 pattern (anchored as ^(?:p)$, so an alternation
//     cannot escape the anchors).
//   - user_id: equal, or fully matched, likewise. Pinning the role's
//     AROA… unique ID stops a deleted and re-created role of the same
//     name from inheriting the identity.
//   - principal_type: the ARN is a principal ARN of the reported account,
//     the UserId has the shape of that principal type, and root or
//     federated-user principals are accepted only when the identity names
//     that exact ARN, never through a pattern written with roles in mind.
func (r *AWSRule) Check(p AWSPrincipal) AWSVerdict {
	v := AWSVerdict{Principal: p}
	if r == nil || !r.present {
		v.Checks = append(v.Checks, AWSRuleCheck{Field: AWSRuleAccount, Rule: "(no aws_identity)",
			Reason: "this identity cannot be assumed with an AWS proof"})
		return v
	}
	v.Checks = append(v.Checks,
		r.checkAccount(p),
		checkField(AWSRuleARN, "ARN", p.ARN, r.arn),
		checkField(AWSRuleUserID, "user ID", p.UserID, r.userID),
		r.checkPrincipalType(p),
	)
	return v
}

func (r *AWSRule) checkAccount(p AWSPrincipal) AWSRuleCheck {
	c := AWSRuleCheck{Field: AWSRuleAccount, Rule: fmt.Sprintf("equal to %q", r.id.Account)}
	switch {
	case r.account != nil:
		c.Reason = "this identity's account rule is not valid; ask its administrator to fix it"
	case p.Account == r.id.Account:
		c.OK, c.Reason = true, fmt.Sprintf("the account %s is the identity's account", safeValue(p.Account))
	default:
		c.Reason = fmt.Sprintf("the account %s is not the account this identity trusts", safeValue(p.Account))
	}
	return c
}

// checkField applies an "exact or pattern" rule. An identity with neither
// (which Validate refuses) fails closed.
func checkField(rule, noun, got string, f compiledField) AWSRuleCheck {
	c := AWSRuleCheck{Field: rule}
	if f.err != nil {
		c.Rule = "invalid: " + errs.Message(f.err)
		c.Reason = fmt.Sprintf("this identity's %s rule is not valid; ask its administrator to fix it", noun)
		return c
	}
	c.Rule = f.m.String()
	if f.m.Match(got) {
		c.OK, c.Reason = true, fmt.Sprintf("the %s %s matches the identity's %s rule", noun, safeValue(got), noun)
	} else {
		c.Reason = fmt.Sprintf("the %s %s does not match the identity's %s rule", noun, safeValue(got), noun)
	}
	return c
}

const principalTypeRule = "a principal ARN of the reported account whose UserId fits its type " +
	"(assumed-role: AROA…:SESSION with the ARN's session; user: AIDA…; root: the account ID); " +
	"root and federated-user principals only when the identity names that exact ARN"

func (r *AWSRule) checkPrincipalType(p AWSPrincipal) AWSRuleCheck {
	c := AWSRuleCheck{Field: AWSRulePrincipalType, Rule: principalTypeRule}
	fail := func(format string, args ...any) AWSRuleCheck {
		c.Reason = fmt.Sprintf(format, args...)
		return c
	}
	// Newlines and other controls are refused before any pattern sees the
	// value: a (?s) or (?m) pattern could otherwise match across a line
	// break that STS can never produce.
	if !printableAWSValue(p.Account, 12) || !printableAWSValue(p.ARN, maxAWSARNLength) || !printableAWSValue(p.UserID, maxAWSUserIDLength) {
		return fail("the principal's account, ARN or user ID is empty, too long, or holds characters STS never returns")
	}
	arn, err := ParseAWSARN(p.ARN)
	if err != nil {
		return fail("the ARN %s is not an AWS principal ARN (assumed-role, user, root or federated-user)", p.ARN)
	}
	if arn.Account != p.Account {
		return fail("the ARN %s names account %s but STS reported account %s", p.ARN, arn.Account, p.Account)
	}
	switch arn.Type {
	case AWSAssumedRole:
		roleID, session, ok := strings.Cut(p.UserID, ":")
		if !ok || !awsUniqueID("AROA", roleID) {
			return fail("the user ID %s of assumed role %s is not of the form AROA…:SESSION", p.UserID, p.ARN)
		}
		if session != arn.Session {
			return fail("the user ID %s names session %q but the ARN %s names session %q", p.UserID, session, p.ARN, arn.Session)
		}
		c.OK, c.Reason = true, fmt.Sprintf("%s is a session of role %s", p.ARN, arn.Name)
	case AWSUser:
		if !awsUniqueID("AIDA", p.UserID) {
			return fail("the user ID %s of IAM user %s is not an AIDA… unique ID", p.UserID, p.ARN)
		}
		c.OK, c.Reason = true, fmt.Sprintf("%s is IAM user %s", p.ARN, arn.Name)
	case AWSRoot:
		if p.UserID != p.Account {
			return fail("the user ID %s of root user %s is not the account ID", p.UserID, p.ARN)
		}
		if r.id.ARN != p.ARN {
			return fail("%s is an account root user, which may only assume an identity that names that exact ARN", p.ARN)
		}
		c.OK, c.Reason = true, fmt.Sprintf("%s is the account root user, named exactly by the identity", p.ARN)
	case AWSFederatedUser:
		if p.UserID != p.Account+":"+arn.Session {
			return fail("the user ID %s of federated user %s is not ACCOUNT:NAME", p.UserID, p.ARN)
		}
		if r.id.ARN != p.ARN {
			return fail("%s is a federated user, which may only assume an identity that names that exact ARN", p.ARN)
		}
		c.OK, c.Reason = true, fmt.Sprintf("%s is a federated user, named exactly by the identity", p.ARN)
	default:
		return fail("the ARN %s is of a principal type latch does not accept", p.ARN)
	}
	return c
}

// printableAWSValue reports whether s is non-empty, at most max bytes, and
// printable ASCII without spaces, which is all STS ever returns in these
// fields.
func printableAWSValue(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// awsUniqueID reports whether id is prefix followed by 16 to 124 upper-case
// letters or digits, the shape of IAM unique IDs.
func awsUniqueID(prefix, id string) bool {
	rest, ok := strings.CutPrefix(id, prefix)
	if !ok || len(rest) < 16 || len(rest) > 124 {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if (rest[i] < 'A' || rest[i] > 'Z') && (rest[i] < '0' || rest[i] > '9') {
			return false
		}
	}
	return true
}

// safeValue quotes a presented value for a message when it holds anything
// but printable ASCII, so a newline in a forged value cannot break a log
// line or a terminal.
func safeValue(s string) string {
	if printableAWSValue(s, maxAWSARNLength) {
		return s
	}
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return fmt.Sprintf("%q", s)
}

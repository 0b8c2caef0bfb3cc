package iam

import (
	"slices"
	"strings"
	"testing"

	"latch.dev/latch/internal/errs"
)

const (
	mAccount = "123456789012"
	mOther   = "999999999999"
	mRoleID  = "AROAEXAMPLEROLEID0001"
	mNewRole = "AROAEXAMPLEROLEID0002"
	mUserID  = "AIDAEXAMPLEUSERID0001"
	mSession = "i-0123456789abcdef0"
)

func session(account, role, sess, roleID string) AWSPrincipal {
	return AWSPrincipal{
		Account: account,
		ARN:     "arn:aws:sts::" + account + ":assumed-role/" + role + "/" + sess,
		UserID:  roleID + ":" + sess,
	}
}

// tutorialIdentity is what the tutorial's id.json produces for an EC2
// instance role: exact account, ARN and user-id patterns.
func tutorialIdentity() *AWSIdentity {
	return &AWSIdentity{
		Account:       mAccount,
		ARNPattern:    `arn:aws:sts::123456789012:assumed-role/deploy/(.+)`,
		UserIDPattern: mRoleID + `:(.+)`,
	}
}

func TestAWSIdentityCheck(t *testing.T) {
	t.Parallel()
	ec2 := session(mAccount, "deploy", mSession, mRoleID)
	cases := []struct {
		name   string
		id     *AWSIdentity
		p      AWSPrincipal
		failed []string // rules expected to fail; none means accepted
	}{
		{name: "the tutorial's EC2 instance role session is accepted", id: tutorialIdentity(), p: ec2},
		{name: "an IAM user named exactly is accepted",
			id: &AWSIdentity{Account: mAccount, ARN: "arn:aws:iam::123456789012:user/ci/alice", UserID: mUserID},
			p:  AWSPrincipal{Account: mAccount, ARN: "arn:aws:iam::123456789012:user/ci/alice", UserID: mUserID}},
		{name: "a root user named by its exact ARN is accepted",
			id: &AWSIdentity{Account: mAccount, ARN: "arn:aws:iam::123456789012:root", UserID: mAccount},
			p:  AWSPrincipal{Account: mAccount, ARN: "arn:aws:iam::123456789012:root", UserID: mAccount}},
		{name: "a federated user named by its exact ARN is accepted",
			id: &AWSIdentity{Account: mAccount, ARN: "arn:aws:sts::123456789012:federated-user/bob", UserID: mAccount + ":bob"},
			p:  AWSPrincipal{Account: mAccount, ARN: "arn:aws:sts::123456789012:federated-user/bob", UserID: mAccount + ":bob"}},

		// (c) 22: values STS cannot have produced for one principal.
		{name: "an ARN naming another account than the reported one is refused (c22)", id: tutorialIdentity(),
			p:      AWSPrincipal{Account: mAccount, ARN: "arn:aws:sts::999999999999:assumed-role/deploy/" + mSession, UserID: mRoleID + ":" + mSession},
			failed: []string{AWSRuleARN, AWSRulePrincipalType}},
		{name: "an aws-cn ARN does not match an aws pattern (c22)", id: tutorialIdentity(),
			p:      AWSPrincipal{Account: mAccount, ARN: "arn:aws-cn:sts::123456789012:assumed-role/deploy/" + mSession, UserID: mRoleID + ":" + mSession},
			failed: []string{AWSRuleARN}},
		{name: "an 11-digit account is refused (c22)", id: tutorialIdentity(),
			p:      AWSPrincipal{Account: "12345678901", ARN: "arn:aws:sts::12345678901:assumed-role/deploy/" + mSession, UserID: mRoleID + ":" + mSession},
			failed: []string{AWSRuleAccount, AWSRuleARN, AWSRulePrincipalType}},
		{name: "an assumed-role user ID without a colon is refused (c22)",
			id:     &AWSIdentity{Account: mAccount, ARNPattern: `arn:aws:sts::123456789012:assumed-role/deploy/.+`, UserIDPattern: `AROA.+`},
			p:      AWSPrincipal{Account: mAccount, ARN: ec2.ARN, UserID: mRoleID + mSession},
			failed: []string{AWSRulePrincipalType}},
		{name: "an assumed-role user ID naming another session than the ARN is refused (c22)",
			id:     &AWSIdentity{Account: mAccount, ARNPattern: `arn:aws:sts::123456789012:assumed-role/deploy/.+`, UserIDPattern: `AROA.+`},
			p:      AWSPrincipal{Account: mAccount, ARN: ec2.ARN, UserID: mRoleID + ":i-0fffffffffffffff0"},
			failed: []string{AWSRulePrincipalType}},
		{name: "an IAM user whose user ID is a role ID is refused (c22)",
			id:     &AWSIdentity{Account: mAccount, ARN: "arn:aws:iam::123456789012:user/alice", UserIDPattern: `A.+`},
			p:      AWSPrincipal{Account: mAccount, ARN: "arn:aws:iam::123456789012:user/alice", UserID: mRoleID},
			failed: []string{AWSRulePrincipalType}},

		// (c) 23: root and federated users never through a pattern.
		{name: "the account root user is refused where a role is expected (c23)", id: tutorialIdentity(),
			p:      AWSPrincipal{Account: mAccount, ARN: "arn:aws:iam::123456789012:root", UserID: mAccount},
			failed: []string{AWSRuleARN, AWSRuleUserID, AWSRulePrincipalType}},
		{name: "the root user is refused even by a pattern that matches it (c23)",
			id:     &AWSIdentity{Account: mAccount, ARNPattern: `arn:aws:(iam|sts)::123456789012:.+`, UserIDPattern: `.+`},
			p:      AWSPrincipal{Account: mAccount, ARN: "arn:aws:iam::123456789012:root", UserID: mAccount},
			failed: []string{AWSRulePrincipalType}},
		{name: "a federated user is refused even by a pattern that matches it (c23)",
			id:     &AWSIdentity{Account: mAccount, ARNPattern: `arn:aws:sts::123456789012:.+`, UserIDPattern: `.+`},
			p:      AWSPrincipal{Account: mAccount, ARN: "arn:aws:sts::123456789012:federated-user/x", UserID: mAccount + ":x"},
			failed: []string{AWSRulePrincipalType}},

		// (c) 24: the Conjur bug, user/Deploy against role Deploy.
		{name: "IAM user Deploy does not match an identity for role Deploy (c24)",
			id:     &AWSIdentity{Account: mAccount, ARNPattern: `arn:aws:sts::123456789012:assumed-role/Deploy/.+`, UserIDPattern: `AROA[A-Z0-9]+:.+`},
			p:      AWSPrincipal{Account: mAccount, ARN: "arn:aws:iam::123456789012:user/Deploy", UserID: mUserID},
			failed: []string{AWSRuleARN, AWSRuleUserID}},

		// (c) 25: one character is one character; * and . do not cross
		// components unless written to.
		{name: "a dot stands for exactly one character, so role app- does not match app-. (c25)",
			id:     &AWSIdentity{Account: mAccount, ARNPattern: `arn:aws:sts::123456789012:assumed-role/app-./[^/]+`, UserIDPattern: `AROA[A-Z0-9]+:.+`},
			p:      session(mAccount, "app-", mSession, mRoleID),
			failed: []string{AWSRuleARN}},
		{name: "a component pattern [^/]* does not cross into the session (c25)",
			id:     &AWSIdentity{Account: mAccount, ARNPattern: `arn:aws:sts::123456789012:assumed-role/app-[^/]*`, UserIDPattern: `AROA[A-Z0-9]+:.+`},
			p:      session(mAccount, "app-x", mSession, mRoleID),
			failed: []string{AWSRuleARN}},
		{name: "an account wildcard in the ARN pattern does not widen the exact account rule (c25)",
			id:     &AWSIdentity{Account: mAccount, ARNPattern: `arn:aws:sts::[0-9]{12}:assumed-role/deploy/.+`, UserIDPattern: `AROA[A-Z0-9]+:.+`},
			p:      session(mOther, "deploy", mSession, mRoleID),
			failed: []string{AWSRuleAccount}},
		{name: "an alternation cannot escape the anchors (c25)",
			id: &AWSIdentity{Account: mAccount,
				ARNPattern:    `arn:aws:sts::123456789012:assumed-role/app/i-[0-9a-f]+|arn:aws:sts::123456789012:assumed-role/ops/i-[0-9a-f]+`,
				UserIDPattern: `AROA[A-Z0-9]+:.+`},
			p:      session(mAccount, "app", "i-0abcEVIL", mRoleID),
			failed: []string{AWSRuleARN}},

		// (c) 26: role paths are not part of assumed-role ARNs.
		{name: "an exact role ARN never matches a session of that role (c26)",
			id:     &AWSIdentity{Account: mAccount, ARN: "arn:aws:iam::123456789012:role/team/app", UserIDPattern: `AROA[A-Z0-9]+:.+`},
			p:      session(mAccount, "app", "s1", mRoleID),
			failed: []string{AWSRuleARN}},
		{name: "a session pattern on the role name matches whatever the role's path is (c26)",
			id: &AWSIdentity{Account: mAccount, ARNPattern: `arn:aws:sts::123456789012:assumed-role/app/[^/]+`, UserIDPattern: `AROA[A-Z0-9]+:.+`},
			p:  session(mAccount, "app", "s1", mRoleID)},

		// (c) 27: session names are chosen by whoever calls AssumeRole.
		{name: "a look-alike i-… session of a plain role is refused by an identity requiring the EC2 instance identity role (c27)",
			id: &AWSIdentity{Account: mAccount,
				ARNPattern:    `arn:aws:sts::123456789012:assumed-role/aws:ec2-instance/i-[0-9a-f]{8,17}`,
				UserIDPattern: `AROA[A-Z0-9]+:i-[0-9a-f]{8,17}`},
			p:      session(mAccount, "shared", mSession, mRoleID),
			failed: []string{AWSRuleARN}},
		{name: "a look-alike i-… session is accepted by a pattern that trusts session names, a documented limit (c27)",
			id: &AWSIdentity{Account: mAccount, ARNPattern: `arn:aws:sts::123456789012:assumed-role/shared/i-[0-9a-f]+`, UserIDPattern: `AROA[A-Z0-9]+:i-[0-9a-f]+`},
			p:  session(mAccount, "shared", mSession, mRoleID)},

		// (c) 28: a re-created role gets a new unique ID.
		{name: "the same ARN with a new AROA is refused when the user ID is pinned (c28)", id: tutorialIdentity(),
			p:      session(mAccount, "deploy", mSession, mNewRole),
			failed: []string{AWSRuleUserID}},
		{name: "another account's role of the same name is refused (c28)", id: tutorialIdentity(),
			p:      session(mOther, "deploy", mSession, mRoleID),
			failed: []string{AWSRuleAccount, AWSRuleARN}},

		// Newline tricks: STS never returns control characters, so no
		// pattern flag can make one match.
		{name: "a newline in the ARN does not match a dot pattern and is refused", id: tutorialIdentity(),
			p:      AWSPrincipal{Account: mAccount, ARN: ec2.ARN + "\narn:aws:sts::999999999999:assumed-role/x/y", UserID: ec2.UserID},
			failed: []string{AWSRuleARN, AWSRulePrincipalType}},
		{name: "a newline in the ARN is refused even when an (?s) pattern matches it",
			id:     &AWSIdentity{Account: mAccount, ARNPattern: `(?s)arn:aws:sts::123456789012:assumed-role/deploy/.+`, UserIDPattern: `AROA[A-Z0-9]+:.+`},
			p:      AWSPrincipal{Account: mAccount, ARN: ec2.ARN + "\nx", UserID: ec2.UserID + "\nx"},
			failed: []string{AWSRuleUserID, AWSRulePrincipalType}},
		{name: "a negated class in a (?m) pattern matches across a newline, and the principal_type rule still refuses it",
			id:     &AWSIdentity{Account: mAccount, ARNPattern: `(?m)^arn:aws:sts::123456789012:assumed-role/deploy/[^/]+$`, UserIDPattern: `AROA[A-Z0-9]+:.+`},
			p:      AWSPrincipal{Account: mAccount, ARN: ec2.ARN + "\nevil", UserID: ec2.UserID},
			failed: []string{AWSRulePrincipalType}},
		{name: "a trailing newline in the account is refused", id: tutorialIdentity(),
			p:      AWSPrincipal{Account: mAccount + "\n", ARN: ec2.ARN, UserID: ec2.UserID},
			failed: []string{AWSRuleAccount, AWSRulePrincipalType}},
		{name: "empty fields are refused", id: tutorialIdentity(),
			p:      AWSPrincipal{},
			failed: []string{AWSRuleAccount, AWSRuleARN, AWSRuleUserID, AWSRulePrincipalType}},
		{name: "an identity without rules fails closed",
			id:     &AWSIdentity{Account: mAccount},
			p:      ec2,
			failed: []string{AWSRuleARN, AWSRuleUserID}},
		{name: "a nil identity fails closed", id: nil, p: ec2, failed: []string{AWSRuleAccount}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := tc.id.Check(tc.p)
			var failed []string
			for _, c := range v.Failed() {
				failed = append(failed, c.Field)
			}
			if !slices.Equal(failed, tc.failed) {
				for _, c := range v.Checks {
					t.Logf("%s ok=%v rule=%s reason=%s", c.Field, c.OK, c.Rule, c.Reason)
				}
				t.Fatalf("failed rules %v, want %v", failed, tc.failed)
			}
			if v.Accepted() != (len(tc.failed) == 0) {
				t.Fatalf("Accepted() = %v with failed rules %v", v.Accepted(), failed)
			}
			err := v.Err()
			if len(tc.failed) == 0 {
				if err != nil {
					t.Fatalf("Err() = %v for an accepted verdict", err)
				}
				return
			}
			if !errs.Is(err, errs.PermissionDenied) {
				t.Fatalf("Err() kind = %v, want permission denied: %v", errs.KindOf(err), err)
			}
			if tc.id == nil {
				return
			}
			msg := errs.Message(err)
			for _, secret := range configured(tc.id, tc.p) {
				if strings.Contains(msg, secret) {
					t.Errorf("the caller's message %q reveals the configured value %q", msg, secret)
				}
			}
			for _, c := range v.Failed() {
				if c.Reason == "" || !strings.Contains(msg, c.Reason) {
					t.Errorf("the message %q lacks the reason of rule %s (%q)", msg, c.Field, c.Reason)
				}
			}
		})
	}
}

// configured lists the identity's values that the caller did not present
// itself, which no caller-facing message may contain.
func configured(id *AWSIdentity, p AWSPrincipal) []string {
	var out []string
	for _, v := range []string{id.Account, id.ARN, id.ARNPattern, id.UserID, id.UserIDPattern} {
		if v != "" && !strings.Contains(p.Account, v) && !strings.Contains(p.ARN, v) && !strings.Contains(p.UserID, v) {
			out = append(out, v)
		}
	}
	return out
}

func TestAWSIdentityCheckShowsTheRulesToAdministrators(t *testing.T) {
	t.Parallel()
	id := tutorialIdentity()
	v := id.Check(session(mOther, "deploy", mSession, mRoleID))
	byField := map[string]AWSRuleCheck{}
	for _, c := range v.Checks {
		byField[c.Field] = c
	}
	if got := byField[AWSRuleAccount].Rule; !strings.Contains(got, mAccount) {
		t.Errorf("account rule %q does not show the configured account", got)
	}
	if got := byField[AWSRuleARN].Rule; !strings.Contains(got, id.ARNPattern) {
		t.Errorf("ARN rule %q does not show the configured pattern", got)
	}
	if len(v.Checks) != 4 {
		t.Errorf("got %d checks, want one per rule", len(v.Checks))
	}
}

func TestAWSIdentityValidateRefusesRulesThatCannotWork(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		id   AWSIdentity
		want string
	}{
		{"a wildcard account is refused at configuration time (c25)",
			AWSIdentity{Account: "*", ARNPattern: ".+", UserIDPattern: ".+"}, "wildcard"},
		{"an exact ARN with a wildcard account is refused at configuration time (c25)",
			AWSIdentity{Account: mAccount, ARN: "arn:aws:iam::*:role/deploy", UserIDPattern: ".+"}, "12-digit"},
		{"an exact role ARN is refused with a hint at the assumed-role form (c26)",
			AWSIdentity{Account: mAccount, ARN: "arn:aws:iam::123456789012:role/team/app", UserIDPattern: ".+"}, "assumed-role/ROLE/SESSION"},
		{"the tutorial's \"$USER-ID\" as an unquoted heredoc expands it (as root)",
			AWSIdentity{Account: mAccount, ARNPattern: ".+", UserIDPattern: "root-ID"}, `user_id_pattern: "root-ID" can match no AWS user ID`},
		{"the tutorial's \"$USER-ID\" with $USER unset",
			AWSIdentity{Account: mAccount, ARNPattern: ".+", UserIDPattern: "-ID"}, "did the shell expand a $VARIABLE"},
		{"an exact user ID that no STS answer has",
			AWSIdentity{Account: mAccount, ARNPattern: ".+", UserID: "my-instance"}, `user_id: "my-instance" can match no AWS user ID`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.id.Validate()
			if !errs.Is(err, errs.Invalid) || !strings.Contains(errs.Message(err), tc.want) {
				t.Fatalf("Validate() = %v, want an invalid error mentioning %q", err, tc.want)
			}
		})
	}
}

// TestAWSUserIDRulesOfEveryShapeAreAccepted keeps the user ID check of
// Validate to fixed values that cannot match: every form STS reports, and
// every pattern, passes.
func TestAWSUserIDRulesOfEveryShapeAreAccepted(t *testing.T) {
	t.Parallel()
	for _, tc := range []AWSIdentity{
		{Account: mAccount, ARNPattern: ".+", UserID: "AROA3XFRBF535PLBIFPI4:i-0123456789abcdef0"},
		{Account: mAccount, ARNPattern: ".+", UserID: "AIDAJQABLZS4A3QDU576Q"},
		{Account: mAccount, ARNPattern: ".+", UserID: mAccount},
		{Account: mAccount, ARNPattern: ".+", UserID: mAccount + ":bob"},
		{Account: mAccount, ARNPattern: ".+", UserIDPattern: "AROA3XFRBF535PLBIFPI4:i-0123456789abcdef0"},
		{Account: mAccount, ARNPattern: ".+", UserIDPattern: "AROA3XFRBF535PLBIFPI4:(.+)"},
		{Account: mAccount, ARNPattern: ".+", UserIDPattern: "^AROA[A-Z0-9]+:(.+)$"},
		{Account: mAccount, ARNPattern: ".+", UserIDPattern: "(?i)aroa.*"},
	} {
		if err := tc.Validate(); err != nil {
			t.Errorf("%+v: %v", tc, err)
		}
	}
}

func TestACompiledAWSRuleIsASnapshotOfTheIdentity(t *testing.T) {
	t.Parallel()
	ec2 := session(mAccount, "deploy", mSession, mRoleID)
	id := tutorialIdentity()
	rule := id.Compile()
	id.ARNPattern = `arn:aws:sts::123456789012:assumed-role/other/(.+)`

	for i := range 2 { // a compiled rule checks any number of principals
		if v := rule.Check(ec2); !v.Accepted() {
			t.Fatalf("check %d: the rule compiled before the change refused the principal: %v", i, v.Err())
		}
	}
	v := id.Compile().Check(ec2)
	if failed := v.Failed(); len(failed) != 1 || failed[0].Field != AWSRuleARN {
		t.Fatalf("the rule compiled after the change failed %v, want only the ARN rule", failed)
	}
	if !strings.Contains(v.Checks[1].Rule, "assumed-role/other/") {
		t.Errorf("the changed rule is described as %q", v.Checks[1].Rule)
	}
}

func TestACompiledInvalidAWSRuleFailsClosedInEveryCheck(t *testing.T) {
	t.Parallel()
	rule := (&AWSIdentity{Account: "12", ARNPattern: `arn:(`, UserIDPattern: `.+`}).Compile()
	v := rule.Check(session(mAccount, "deploy", mSession, mRoleID))
	var failed []string
	for _, c := range v.Failed() {
		failed = append(failed, c.Field)
	}
	if want := []string{AWSRuleAccount, AWSRuleARN}; !slices.Equal(failed, want) {
		t.Fatalf("failed rules %v, want %v", failed, want)
	}
	if !strings.Contains(v.Checks[1].Rule, "invalid") || !strings.Contains(v.Checks[1].Reason, "not valid") {
		t.Errorf("the invalid ARN rule reads %q / %q", v.Checks[1].Rule, v.Checks[1].Reason)
	}
	var none *AWSRule
	if none.Check(AWSPrincipal{}).Accepted() || (*AWSIdentity)(nil).Compile().Check(AWSPrincipal{}).Accepted() {
		t.Error("a rule of no identity accepted a principal")
	}
}

// BenchmarkAWSIdentityCheck compares checking a principal against a rule
// compiled once with compiling the rule for every check.
func BenchmarkAWSIdentityCheck(b *testing.B) {
	id := tutorialIdentity()
	p := session(mAccount, "deploy", mSession, mRoleID)
	b.Run("compiled-once", func(b *testing.B) {
		rule := id.Compile()
		b.ReportAllocs()
		for b.Loop() {
			if !rule.Check(p).Accepted() {
				b.Fatal("refused")
			}
		}
	})
	b.Run("compiled-each-time", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !id.Check(p).Accepted() {
				b.Fatal("refused")
			}
		}
	})
}

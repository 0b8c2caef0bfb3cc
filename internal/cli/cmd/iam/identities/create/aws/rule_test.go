package aws

import (
	"testing"

	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
	"latch.dev/latch/internal/iam"
)

const (
	account = "123456789012"
	roleID  = "AROAEXAMPLEEXAMPLE12345"
	userID  = "AIDAEXAMPLEEXAMPLE67890"
)

// domain converts a generated rule to the domain type the server checks
// exchanges with, so that these tests hold the patterns to the server's
// own matching (anchoring included).
func domain(a *iamv1.AWSIdentity) *iam.AWSIdentity {
	return &iam.AWSIdentity{
		Account: a.GetAwsAccount(), ARN: a.GetArn(), ARNPattern: a.GetArnPattern(),
		UserID: a.GetUserId(), UserIDPattern: a.GetUserIdPattern(),
	}
}

func session(acct, role, id, sess string) iam.AWSPrincipal {
	return iam.AWSPrincipal{Account: acct, ARN: "arn:aws:sts::" + acct + ":assumed-role/" + role + "/" + sess, UserID: id + ":" + sess}
}

func TestRoleRule(t *testing.T) {
	tests := []struct {
		name      string
		rule      *iamv1.AWSIdentity
		principal iam.AWSPrincipal
		accepted  bool
	}{
		{name: "a session of the role", rule: roleRule("aws", account, "app", ""), principal: session(account, "app", roleID, "i-0123456789abcdef0"), accepted: true},
		{name: "another session of the role", rule: roleRule("aws", account, "app", ""), principal: session(account, "app", roleID, "botocore-session-1700000000"), accepted: true},
		{name: "the same role name in another account", rule: roleRule("aws", account, "app", ""), principal: session("210987654321", "app", roleID, "i-1")},
		{name: "a role whose name starts the same", rule: roleRule("aws", account, "app", ""), principal: session(account, "app-admin", roleID, "i-1")},
		{name: "a role whose name ends the same", rule: roleRule("aws", account, "app", ""), principal: session(account, "my-app", roleID, "i-1")},
		{
			name:      "an IAM user named like the role",
			rule:      roleRule("aws", account, "app", ""),
			principal: iam.AWSPrincipal{Account: account, ARN: "arn:aws:iam::" + account + ":user/app", UserID: userID},
		},
		{name: "a pinned role ID", rule: roleRule("aws", account, "app", roleID), principal: session(account, "app", roleID, "i-1"), accepted: true},
		{name: "a re-created role of the same name", rule: roleRule("aws", account, "app", roleID), principal: session(account, "app", "AROAOTHEROTHEROTHER999", "i-1")},
		{name: "a dot in the name is no wildcard", rule: roleRule("aws", account, "app.v2", ""), principal: session(account, "appXv2", roleID, "i-1")},
		{name: "a plus in the name is literal", rule: roleRule("aws", account, "ci+deploy", ""), principal: session(account, "ci+deploy", roleID, "i-1"), accepted: true},
		{
			name:      "GovCloud",
			rule:      roleRule("aws-us-gov", account, "app", ""),
			principal: iam.AWSPrincipal{Account: account, ARN: "arn:aws-us-gov:sts::" + account + ":assumed-role/app/i-1", UserID: roleID + ":i-1"},
			accepted:  true,
		},
		{name: "the commercial partition is not GovCloud", rule: roleRule("aws-us-gov", account, "app", ""), principal: session(account, "app", roleID, "i-1")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := domain(tt.rule)
			if err := a.Validate(); err != nil {
				t.Fatalf("the generated rule is not valid: %v", err)
			}
			v := a.Check(tt.principal)
			if v.Accepted() != tt.accepted {
				t.Errorf("accepted = %v, want %v; checks %+v", v.Accepted(), tt.accepted, v.Checks)
			}
		})
	}
}

func TestRoleRulePatterns(t *testing.T) {
	a := roleRule("aws", account, "app.v2", "")
	if got, want := a.GetArnPattern(), `^arn:aws:sts::123456789012:assumed-role/app\.v2/[^/]+$`; got != want {
		t.Errorf("ARN pattern = %s, want %s", got, want)
	}
	if got, want := a.GetUserIdPattern(), `^AROA[0-9A-Z]{16,124}:.+$`; got != want {
		t.Errorf("user ID pattern = %s, want %s", got, want)
	}
	if got, want := roleRule("aws", account, "app", roleID).GetUserIdPattern(), `^AROAEXAMPLEEXAMPLE12345:.+$`; got != want {
		t.Errorf("pinned user ID pattern = %s, want %s", got, want)
	}
}

func TestUserRule(t *testing.T) {
	user := func(path, name, id string) iam.AWSPrincipal {
		return iam.AWSPrincipal{Account: account, ARN: "arn:aws:iam::" + account + ":user" + path + name, UserID: id}
	}
	tests := []struct {
		name      string
		rule      *iamv1.AWSIdentity
		principal iam.AWSPrincipal
		accepted  bool
	}{
		{name: "the user", rule: userRule("aws", account, "/", "ci-bot", ""), principal: user("/", "ci-bot", userID), accepted: true},
		{name: "the user under its path", rule: userRule("aws", account, "/division/", "ci-bot", userID), principal: user("/division/", "ci-bot", userID), accepted: true},
		{name: "a path the rule does not name", rule: userRule("aws", account, "/", "ci-bot", ""), principal: user("/division/", "ci-bot", userID)},
		{name: "a user whose name starts the same", rule: userRule("aws", account, "/", "ci", ""), principal: user("/", "ci-bot", userID)},
		{name: "a role named like the user", rule: userRule("aws", account, "/", "ci-bot", ""), principal: session(account, "ci-bot", roleID, "i-1")},
		{name: "a re-created user of the same name", rule: userRule("aws", account, "/", "ci-bot", userID), principal: user("/", "ci-bot", "AIDAOTHEROTHEROTHER999")},
		{
			name:      "the same user name in another account",
			rule:      userRule("aws", account, "/", "ci-bot", ""),
			principal: iam.AWSPrincipal{Account: "210987654321", ARN: "arn:aws:iam::210987654321:user/ci-bot", UserID: userID},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := domain(tt.rule)
			if err := a.Validate(); err != nil {
				t.Fatalf("the generated rule is not valid: %v", err)
			}
			if v := a.Check(tt.principal); v.Accepted() != tt.accepted {
				t.Errorf("accepted = %v, want %v; checks %+v", v.Accepted(), tt.accepted, v.Checks)
			}
		})
	}
}

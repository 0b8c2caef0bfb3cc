package shared

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"latch.dev/latch/internal/cli/clitest"
	"latch.dev/latch/internal/cli/cmdutil"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// The rule flags apply only what was given, so update can edit a rule in
// place; these start from a full rule and check what is left.

func current() *iamv1.ClaimMatch {
	return &iamv1.ClaimMatch{
		Iss:           &iamv1.ClaimMatch_Issuer{Issuer: "https://issuer.example"},
		Sub:           &iamv1.ClaimMatch_SubjectPattern{SubjectPattern: "^repo:a/b:.+$"},
		Aud:           &iamv1.ClaimMatch_Audience{Audience: "latch"},
		Claims:        map[string]string{"a": "1"},
		ClaimPatterns: map[string]string{"ref": "^main$"},
	}
}

func TestApplyClaimMatch(t *testing.T) {
	tests := []struct {
		name string
		rule OIDCRule
		edit func(m *iamv1.ClaimMatch)
	}{
		{name: "nothing given changes nothing", edit: func(*iamv1.ClaimMatch) {}},
		{
			name: "an exact subject replaces the pattern",
			rule: OIDCRule{Subject: cmdutil.Given("repo:a/b:ref:refs/heads/main")},
			edit: func(m *iamv1.ClaimMatch) { m.Sub = &iamv1.ClaimMatch_Subject{Subject: "repo:a/b:ref:refs/heads/main"} },
		},
		{
			name: "an empty audience removes the audience rule",
			rule: OIDCRule{Audience: cmdutil.Given("")},
			edit: func(m *iamv1.ClaimMatch) { m.Aud = nil },
		},
		{
			name: "claim patterns replace the whole map, claims stay",
			rule: OIDCRule{ClaimPatterns: cmdutil.OptionalList{Values: []string{"env:^prod$"}, Given: true}},
			edit: func(m *iamv1.ClaimMatch) { m.ClaimPatterns = map[string]string{"env": "^prod$"} },
		},
		{
			name: "an empty use clears the claims",
			rule: OIDCRule{Claims: cmdutil.OptionalList{Given: true}},
			edit: func(m *iamv1.ClaimMatch) { m.Claims = map[string]string{} },
		},
		{
			name: "an issuer pattern replaces the issuer",
			rule: OIDCRule{IssuerPattern: cmdutil.Given(`^https://[a-z]+\.example$`)},
			edit: func(m *iamv1.ClaimMatch) {
				m.Iss = &iamv1.ClaimMatch_IssuerPattern{IssuerPattern: `^https://[a-z]+\.example$`}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := current()
			if err := tt.rule.ApplyClaimMatch(got); err != nil {
				t.Fatal(err)
			}
			want := current()
			tt.edit(want)
			if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
				t.Errorf("rule (-want +got):\n%s", diff)
			}
		})
	}
}

func TestApplyStaticReadsKeysFromStdin(t *testing.T) {
	st := &iamv1.StaticKeys{Issuer: "https://i.example", Subject: "s", Audiences: []string{"old"}}
	r := OIDCRule{Subject: cmdutil.Given("t"), Audience: cmdutil.Given(""), IssuerKeys: cmdutil.Given("-")}
	if err := r.ApplyStatic(st, strings.NewReader(`{"keys":[{}]}`)); err != nil {
		t.Fatal(err)
	}
	want := &iamv1.StaticKeys{Issuer: "https://i.example", Subject: "t", IssuerKeys: `{"keys":[{}]}`}
	if diff := cmp.Diff(want, st, protocmp.Transform()); diff != "" {
		t.Errorf("rule (-want +got):\n%s", diff)
	}
}

func TestOIDCRuleCheck(t *testing.T) {
	tests := []struct {
		name   string
		rule   OIDCRule
		static bool
		ok     bool
	}{
		{name: "exact issuer and subject pattern", rule: OIDCRule{Issuer: cmdutil.Given("https://i"), SubjectPattern: cmdutil.Given("s")}, ok: true},
		{name: "both subject forms", rule: OIDCRule{Subject: cmdutil.Given("s"), SubjectPattern: cmdutil.Given("s")}},
		{name: "both audience forms", rule: OIDCRule{Audience: cmdutil.Given("a"), AudiencePattern: cmdutil.Given("a")}},
		{name: "keys with a claim", rule: OIDCRule{IssuerKeys: cmdutil.Given("k"), Claims: cmdutil.OptionalList{Values: []string{"a:b"}, Given: true}}},
		{name: "a pattern on a static identity", rule: OIDCRule{SubjectPattern: cmdutil.Given("s")}, static: true},
		{name: "a subject on a static identity", rule: OIDCRule{Subject: cmdutil.Given("s")}, static: true, ok: true},
		{name: "an RFC 3339 expiration", rule: OIDCRule{IssuerKeys: cmdutil.Given("k"), Expiration: cmdutil.Given("2026-04-20T12:00:00Z")}, ok: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.rule.Check()
			if tt.static {
				err = tt.rule.CheckStatic()
			}
			if tt.ok != (err == nil) || err != nil && !clitest.IsUsageError(err) {
				t.Errorf("err = %v, want ok %v (or a usage error)", err, tt.ok)
			}
		})
	}
}

func TestAWSRule(t *testing.T) {
	a := &iamv1.AWSIdentity{
		AwsAccount: "123456789012",
		AwsArn:     &iamv1.AWSIdentity_ArnPattern{ArnPattern: "^arn:aws:sts::123456789012:assumed-role/app/[^/]+$"},
		AwsUserId:  &iamv1.AWSIdentity_UserIdPattern{UserIdPattern: "^AROA[0-9A-Z]{16,124}:.+$"},
	}
	r := AWSRule{UserIDPattern: cmdutil.Given("^AROAEXAMPLEEXAMPLE12345:.+$")}
	if err := r.Check(); err != nil {
		t.Fatal(err)
	}
	r.Apply(a)
	if a.GetUserIdPattern() != "^AROAEXAMPLEEXAMPLE12345:.+$" || a.GetArnPattern() == "" || a.GetAwsAccount() != "123456789012" {
		t.Errorf("rule = %v", a)
	}
	r = AWSRule{ARN: cmdutil.Given("arn:aws:iam::123456789012:user/app")}
	r.Apply(a)
	if a.GetArn() != "arn:aws:iam::123456789012:user/app" || a.GetArnPattern() != "" {
		t.Errorf("an exact ARN must replace the pattern: %v", a)
	}
	if err := (&AWSRule{ARN: cmdutil.Given("x"), ARNPattern: cmdutil.Given("y")}).Check(); !clitest.IsUsageError(err) {
		t.Errorf("both ARN forms: err = %v, want a usage error", err)
	}
	if !r.Given() || (&AWSRule{}).Given() {
		t.Error("Given is wrong")
	}
}

func TestCheckRef(t *testing.T) {
	for _, ok := range []string{"", "main", "refs/heads/release/1.x", "v1.0.0"} {
		if err := CheckRef("ref", ok); err != nil {
			t.Errorf("CheckRef(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"a b", "a:b", "a..b", "feat*", "x~1"} {
		if err := CheckRef("ref", bad); !clitest.IsUsageError(err) {
			t.Errorf("CheckRef(%q) = %v, want a usage error", bad, err)
		}
	}
}

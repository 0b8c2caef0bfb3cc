package iam

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"latch.dev/latch/internal/errs"
)

const latchURL = "https://latch.example.dev"

// decode parses claims the way the verifier does: numbers keep their text.
func decode(t *testing.T, s string) TokenClaims {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var c map[string]any
	if err := dec.Decode(&c); err != nil {
		t.Fatal(err)
	}
	return c
}

// githubClaims are shaped like a GitHub Actions ID token's.
const githubClaims = `{
	"iss": "https://token.actions.githubusercontent.com",
	"sub": "repo:acme/app:ref:refs/heads/main",
	"aud": "https://latch.example.dev",
	"repository": "acme/app", "repository_owner": "acme", "ref": "refs/heads/main",
	"workflow_ref": "acme/app/.github/workflows/release.yaml@refs/heads/main",
	"repository_id": "123456", "run_attempt": "1", "ref_protected": "true"
}`

func TestClaimMatchCheck(t *testing.T) {
	github := func(mod func(*ClaimMatch)) *ClaimMatch {
		c := &ClaimMatch{
			Issuer:  "https://token.actions.githubusercontent.com",
			Subject: "repo:acme/app:ref:refs/heads/main",
			Claims:  map[string]string{"repository": "acme/app", "ref": "refs/heads/main"},
		}
		if mod != nil {
			mod(c)
		}
		return c
	}
	tests := []struct {
		name   string
		rule   *ClaimMatch
		claims string
		// fail names the rule that must fail, "" when the token passes.
		fail string
		// reason must appear in the caller-facing message.
		reason string
	}{
		{name: "a GitHub token for the repository and branch passes", rule: github(nil), claims: githubClaims},
		{name: "another repository fails the repository claim", rule: github(nil),
			claims: strings.ReplaceAll(githubClaims, `"repository": "acme/app"`, `"repository": "acme/other"`),
			fail:   "claims.repository", reason: `"acme/other"`},
		{name: "another ref fails the subject rule", rule: github(nil),
			claims: strings.ReplaceAll(githubClaims, "repo:acme/app:ref:refs/heads/main", "repo:acme/app:ref:refs/heads/dev"),
			fail:   ClaimRuleSubject, reason: "does not match the identity's subject rule"},
		{name: "a subject with a newline appended fails an exact rule", rule: github(nil),
			claims: strings.ReplaceAll(githubClaims, `"sub": "repo:acme/app:ref:refs/heads/main"`, `"sub": "repo:acme/app:ref:refs/heads/main\nx"`),
			fail:   ClaimRuleSubject, reason: "control characters"},
		{name: "a subject with a newline fails a pattern written with (?s)",
			rule:   github(func(c *ClaimMatch) { c.Subject, c.SubjectPattern = "", `(?s)repo:acme/app:.*` }),
			claims: strings.ReplaceAll(githubClaims, `"sub": "repo:acme/app:ref:refs/heads/main"`, `"sub": "repo:acme/app:x\nrepo:evil/app:y"`),
			fail:   ClaimRuleSubject, reason: "control characters"},
		{name: "a pattern matches only the whole subject",
			rule:   github(func(c *ClaimMatch) { c.Subject, c.SubjectPattern = "", `repo:acme/app:ref:refs/heads/main` }),
			claims: strings.ReplaceAll(githubClaims, `"sub": "repo:acme/app:ref:refs/heads/main"`, `"sub": "repo:acme/app:ref:refs/heads/main-evil"`),
			fail:   ClaimRuleSubject},
		{name: "an alternation cannot escape the anchors",
			rule:   github(func(c *ClaimMatch) { c.Subject, c.SubjectPattern = "", `repo:acme/app:.*|repo:acme/lib:.*` }),
			claims: strings.ReplaceAll(githubClaims, `"sub": "repo:acme/app:ref:refs/heads/main"`, `"sub": "evil/repo:acme/lib:x"`),
			fail:   ClaimRuleSubject},
		{name: "the audience defaults to the server's URL", rule: github(nil),
			claims: strings.ReplaceAll(githubClaims, `"aud": "https://latch.example.dev"`, `"aud": "https://sts.amazonaws.com"`),
			fail:   ClaimRuleAudience, reason: "does not include this server's URL"},
		{name: "an audience list passes when one member is the server's URL", rule: github(nil),
			claims: strings.ReplaceAll(githubClaims, `"aud": "https://latch.example.dev"`, `"aud": ["https://other.example", "https://latch.example.dev"]`)},
		{name: "an audience list without the server's URL fails", rule: github(nil),
			claims: strings.ReplaceAll(githubClaims, `"aud": "https://latch.example.dev"`, `"aud": ["https://other.example", "https://latch.example.dev/"]`),
			fail:   ClaimRuleAudience},
		{name: "a missing audience fails", rule: github(nil),
			claims: strings.ReplaceAll(githubClaims, `"aud": "https://latch.example.dev",`, ``),
			fail:   ClaimRuleAudience, reason: `no "aud" claim`},
		{name: "an audience pattern replaces the default",
			rule:   github(func(c *ClaimMatch) { c.AudiencePattern = `sts\.amazonaws\.com|https://latch\.example\.dev` }),
			claims: strings.ReplaceAll(githubClaims, `"aud": "https://latch.example.dev"`, `"aud": "sts.amazonaws.com"`)},
		{name: "a missing claim fails naming it", rule: github(nil),
			claims: strings.ReplaceAll(githubClaims, `"ref": "refs/heads/main",`, ``),
			fail:   "claims.ref", reason: `no "ref" claim`},
		{name: "a non-string subject fails", rule: github(nil),
			claims: strings.ReplaceAll(githubClaims, `"sub": "repo:acme/app:ref:refs/heads/main"`, `"sub": 42`),
			fail:   ClaimRuleSubject, reason: `no string "sub" claim`},
		{name: "a claim pattern matches a whole claim", rule: github(func(c *ClaimMatch) {
			c.ClaimPatterns = map[string]string{"workflow_ref": `acme/app/\.github/workflows/release\.yaml@refs/heads/.+`}
		}), claims: githubClaims},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.rule.Check(decode(t, tt.claims), latchURL)
			if tt.fail == "" {
				if err := v.Err(); err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if v.Accepted() {
				t.Fatal("accepted, want refused")
			}
			var failed []string
			for _, c := range v.Checks {
				if !c.OK {
					failed = append(failed, c.Field)
				}
			}
			if len(failed) != 1 || failed[0] != tt.fail {
				t.Errorf("failed rules %v, want just %s", failed, tt.fail)
			}
			err := v.Err()
			if errs.KindOf(err) != errs.PermissionDenied {
				t.Errorf("kind %v, want permission denied", errs.KindOf(err))
			}
			if !strings.Contains(errs.Message(err), tt.reason) {
				t.Errorf("message %q does not say %q", errs.Message(err), tt.reason)
			}
		})
	}
}

// TestNonStringClaims pins down how claims that are not strings match,
// as docs/operations.md documents it.
func TestNonStringClaims(t *testing.T) {
	claims := `{
		"iss": "https://issuer.example", "sub": "s", "aud": "https://latch.example.dev",
		"email_verified": true, "run_number": 42, "ratio": 1.50, "nothing": null,
		"groups": ["dev", "ops", 7, {"x": 1}],
		"kubernetes.io": {"namespace": "ci", "serviceaccount": {"name": "builder"}},
		"https://sts.amazonaws.com/": {"aws_account": "123456789012", "org_id": "o-abc"},
		"a/b": {"c~d": "slashes and tildes"}
	}`
	tests := []struct {
		name    string
		claim   string
		exact   string
		pattern string
		ok      bool
	}{
		{"a boolean matches its JSON text", "email_verified", "true", "", true},
		{"a boolean does not match another spelling", "email_verified", "True", "", false},
		{"a number matches the text the issuer wrote", "run_number", "42", "", true},
		{"a number matches a pattern", "run_number", "", `[0-9]+`, true},
		{"a decimal keeps its trailing zero", "ratio", "1.50", "", true},
		{"a decimal is not normalised", "ratio", "1.5", "", false},
		{"null never matches", "nothing", "null", "", false},
		{"null never matches a match-all pattern", "nothing", "", `.*`, false},
		{"a list matches when a member does", "groups", "ops", "", true},
		{"a list matches a number member by its text", "groups", "7", "", true},
		{"a list does not match a value it lacks", "groups", "admin", "", false},
		{"an object never matches", "kubernetes.io", `{"namespace":"ci"}`, "", false},
		{"an object never matches a match-all pattern", "kubernetes.io", "", `.*`, false},
		{"a JSON Pointer reaches a nested member", "/kubernetes.io/namespace", "ci", "", true},
		{"a JSON Pointer reaches two levels down", "/kubernetes.io/serviceaccount/name", "builder", "", true},
		{"a JSON Pointer escapes slashes in AWS's claim name", "/https:~1~1sts.amazonaws.com~1/aws_account", "123456789012", "", true},
		{"a JSON Pointer escapes tildes", "/a~1b/c~0d", "slashes and tildes", "", true},
		{"a JSON Pointer indexes a list", "/groups/1", "ops", "", true},
		{"a JSON Pointer past the end finds nothing", "/groups/9", "ops", "", false},
		{"a dotted name is a top-level claim, not a path", "kubernetes.io.namespace", "ci", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rule := &ClaimMatch{Issuer: "https://issuer.example", Subject: "s"}
			if tt.pattern != "" {
				rule.ClaimPatterns = map[string]string{tt.claim: tt.pattern}
			} else {
				rule.Claims = map[string]string{tt.claim: tt.exact}
			}
			if err := rule.Validate(); err != nil {
				t.Fatalf("the rule is invalid: %v", err)
			}
			v := rule.Check(decode(t, claims), latchURL)
			if v.Accepted() != tt.ok {
				t.Errorf("accepted = %v, want %v (%v)", v.Accepted(), tt.ok, v.Err())
			}
		})
	}
}

func TestClaimNamesAreValidated(t *testing.T) {
	tests := []struct {
		name  string
		claim string
		ok    bool
	}{
		{"a plain name is valid", "repository", true},
		{"a URL is a valid top-level name", "https://sts.amazonaws.com/", true},
		{"a JSON Pointer is valid", "/https:~1~1sts.amazonaws.com~1/aws_account", true},
		{"a pointer with a bare tilde is refused", "/a~b", false},
		{"a pointer ending in a tilde is refused", "/a~", false},
		{"an empty name is refused", "", false},
		{"a name with a newline is refused", "a\nb", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rule := &ClaimMatch{Issuer: "https://issuer.example", Subject: "s", Claims: map[string]string{tt.claim: "v"}}
			err := rule.Validate()
			if (err == nil) != tt.ok {
				t.Errorf("Validate() = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !strings.Contains(errs.Message(err), "claim_match.claims") {
				t.Errorf("message %q does not name the field", errs.Message(err))
			}
		})
	}
}

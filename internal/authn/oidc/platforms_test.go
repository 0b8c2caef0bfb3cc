package oidc_test

import (
	"testing"

	"latch.dev/latch/internal/iam"
)

// TestTokensShapedLikeEachPlatformsAreMatched checks claim_match rules
// written for each platform against tokens shaped like that platform's,
// from a local issuer standing in for the real one.
func TestTokensShapedLikeEachPlatformsAreMatched(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		alg    string
		sub    string
		aud    any
		claims map[string]any
		rule   iam.ClaimMatch
	}{
		{
			name: "GitLab CI",
			alg:  "RS256",
			sub:  "project_path:acme/app:ref_type:branch:ref:main",
			aud:  latchURL,
			claims: map[string]any{
				"namespace_path": "acme", "project_path": "acme/app", "ref": "main", "ref_type": "branch",
				"ref_protected": "true", "pipeline_source": "push", "project_id": "42",
			},
			rule: iam.ClaimMatch{
				SubjectPattern: `project_path:acme/app:ref_type:branch:ref:(main|release/.+)`,
				Claims:         map[string]string{"ref_protected": "true"},
			},
		},
		{
			name: "a Kubernetes service account",
			alg:  "RS256",
			sub:  "system:serviceaccount:ci:builder",
			aud:  []string{"https://kubernetes.default.svc", latchURL},
			claims: map[string]any{"kubernetes.io": map[string]any{
				"namespace":      "ci",
				"serviceaccount": map[string]any{"name": "builder", "uid": "0b6c1f2e-7d0a-4d8e-9a57-4a1c1e2b3c4d"},
				"pod":            map[string]any{"name": "builder-7d9f", "uid": "6a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d"},
			}},
			rule: iam.ClaimMatch{
				Subject: "system:serviceaccount:ci:builder",
				Claims:  map[string]string{"/kubernetes.io/namespace": "ci"},
			},
		},
		{
			name: "AWS outbound identity federation",
			alg:  "ES384",
			sub:  "arn:aws:iam::123456789012:role/builder",
			aud:  latchURL,
			claims: map[string]any{"https://sts.amazonaws.com/": map[string]any{
				"aws_account": "123456789012", "org_id": "o-a1b2c3d4e5", "principal_id": "arn:aws:iam::123456789012:role/builder",
				"source_region": "eu-west-1", "ec2_instance_source_vpc": "vpc-0123",
			}},
			rule: iam.ClaimMatch{
				Subject: "arn:aws:iam::123456789012:role/builder",
				Claims: map[string]string{
					"/https:~1~1sts.amazonaws.com~1/aws_account": "123456789012",
					"/https:~1~1sts.amazonaws.com~1/org_id":      "o-a1b2c3d4e5",
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, nil)
			e.iss.Key(t, tt.alg)
			rule := tt.rule
			rule.Issuer = e.iss.URL
			if err := rule.Validate(); err != nil {
				t.Fatal(err)
			}
			id := iam.Identity{ID: e.github().ID, Name: "workload", ClaimMatch: &rule}
			claims := e.iss.Claims(e.clock.Now(), tt.sub, "", tt.claims)
			claims["aud"] = tt.aud
			if _, err := e.auth.Authenticate(t.Context(), e.iss.MintWith(t, claims, tt.alg), id); err != nil {
				t.Fatalf("refused: %v", err)
			}
			// The same token for another workload is refused.
			claims["sub"] = tt.sub + "-other"
			if _, err := e.auth.Authenticate(t.Context(), e.iss.MintWith(t, claims, tt.alg), id); err == nil {
				t.Error("a token for another subject was accepted")
			}
		})
	}
}

package iam

import (
	"net/url"
	"sort"

	"latch.dev/latch/internal/errs"
)

// ClaimMatch may be assumed by an OIDC token from an issuer latch can reach
// (GitHub Actions, GitLab CI, a Kubernetes cluster, AWS outbound identity
// federation). Issuer and subject are required; the audience defaults to
// the latch server's URL; extra claims must equal or fully match.
type ClaimMatch struct {
	Issuer          string            `json:"issuer,omitempty"`
	IssuerPattern   string            `json:"issuer_pattern,omitempty"`
	Subject         string            `json:"subject,omitempty"`
	SubjectPattern  string            `json:"subject_pattern,omitempty"`
	Audience        string            `json:"audience,omitempty"`
	AudiencePattern string            `json:"audience_pattern,omitempty"`
	Claims          map[string]string `json:"claims,omitempty"`
	ClaimPatterns   map[string]string `json:"claim_patterns,omitempty"`
}

// Validate checks the rule and compiles its patterns.
func (c *ClaimMatch) Validate() error {
	var list []error
	if _, err := NewMatcher("claim_match.issuer", c.Issuer, c.IssuerPattern); err != nil {
		list = append(list, err)
	}
	if c.Issuer != "" {
		list = append(list, validateIssuerURL("claim_match.issuer", c.Issuer))
	}
	if _, err := NewMatcher("claim_match.subject", c.Subject, c.SubjectPattern); err != nil {
		list = append(list, err)
	}
	if c.Audience != "" || c.AudiencePattern != "" {
		if _, err := NewMatcher("claim_match.audience", c.Audience, c.AudiencePattern); err != nil {
			list = append(list, err)
		}
	}
	for _, k := range sortedKeys(c.Claims) {
		if err := ValidateClaimName("claim_match.claims", k); err != nil {
			list = append(list, err)
		}
	}
	for _, k := range sortedKeys(c.ClaimPatterns) {
		if err := ValidateClaimName("claim_match.claim_patterns", k); err != nil {
			list = append(list, err)
			continue
		}
		if _, err := CompilePattern("claim_match.claim_patterns."+k, c.ClaimPatterns[k]); err != nil {
			list = append(list, err)
		}
	}
	return errs.Join(list)
}

func validateIssuerURL(field, iss string) error {
	u, err := url.Parse(iss)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return errs.Invalidf(field, "%q is not an issuer URL (https://host[/path])", iss)
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

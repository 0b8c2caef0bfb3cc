package shared

import (
	"io"
	"time"

	"github.com/spf13/pflag"
	"google.golang.org/protobuf/types/known/timestamppb"

	"latch.dev/latch/internal/cli/cmdutil"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
	"latch.dev/latch/internal/iam"
)

// OIDCRule holds the flags that write a claim_match rule (an issuer latch
// can reach) or a static one (keys given with --issuer-keys). Create
// applies them to an empty rule; update applies the given ones to the
// identity's current rule.
type OIDCRule struct {
	Issuer, IssuerPattern     cmdutil.OptionalString
	Subject, SubjectPattern   cmdutil.OptionalString
	Audience, AudiencePattern cmdutil.OptionalString
	Claims, ClaimPatterns     cmdutil.OptionalList
	// IssuerKeys is a file holding the issuer's JWKS ("-": standard input).
	IssuerKeys cmdutil.OptionalString
	// Expiration is YYYY-MM-DD (midnight UTC) or an RFC 3339 time.
	Expiration cmdutil.OptionalString
}

// AddFlags registers the rule's flags, with chainctl's names.
func (r *OIDCRule) AddFlags(fs *pflag.FlagSet) {
	fs.Var(&r.Issuer, "identity-issuer", "issuer URL the token must come from, exactly")
	fs.Var(&r.IssuerPattern, "identity-issuer-pattern", "RE2 pattern the token's issuer must match in full")
	fs.Var(&r.Subject, "subject", "subject (sub) the token must carry, exactly")
	fs.Var(&r.SubjectPattern, "subject-pattern", "RE2 pattern the token's subject must match in full")
	fs.Var(&r.Audience, "audience", "audience (aud) the token must carry (default: the latch server's URL)")
	fs.Var(&r.AudiencePattern, "audience-pattern", "RE2 pattern one of the token's audiences must match in full")
	fs.Var(&r.Claims, "claim", "other claims the token must carry exactly, as NAME:VALUE[,NAME:VALUE…]")
	fs.Var(&r.ClaimPatterns, "claim-pattern", "other claims the token must match in full, as NAME:PATTERN[,NAME:PATTERN…]")
	fs.Var(&r.IssuerKeys, "issuer-keys", "`file` holding the issuer's JWKS, for a static identity (- for standard input)")
	fs.Var(&r.Expiration, "expiration", "when a static identity stops working: YYYY-MM-DD or RFC 3339 (default and at most 30 days)")
}

// Given reports whether any of the rule's flags was given.
func (r *OIDCRule) Given() bool {
	for _, o := range r.strings() {
		if o.flag.Given {
			return true
		}
	}
	return r.Claims.Given || r.ClaimPatterns.Given
}

// IsStatic reports whether the flags describe a static identity.
func (r *OIDCRule) IsStatic() bool { return r.IssuerKeys.Given || r.Expiration.Given }

type namedFlag struct {
	name string
	flag *cmdutil.OptionalString
}

func (r *OIDCRule) strings() []namedFlag {
	return []namedFlag{
		{"identity-issuer", &r.Issuer}, {"identity-issuer-pattern", &r.IssuerPattern},
		{"subject", &r.Subject}, {"subject-pattern", &r.SubjectPattern},
		{"audience", &r.Audience}, {"audience-pattern", &r.AudiencePattern},
		{"issuer-keys", &r.IssuerKeys}, {"expiration", &r.Expiration},
	}
}

// Check refuses flag combinations that cannot make a rule: both the
// exact and the pattern form of one field, patterns or claims on a static
// identity (it matches exactly), and values that do not parse.
func (r *OIDCRule) Check() error { return r.check(r.IsStatic()) }

// CheckStatic is Check for flags that change a static identity, whether
// or not they include --issuer-keys or --expiration.
func (r *OIDCRule) CheckStatic() error { return r.check(true) }

func (r *OIDCRule) check(static bool) error {
	for _, pair := range [][2]namedFlag{
		{{"identity-issuer", &r.Issuer}, {"identity-issuer-pattern", &r.IssuerPattern}},
		{{"subject", &r.Subject}, {"subject-pattern", &r.SubjectPattern}},
		{{"audience", &r.Audience}, {"audience-pattern", &r.AudiencePattern}},
	} {
		if pair[0].flag.Given && pair[1].flag.Given {
			return cmdutil.FlagErrorf("--%s and --%s cannot go together: give the exact value or a pattern", pair[0].name, pair[1].name)
		}
	}
	if static {
		for _, f := range []struct {
			name  string
			given bool
		}{
			{"identity-issuer-pattern", r.IssuerPattern.Given}, {"subject-pattern", r.SubjectPattern.Given},
			{"audience-pattern", r.AudiencePattern.Given}, {"claim", r.Claims.Given}, {"claim-pattern", r.ClaimPatterns.Given},
		} {
			if f.given {
				return cmdutil.FlagErrorf("--%s does not apply to static identities (--issuer-keys): they match their issuer, subject and audience exactly", f.name)
			}
		}
	}
	if _, err := r.expiration(); err != nil {
		return err
	}
	if _, err := ParseClaims("claim", r.Claims.Values); err != nil {
		return err
	}
	_, err := ParseClaims("claim-pattern", r.ClaimPatterns.Values)
	return err
}

// ApplyClaimMatch writes the given flags into m. Giving one form of a
// field (--subject) replaces the other (a subject pattern); an empty
// --audience removes the audience rule; --claim and --claim-pattern
// replace their whole map.
func (r *OIDCRule) ApplyClaimMatch(m *iamv1.ClaimMatch) error {
	switch {
	case r.Issuer.Given:
		m.Iss = &iamv1.ClaimMatch_Issuer{Issuer: r.Issuer.Value}
	case r.IssuerPattern.Given:
		m.Iss = &iamv1.ClaimMatch_IssuerPattern{IssuerPattern: r.IssuerPattern.Value}
	}
	switch {
	case r.Subject.Given:
		m.Sub = &iamv1.ClaimMatch_Subject{Subject: r.Subject.Value}
	case r.SubjectPattern.Given:
		m.Sub = &iamv1.ClaimMatch_SubjectPattern{SubjectPattern: r.SubjectPattern.Value}
	}
	switch {
	case r.Audience.Given && r.Audience.Value == "", r.AudiencePattern.Given && r.AudiencePattern.Value == "":
		m.Aud = nil
	case r.Audience.Given:
		m.Aud = &iamv1.ClaimMatch_Audience{Audience: r.Audience.Value}
	case r.AudiencePattern.Given:
		m.Aud = &iamv1.ClaimMatch_AudiencePattern{AudiencePattern: r.AudiencePattern.Value}
	}
	if r.Claims.Given {
		claims, err := ParseClaims("claim", r.Claims.Values)
		if err != nil {
			return err
		}
		m.Claims = claims
	}
	if r.ClaimPatterns.Given {
		patterns, err := ParseClaims("claim-pattern", r.ClaimPatterns.Values)
		if err != nil {
			return err
		}
		m.ClaimPatterns = patterns
	}
	return nil
}

// ApplyStatic writes the given flags into s, reading the JWKS file (or
// stdin for "-").
func (r *OIDCRule) ApplyStatic(s *iamv1.StaticKeys, stdin io.Reader) error {
	if r.Issuer.Given {
		s.Issuer = r.Issuer.Value
	}
	if r.Subject.Given {
		s.Subject = r.Subject.Value
	}
	if r.Audience.Given {
		s.Audiences = nil
		if r.Audience.Value != "" {
			s.Audiences = []string{r.Audience.Value}
		}
	}
	if r.IssuerKeys.Given {
		keys, err := readKeys(r.IssuerKeys.Value, stdin)
		if err != nil {
			return err
		}
		s.IssuerKeys = keys
	}
	if r.Expiration.Given {
		t, err := r.expiration()
		if err != nil {
			return err
		}
		s.Expiration = timestamppb.New(t)
	}
	return nil
}

// expiration parses --expiration; the zero time when it was not given.
func (r *OIDCRule) expiration() (time.Time, error) {
	v := r.Expiration.Value
	if !r.Expiration.Given || v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, cmdutil.FlagErrorf("--expiration %q is neither a date (YYYY-MM-DD) nor an RFC 3339 time", v)
	}
	return t, nil
}

// readKeys reads a JWKS file, bounded by the size the server accepts.
func readKeys(path string, stdin io.Reader) (string, error) {
	b, err := ReadInput(path, stdin, iam.MaxIssuerKeysSize, "the issuer keys")
	return string(b), err
}

package iam

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"latch.dev/latch/internal/errs"
)

// TokenClaims are the claims of a verified OIDC token, decoded with
// json.Decoder.UseNumber so that numbers keep the text the issuer wrote.
type TokenClaims map[string]any

// The fixed rules of a claim_match identity, as named in
// [ClaimRuleCheck.Field]; extra claims are named "claims.<name>" and
// "claim_patterns.<name>".
const (
	ClaimRuleIssuer   = "issuer"
	ClaimRuleSubject  = "subject"
	ClaimRuleAudience = "audience"
)

// ClaimRuleCheck is the outcome of one rule of a [ClaimMatch] for one
// token.
type ClaimRuleCheck struct {
	// Field is one of the ClaimRule* names, or claims.NAME /
	// claim_patterns.NAME.
	Field string
	// OK reports whether the token satisfies the rule.
	OK bool
	// Rule says what the rule requires. It shows the configured values,
	// so it is for administrators and never for the caller of an
	// exchange.
	Rule string
	// Reason speaks only of the token's own values: it is safe to send to
	// whoever presented the token.
	Reason string
}

// ClaimVerdict is the result of checking a token against every rule of a
// claim_match identity. Every rule is evaluated, so an administrator sees
// all that is wrong at once.
type ClaimVerdict struct {
	Checks []ClaimRuleCheck
}

// Accepted reports whether every rule passed; a verdict without checks is
// never accepted.
func (v ClaimVerdict) Accepted() bool {
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

// Err returns nil for an accepted verdict, and otherwise a
// PermissionDenied error whose message lists the caller-safe reasons of
// the failed rules and whose logged cause lists the rules themselves.
func (v ClaimVerdict) Err() error {
	if v.Accepted() {
		return nil
	}
	var reasons, rules []string
	for _, c := range v.Checks {
		if !c.OK {
			reasons = append(reasons, c.Reason)
			rules = append(rules, c.Field+" "+c.Rule)
		}
	}
	if len(reasons) == 0 {
		return errs.New(errs.PermissionDenied, "the token was not checked against any rule")
	}
	return errs.Wrap(errs.PermissionDenied,
		fmt.Errorf("claim_match rules failed: %s", strings.Join(rules, "; ")),
		"the token may not assume this identity: %s", strings.Join(reasons, "; "))
}

// Check evaluates verified claims against every rule of the identity.
// defaultAudience is what "aud" must contain when the identity names no
// audience (the latch server's URL). Check does no I/O.
//
// Matching rules, documented for operators in docs/operations.md:
//   - iss and sub must be strings; aud a string or a list of strings, of
//     which one must satisfy the audience rule. Control characters in
//     them fail the token outright: no issuer produces them, and a
//     pattern written with (?s) or (?m) could otherwise match across a
//     forged line break.
//   - Exact rules compare strings byte for byte; patterns are RE2 and
//     always match the whole value (^(?:p)$), so "a|b" cannot escape the
//     anchors.
//   - An extra claim is named by its top-level name (dots and slashes are
//     part of the name: "https://sts.amazonaws.com/" is one claim), or by
//     an RFC 6901 JSON Pointer starting with "/" to reach inside nested
//     objects ("/https:~1~1sts.amazonaws.com~1/aws_account").
//   - A string is matched as is; true and false as "true" and "false"; a
//     number as the JSON text the issuer wrote ("42", "1.5"); a list
//     matches when any of its scalar members does (group membership).
//     null, objects, and lists without a matching scalar never match, so
//     a rule cannot pass by accident on a value it was not written for.
func (c *ClaimMatch) Check(claims TokenClaims, defaultAudience string) ClaimVerdict {
	var v ClaimVerdict
	if c == nil {
		v.Checks = append(v.Checks, ClaimRuleCheck{Field: ClaimRuleIssuer, Rule: "(no claim_match)",
			Reason: "this identity cannot be assumed with an OIDC token from a reachable issuer"})
		return v
	}
	v.Checks = append(v.Checks,
		checkStringClaim(ClaimRuleIssuer, "issuer", "iss", claims, c.Issuer, c.IssuerPattern),
		checkStringClaim(ClaimRuleSubject, "subject", "sub", claims, c.Subject, c.SubjectPattern),
		checkAudience(claims, c.Audience, c.AudiencePattern, defaultAudience),
	)
	for _, name := range sortedKeys(c.Claims) {
		v.Checks = append(v.Checks, checkExtraClaim("claims."+name, name, claims, c.Claims[name], ""))
	}
	for _, name := range sortedKeys(c.ClaimPatterns) {
		v.Checks = append(v.Checks, checkExtraClaim("claim_patterns."+name, name, claims, "", c.ClaimPatterns[name]))
	}
	return v
}

// checkStringClaim applies an "exact or pattern" rule to a registered
// claim that must be a string (iss, sub).
func checkStringClaim(field, noun, claim string, claims TokenClaims, exact, pattern string) ClaimRuleCheck {
	c := ClaimRuleCheck{Field: field}
	m, err := NewMatcher("claim_match."+noun, exact, pattern)
	if err != nil {
		c.Rule = "invalid: " + errs.Message(err)
		c.Reason = fmt.Sprintf("this identity's %s rule is not valid; ask its administrator to fix it", noun)
		return c
	}
	c.Rule = m.String()
	got, ok := claims[claim].(string)
	switch {
	case !ok:
		c.Reason = fmt.Sprintf("the token has no string %q claim", claim)
	case HasControl(got):
		c.Reason = fmt.Sprintf("the token's %s %s holds control characters", claim, quoteClaim(got))
	case m.Match(got):
		c.OK, c.Reason = true, fmt.Sprintf("the token's %s %s matches the identity's %s rule", claim, quoteClaim(got), noun)
	default:
		c.Reason = fmt.Sprintf("the token's %s %s does not match the identity's %s rule", claim, quoteClaim(got), noun)
	}
	return c
}

// checkAudience passes when one of the token's audiences satisfies the
// rule, or, without a rule, when one equals defaultAudience. Requiring
// latch's own URL by default stops a token minted for another relying
// party (an ID token for some web app) from being replayed here.
func checkAudience(claims TokenClaims, exact, pattern, defaultAudience string) ClaimRuleCheck {
	c := ClaimRuleCheck{Field: ClaimRuleAudience}
	if exact == "" && pattern == "" {
		exact = defaultAudience
	}
	m, err := NewMatcher("claim_match.audience", exact, pattern)
	if err != nil {
		c.Rule = "invalid: " + errs.Message(err)
		c.Reason = "this identity's audience rule is not valid; ask its administrator to fix it"
		return c
	}
	c.Rule = m.String()
	auds, ok := Audiences(claims)
	if !ok {
		c.Reason = `the token has no "aud" claim that is a string or a list of strings`
		return c
	}
	for _, a := range auds {
		if !HasControl(a) && m.Match(a) {
			c.OK, c.Reason = true, fmt.Sprintf("the token's audience %s matches the identity's audience rule", quoteClaim(a))
			return c
		}
	}
	if exact == defaultAudience && pattern == "" {
		c.Reason = fmt.Sprintf("the token's audience %s does not include this server's URL %s", quoteList(auds), defaultAudience)
	} else {
		c.Reason = fmt.Sprintf("the token's audience %s does not match the identity's audience rule", quoteList(auds))
	}
	return c
}

// Audiences returns the "aud" claim as a list: a string is a list of one.
// It reports false when aud is missing, empty or holds a non-string.
func Audiences(claims TokenClaims) ([]string, bool) {
	switch v := claims["aud"].(type) {
	case string:
		return []string{v}, v != ""
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, len(out) > 0
	case []string:
		return v, len(v) > 0
	}
	return nil, false
}

func checkExtraClaim(field, name string, claims TokenClaims, exact, pattern string) ClaimRuleCheck {
	c := ClaimRuleCheck{Field: field}
	m, err := NewMatcher(field, exact, pattern)
	if err == nil {
		err = ValidateClaimName(field, name)
	}
	if err != nil {
		c.Rule = "invalid: " + errs.Message(err)
		c.Reason = fmt.Sprintf("this identity's rule for the claim %q is not valid; ask its administrator to fix it", name)
		return c
	}
	c.Rule = m.String()
	raw, found := claims.Lookup(name)
	if !found {
		c.Reason = fmt.Sprintf("the token has no %q claim", name)
		return c
	}
	values, why := ClaimStrings(raw)
	if why != "" {
		c.Reason = fmt.Sprintf("the token's %q claim %s", name, why)
		return c
	}
	for _, s := range values {
		// A pattern never sees a control character (see Check); an exact
		// rule compares bytes and needs no such guard.
		if (pattern == "" || !HasControl(s)) && m.Match(s) {
			c.OK, c.Reason = true, fmt.Sprintf("the token's %q claim %s matches the identity's rule", name, quoteClaim(s))
			return c
		}
	}
	c.Reason = fmt.Sprintf("the token's %q claim %s does not match the identity's rule", name, quoteList(values))
	return c
}

// Lookup finds a claim: the top-level claim of exactly that name or, for
// a name starting with "/", the value an RFC 6901 JSON Pointer names
// inside nested objects and lists.
func (c TokenClaims) Lookup(name string) (any, bool) {
	if !strings.HasPrefix(name, "/") {
		v, ok := c[name]
		return v, ok
	}
	var cur any = map[string]any(c)
	for _, tok := range strings.Split(name[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch node := cur.(type) {
		case map[string]any:
			v, ok := node[tok]
			if !ok {
				return nil, false
			}
			cur = v
		case TokenClaims:
			v, ok := node[tok]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(node) || (len(tok) > 1 && tok[0] == '0') {
				return nil, false
			}
			cur = node[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// ClaimStrings renders a claim value as the strings rules compare with
// (see Check). When the value cannot match any rule it returns a reason
// that completes the sentence "the token's X claim …".
func ClaimStrings(v any) ([]string, string) {
	if s, ok := scalarString(v); ok {
		return []string{s}, ""
	}
	switch x := v.(type) {
	case nil:
		return nil, "is null"
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := scalarString(e); ok {
				out = append(out, s)
			}
		}
		if len(out) == 0 {
			return nil, "is a list without strings, numbers or booleans"
		}
		return out, ""
	case map[string]any:
		return nil, "is an object; name one of its members with a JSON Pointer such as /claim/member"
	}
	return nil, fmt.Sprintf("has an unsupported type %T", v)
}

func scalarString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case json.Number:
		return x.String(), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	}
	return "", false
}

// ValidateClaimName checks the name of an extra claim: a non-empty
// top-level name, or a well-formed JSON Pointer ("~" only as ~0 or ~1).
func ValidateClaimName(field, name string) error {
	switch {
	case name == "":
		return errs.Invalidf(field, "a claim name is empty")
	case len(name) > 1024:
		return errs.Invalidf(field, "the claim name is %d characters long; the limit is 1024", len(name))
	case HasControl(name):
		return errs.Invalidf(field, "the claim name %q holds control characters", name)
	case !strings.HasPrefix(name, "/"):
		return nil
	}
	for i := 0; i < len(name); i++ {
		if name[i] == '~' && (i+1 == len(name) || (name[i+1] != '0' && name[i+1] != '1')) {
			return errs.Invalidf(field, "%q is not a JSON Pointer: write \"~\" as ~0 and \"/\" inside a name as ~1", name)
		}
	}
	return nil
}

// HasControl reports whether s holds an ASCII control character.
func HasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// quoteClaim shows a presented value in a message, quoted so that a
// forged newline cannot break a log line or a terminal, and shortened.
func quoteClaim(s string) string {
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return strconv.Quote(s)
}

func quoteList(list []string) string {
	if len(list) == 1 {
		return quoteClaim(list[0])
	}
	q := make([]string, 0, min(len(list), 10))
	for _, s := range list[:min(len(list), 10)] {
		q = append(q, quoteClaim(s))
	}
	if len(list) > 10 {
		q = append(q, "…")
	}
	return "[" + strings.Join(q, ", ") + "]"
}

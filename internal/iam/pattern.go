package iam

import (
	"fmt"
	"regexp"
	"strings"

	"latch.dev/latch/internal/errs"
)

// MaxPatternLength bounds user-supplied regular expressions. RE2 runs in
// linear time, but a bound keeps compiled programs and error messages small.
const MaxPatternLength = 1024

// CompilePattern compiles a user-supplied RE2 pattern so that it always
// matches the whole input. Wrapping in ^(?:…)$ (rather than ^…$) keeps an
// alternation such as "a|b" from escaping the anchors; a pattern that the
// user already anchored is unaffected.
func CompilePattern(field, p string) (*regexp.Regexp, error) {
	if p == "" {
		return nil, errs.Invalidf(field, "pattern is empty")
	}
	if len(p) > MaxPatternLength {
		return nil, errs.Invalidf(field, "pattern is %d characters long; the limit is %d", len(p), MaxPatternLength)
	}
	re, err := regexp.Compile(`^(?:` + p + `)$`)
	if err != nil {
		return nil, errs.Invalidf(field, "pattern %q is not a valid RE2 regular expression: %s", p, describeRegexpError(err))
	}
	return re, nil
}

// describeRegexpError keeps the useful part of regexp's message ("missing
// closing )") without repeating the anchored wrapper we added.
func describeRegexpError(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "error parsing regexp: ")
	if i := strings.Index(msg, ": `^(?:"); i >= 0 {
		msg = msg[:i]
	}
	return msg
}

// Matcher is a compiled "exact or pattern" rule for one string field.
type Matcher struct {
	exact   string
	pattern string // as the user wrote it, for explanations
	re      *regexp.Regexp
}

// NewMatcher builds a matcher from the exact value or the pattern; exactly
// one of them must be set.
func NewMatcher(field, exact, pattern string) (Matcher, error) {
	switch {
	case exact != "" && pattern != "":
		return Matcher{}, errs.Invalidf(field, "set either the exact value or the pattern, not both")
	case exact == "" && pattern == "":
		return Matcher{}, errs.Invalidf(field, "set either the exact value or the pattern")
	case exact != "":
		return Matcher{exact: exact}, nil
	}
	re, err := CompilePattern(field+"_pattern", pattern)
	if err != nil {
		return Matcher{}, err
	}
	return Matcher{pattern: pattern, re: re}, nil
}

// Match reports whether v satisfies the rule.
func (m Matcher) Match(v string) bool {
	if m.re != nil {
		return m.re.MatchString(v)
	}
	return m.exact != "" && v == m.exact
}

// IsSet reports whether the matcher has a rule.
func (m Matcher) IsSet() bool { return m.re != nil || m.exact != "" }

// String describes the rule for explanations ("equal to X", "matching P").
func (m Matcher) String() string {
	if m.re != nil {
		return fmt.Sprintf("matching %s (the whole value)", m.pattern)
	}
	return fmt.Sprintf("equal to %q", m.exact)
}

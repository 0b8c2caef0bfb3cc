package iam

import (
	"regexp"
	"unicode/utf8"

	"latch.dev/latch/internal/errs"
)

// Limits on free text, chosen to match Chainguard's so that objects move
// between the two systems unchanged.
const (
	MaxNameLength        = 253 // long enough for any DNS name used as an organization name
	MaxDescriptionLength = 512
)

// Names follow Chainguard's rule (lower-case letters, digits, space, dot,
// underscore and dash), must start with a letter or digit so they can never
// be mistaken for a command-line flag, and may not look like an ID so that
// "name or ID" arguments are never ambiguous.
var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9 ._-]*$`)

// ValidateName checks a name given for field.
func ValidateName(field, name string) error {
	switch {
	case name == "":
		return errs.Invalidf(field, "is required")
	case len(name) > MaxNameLength:
		return errs.Invalidf(field, "is %d characters long; the limit is %d", len(name), MaxNameLength)
	case !nameRE.MatchString(name):
		return errs.Invalidf(field, "%q may contain only lower-case letters, digits, spaces, '.', '_' and '-', and must start with a letter or digit", name)
	case ValidID(name):
		return errs.Invalidf(field, "%q looks like an ID; choose a name that is not 40 hexadecimal characters", name)
	}
	return nil
}

// ValidateDescription checks a description's length.
func ValidateDescription(field, d string) error {
	if n := utf8.RuneCountInString(d); n > MaxDescriptionLength {
		return errs.Invalidf(field, "is %d characters long; the limit is %d", n, MaxDescriptionLength)
	}
	if !utf8.ValidString(d) {
		return errs.Invalidf(field, "is not valid UTF-8")
	}
	return nil
}

package errs

import (
	"errors"
	"fmt"
)

// Kind classifies a failure. Transports map it to a status code, the CLI to
// an exit code; nothing else inspects it.
type Kind int

// The kinds, from most to least common. The zero value is Internal so that
// an unclassified error is never mistaken for the caller's fault.
const (
	Internal          Kind = iota // a bug or an unexpected failure; the message is generic
	Invalid                       // the caller's input breaks a rule
	Unauthenticated               // no credential, or a credential that does not prove who the caller is
	PermissionDenied              // the caller is known but lacks a capability
	NotFound                      // the named object does not exist (or is not visible)
	AlreadyExists                 // an object with that name or key exists
	Conflict                      // the state does not allow the change (not empty, stale, already done)
	Unavailable                   // a dependency is down or slow; retrying later may work
	ResourceExhausted             // a rate limit or quota was hit; retrying later will work
)

var kindNames = [...]string{
	Internal:          "internal",
	Invalid:           "invalid_argument",
	Unauthenticated:   "unauthenticated",
	PermissionDenied:  "permission_denied",
	NotFound:          "not_found",
	AlreadyExists:     "already_exists",
	Conflict:          "failed_precondition",
	Unavailable:       "unavailable",
	ResourceExhausted: "resource_exhausted",
}

// String returns the stable, snake_case name of the kind, used as the
// "code" of JSON error bodies.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return kindNames[Internal]
	}
	return kindNames[k]
}

// ParseKind is the inverse of Kind.String; unknown names are Internal.
func ParseKind(s string) Kind {
	for k, name := range kindNames {
		if name == s {
			return Kind(k)
		}
	}
	return Internal
}

// Error is a classified failure.
type Error struct {
	Kind Kind
	// Field names the input that broke a rule, when there is one
	// (for example "aws_identity.aws_account").
	Field string
	// Msg is safe to show to the caller.
	Msg string
	// Err is the underlying cause, for logs only.
	Err error
}

// Error returns the client message followed by the cause, for logs.
func (e *Error) Error() string {
	msg := e.Message()
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Message returns the text that may be shown to the caller.
func (e *Error) Message() string {
	if e.Field != "" && e.Msg != "" {
		return e.Field + ": " + e.Msg
	}
	if e.Msg == "" {
		return e.Field
	}
	return e.Msg
}

// Unwrap exposes the cause to errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Err }

// New returns an error of the given kind with a caller-facing message.
func New(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// Wrap returns an error of the given kind whose caller-facing message is
// format and whose logged cause is err.
func Wrap(kind Kind, err error, format string, args ...any) *Error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...), Err: err}
}

// Invalidf reports that the input field broke a rule.
func Invalidf(field, format string, args ...any) *Error {
	return &Error{Kind: Invalid, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// KindOf returns the kind of the first *Error in err's chain, or Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// Is reports whether err carries the given kind.
func Is(err error, kind Kind) bool {
	return err != nil && KindOf(err) == kind
}

// Message returns the caller-facing text of err. Errors without a kind are
// internal and get a fixed text so that no detail leaks.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Kind != Internal {
		return e.Message()
	}
	return "internal error; the server log has the details"
}

// FieldOf returns the field named by the first *Error in err's chain.
func FieldOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// Join collects several validation errors into one Invalid error whose
// message lists them all, so a caller can fix every field in one go.
func Join(list []error) error {
	var msgs []string
	var first *Error
	for _, err := range list {
		if err == nil {
			continue
		}
		var e *Error
		if errors.As(err, &e) && first == nil {
			first = e
		}
		msgs = append(msgs, Message(err))
	}
	switch len(msgs) {
	case 0:
		return nil
	case 1:
		return list[firstNonNil(list)]
	}
	out := &Error{Kind: Invalid, Err: errors.Join(list...)}
	if first != nil {
		out.Kind = first.Kind
	}
	for i, m := range msgs {
		if i > 0 {
			out.Msg += "; "
		}
		out.Msg += m
	}
	return out
}

func firstNonNil(list []error) int {
	for i, err := range list {
		if err != nil {
			return i
		}
	}
	return -1
}

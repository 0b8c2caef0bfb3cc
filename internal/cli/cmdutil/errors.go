package cmdutil

import (
	"errors"
	"fmt"
)

// FlagError is a usage mistake: a wrong flag, a missing argument, a flag
// combination that makes no sense. Main prints it with the command's usage
// and exits 2.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }

// Unwrap exposes the cause to errors.Is and errors.As.
func (e *FlagError) Unwrap() error { return e.Err }

// FlagErrorf returns a FlagError with a formatted message.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// FlagErrorWrap marks err as a usage mistake.
func FlagErrorWrap(err error) error {
	if err == nil {
		return nil
	}
	return &FlagError{Err: err}
}

// ErrCancel reports that the user declined a confirmation. Main exits 2
// without printing more than the command already did.
var ErrCancel = errors.New("cancelled")

// ErrSilent makes Main exit 1 without printing anything, for commands that
// have already explained the failure themselves.
var ErrSilent = errors.New("silent error")

// HintError attaches what to do next to an error. Main prints the hint on
// the line after the error.
type HintError struct {
	Err  error
	Hint string
}

func (e *HintError) Error() string { return e.Err.Error() }

// Unwrap exposes the cause to errors.Is and errors.As.
func (e *HintError) Unwrap() error { return e.Err }

// WithHint attaches a hint to err; a nil err stays nil.
func WithHint(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return &HintError{Err: err, Hint: fmt.Sprintf(format, args...)}
}

// HintOf returns the hint attached nearest to the top of err's chain.
func HintOf(err error) string {
	var h *HintError
	if errors.As(err, &h) {
		return h.Hint
	}
	return ""
}

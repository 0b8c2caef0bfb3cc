// Package errs gives every layer of latch one way to say what kind of
// failure happened, so that transports map kinds to status codes in one
// place and the CLI maps them to exit codes in one place.
//
// An *Error carries two texts: Msg, written for the caller (which of the
// caller's own inputs broke which rule, and what to do), and Err, the full
// cause, which is logged and never sent to clients.
package errs

package awsiam

import (
	"errors"
	"fmt"

	"latch.dev/latch/internal/errs"
)

// Check names the step of verification that refused a proof. It is meant
// for metrics, logs and audit events (a bounded set of values), never for
// deciding what to tell the caller: the error's message does that.
type Check string

// The checks, in the order Verify runs them.
const (
	CheckInput     Check = "input"     // the arguments of Verify itself
	CheckDecode    Check = "decode"    // size, base64, HTTP framing
	CheckHost      Check = "host"      // the signed Host against the endpoint allowlist
	CheckRequest   Check = "request"   // method, target, query, body
	CheckHeaders   Check = "headers"   // duplicates, X-Amz-* allowlist, framing headers
	CheckSignature Check = "signature" // the Authorization header and its scope
	CheckBinding   Check = "binding"   // Chainguard-Identity and Chainguard-Audience
	CheckTime      Check = "time"      // X-Amz-Date window
	CheckReplay    Check = "replay"    // single use
	CheckSTS       Check = "sts"       // STS's verdict, transport failures
	CheckResponse  Check = "response"  // STS's answer, parsed strictly
)

// refusal records which check failed and why; it sits in the Err chain of
// the *errs.Error that Verify returns, so the cause is logged but never
// shown to the caller.
type refusal struct {
	check Check
	cause error
}

func (r *refusal) Error() string {
	if r.cause == nil {
		return "aws proof " + string(r.check) + " check failed"
	}
	return "aws proof " + string(r.check) + " check: " + r.cause.Error()
}

func (r *refusal) Unwrap() error { return r.cause }

// FailedCheck returns the check that refused err, or "" when err did not
// come from a Verifier.
func FailedCheck(err error) Check {
	var r *refusal
	if errors.As(err, &r) {
		return r.check
	}
	return ""
}

// refuse builds a caller-facing error of the given kind for check. The
// message must name the caller's own input and what to do about it; cause
// (which may be nil) carries details for the log.
func refuse(check Check, kind errs.Kind, cause error, format string, args ...any) *errs.Error {
	msg := fmt.Sprintf(format, args...)
	if cause == nil {
		cause = errors.New(msg)
	}
	return &errs.Error{Kind: kind, Msg: msg, Err: &refusal{check: check, cause: cause}}
}

// reject is refuse for the common case: the proof does not prove who the
// caller is (HTTP 401).
func reject(check Check, format string, args ...any) *errs.Error {
	return refuse(check, errs.Unauthenticated, nil, format, args...)
}

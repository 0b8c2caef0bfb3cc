package client

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"connectrpc.com/connect"

	"latch.dev/latch/internal/errs"
)

// connectKind is the one table from Connect codes back to error kinds.
// Codes not listed are Internal.
func connectKind(c connect.Code) errs.Kind {
	switch c {
	case connect.CodeInvalidArgument:
		return errs.Invalid
	case connect.CodeUnauthenticated:
		return errs.Unauthenticated
	case connect.CodePermissionDenied:
		return errs.PermissionDenied
	case connect.CodeNotFound:
		return errs.NotFound
	case connect.CodeAlreadyExists:
		return errs.AlreadyExists
	case connect.CodeFailedPrecondition:
		return errs.Conflict
	case connect.CodeUnavailable:
		return errs.Unavailable
	case connect.CodeResourceExhausted:
		return errs.ResourceExhausted
	}
	return errs.Internal
}

// FromConnect turns an error from a Connect call into an *errs.Error with
// the matching kind. Errors that already carry a kind (from a
// TokenSource, say) pass through unchanged.
func FromConnect(err error) error {
	if err == nil {
		return nil
	}
	var e *errs.Error
	if errors.As(err, &e) {
		return err
	}
	var ce *connect.Error
	if !errors.As(err, &ce) {
		return errs.Wrap(errs.Internal, err, "%s", err.Error())
	}
	// The server's messages are written for the caller, so they are kept
	// as they are.
	kind := connectKind(ce.Code())
	msg := ce.Message()
	if msg == "" {
		msg = "the server answered " + ce.Code().String()
	}
	return &errs.Error{Kind: kind, Msg: msg}
}

// decodeHTTPError reads a token endpoint's error body,
// {"code": "<kind>", "message": "…"}. Bodies that are not in that shape
// (a proxy's error page) are classified by status.
func decodeHTTPError(status int, body []byte) error {
	var e struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &e) == nil && e.Message != "" {
		return &errs.Error{Kind: errs.ParseKind(e.Code), Msg: e.Message}
	}
	kind := statusKind(status)
	text := strings.TrimSpace(string(body))
	if len(text) > 200 || strings.ContainsAny(text, "<\x00") {
		text = ""
	}
	msg := "the server answered " + http.StatusText(status)
	if text != "" {
		msg += ": " + text
	}
	return &errs.Error{Kind: kind, Msg: msg}
}

// statusKind classifies an HTTP status that came without a latch error body.
func statusKind(status int) errs.Kind {
	switch status {
	case http.StatusBadRequest:
		return errs.Invalid
	case http.StatusUnauthorized:
		return errs.Unauthenticated
	case http.StatusForbidden:
		return errs.PermissionDenied
	case http.StatusNotFound:
		return errs.NotFound
	case http.StatusConflict:
		return errs.AlreadyExists
	case http.StatusTooManyRequests:
		return errs.ResourceExhausted
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return errs.Unavailable
	}
	return errs.Internal
}

// UnreachableError is the cause of an Unavailable error when a request got
// no answer at all (connection refused, DNS, TLS), as opposed to a server
// that answered that it is unavailable. The usual fix differs: check --url.
type UnreachableError struct {
	URL string
	Err error
}

func (e *UnreachableError) Error() string { return e.Err.Error() }

// Unwrap exposes the cause to errors.Is and errors.As.
func (e *UnreachableError) Unwrap() error { return e.Err }

// unreachable describes a request that never got an answer.
func unreachable(baseURL string, err error) error {
	return errs.Wrap(errs.Unavailable, &UnreachableError{URL: baseURL, Err: err}, "cannot reach the latch server at %s", baseURL)
}

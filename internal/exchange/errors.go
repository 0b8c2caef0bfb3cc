package exchange

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/ratelimit"
)

// statuses maps error kinds to HTTP statuses. It is the only place that
// does, for the /sts endpoints (withStatus aside).
var statuses = map[errs.Kind]int{
	errs.Internal:          http.StatusInternalServerError,
	errs.Invalid:           http.StatusBadRequest,
	errs.Unauthenticated:   http.StatusUnauthorized,
	errs.PermissionDenied:  http.StatusForbidden,
	errs.NotFound:          http.StatusNotFound,
	errs.AlreadyExists:     http.StatusConflict,
	errs.Conflict:          http.StatusConflict,
	errs.Unavailable:       http.StatusServiceUnavailable,
	errs.ResourceExhausted: http.StatusTooManyRequests,
}

// withStatus makes writeError answer with its status instead of the one
// of the error's kind: for HTTP's own refusals (405), which are no kind of
// their own. The code stays the kind a client acts on.
type withStatus struct {
	status int
	error
}

func (e withStatus) Unwrap() error { return e.error }

// ErrorBody is the JSON shape of every error answer.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeError answers with the caller-facing message and logs the cause.
func writeError(ctx context.Context, w http.ResponseWriter, log *slog.Logger, endpoint string, err error) {
	kind := errs.KindOf(err)
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		kind = errs.Unavailable
	}
	level := slog.LevelInfo
	if kind == errs.Internal || kind == errs.Unavailable {
		level = slog.LevelError
	}
	log.Log(ctx, level, "token endpoint refused", "endpoint", endpoint, "code", kind.String(), "err", err)
	if kind == errs.ResourceExhausted || kind == errs.Unavailable {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter(err)))
	}
	if kind == errs.Unauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer realm="latch"`)
	}
	status := statuses[kind]
	if ws := (withStatus{}); errors.As(err, &ws) {
		status = ws.status
	}
	writeJSON(w, status, ErrorBody{Code: kind.String(), Message: errs.Message(err)})
}

// retryAfter is the Retry-After of a refusal, in whole seconds: what an
// error in the chain asks for (a rate limit knows when its bucket has a
// token again), rounded up as the limit's own message rounds it, or 1.
func retryAfter(err error) int {
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) {
		return ratelimit.RetryAfterSeconds(ra.RetryAfter())
	}
	return 1
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

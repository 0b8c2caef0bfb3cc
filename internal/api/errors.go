package api

import (
	"context"
	"errors"
	"log/slog"

	"connectrpc.com/connect"

	"latch.dev/latch/internal/errs"
)

// codes maps error kinds to Connect codes. It is the only place that does.
var codes = map[errs.Kind]connect.Code{
	errs.Internal:          connect.CodeInternal,
	errs.Invalid:           connect.CodeInvalidArgument,
	errs.Unauthenticated:   connect.CodeUnauthenticated,
	errs.PermissionDenied:  connect.CodePermissionDenied,
	errs.NotFound:          connect.CodeNotFound,
	errs.AlreadyExists:     connect.CodeAlreadyExists,
	errs.Conflict:          connect.CodeFailedPrecondition,
	errs.Unavailable:       connect.CodeUnavailable,
	errs.ResourceExhausted: connect.CodeResourceExhausted,
}

// toConnect turns a service error into a Connect error carrying only the
// caller-facing message, and logs the full cause: at info level for the
// caller's mistakes, at error level for ours.
func toConnect(ctx context.Context, log *slog.Logger, procedure string, err error) error {
	var ce *connect.Error
	if errors.As(err, &ce) {
		return ce
	}
	kind := errs.KindOf(err)
	if errors.Is(err, context.Canceled) {
		kind = errs.Unavailable
	}
	level := slog.LevelInfo
	if kind == errs.Internal || kind == errs.Unavailable {
		level = slog.LevelError
	}
	log.Log(ctx, level, "api call failed", "procedure", procedure, "code", kind.String(), "err", err)
	return connect.NewError(codes[kind], errors.New(errs.Message(err)))
}

// errorInterceptor applies toConnect to every handler's error.
func errorInterceptor(log *slog.Logger) connect.UnaryInterceptorFunc {
	return func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			resp, err := next(ctx, req)
			if err != nil {
				return nil, toConnect(ctx, log, req.Spec().Procedure, err)
			}
			return resp, nil
		}
	}
}

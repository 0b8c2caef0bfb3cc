package api

import (
	"context"
	"net/http"

	"connectrpc.com/connect"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/service"
)

// Authenticator turns the Authorization header of a request into a caller.
type Authenticator interface {
	Authenticate(ctx context.Context, h http.Header) (*service.Caller, error)
}

type callerKey struct{}

// authInterceptor authenticates every call before its handler runs. The
// caller rides in the request context from here to the handler, which
// hands it to the service explicitly.
func authInterceptor(authn Authenticator) connect.UnaryInterceptorFunc {
	return func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			c, err := authn.Authenticate(ctx, req.Header())
			if err != nil {
				return nil, err
			}
			return next(context.WithValue(ctx, callerKey{}, c), req)
		}
	}
}

// caller returns the authenticated caller of the request.
func caller(ctx context.Context) (*service.Caller, error) {
	c, ok := ctx.Value(callerKey{}).(*service.Caller)
	if !ok {
		return nil, errs.New(errs.Unauthenticated, "this call needs a latch token; run `latch auth login`")
	}
	return c, nil
}

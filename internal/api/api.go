package api

import (
	"log/slog"
	"net/http"

	"connectrpc.com/connect"

	"latch.dev/latch/internal/service"

	"latch.dev/latch/internal/gen/latch/auth/v1/authv1connect"
	"latch.dev/latch/internal/gen/latch/iam/v1/iamv1connect"
)

// MaxRequestBytes bounds every API request body. The largest legitimate
// request is a static identity with its JWKS (64 KiB).
const MaxRequestBytes = 256 << 10

// Register mounts every Connect service on mux.
func Register(mux *http.ServeMux, svc *service.Service, authn Authenticator, log *slog.Logger) {
	opts := []connect.HandlerOption{
		// The error interceptor is outermost so that authentication
		// failures are mapped and logged like every other error.
		connect.WithInterceptors(errorInterceptor(log), authInterceptor(authn)),
		connect.WithReadMaxBytes(MaxRequestBytes),
	}
	h := &handlers{svc: svc}
	mux.Handle(iamv1connect.NewGroupsHandler(groups{h}, opts...))
	mux.Handle(iamv1connect.NewIdentitiesHandler(identities{h}, opts...))
	mux.Handle(iamv1connect.NewRolesHandler(roles{h}, opts...))
	mux.Handle(iamv1connect.NewRoleBindingsHandler(roleBindings{h}, opts...))
	mux.Handle(authv1connect.NewAuthHandler(auth{h}, opts...))
}

type handlers struct {
	svc *service.Service
}

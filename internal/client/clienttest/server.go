package clienttest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"connectrpc.com/connect"

	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/gen/latch/auth/v1/authv1connect"
	"latch.dev/latch/internal/gen/latch/iam/v1/iamv1connect"
)

// Token is the bearer token the stub services accept.
const Token = "test-access-token"

// Handlers are what the server answers with. Nil services answer
// Unimplemented; HTTP maps ServeMux patterns ("POST /sts/exchange") to
// plain handlers.
type Handlers struct {
	Groups       iamv1connect.GroupsHandler
	Identities   iamv1connect.IdentitiesHandler
	Roles        iamv1connect.RolesHandler
	RoleBindings iamv1connect.RoleBindingsHandler
	Auth         authv1connect.AuthHandler
	HTTP         map[string]http.HandlerFunc
}

// Server is a running test server.
type Server struct {
	*httptest.Server
	// Client talks to the server's token endpoints.
	Client *client.Client
	// API calls the server's services with Token.
	API *client.API
}

// NewServer starts a server for the test and stops it when the test ends.
// The Connect services reject calls whose bearer token is not Token.
func NewServer(t testing.TB, h Handlers) *Server {
	t.Helper()
	opt := connect.WithInterceptors(requireToken{})
	mux := http.NewServeMux()
	mux.Handle(iamv1connect.NewGroupsHandler(orDefault[iamv1connect.GroupsHandler](h.Groups, iamv1connect.UnimplementedGroupsHandler{}), opt))
	mux.Handle(iamv1connect.NewIdentitiesHandler(orDefault[iamv1connect.IdentitiesHandler](h.Identities, iamv1connect.UnimplementedIdentitiesHandler{}), opt))
	mux.Handle(iamv1connect.NewRolesHandler(orDefault[iamv1connect.RolesHandler](h.Roles, iamv1connect.UnimplementedRolesHandler{}), opt))
	mux.Handle(iamv1connect.NewRoleBindingsHandler(orDefault[iamv1connect.RoleBindingsHandler](h.RoleBindings, iamv1connect.UnimplementedRoleBindingsHandler{}), opt))
	mux.Handle(authv1connect.NewAuthHandler(orDefault[authv1connect.AuthHandler](h.Auth, authv1connect.UnimplementedAuthHandler{}), opt))
	for pattern, fn := range h.HTTP {
		mux.HandleFunc(pattern, fn)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c := client.New(srv.URL, srv.Client(), "latch-test")
	return &Server{Server: srv, Client: c, API: c.API(client.StaticToken(Token))}
}

func orDefault[T comparable](h, def T) T {
	var zero T
	if h == zero {
		return def
	}
	return h
}

// requireToken refuses calls without "Bearer " + Token, like the real
// server refuses calls without a valid token.
type requireToken struct{}

func (requireToken) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		if req.Header().Get("Authorization") != "Bearer "+Token {
			return nil, connect.NewError(connect.CodeUnauthenticated, errors.New("the access token is missing or not valid"))
		}
		return next(ctx, req)
	}
}

func (requireToken) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (requireToken) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return next
}

// Error returns a Connect error with a caller-facing message, as the real
// server sends.
func Error(code connect.Code, msg string) error {
	return connect.NewError(code, errors.New(msg))
}

// status maps kinds to HTTP statuses for the token endpoints' errors.
func status(k errs.Kind) int {
	switch k {
	case errs.Invalid:
		return http.StatusBadRequest
	case errs.Unauthenticated:
		return http.StatusUnauthorized
	case errs.PermissionDenied:
		return http.StatusForbidden
	case errs.NotFound:
		return http.StatusNotFound
	case errs.AlreadyExists, errs.Conflict:
		return http.StatusConflict
	case errs.Unavailable:
		return http.StatusServiceUnavailable
	case errs.ResourceExhausted:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// TokenHandler answers a token endpoint with what fn returns for the
// request's bearer credential and form: the token pair as JSON, or an
// error body {"code", "message"} with the kind's status.
func TokenHandler(fn func(bearer string, r *http.Request) (client.Token, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		bearer, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		tok, err := fn(bearer, r)
		w.Header().Set("Content-Type", "application/json")
		if err != nil {
			kind := errs.KindOf(err)
			w.WriteHeader(status(kind))
			_ = json.NewEncoder(w).Encode(map[string]string{"code": kind.String(), "message": errs.Message(err)})
			return
		}
		_ = json.NewEncoder(w).Encode(tok)
	}
}

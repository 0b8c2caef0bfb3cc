package client

import (
	"context"
	"errors"

	"connectrpc.com/connect"

	"latch.dev/latch/internal/gen/latch/auth/v1/authv1connect"
	"latch.dev/latch/internal/gen/latch/iam/v1/iamv1connect"
)

// API holds the server's Connect services. Every call carries the bearer
// token from the TokenSource, and every error it returns is an
// *errs.Error.
type API struct {
	Groups       iamv1connect.GroupsClient
	Identities   iamv1connect.IdentitiesClient
	Roles        iamv1connect.RolesClient
	RoleBindings iamv1connect.RoleBindingsClient
	Auth         authv1connect.AuthClient
}

// API returns the Connect services authenticated by ts.
func (c *Client) API(ts TokenSource) *API {
	opt := connect.WithInterceptors(&interceptor{tokens: ts, baseURL: c.baseURL, userAgent: c.userAgent})
	return &API{
		Groups:       iamv1connect.NewGroupsClient(c.http, c.baseURL, opt),
		Identities:   iamv1connect.NewIdentitiesClient(c.http, c.baseURL, opt),
		Roles:        iamv1connect.NewRolesClient(c.http, c.baseURL, opt),
		RoleBindings: iamv1connect.NewRoleBindingsClient(c.http, c.baseURL, opt),
		Auth:         authv1connect.NewAuthClient(c.http, c.baseURL, opt),
	}
}

// interceptor adds the bearer token to each call and classifies errors.
type interceptor struct {
	tokens    TokenSource
	baseURL   string
	userAgent string
}

func (i *interceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		tok, err := i.tokens.Token(ctx)
		if err != nil {
			return nil, err
		}
		req.Header().Set("Authorization", "Bearer "+tok)
		req.Header().Set("User-Agent", i.userAgent)
		resp, err := next(ctx, req)
		if err != nil {
			return nil, i.classify(err)
		}
		return resp, nil
	}
}

// classify maps a Connect error to a kind. A call that never reached the
// server says which server, since the usual cause is a wrong --url.
func (i *interceptor) classify(err error) error {
	var ce *connect.Error
	if errors.As(err, &ce) && ce.Code() == connect.CodeUnavailable && !connect.IsWireError(ce) {
		return unreachable(i.baseURL, ce.Unwrap())
	}
	return FromConnect(err)
}

func (i *interceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (i *interceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return next
}

var _ connect.Interceptor = (*interceptor)(nil)

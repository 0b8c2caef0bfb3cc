package client

import (
	"context"

	"connectrpc.com/connect"

	authv1 "latch.dev/latch/internal/gen/latch/auth/v1"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// maxPages stops a listing from looping forever on a server that keeps
// returning the same page token.
const maxPages = 1000

// pages calls list until the server returns no next page token, or
// until limit items have arrived (0: no limit), and returns the items.
// setToken puts the page token into the request.
func pages[Req, Resp any, T any](ctx context.Context, req *Req, limit int, setToken func(*Req, string),
	list func(context.Context, *connect.Request[Req]) (*connect.Response[Resp], error),
	items func(*Resp) []T, next func(*Resp) string) ([]T, error) {
	var out []T
	for range maxPages {
		resp, err := list(ctx, connect.NewRequest(req))
		if err != nil {
			return nil, err
		}
		out = append(out, items(resp.Msg)...)
		if limit > 0 && len(out) >= limit {
			return out[:limit], nil
		}
		tok := next(resp.Msg)
		if tok == "" {
			return out, nil
		}
		setToken(req, tok)
	}
	return out, nil
}

// ListGroups returns every group that matches f, across pages.
func (a *API) ListGroups(ctx context.Context, f *iamv1.GroupFilter) ([]*iamv1.Group, error) {
	return pages(ctx, f, 0, func(r *iamv1.GroupFilter, t string) { r.PageToken = t },
		a.Groups.List, (*iamv1.GroupList).GetItems, (*iamv1.GroupList).GetNextPageToken)
}

// ListIdentities returns every identity that matches f, across pages.
func (a *API) ListIdentities(ctx context.Context, f *iamv1.IdentityFilter) ([]*iamv1.Identity, error) {
	return pages(ctx, f, 0, func(r *iamv1.IdentityFilter, t string) { r.PageToken = t },
		a.Identities.List, (*iamv1.IdentityList).GetItems, (*iamv1.IdentityList).GetNextPageToken)
}

// ListRoles returns every role that matches f, across pages.
func (a *API) ListRoles(ctx context.Context, f *iamv1.RoleFilter) ([]*iamv1.Role, error) {
	return pages(ctx, f, 0, func(r *iamv1.RoleFilter, t string) { r.PageToken = t },
		a.Roles.List, (*iamv1.RoleList).GetItems, (*iamv1.RoleList).GetNextPageToken)
}

// ListRoleBindings returns every role binding that matches f, across pages.
func (a *API) ListRoleBindings(ctx context.Context, f *iamv1.RoleBindingFilter) ([]*iamv1.RoleBindingList_Binding, error) {
	return pages(ctx, f, 0, func(r *iamv1.RoleBindingFilter, t string) { r.PageToken = t },
		a.RoleBindings.List, (*iamv1.RoleBindingList).GetItems, (*iamv1.RoleBindingList).GetNextPageToken)
}

// ListEvents returns the audit events that match r, newest first, across
// pages, stopping after limit events (0: all of them).
func (a *API) ListEvents(ctx context.Context, r *authv1.ListEventsRequest, limit int) ([]*authv1.Event, error) {
	if limit > 0 && (r.PageSize == 0 || int(r.PageSize) > limit) {
		r.PageSize = int32(min(limit, maxEventPage))
	}
	return pages(ctx, r, limit, func(r *authv1.ListEventsRequest, t string) { r.PageToken = t },
		a.Auth.ListEvents, (*authv1.EventList).GetItems, (*authv1.EventList).GetNextPageToken)
}

// maxEventPage is the largest page ListEvents asks for; a small limit
// asks for a page of just that size.
const maxEventPage = 500

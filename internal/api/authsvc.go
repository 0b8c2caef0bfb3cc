package api

import (
	"context"

	"connectrpc.com/connect"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"

	authv1 "latch.dev/latch/internal/gen/latch/auth/v1"
)

type auth struct{ *handlers }

func (h auth) WhoAmI(ctx context.Context, _ *connect.Request[authv1.WhoAmIRequest]) (*connect.Response[authv1.WhoAmIResponse], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	w, err := h.svc.WhoAmI(ctx, c)
	if err != nil {
		return nil, err
	}
	out := &authv1.WhoAmIResponse{
		Issuer: w.Token.Issuer, Subject: w.Identity.ID, Audience: w.Token.Audience,
		Expiry: ts(w.Token.Expiry), IssuedAt: ts(w.Token.IssuedAt), IdentityName: w.Identity.Name,
		Login: w.Token.Login, Upstream: w.Token.Upstream, Email: w.Token.Email,
		NarrowedScopes: w.Narrowed.Scopes,
	}
	for _, c := range w.Narrowed.Capabilities {
		out.NarrowedCapabilities = append(out.NarrowedCapabilities, string(c))
	}
	for _, g := range w.Grants {
		pg := &authv1.Grant{Group: g.Group, GroupName: g.GroupName, Roles: g.Roles}
		for _, c := range g.Capabilities {
			pg.Capabilities = append(pg.Capabilities, string(c))
		}
		out.Grants = append(out.Grants, pg)
	}
	return connect.NewResponse(out), nil
}

func (h auth) ListEvents(ctx context.Context, req *connect.Request[authv1.ListEventsRequest]) (*connect.Response[authv1.EventList], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	m := req.Msg
	f := storage.EventFilter{Identity: m.GetIdentity(), Outcome: m.GetOutcome(), Since: fromTS(m.GetSince()), PageSize: int(m.GetPageSize()), PageToken: m.GetPageToken()}
	switch f.Outcome {
	case "", iam.OutcomeAccepted, iam.OutcomeRefused:
	default:
		return nil, errs.Invalidf("outcome", "%q is not an outcome; use accepted or refused", f.Outcome)
	}
	page, err := h.svc.ListEvents(ctx, c, m.GetParent(), f)
	if err != nil {
		return nil, err
	}
	out := &authv1.EventList{NextPageToken: page.Next}
	for _, e := range page.Items {
		out.Items = append(out.Items, eventToProto(e))
	}
	return connect.NewResponse(out), nil
}

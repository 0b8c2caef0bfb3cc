package api

import (
	"context"

	"connectrpc.com/connect"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"

	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

type identities struct{ *handlers }

func (h identities) Create(ctx context.Context, req *connect.Request[iamv1.CreateIdentityRequest]) (*connect.Response[iamv1.Identity], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if req.Msg.GetIdentity() == nil {
		return nil, errs.Invalidf("identity", "is required")
	}
	id, err := h.svc.CreateIdentity(ctx, c, req.Msg.GetParentId(), identityFromProto(req.Msg.GetIdentity()))
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(identityToProto(id)), nil
}

func (h identities) List(ctx context.Context, req *connect.Request[iamv1.IdentityFilter]) (*connect.Response[iamv1.IdentityList], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	kind := iam.IdentityKind(req.Msg.GetKind())
	switch kind {
	case "", iam.KindAWS, iam.KindClaimMatch, iam.KindStatic, iam.KindUser:
	default:
		return nil, errs.Invalidf("kind", "%q is not an identity kind; use aws, claim_match, static or user", kind)
	}
	f := storage.Filter{Name: req.Msg.GetName(), PageSize: int(req.Msg.GetPageSize()), PageToken: req.Msg.GetPageToken()}
	uidpFilter(&f, req.Msg.GetUidp())
	if id := req.Msg.GetId(); id != "" {
		f.IDs = append(f.IDs, id)
	}
	page, err := h.svc.ListIdentities(ctx, c, f)
	if err != nil {
		return nil, err
	}
	out := &iamv1.IdentityList{NextPageToken: page.Next}
	for _, id := range page.Items {
		if kind != "" && id.Kind() != kind {
			continue
		}
		out.Items = append(out.Items, identityToProto(id))
	}
	return connect.NewResponse(out), nil
}

func (h identities) Update(ctx context.Context, req *connect.Request[iamv1.Identity]) (*connect.Response[iamv1.Identity], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	id, err := h.svc.UpdateIdentity(ctx, c, identityFromProto(req.Msg))
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(identityToProto(id)), nil
}

func (h identities) Delete(ctx context.Context, req *connect.Request[iamv1.DeleteRequest]) (*connect.Response[iamv1.DeleteResponse], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := h.svc.DeleteIdentity(ctx, c, req.Msg.GetId()); err != nil {
		return nil, err
	}
	return connect.NewResponse(&iamv1.DeleteResponse{}), nil
}

func (h identities) Check(ctx context.Context, req *connect.Request[iamv1.CheckRequest]) (*connect.Response[iamv1.CheckResponse], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	p := req.Msg.GetAws()
	if p == nil {
		return nil, errs.Invalidf("principal", "give the AWS principal to check (account, ARN and user ID)")
	}
	ok, checks, err := h.svc.CheckAWS(ctx, c, req.Msg.GetId(), iam.AWSPrincipal{Account: p.GetAccount(), ARN: p.GetArn(), UserID: p.GetUserId()})
	if err != nil {
		return nil, err
	}
	out := &iamv1.CheckResponse{Accepted: ok}
	for _, ch := range checks {
		out.Checks = append(out.Checks, &iamv1.RuleCheck{Field: ch.Field, Ok: ch.OK, Rule: ch.Rule, Reason: ch.Reason})
	}
	return connect.NewResponse(out), nil
}

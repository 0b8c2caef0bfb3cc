package api

import (
	"context"

	"connectrpc.com/connect"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/storage"

	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

type roleBindings struct{ *handlers }

func (h roleBindings) Create(ctx context.Context, req *connect.Request[iamv1.CreateRoleBindingRequest]) (*connect.Response[iamv1.RoleBinding], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	rb := req.Msg.GetRoleBinding()
	if rb == nil {
		return nil, errs.Invalidf("role_binding", "is required")
	}
	b, err := h.svc.CreateRoleBinding(ctx, c, req.Msg.GetParent(), rb.GetIdentity(), rb.GetRole())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(bindingToProto(b)), nil
}

func (h roleBindings) List(ctx context.Context, req *connect.Request[iamv1.RoleBindingFilter]) (*connect.Response[iamv1.RoleBindingList], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	f := storage.Filter{Identity: req.Msg.GetIdentity(), Role: req.Msg.GetRole(), PageSize: int(req.Msg.GetPageSize()), PageToken: req.Msg.GetPageToken()}
	uidpFilter(&f, req.Msg.GetUidp())
	if id := req.Msg.GetId(); id != "" {
		f.IDs = append(f.IDs, id)
	}
	page, err := h.svc.ListRoleBindings(ctx, c, f)
	if err != nil {
		return nil, err
	}
	out := &iamv1.RoleBindingList{NextPageToken: page.Next}
	for _, v := range page.Items {
		out.Items = append(out.Items, bindingViewToProto(v))
	}
	return connect.NewResponse(out), nil
}

func (h roleBindings) Update(ctx context.Context, req *connect.Request[iamv1.RoleBinding]) (*connect.Response[iamv1.RoleBinding], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	b, err := h.svc.UpdateRoleBinding(ctx, c, req.Msg.GetId(), req.Msg.GetIdentity(), req.Msg.GetRole())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(bindingToProto(b)), nil
}

func (h roleBindings) Delete(ctx context.Context, req *connect.Request[iamv1.DeleteRequest]) (*connect.Response[iamv1.DeleteResponse], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := h.svc.DeleteRoleBinding(ctx, c, req.Msg.GetId()); err != nil {
		return nil, err
	}
	return connect.NewResponse(&iamv1.DeleteResponse{}), nil
}

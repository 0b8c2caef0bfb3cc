package api

import (
	"context"

	"connectrpc.com/connect"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"

	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

type roles struct{ *handlers }

func (h roles) Create(ctx context.Context, req *connect.Request[iamv1.CreateRoleRequest]) (*connect.Response[iamv1.Role], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if req.Msg.GetRole() == nil {
		return nil, errs.Invalidf("role", "is required")
	}
	r, err := h.svc.CreateRole(ctx, c, req.Msg.GetParentId(), roleFromProto(req.Msg.GetRole()))
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(roleToProto(r)), nil
}

func (h roles) List(ctx context.Context, req *connect.Request[iamv1.RoleFilter]) (*connect.Response[iamv1.RoleList], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	f := storage.Filter{Name: req.Msg.GetName(), Parent: req.Msg.GetParent(), PageSize: int(req.Msg.GetPageSize()), PageToken: req.Msg.GetPageToken()}
	uidpFilter(&f, req.Msg.GetUidp())
	if req.Msg.GetParent() != "" {
		f.Parent = req.Msg.GetParent()
	}
	if id := req.Msg.GetId(); id != "" {
		f.IDs = append(f.IDs, id)
	}
	page, err := h.svc.ListRoles(ctx, c, f)
	if err != nil {
		return nil, err
	}
	out := &iamv1.RoleList{NextPageToken: page.Next}
	for _, r := range page.Items {
		out.Items = append(out.Items, roleToProto(r))
	}
	return connect.NewResponse(out), nil
}

func (h roles) Update(ctx context.Context, req *connect.Request[iamv1.Role]) (*connect.Response[iamv1.Role], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	r, err := h.svc.UpdateRole(ctx, c, roleFromProto(req.Msg))
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(roleToProto(r)), nil
}

func (h roles) Delete(ctx context.Context, req *connect.Request[iamv1.DeleteRequest]) (*connect.Response[iamv1.DeleteResponse], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := h.svc.DeleteRole(ctx, c, req.Msg.GetId()); err != nil {
		return nil, err
	}
	return connect.NewResponse(&iamv1.DeleteResponse{}), nil
}

func (h roles) ListCapabilities(ctx context.Context, _ *connect.Request[iamv1.ListCapabilitiesRequest]) (*connect.Response[iamv1.CapabilityList], error) {
	if _, err := caller(ctx); err != nil {
		return nil, err
	}
	out := &iamv1.CapabilityList{}
	for _, c := range iam.AllCapabilities() {
		out.Items = append(out.Items, &iamv1.Capability{Name: string(c), Resource: c.Resource(), Action: c.Action()})
	}
	return connect.NewResponse(out), nil
}

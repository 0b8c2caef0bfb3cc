package api

import (
	"context"

	"connectrpc.com/connect"

	"latch.dev/latch/internal/storage"

	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

type groups struct{ *handlers }

func (h groups) Create(ctx context.Context, req *connect.Request[iamv1.CreateGroupRequest]) (*connect.Response[iamv1.Group], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	g, err := h.svc.CreateGroup(ctx, c, req.Msg.GetParent(), groupFromProto(req.Msg.GetGroup()))
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(groupToProto(g)), nil
}

func (h groups) List(ctx context.Context, req *connect.Request[iamv1.GroupFilter]) (*connect.Response[iamv1.GroupList], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	f := storage.Filter{Name: req.Msg.GetName(), PageSize: int(req.Msg.GetPageSize()), PageToken: req.Msg.GetPageToken()}
	uidpFilter(&f, req.Msg.GetUidp())
	if id := req.Msg.GetId(); id != "" {
		f.IDs = append(f.IDs, id)
	}
	page, err := h.svc.ListGroups(ctx, c, f)
	if err != nil {
		return nil, err
	}
	out := &iamv1.GroupList{NextPageToken: page.Next}
	for _, g := range page.Items {
		out.Items = append(out.Items, groupToProto(g))
	}
	return connect.NewResponse(out), nil
}

func (h groups) Update(ctx context.Context, req *connect.Request[iamv1.Group]) (*connect.Response[iamv1.Group], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	g, err := h.svc.UpdateGroup(ctx, c, groupFromProto(req.Msg))
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(groupToProto(g)), nil
}

func (h groups) Delete(ctx context.Context, req *connect.Request[iamv1.DeleteRequest]) (*connect.Response[iamv1.DeleteResponse], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := h.svc.DeleteGroup(ctx, c, req.Msg.GetId()); err != nil {
		return nil, err
	}
	return connect.NewResponse(&iamv1.DeleteResponse{}), nil
}

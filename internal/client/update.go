package client

import (
	"context"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"

	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// UpdateGroup renames g or changes its description, keeping what is nil
// as it is. The Update RPC replaces both fields, so the current group
// (as Group returned it) supplies the one not being changed.
func (a *API) UpdateGroup(ctx context.Context, g *iamv1.Group, name, description *string) (*iamv1.Group, error) {
	upd := proto.Clone(g).(*iamv1.Group)
	if name != nil {
		upd.Name = *name
	}
	if description != nil {
		upd.Description = *description
	}
	resp, err := a.Groups.Update(ctx, connect.NewRequest(upd))
	if err != nil {
		return nil, err
	}
	return resp.Msg, nil
}

package clienttest

import (
	"context"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"

	authv1 "latch.dev/latch/internal/gen/latch/auth/v1"
	"latch.dev/latch/internal/gen/latch/auth/v1/authv1connect"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
	"latch.dev/latch/internal/gen/latch/iam/v1/iamv1connect"
)

// call runs fn when it is set, else answers Unimplemented.
func call[Req, Resp any](ctx context.Context, fn func(context.Context, *Req) (*Resp, error), req *connect.Request[Req]) (*connect.Response[Resp], error) {
	if fn == nil {
		return nil, connect.NewError(connect.CodeUnimplemented, nil)
	}
	resp, err := fn(ctx, req.Msg)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(resp), nil
}

// Groups is a GroupsHandler made of funcs.
type Groups struct {
	CreateFunc func(context.Context, *iamv1.CreateGroupRequest) (*iamv1.Group, error)
	ListFunc   func(context.Context, *iamv1.GroupFilter) (*iamv1.GroupList, error)
	UpdateFunc func(context.Context, *iamv1.Group) (*iamv1.Group, error)
	DeleteFunc func(context.Context, *iamv1.DeleteRequest) (*iamv1.DeleteResponse, error)
}

var _ iamv1connect.GroupsHandler = (*Groups)(nil)

func (s *Groups) Create(ctx context.Context, r *connect.Request[iamv1.CreateGroupRequest]) (*connect.Response[iamv1.Group], error) {
	return call(ctx, s.CreateFunc, r)
}
func (s *Groups) List(ctx context.Context, r *connect.Request[iamv1.GroupFilter]) (*connect.Response[iamv1.GroupList], error) {
	return call(ctx, s.ListFunc, r)
}
func (s *Groups) Update(ctx context.Context, r *connect.Request[iamv1.Group]) (*connect.Response[iamv1.Group], error) {
	return call(ctx, s.UpdateFunc, r)
}
func (s *Groups) Delete(ctx context.Context, r *connect.Request[iamv1.DeleteRequest]) (*connect.Response[iamv1.DeleteResponse], error) {
	return call(ctx, s.DeleteFunc, r)
}

// Identities is an IdentitiesHandler made of funcs.
type Identities struct {
	CreateFunc func(context.Context, *iamv1.CreateIdentityRequest) (*iamv1.Identity, error)
	ListFunc   func(context.Context, *iamv1.IdentityFilter) (*iamv1.IdentityList, error)
	UpdateFunc func(context.Context, *iamv1.Identity) (*iamv1.Identity, error)
	DeleteFunc func(context.Context, *iamv1.DeleteRequest) (*iamv1.DeleteResponse, error)
	CheckFunc  func(context.Context, *iamv1.CheckRequest) (*iamv1.CheckResponse, error)
}

var _ iamv1connect.IdentitiesHandler = (*Identities)(nil)

func (s *Identities) Create(ctx context.Context, r *connect.Request[iamv1.CreateIdentityRequest]) (*connect.Response[iamv1.Identity], error) {
	return call(ctx, s.CreateFunc, r)
}
func (s *Identities) List(ctx context.Context, r *connect.Request[iamv1.IdentityFilter]) (*connect.Response[iamv1.IdentityList], error) {
	return call(ctx, s.ListFunc, r)
}
func (s *Identities) Update(ctx context.Context, r *connect.Request[iamv1.Identity]) (*connect.Response[iamv1.Identity], error) {
	return call(ctx, s.UpdateFunc, r)
}
func (s *Identities) Delete(ctx context.Context, r *connect.Request[iamv1.DeleteRequest]) (*connect.Response[iamv1.DeleteResponse], error) {
	return call(ctx, s.DeleteFunc, r)
}
func (s *Identities) Check(ctx context.Context, r *connect.Request[iamv1.CheckRequest]) (*connect.Response[iamv1.CheckResponse], error) {
	return call(ctx, s.CheckFunc, r)
}

// Roles is a RolesHandler made of funcs.
type Roles struct {
	CreateFunc           func(context.Context, *iamv1.CreateRoleRequest) (*iamv1.Role, error)
	ListFunc             func(context.Context, *iamv1.RoleFilter) (*iamv1.RoleList, error)
	UpdateFunc           func(context.Context, *iamv1.Role) (*iamv1.Role, error)
	DeleteFunc           func(context.Context, *iamv1.DeleteRequest) (*iamv1.DeleteResponse, error)
	ListCapabilitiesFunc func(context.Context, *iamv1.ListCapabilitiesRequest) (*iamv1.CapabilityList, error)
}

var _ iamv1connect.RolesHandler = (*Roles)(nil)

func (s *Roles) Create(ctx context.Context, r *connect.Request[iamv1.CreateRoleRequest]) (*connect.Response[iamv1.Role], error) {
	return call(ctx, s.CreateFunc, r)
}
func (s *Roles) List(ctx context.Context, r *connect.Request[iamv1.RoleFilter]) (*connect.Response[iamv1.RoleList], error) {
	return call(ctx, s.ListFunc, r)
}
func (s *Roles) Update(ctx context.Context, r *connect.Request[iamv1.Role]) (*connect.Response[iamv1.Role], error) {
	return call(ctx, s.UpdateFunc, r)
}
func (s *Roles) Delete(ctx context.Context, r *connect.Request[iamv1.DeleteRequest]) (*connect.Response[iamv1.DeleteResponse], error) {
	return call(ctx, s.DeleteFunc, r)
}
func (s *Roles) ListCapabilities(ctx context.Context, r *connect.Request[iamv1.ListCapabilitiesRequest]) (*connect.Response[iamv1.CapabilityList], error) {
	return call(ctx, s.ListCapabilitiesFunc, r)
}

// RoleBindings is a RoleBindingsHandler made of funcs.
type RoleBindings struct {
	CreateFunc func(context.Context, *iamv1.CreateRoleBindingRequest) (*iamv1.RoleBinding, error)
	ListFunc   func(context.Context, *iamv1.RoleBindingFilter) (*iamv1.RoleBindingList, error)
	UpdateFunc func(context.Context, *iamv1.RoleBinding) (*iamv1.RoleBinding, error)
	DeleteFunc func(context.Context, *iamv1.DeleteRequest) (*iamv1.DeleteResponse, error)
}

var _ iamv1connect.RoleBindingsHandler = (*RoleBindings)(nil)

func (s *RoleBindings) Create(ctx context.Context, r *connect.Request[iamv1.CreateRoleBindingRequest]) (*connect.Response[iamv1.RoleBinding], error) {
	return call(ctx, s.CreateFunc, r)
}
func (s *RoleBindings) List(ctx context.Context, r *connect.Request[iamv1.RoleBindingFilter]) (*connect.Response[iamv1.RoleBindingList], error) {
	return call(ctx, s.ListFunc, r)
}
func (s *RoleBindings) Update(ctx context.Context, r *connect.Request[iamv1.RoleBinding]) (*connect.Response[iamv1.RoleBinding], error) {
	return call(ctx, s.UpdateFunc, r)
}
func (s *RoleBindings) Delete(ctx context.Context, r *connect.Request[iamv1.DeleteRequest]) (*connect.Response[iamv1.DeleteResponse], error) {
	return call(ctx, s.DeleteFunc, r)
}

// Auth is an AuthHandler made of funcs.
type Auth struct {
	WhoAmIFunc     func(context.Context, *authv1.WhoAmIRequest) (*authv1.WhoAmIResponse, error)
	ListEventsFunc func(context.Context, *authv1.ListEventsRequest) (*authv1.EventList, error)
}

var _ authv1connect.AuthHandler = (*Auth)(nil)

func (s *Auth) WhoAmI(ctx context.Context, r *connect.Request[authv1.WhoAmIRequest]) (*connect.Response[authv1.WhoAmIResponse], error) {
	return call(ctx, s.WhoAmIFunc, r)
}
func (s *Auth) ListEvents(ctx context.Context, r *connect.Request[authv1.ListEventsRequest]) (*connect.Response[authv1.EventList], error) {
	return call(ctx, s.ListEventsFunc, r)
}

// CreatingIdentities is an Identities stub whose Create answers with the
// identity it was sent, given the ID id, and records the request in *got:
// what tests of the many forms of `identities create` need.
func CreatingIdentities(id string, got **iamv1.CreateIdentityRequest) *Identities {
	return &Identities{CreateFunc: func(_ context.Context, r *iamv1.CreateIdentityRequest) (*iamv1.Identity, error) {
		*got = r
		created := proto.Clone(r.GetIdentity()).(*iamv1.Identity)
		created.Id = id
		return created, nil
	}}
}

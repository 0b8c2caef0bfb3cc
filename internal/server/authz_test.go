package server_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"github.com/aws/aws-sdk-go-v2/aws"

	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/errs"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
	"latch.dev/latch/internal/server/servertest"
)

// world is a server with a fake AWS, an organization and helpers to make
// AWS-assumable identities with a role in it.
type world struct {
	t   *testing.T
	s   *servertest.Server
	aws *servertest.FakeAWS
	org *iamv1.Group
}

func newWorld(t *testing.T) *world {
	t.Helper()
	a := servertest.StartFakeAWS(t)
	s := servertest.Start(t, a.Trust())
	org, err := s.AdminAPI().Groups.Create(context.Background(), connect.NewRequest(&iamv1.CreateGroupRequest{Group: &iamv1.Group{Name: "acme.dev"}}))
	if err != nil {
		t.Fatal(err)
	}
	return &world{t: t, s: s, aws: a, org: org.Msg}
}

// principal makes an identity in parent that the AWS role of that name
// may assume, binds it to role there, and returns its API as that
// identity (with the token narrowed by req, if given).
func (w *world) principal(name, parent, role string, req ...client.ExchangeRequest) (*client.API, string, aws.Credentials) {
	w.t.Helper()
	ctx := context.Background()
	creds, p := w.aws.Role(w.t, name, "session-1")
	id, err := w.s.AdminAPI().Identities.Create(ctx, connect.NewRequest(&iamv1.CreateIdentityRequest{
		ParentId: parent,
		Identity: &iamv1.Identity{Name: name, Relationship: &iamv1.Identity_AwsIdentity{AwsIdentity: &iamv1.AWSIdentity{
			AwsAccount: p.Account,
			AwsArn:     &iamv1.AWSIdentity_Arn{Arn: p.Arn},
			AwsUserId:  &iamv1.AWSIdentity_UserIdPattern{UserIdPattern: regexp.QuoteMeta(strings.Split(p.UserID, ":")[0]) + ":.+"},
		}}},
	}))
	if err != nil {
		w.t.Fatalf("create identity %s: %v", name, err)
	}
	if role != "" {
		w.bind(w.s.AdminAPI(), parent, id.Msg.GetId(), role)
	}
	tok := w.s.AssumeAWS(w.t, w.aws, creds, id.Msg.GetId(), req...)
	return w.s.API(tok.Token), id.Msg.GetId(), creds
}

func (w *world) bind(api *client.API, parent, identity, role string) *iamv1.RoleBinding {
	w.t.Helper()
	b, err := api.RoleBindings.Create(context.Background(), connect.NewRequest(&iamv1.CreateRoleBindingRequest{
		Parent: parent, RoleBinding: &iamv1.RoleBinding{Identity: identity, Role: role},
	}))
	if err != nil {
		w.t.Fatalf("bind %s to %s in %s: %v", identity, role, parent, err)
	}
	return b.Msg
}

func folder(t *testing.T, api *client.API, parent, name string) (*iamv1.Group, error) {
	t.Helper()
	g, err := api.Groups.Create(context.Background(), connect.NewRequest(&iamv1.CreateGroupRequest{Parent: parent, Group: &iamv1.Group{Name: name}}))
	if err != nil {
		return nil, err
	}
	return g.Msg, nil
}

func wantKind(t *testing.T, what string, err error, kind errs.Kind) {
	t.Helper()
	if errs.KindOf(err) != kind {
		t.Errorf("%s: got %v (%s), want %s", what, err, errs.KindOf(err), kind)
	}
}

func TestAViewerCanListButNotCreate(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	viewer, _, _ := w.principal("reader", "acme.dev", "viewer")
	if _, err := viewer.Groups.List(ctx, connect.NewRequest(&iamv1.GroupFilter{})); err != nil {
		t.Errorf("a viewer could not list groups: %v", err)
	}
	_, err := folder(t, viewer, "acme.dev", "team")
	wantKind(t, "a viewer creating a folder", err, errs.PermissionDenied)
	if !strings.Contains(errs.Message(err), "groups.create") || !strings.Contains(errs.Message(err), "viewer") {
		t.Errorf("the refusal %q should name the missing capability and the caller's role", errs.Message(err))
	}
}

func TestBindingsApplyBelowTheirGroupOnly(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	admin := w.s.AdminAPI()
	team, err := folder(t, admin, "acme.dev", "team")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := folder(t, admin, "acme.dev", "other"); err != nil {
		t.Fatal(err)
	}
	lead, _, _ := w.principal("lead", team.GetId(), "owner")
	if _, err := folder(t, lead, team.GetId(), "sub"); err != nil {
		t.Errorf("an owner of a folder could not create a folder in it: %v", err)
	}
	// The organization above is not visible to a folder's owner, who holds
	// nothing there.
	_, err = folder(t, lead, "acme.dev", "sideways")
	wantKind(t, "a folder owner creating at the organization", err, errs.NotFound)
	_, err = folder(t, lead, "other", "sideways")
	wantKind(t, "a folder owner creating in a sister folder it cannot see", err, errs.NotFound)
}

func TestOtherOrganizationsAreInvisible(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	other, err := w.s.AdminAPI().Groups.Create(ctx, connect.NewRequest(&iamv1.CreateGroupRequest{Group: &iamv1.Group{Name: "other.dev"}}))
	if err != nil {
		t.Fatal(err)
	}
	owner, _, _ := w.principal("boss", "acme.dev", "owner")
	list, err := owner.Groups.List(ctx, connect.NewRequest(&iamv1.GroupFilter{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range list.Msg.GetItems() {
		if g.GetId() == other.Msg.GetId() {
			t.Error("an owner of acme.dev sees other.dev")
		}
	}
	_, err = owner.Identities.Create(ctx, connect.NewRequest(&iamv1.CreateIdentityRequest{ParentId: other.Msg.GetId(), Identity: &iamv1.Identity{Name: "x"}}))
	wantKind(t, "creating in an invisible organization by ID", err, errs.NotFound)
	_, err = folder(t, owner, "other.dev", "x")
	wantKind(t, "creating in an invisible organization by name", err, errs.NotFound)
}

func TestNobodyGrantsMoreThanTheyHold(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	admin := w.s.AdminAPI()
	binder, err := admin.Roles.Create(ctx, connect.NewRequest(&iamv1.CreateRoleRequest{ParentId: "acme.dev", Role: &iamv1.Role{
		Name: "binder", Capabilities: []string{"groups.list", "identity.list", "roles.list", "role_bindings.list", "role_bindings.create"},
	}}))
	if err != nil {
		t.Fatal(err)
	}
	api, _, _ := w.principal("binder", "acme.dev", binder.Msg.GetId())
	_, target, _ := w.principal("target", "acme.dev", "")

	_, err = api.RoleBindings.Create(ctx, connect.NewRequest(&iamv1.CreateRoleBindingRequest{Parent: "acme.dev", RoleBinding: &iamv1.RoleBinding{Identity: target, Role: "owner"}}))
	wantKind(t, "binding owner without holding it", err, errs.PermissionDenied)
	_, err = api.RoleBindings.Create(ctx, connect.NewRequest(&iamv1.CreateRoleBindingRequest{Parent: "acme.dev", RoleBinding: &iamv1.RoleBinding{Identity: target, Role: "viewer"}}))
	wantKind(t, "binding viewer, whose pull capabilities the binder lacks", err, errs.PermissionDenied)
	if _, err := api.RoleBindings.Create(ctx, connect.NewRequest(&iamv1.CreateRoleBindingRequest{Parent: "acme.dev", RoleBinding: &iamv1.RoleBinding{Identity: target, Role: "binder"}})); err != nil {
		t.Errorf("binding a role whose capabilities the binder holds: %v", err)
	}
	_, err = api.Roles.Create(ctx, connect.NewRequest(&iamv1.CreateRoleRequest{ParentId: "acme.dev", Role: &iamv1.Role{Name: "sneaky", Capabilities: []string{"identity.create"}}}))
	wantKind(t, "creating a role without roles.create", err, errs.PermissionDenied)
}

func TestAChangedBindingTakesEffectOnTheNextCall(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	api, id, _ := w.principal("temp", "acme.dev", "")
	_, err := folder(t, api, "acme.dev", "before")
	wantKind(t, "creating before any binding", err, errs.NotFound)
	b := w.bind(w.s.AdminAPI(), "acme.dev", id, "owner")
	if _, err := folder(t, api, "acme.dev", "during"); err != nil {
		t.Errorf("creating with the same token after the owner binding was added: %v", err)
	}
	if _, err := w.s.AdminAPI().RoleBindings.Delete(ctx, connect.NewRequest(&iamv1.DeleteRequest{Id: b.GetId()})); err != nil {
		t.Fatal(err)
	}
	_, err = folder(t, api, "acme.dev", "after")
	wantKind(t, "creating with the same token after the binding was removed", err, errs.NotFound)
}

func TestATokenNarrowedAtExchangeLosesCapabilities(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	api, _, _ := w.principal("narrow", "acme.dev", "owner", client.ExchangeRequest{Capabilities: []string{"groups.list"}})
	if _, err := api.Groups.List(ctx, connect.NewRequest(&iamv1.GroupFilter{})); err != nil {
		t.Errorf("listing with a token narrowed to groups.list: %v", err)
	}
	_, err := folder(t, api, "acme.dev", "x")
	wantKind(t, "creating with a token narrowed to groups.list", err, errs.PermissionDenied)
}

func TestDeletingAGroupThatIsNotEmptyIsRefused(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	admin := w.s.AdminAPI()
	team, err := folder(t, admin, "acme.dev", "team")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := folder(t, admin, team.GetId(), "inner"); err != nil {
		t.Fatal(err)
	}
	_, err = admin.Groups.Delete(ctx, connect.NewRequest(&iamv1.DeleteRequest{Id: team.GetId()}))
	wantKind(t, "deleting a folder with a folder in it", err, errs.Conflict)
	if !strings.Contains(errs.Message(err), "1 folder") {
		t.Errorf("the refusal %q should say what is in the way", errs.Message(err))
	}
	_, err = admin.Groups.Delete(ctx, connect.NewRequest(&iamv1.DeleteRequest{Id: "acme.dev"}))
	wantKind(t, "deleting an organization with a folder in it", err, errs.Conflict)
}

func TestAnEmptyOrganizationCanBeDeletedByItsOwner(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	if _, err := w.s.AdminAPI().Groups.Delete(ctx, connect.NewRequest(&iamv1.DeleteRequest{Id: w.org.GetId()})); err != nil {
		t.Fatalf("deleting an empty organization: %v", err)
	}
	list, err := w.s.AdminAPI().Groups.List(ctx, connect.NewRequest(&iamv1.GroupFilter{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Msg.GetItems()) != 0 {
		t.Errorf("groups left after deleting the only organization: %v", list.Msg.GetItems())
	}
}

func TestAnAmbiguousNameListsTheCandidates(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	admin := w.s.AdminAPI()
	if _, err := admin.Groups.Create(context.Background(), connect.NewRequest(&iamv1.CreateGroupRequest{Group: &iamv1.Group{Name: "beta.dev"}})); err != nil {
		t.Fatal(err)
	}
	a, _ := folder(t, admin, "acme.dev", "team")
	b, _ := folder(t, admin, "beta.dev", "team")
	_, err := folder(t, admin, "team", "x")
	wantKind(t, "a parent name shared by two folders", err, errs.Invalid)
	if !strings.Contains(errs.Message(err), a.GetId()) || !strings.Contains(errs.Message(err), b.GetId()) {
		t.Errorf("the refusal %q should list both folders' IDs", errs.Message(err))
	}
}

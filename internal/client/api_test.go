package client_test

import (
	"context"
	"errors"
	"testing"

	"connectrpc.com/connect"

	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	"latch.dev/latch/internal/errs"
	authv1 "latch.dev/latch/internal/gen/latch/auth/v1"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

const (
	orgID   = "45a0c0000000000000000000000000000000ee95"
	otherID = "1111111111111111111111111111111111111111"
)

func TestFromConnect(t *testing.T) {
	tests := []struct {
		code connect.Code
		want errs.Kind
	}{
		{connect.CodeInvalidArgument, errs.Invalid},
		{connect.CodeUnauthenticated, errs.Unauthenticated},
		{connect.CodePermissionDenied, errs.PermissionDenied},
		{connect.CodeNotFound, errs.NotFound},
		{connect.CodeAlreadyExists, errs.AlreadyExists},
		{connect.CodeFailedPrecondition, errs.Conflict},
		{connect.CodeUnavailable, errs.Unavailable},
		{connect.CodeResourceExhausted, errs.ResourceExhausted},
		{connect.CodeInternal, errs.Internal},
		{connect.CodeUnimplemented, errs.Internal},
		{connect.CodeDataLoss, errs.Internal},
	}
	for _, tt := range tests {
		t.Run(tt.code.String(), func(t *testing.T) {
			err := client.FromConnect(connect.NewError(tt.code, errors.New("what the caller did wrong")))
			if got := errs.KindOf(err); got != tt.want {
				t.Errorf("kind = %v, want %v", got, tt.want)
			}
			if errs.Message(err) != "what the caller did wrong" && tt.want != errs.Internal {
				t.Errorf("message = %q", errs.Message(err))
			}
		})
	}
}

func TestAPICarriesTheTokenAndMapsErrors(t *testing.T) {
	srv := clienttest.NewServer(t, clienttest.Handlers{Groups: &clienttest.Groups{
		ListFunc: func(_ context.Context, f *iamv1.GroupFilter) (*iamv1.GroupList, error) {
			if f.GetName() == "secret" {
				return nil, clienttest.Error(connect.CodePermissionDenied, "you may not list groups in secret")
			}
			return &iamv1.GroupList{}, nil
		},
	}})
	if _, err := srv.API.Groups.List(t.Context(), connect.NewRequest(&iamv1.GroupFilter{})); err != nil {
		t.Fatalf("with the right token: %v", err)
	}
	_, err := srv.API.Groups.List(t.Context(), connect.NewRequest(&iamv1.GroupFilter{Name: "secret"}))
	if !errs.Is(err, errs.PermissionDenied) || errs.Message(err) != "you may not list groups in secret" {
		t.Errorf("err = %v, want the server's permission denied", err)
	}
	wrong := srv.Client.API(client.StaticToken("wrong"))
	if _, err := wrong.Groups.List(t.Context(), connect.NewRequest(&iamv1.GroupFilter{})); !errs.Is(err, errs.Unauthenticated) {
		t.Errorf("with a wrong token: err = %v, want unauthenticated", err)
	}
}

func TestAPIReportsTokenSourceErrors(t *testing.T) {
	srv := clienttest.NewServer(t, clienttest.Handlers{})
	notLoggedIn := errs.New(errs.Unauthenticated, "not logged in to here")
	api := srv.Client.API(failingSource{notLoggedIn})
	_, err := api.Groups.List(t.Context(), connect.NewRequest(&iamv1.GroupFilter{}))
	if !errors.Is(err, notLoggedIn) {
		t.Errorf("err = %v, want the token source's error", err)
	}
}

type failingSource struct{ err error }

func (s failingSource) Token(context.Context) (string, error) { return "", s.err }

func TestListFollowsPages(t *testing.T) {
	var tokens []string
	srv := clienttest.NewServer(t, clienttest.Handlers{Groups: &clienttest.Groups{
		ListFunc: func(_ context.Context, f *iamv1.GroupFilter) (*iamv1.GroupList, error) {
			tokens = append(tokens, f.GetPageToken())
			if f.GetPageToken() == "" {
				return &iamv1.GroupList{Items: []*iamv1.Group{{Id: orgID}}, NextPageToken: "p2"}, nil
			}
			return &iamv1.GroupList{Items: []*iamv1.Group{{Id: otherID}}}, nil
		},
	}})
	got, err := srv.API.ListGroups(t.Context(), &iamv1.GroupFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(tokens) != 2 || tokens[1] != "p2" {
		t.Errorf("got %d groups with page tokens %q", len(got), tokens)
	}
}

func TestGroupLookup(t *testing.T) {
	groups := []*iamv1.Group{
		{Id: orgID, Name: "acme.dev"},
		{Id: orgID + "/0000000000000001", Name: "prod"},
		{Id: otherID, Name: "other.dev"},
		{Id: otherID + "/0000000000000002", Name: "prod"},
	}
	srv := clienttest.NewServer(t, clienttest.Handlers{Groups: &clienttest.Groups{
		ListFunc: func(_ context.Context, f *iamv1.GroupFilter) (*iamv1.GroupList, error) {
			var out []*iamv1.Group
			for _, g := range groups {
				if (f.GetId() == "" || g.Id == f.GetId()) && (f.GetName() == "" || g.Name == f.GetName()) &&
					(f.GetUidp().GetDescendantsOf() == "" || g.Id == f.GetUidp().GetDescendantsOf() || len(g.Id) > 40 && g.Id[:40] == f.GetUidp().GetDescendantsOf()) {
					out = append(out, g)
				}
			}
			return &iamv1.GroupList{Items: out}, nil
		},
	}})
	tests := []struct {
		name, ref, within string
		kind              client.GroupKind
		wantID            string
		wantKind          errs.Kind
	}{
		{name: "an organization by name", ref: "acme.dev", kind: client.Organization, wantID: orgID},
		{name: "an organization by ID", ref: otherID, kind: client.Organization, wantID: otherID},
		{name: "a folder is not an organization", ref: orgID + "/0000000000000001", kind: client.Organization, wantKind: errs.NotFound},
		{name: "an ambiguous folder name", ref: "prod", kind: client.Folder, wantKind: errs.Invalid},
		{name: "a folder name within an organization", ref: "prod", within: "other.dev", kind: client.Folder, wantID: otherID + "/0000000000000002"},
		{name: "an unknown name", ref: "nope", kind: client.AnyGroup, wantKind: errs.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := srv.API.Group(t.Context(), tt.ref, tt.kind, tt.within)
			if tt.wantID != "" {
				if err != nil || g.GetId() != tt.wantID {
					t.Fatalf("Group = %v, %v; want %s", g, err, tt.wantID)
				}
				return
			}
			if got := errs.KindOf(err); got != tt.wantKind {
				t.Errorf("err = %v (kind %v), want kind %v", err, got, tt.wantKind)
			}
		})
	}
}

func TestListEventsStopsAtTheLimit(t *testing.T) {
	var sizes []int32
	srv := clienttest.NewServer(t, clienttest.Handlers{Auth: &clienttest.Auth{
		ListEventsFunc: func(_ context.Context, r *authv1.ListEventsRequest) (*authv1.EventList, error) {
			sizes = append(sizes, r.GetPageSize())
			return &authv1.EventList{Items: []*authv1.Event{{Id: "a"}, {Id: "b"}}, NextPageToken: "more"}, nil
		},
	}})
	got, err := srv.API.ListEvents(t.Context(), &authv1.ListEventsRequest{}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || len(sizes) != 2 || sizes[0] != 3 {
		t.Errorf("got %d events from pages of %v; want 3 from two pages asked for 3", len(got), sizes)
	}
}

func TestUpdateGroupKeepsWhatIsNotChanged(t *testing.T) {
	var sent *iamv1.Group
	srv := clienttest.NewServer(t, clienttest.Handlers{Groups: &clienttest.Groups{
		UpdateFunc: func(_ context.Context, g *iamv1.Group) (*iamv1.Group, error) {
			sent = g
			return g, nil
		},
	}})
	cur := &iamv1.Group{Id: orgID, Name: "acme.dev", Description: "Acme"}
	empty := ""
	got, err := srv.API.UpdateGroup(t.Context(), cur, nil, &empty)
	if err != nil {
		t.Fatal(err)
	}
	if sent.GetName() != "acme.dev" || sent.GetDescription() != "" || got.GetId() != orgID || cur.GetDescription() != "Acme" {
		t.Errorf("sent %v, got %v; the current group must stay as it was: %v", sent, got, cur)
	}
}

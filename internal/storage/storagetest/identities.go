package storagetest

import (
	"testing"
	"time"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
)

// everyKind returns one identity of each kind in group (users at the
// root), every optional field set.
func everyKind(t *testing.T, group string) []iam.Identity {
	t.Helper()
	base := func(parent, name string) iam.Identity {
		return iam.Identity{
			ID: newID(t, parent), Name: name, Description: "the " + name,
			CreatedAt: epoch(), UpdatedAt: epoch().Add(time.Second), LastSeen: epoch().Add(time.Minute).In(elsewhere()),
		}
	}
	aws := base(group, "aws")
	aws.AWS = awsRule()
	cm := base(group, "github")
	cm.ClaimMatch = &iam.ClaimMatch{
		Issuer:          "https://token.actions.githubusercontent.com",
		SubjectPattern:  "repo:acme/.+:ref:refs/heads/main",
		AudiencePattern: "https://latch\\.example\\.dev/?",
		Claims:          map[string]string{"repository_owner": "acme"},
		ClaimPatterns:   map[string]string{"workflow_ref": "acme/.+/release\\.yaml@.+"},
	}
	static := base(group, "airgapped")
	static.Static = &iam.StaticKeys{
		Issuer: "https://cluster.internal", Subject: "system:serviceaccount:ci:builder",
		IssuerKeys: `{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}`,
		Expiration: epoch().Add(24 * time.Hour).In(elsewhere()), Audience: "https://latch.example.dev",
	}
	user := base(iam.RootScope, "user1")
	user.LastSeen = time.Time{}
	user.User = &iam.User{Issuer: "https://accounts.example.dev", Subject: "1234567890", Email: "user1@example.dev"}
	return []iam.Identity{aws, cm, static, user}
}

func identityTests() []test {
	return []test{
		{"every kind of identity reads back exactly", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			for _, want := range everyKind(t, org.ID) {
				must(t, st.CreateIdentity(t.Context(), want))
				got, err := st.Identity(t.Context(), want.ID)
				must(t, err)
				wantEqual(t, string(want.Kind())+" identity", want, got)
			}
		}},
		{"a user is found by issuer and subject", func(t *testing.T, st storage.Store) {
			u := createUser(t, st, "https://accounts.example.dev", "user1")
			createUser(t, st, "https://accounts.example.dev", "user2")
			got, err := st.UserIdentity(t.Context(), "https://accounts.example.dev", "user1")
			must(t, err)
			wantEqual(t, "user", u, got)
			_, err = st.UserIdentity(t.Context(), "https://other.example.dev", "user1")
			wantKind(t, err, errs.NotFound)
		}},
		{"a user's issuer and subject are unique", func(t *testing.T, st storage.Store) {
			createUser(t, st, "https://accounts.example.dev", "user1")
			err := st.CreateIdentity(t.Context(), userIdentity(t, "https://accounts.example.dev", "user1"))
			wantKind(t, err, errs.AlreadyExists)
			wantMessage(t, err, "user1")
			other := userIdentity(t, "https://other.example.dev", "user1")
			other.Name = "user1 elsewhere"
			must(t, st.CreateIdentity(t.Context(), other))
		}},
		{"user names are unique among users and free in groups", func(t *testing.T, st storage.Store) {
			a := userIdentity(t, "https://accounts.example.dev", "user1")
			b := userIdentity(t, "https://accounts.example.dev", "user3")
			b.Name = a.Name
			must(t, st.CreateIdentity(t.Context(), a))
			err := st.CreateIdentity(t.Context(), b)
			wantKind(t, err, errs.AlreadyExists)
			wantMessage(t, err, `named "`+a.Name+`"`)
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			createIdentity(t, st, org.ID, a.Name)
		}},
		{"names are unique within a group and free across groups", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			eng := createGroup(t, st, org.ID, "eng")
			createIdentity(t, st, org.ID, "builder")
			err := st.CreateIdentity(t.Context(), awsIdentity(t, org.ID, "builder"))
			wantKind(t, err, errs.AlreadyExists)
			wantMessage(t, err, `"builder"`)
			createIdentity(t, st, eng.ID, "builder")
		}},
		{"an identity in a missing group is NotFound", func(t *testing.T, st storage.Store) {
			missing := newID(t, iam.RootScope)
			err := st.CreateIdentity(t.Context(), awsIdentity(t, missing, "builder"))
			wantKind(t, err, errs.NotFound)
			wantMessage(t, err, missing)
		}},
		{"an identity needs exactly one rule", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			none := awsIdentity(t, org.ID, "none")
			none.AWS = nil
			wantKind(t, st.CreateIdentity(t.Context(), none), errs.Invalid)
			two := awsIdentity(t, org.ID, "two")
			two.ClaimMatch = &iam.ClaimMatch{Issuer: "https://issuer.example.dev", Subject: "x"}
			wantKind(t, st.CreateIdentity(t.Context(), two), errs.Invalid)
		}},
		{"an ID used twice is AlreadyExists", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			id := createIdentity(t, st, org.ID, "builder")
			id.Name = "other"
			wantKind(t, st.CreateIdentity(t.Context(), id), errs.AlreadyExists)
		}},
		{"an update may change the rule and its kind", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			id := createIdentity(t, st, org.ID, "builder")
			cm := &iam.ClaimMatch{Issuer: "https://gitlab.example.dev", Subject: "project_path:acme/app:ref_type:branch:ref:main"}
			got, err := st.UpdateIdentity(t.Context(), id.ID, func(i *iam.Identity) error {
				i.AWS, i.ClaimMatch, i.UpdatedAt = nil, cm, epoch().Add(time.Hour)
				return nil
			})
			must(t, err)
			want := id
			want.AWS, want.ClaimMatch, want.UpdatedAt = nil, cm, epoch().Add(time.Hour)
			wantEqual(t, "returned identity", want, got)
			stored, err := st.Identity(t.Context(), id.ID)
			must(t, err)
			wantEqual(t, "stored identity", want, stored)
		}},
		{"an update onto another user's issuer and subject is AlreadyExists", func(t *testing.T, st storage.Store) {
			createUser(t, st, "https://accounts.example.dev", "user1")
			user2 := createUser(t, st, "https://accounts.example.dev", "user2")
			_, err := st.UpdateIdentity(t.Context(), user2.ID, func(i *iam.Identity) error {
				i.User.Subject = "user1"
				return nil
			})
			wantKind(t, err, errs.AlreadyExists)
		}},
		{"an update that returns ErrUnchanged writes nothing", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			id := createIdentity(t, st, org.ID, "builder")
			got, err := st.UpdateIdentity(t.Context(), id.ID, func(i *iam.Identity) error {
				i.AWS.Account = "999999999999"
				return storage.ErrUnchanged
			})
			must(t, err)
			wantEqual(t, "returned identity", id, got)
			stored, err := st.Identity(t.Context(), id.ID)
			must(t, err)
			wantEqual(t, "stored identity", id, stored)
		}},
		{"touching records the time and never moves it back", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			id := createIdentity(t, st, org.ID, "builder")
			c := newClock()
			first := c.Advance(time.Minute)
			must(t, st.TouchIdentity(t.Context(), id.ID, first))
			must(t, st.TouchIdentity(t.Context(), id.ID, first.Add(-time.Second)))
			got, err := st.Identity(t.Context(), id.ID)
			must(t, err)
			wantEqual(t, "last seen", first, got.LastSeen)
			second := c.Advance(time.Minute)
			must(t, st.TouchIdentity(t.Context(), id.ID, second))
			got, err = st.Identity(t.Context(), id.ID)
			must(t, err)
			wantEqual(t, "last seen", second, got.LastSeen)
		}},
		{"touching a missing identity succeeds", func(t *testing.T, st storage.Store) {
			must(t, st.TouchIdentity(t.Context(), newID(t, newID(t, iam.RootScope)), epoch()))
		}},
		{"deleting an identity deletes its role bindings", func(t *testing.T, st storage.Store) {
			org := createGroup(t, st, iam.RootScope, "acme.dev")
			id := createIdentity(t, st, org.ID, "builder")
			other := createIdentity(t, st, org.ID, "deployer")
			role := createRole(t, st, org.ID, "reader")
			b := bind(t, st, org.ID, id.ID, role.ID)
			kept := bind(t, st, org.ID, other.ID, role.ID)
			must(t, st.DeleteIdentity(t.Context(), id.ID))
			_, err := st.Identity(t.Context(), id.ID)
			wantKind(t, err, errs.NotFound)
			_, err = st.RoleBinding(t.Context(), b.ID)
			wantKind(t, err, errs.NotFound)
			grants, err := st.Grants(t.Context(), id.ID)
			must(t, err)
			wantEqual(t, "grants of a deleted identity", 0, len(grants))
			_, err = st.RoleBinding(t.Context(), kept.ID)
			must(t, err)
		}},
		{"deleting a missing identity is NotFound", func(t *testing.T, st storage.Store) {
			id := newID(t, newID(t, iam.RootScope))
			err := st.DeleteIdentity(t.Context(), id)
			wantKind(t, err, errs.NotFound)
			wantMessage(t, err, id)
		}},
	}
}

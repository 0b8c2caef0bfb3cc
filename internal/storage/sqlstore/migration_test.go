package sqlstore

import (
	"crypto/rand"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
	"latch.dev/latch/internal/testutil/pgtest"
)

// TestTheIssuerMigrationBackfillsExistingIdentities writes identities,
// takes the schema back to before match_issuer existed and forward again,
// and checks that the migration filled the column from the stored rules.
func TestTheIssuerMigrationBackfillsExistingIdentities(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "latch.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	id := func(parent string) string {
		s, err := iam.NewChildID(parent, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	now := time.Now().UTC()
	org := iam.Group{ID: id(iam.RootScope), Name: "acme.dev", CreatedAt: now, UpdatedAt: now}
	if err := st.CreateGroup(ctx, org); err != nil {
		t.Fatal(err)
	}
	const gh = "https://token.actions.githubusercontent.com"
	exact := iam.Identity{ID: id(org.ID), Name: "exact", ClaimMatch: &iam.ClaimMatch{Issuer: gh, Subject: "s"}}
	pattern := iam.Identity{ID: id(org.ID), Name: "pattern", ClaimMatch: &iam.ClaimMatch{IssuerPattern: "https://.+", Subject: "s"}}
	static := iam.Identity{ID: id(org.ID), Name: "static", Static: &iam.StaticKeys{Issuer: gh, Subject: "s", IssuerKeys: `{"keys":[{}]}`, Expiration: now}}
	aws := iam.Identity{ID: id(org.ID), Name: "aws", AWS: &iam.AWSIdentity{Account: "123456789012", ARN: "arn:aws:iam::123456789012:role/x", UserID: "AROAX"}}
	for _, i := range []iam.Identity{exact, pattern, static, aws} {
		if err := st.CreateIdentity(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	p := migrations(t, st)
	if _, err := p.DownTo(ctx, 1); err != nil {
		t.Fatalf("migrate down: %v", err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("migrate up: %v", err)
	}
	page, err := st.ListIdentities(ctx, storage.Filter{Issuer: gh})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, i := range page.Items {
		got = append(got, i.Name)
	}
	slices.Sort(got)
	if want := []string{"exact", "pattern", "static"}; !slices.Equal(got, want) {
		t.Errorf("candidates for %s after the migration: %v, want %v", gh, got, want)
	}
}

// TestTheUserNameMigrationRenamesDuplicates writes two users named alike,
// as two first logins at once could before user names were unique, and
// migrates: one keeps the name, the other gets the end of its ID, and from
// then on the store refuses a second user of one name. It runs on SQLite
// and, when one is configured, PostgreSQL.
func TestTheUserNameMigrationRenamesDuplicates(t *testing.T) {
	t.Parallel()
	for name, dsn := range map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return filepath.Join(t.TempDir(), "latch.db") },
		"postgres": func(t *testing.T) string { dsn, _ := pgtest.FreshSchema(t); return dsn },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			st, err := Open(ctx, dsn(t), Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = st.Close() })
			p := migrations(t, st)
			if _, err := p.DownTo(ctx, 2); err != nil {
				t.Fatalf("migrate down: %v", err)
			}
			now := time.Now().UTC()
			user := func(name, subject string) iam.Identity {
				id, err := iam.NewRootID(rand.Reader)
				if err != nil {
					t.Fatal(err)
				}
				return iam.Identity{ID: id, Name: name, CreatedAt: now, UpdatedAt: now, User: &iam.User{Issuer: "https://op.example", Subject: subject}}
			}
			a, b, c := user("alice", "1"), user("alice", "2"), user("bob", "3")
			for _, u := range []iam.Identity{a, b, c} {
				if err := st.CreateIdentity(ctx, u); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := p.Up(ctx); err != nil {
				t.Fatalf("migrate up: %v", err)
			}
			keeps, renamed := a, b
			if b.ID < a.ID {
				keeps, renamed = b, a
			}
			for want, id := range map[string]string{
				"alice": keeps.ID, "alice-" + renamed.ID[len(renamed.ID)-8:]: renamed.ID, "bob": c.ID,
			} {
				got, err := st.Identity(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if got.Name != want {
					t.Errorf("user %s is named %q after the migration, want %q", id, got.Name, want)
				}
			}
			err = st.CreateIdentity(ctx, user("bob", "4"))
			if !errs.Is(err, errs.AlreadyExists) || !strings.Contains(errs.Message(err), `named "bob"`) {
				t.Errorf("a second user named bob: %v; want already exists, naming the name", err)
			}
		})
	}
}

// migrations is the goose provider of st's schema, to move it between
// versions.
func migrations(t *testing.T, st *Store) *goose.Provider {
	t.Helper()
	fsys, err := st.db.dialect.migrations()
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(st.db.dialect.goose(), st.db.write, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

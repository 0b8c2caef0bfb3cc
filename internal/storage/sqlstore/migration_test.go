package sqlstore

import (
	"crypto/rand"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
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
	fsys, err := st.db.dialect.migrations()
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(st.db.dialect.goose(), st.db.write, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
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

package storagetest

import (
	"crypto/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/storage"
	"latch.dev/latch/internal/testutil/fakeclock"
)

// epoch is the suite's fixed "now". It has microseconds, the precision
// every backend must keep, so that round trips compare equal.
func epoch() time.Time { return time.Date(2026, time.November, 25, 17, 39, 11, 123456000, time.UTC) }

// elsewhere is a time zone other than UTC: stores return times in UTC and
// the instant must survive.
func elsewhere() *time.Location { return time.FixedZone("UTC+05:30", 5*3600+30*60) }

// newClock returns a clock at epoch that moves only when told.
func newClock() *fakeclock.Clock { return fakeclock.New(epoch()) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// wantKind fails unless err carries the kind, with a message for the
// caller (not the generic internal one).
func wantKind(t *testing.T, err error, want errs.Kind) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want a %s error", want)
	}
	if got := errs.KindOf(err); got != want {
		t.Fatalf("got a %s error (%v), want %s", got, err, want)
	}
	if errs.Message(err) == "" {
		t.Fatalf("%s error has no message for the caller: %v", want, err)
	}
}

// wantMessage fails unless the caller-facing message mentions every part.
func wantMessage(t *testing.T, err error, parts ...string) {
	t.Helper()
	msg := errs.Message(err)
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("message %q does not mention %q", msg, p)
		}
	}
}

func wantEqual[T any](t *testing.T, what string, want, got T) {
	t.Helper()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("%s differs (-want +got):\n%s", what, diff)
	}
}

func newID(t *testing.T, parent string) string {
	t.Helper()
	id, err := iam.NewChildID(parent, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func createGroup(t *testing.T, st storage.Store, parent, name string) iam.Group {
	t.Helper()
	g := iam.Group{ID: newID(t, parent), Name: name, Description: "the " + name + " group", CreatedAt: epoch(), UpdatedAt: epoch()}
	must(t, st.CreateGroup(t.Context(), g))
	return g
}

func awsRule() *iam.AWSIdentity {
	return &iam.AWSIdentity{Account: "123456789012", ARN: "arn:aws:iam::123456789012:role/builder", UserIDPattern: "AROA[A-Z0-9]+:i-[0-9a-f]+"}
}

func awsIdentity(t *testing.T, group, name string) iam.Identity {
	t.Helper()
	return iam.Identity{ID: newID(t, group), Name: name, Description: "builds things", CreatedAt: epoch(), UpdatedAt: epoch(), AWS: awsRule()}
}

func createIdentity(t *testing.T, st storage.Store, group, name string) iam.Identity {
	t.Helper()
	id := awsIdentity(t, group, name)
	must(t, st.CreateIdentity(t.Context(), id))
	return id
}

func userIdentity(t *testing.T, issuer, subject string) iam.Identity {
	t.Helper()
	return iam.Identity{
		ID: newID(t, iam.RootScope), Name: "user " + subject, CreatedAt: epoch(), UpdatedAt: epoch(),
		User: &iam.User{Issuer: issuer, Subject: subject, Email: subject + "@example.dev"},
	}
}

func createUser(t *testing.T, st storage.Store, issuer, subject string) iam.Identity {
	t.Helper()
	u := userIdentity(t, issuer, subject)
	must(t, st.CreateIdentity(t.Context(), u))
	return u
}

func createRole(t *testing.T, st storage.Store, group, name string, caps ...iam.Capability) iam.Role {
	t.Helper()
	if len(caps) == 0 {
		caps = []iam.Capability{iam.CapGroupsList, iam.CapIdentityList}
	}
	r := iam.Role{ID: newID(t, group), Name: name, Description: "can " + name, Capabilities: caps, CreatedAt: epoch(), UpdatedAt: epoch()}
	must(t, st.CreateRole(t.Context(), r))
	return r
}

func bind(t *testing.T, st storage.Store, group, identity, role string) iam.RoleBinding {
	t.Helper()
	b := iam.RoleBinding{ID: newID(t, group), Identity: identity, Role: role, CreatedAt: epoch(), UpdatedAt: epoch()}
	must(t, st.CreateRoleBinding(t.Context(), b))
	return b
}

// builtIns stores iam's built-in roles with the given time and returns them.
func builtIns(t *testing.T, st storage.Store, at time.Time) []iam.Role {
	t.Helper()
	roles := iam.BuiltInRoles()
	for i := range roles {
		roles[i].CreatedAt, roles[i].UpdatedAt = at, at
	}
	must(t, st.PutBuiltInRoles(t.Context(), roles))
	return roles
}

// ids returns the IDs of objects, in order.
func ids[T any](items []T, id func(T) string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, id(it))
	}
	return out
}

func groupID(g iam.Group) string         { return g.ID }
func identityID(i iam.Identity) string   { return i.ID }
func roleID(r iam.Role) string           { return r.ID }
func bindingID(b iam.RoleBinding) string { return b.ID }

// sorted returns a sorted copy: listings are ordered by ID.
func sorted(s ...string) []string {
	out := append([]string(nil), s...)
	slices.Sort(out)
	return out
}

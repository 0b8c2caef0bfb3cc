package server_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"

	"latch.dev/latch/internal/authn/oidc/oidctest"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/errs"
	authv1 "latch.dev/latch/internal/gen/latch/auth/v1"
	"latch.dev/latch/internal/server"
	"latch.dev/latch/internal/server/servertest"
	"latch.dev/latch/internal/testutil/pgtest"
)

const loginClient = "latch-cli"

// startLogin starts a server whose login provider is a local issuer,
// with the store at db (a fresh SQLite file when empty).
func startLogin(t *testing.T, db string) (*servertest.Server, *oidctest.Issuer) {
	t.Helper()
	op := oidctest.Start(t)
	srv := servertest.Start(t, servertest.WithConfig(func(c *server.Config) {
		if db != "" {
			c.DB = db
		}
		c.OIDC = server.OIDCConfig{Issuer: op.URL, ClientID: loginClient, InsecureIssuers: []string{op.URL}}
	}))
	return srv, op
}

func idToken(t *testing.T, op *oidctest.Issuer, sub string, extra map[string]any) string {
	t.Helper()
	c := op.Claims(time.Now(), sub, loginClient, map[string]any{"nonce": "n-" + sub})
	for k, v := range extra {
		c[k] = v
	}
	return op.Mint(t, c)
}

func TestTheLoginProviderIsDescribedWithoutSecrets(t *testing.T) {
	t.Parallel()
	srv, op := startLogin(t, "")
	p, err := srv.Client().LoginProvider(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if p.Issuer != op.URL || p.ClientID != loginClient || strings.Join(p.Scopes, " ") != "openid email profile" {
		t.Errorf("login provider %+v", p)
	}
}

func TestAnIDTokenLogsInOnce(t *testing.T) {
	t.Parallel()
	srv, op := startLogin(t, "")
	ctx := t.Context()
	tok := idToken(t, op, "user-1", map[string]any{"email": "ann@example.dev", "email_verified": true})
	first, err := srv.Client().Login(ctx, tok, client.LoginRequest{Nonce: "n-user-1"})
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	if first.RefreshToken == "" {
		t.Error("a human login got no refresh token")
	}
	who, err := srv.API(first.Token).Auth.WhoAmI(ctx, connect.NewRequest(&authv1.WhoAmIRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	if who.Msg.GetIdentityName() != "ann" {
		t.Errorf("the user is named %q, want ann (from the email)", who.Msg.GetIdentityName())
	}
	_, err = srv.Client().Login(ctx, tok, client.LoginRequest{Nonce: "n-user-1"})
	if errs.KindOf(err) != errs.Unauthenticated || !strings.Contains(errs.Message(err), "used to log in already") {
		t.Errorf("a replayed ID token: got %v, want unauthenticated saying it was used", err)
	}
}

func TestUsersWithTheSameNameGetDistinctNames(t *testing.T) {
	t.Parallel()
	srv, op := startLogin(t, "")
	ctx := t.Context()
	var names []string
	for _, sub := range []string{"a", "b", "c"} {
		tok := idToken(t, op, sub, map[string]any{"preferred_username": "Sam Smith"})
		pair, err := srv.Client().Login(ctx, tok, client.LoginRequest{Nonce: "n-" + sub})
		if err != nil {
			t.Fatal(err)
		}
		who, err := srv.API(pair.Token).Auth.WhoAmI(ctx, connect.NewRequest(&authv1.WhoAmIRequest{}))
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, who.Msg.GetIdentityName())
	}
	if got := strings.Join(names, ","); got != "sam-smith,sam-smith-2,sam-smith-3" {
		t.Errorf("names %s, want sam-smith, sam-smith-2, sam-smith-3", got)
	}
}

func TestLoginRefusals(t *testing.T) {
	t.Parallel()
	srv, op := startLogin(t, "")
	other := oidctest.Start(t)
	tests := []struct {
		name  string
		token func(t *testing.T) string
		nonce string
		says  string
	}{
		{"another login's nonce", func(t *testing.T) string { return idToken(t, op, "u", nil) }, "n-other", "nonce"},
		{"an ID token for another client", func(t *testing.T) string {
			return idToken(t, op, "u", map[string]any{"aud": "another-app"})
		}, "n-u", "not to latch's client"},
		{"an ID token from another provider", func(t *testing.T) string {
			c := other.Claims(time.Now(), "u", loginClient, nil)
			return other.Mint(t, c)
		}, "", "not this server's login provider"},
		{"a workload token", func(t *testing.T) string {
			return idToken(t, op, "repo:acme/app:ref:refs/heads/main", map[string]any{"aud": srv.URL})
		}, "", "not to latch's client"},
	}
	for _, tt := range tests {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := srv.Client().Login(t.Context(), tt.token(t), client.LoginRequest{Nonce: tt.nonce})
			if errs.KindOf(err) != errs.Unauthenticated || !strings.Contains(errs.Message(err), tt.says) {
				t.Errorf("got %v, want unauthenticated saying %q", err, tt.says)
			}
		})
	}
}

// TestTwoFirstLoginsAtOnceMakeOneUser logs one person in several times at
// once before they have a user, on PostgreSQL, where the transactions of
// the logins really run side by side: every login succeeds, as the same
// user.
func TestTwoFirstLoginsAtOnceMakeOneUser(t *testing.T) {
	t.Parallel()
	dsn, _ := pgtest.FreshSchema(t)
	srv, op := startLogin(t, dsn)
	const logins = 8
	toks := make([]string, logins)
	for i := range toks {
		toks[i] = idToken(t, op, "twin", map[string]any{"jti": fmt.Sprintf("login-%d", i), "preferred_username": "twin"})
	}
	subjects := make([]string, logins)
	var wg sync.WaitGroup
	for i, tok := range toks {
		wg.Go(func() {
			pair, err := srv.Client().Login(t.Context(), tok, client.LoginRequest{Nonce: "n-twin"})
			if err != nil {
				t.Errorf("login %d: %v", i, err)
				return
			}
			who, err := srv.API(pair.Token).Auth.WhoAmI(t.Context(), connect.NewRequest(&authv1.WhoAmIRequest{}))
			if err != nil {
				t.Errorf("login %d: whoami: %v", i, err)
				return
			}
			subjects[i] = who.Msg.GetSubject()
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	for i, s := range subjects {
		if s != subjects[0] {
			t.Errorf("login %d is user %s, login 0 user %s: one person got two users", i, s, subjects[0])
		}
	}
}

// TestPeopleOfOneNameLoggingInAtOnceGetNamesOfTheirOwn logs several people
// whose provider calls each of them "twin" in for the first time at once,
// on PostgreSQL: every login succeeds, each person is a user of their own,
// and the names are twin, twin-2, … with none given twice.
func TestPeopleOfOneNameLoggingInAtOnceGetNamesOfTheirOwn(t *testing.T) {
	t.Parallel()
	dsn, _ := pgtest.FreshSchema(t)
	srv, op := startLogin(t, dsn)
	const people = 4
	subjects := make([]string, people)
	toks := make([]string, people)
	for i := range toks {
		subjects[i] = fmt.Sprintf("person-%d", i)
		toks[i] = idToken(t, op, subjects[i], map[string]any{"preferred_username": "twin"})
	}
	var wg sync.WaitGroup
	for i, tok := range toks {
		wg.Go(func() {
			if _, err := srv.Client().Login(t.Context(), tok, client.LoginRequest{Nonce: "n-" + subjects[i]}); err != nil {
				t.Errorf("login of %s: %v", subjects[i], err)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	var names []string
	for _, sub := range subjects {
		u, err := srv.Store().UserIdentity(t.Context(), op.URL, sub)
		if err != nil {
			t.Fatalf("user of %s: %v", sub, err)
		}
		names = append(names, u.Name)
	}
	slices.Sort(names)
	if want := []string{"twin", "twin-2", "twin-3", "twin-4"}; !slices.Equal(names, want) {
		t.Errorf("user names %q, want %q", names, want)
	}
}

package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"connectrpc.com/connect"

	"latch.dev/latch/internal/cli/factory"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/tokencache"
	"latch.dev/latch/internal/errs"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
	"latch.dev/latch/internal/server"
	"latch.dev/latch/internal/server/servertest"
	"latch.dev/latch/internal/storage"
	"latch.dev/latch/internal/testutil/optest"
)

// person is someone at a terminal: a home directory of their own, and a
// browser (on another machine, since logins are --headless) that logs in
// at the OpenID Provider as them.
type person struct {
	t    *testing.T
	op   *optest.Provider
	user optest.User
	env  map[string]string
	srv  *servertest.Server
}

func newPerson(t *testing.T, srv *servertest.Server, op *optest.Provider, user optest.User) *person {
	home := t.TempDir()
	return &person{t: t, op: op, user: user, srv: srv, env: map[string]string{
		"HOME": home, "XDG_CACHE_HOME": filepath.Join(home, "cache"), "XDG_CONFIG_HOME": filepath.Join(home, "config"),
		"LATCH_URL": srv.URL,
	}}
}

// run runs `latch args…` and returns its exit code, standard output and
// standard error.
func (p *person) run(args string) (int, string, string) {
	p.t.Helper()
	ios, _, out, errOut := iostreams.Test()
	ios.In = &browserAtTheOtherEnd{ctx: p.t.Context(), p: p, prompt: errOut}
	code := Run(p.t.Context(), factory.New(ios, func(k string) string { return p.env[k] }), strings.Fields(args))
	return code, out.String(), errOut.String()
}

// cache is the person's token cache for the server.
func (p *person) cache() *tokencache.Cache {
	p.t.Helper()
	c, err := tokencache.New(filepath.Join(p.env["XDG_CACHE_HOME"], "latch"), p.srv.URL)
	if err != nil {
		p.t.Fatal(err)
	}
	return c
}

// browserAtTheOtherEnd is the standard input of `latch auth login
// --headless`: when the CLI asks for the redirect, it takes the URL the
// CLI printed, logs in at the provider as the person (over HTTP, with a
// cookie jar), and "pastes" the address the browser was sent to.
type browserAtTheOtherEnd struct {
	ctx    context.Context
	p      *person
	prompt *bytes.Buffer
	once   sync.Once
	r      io.Reader
	err    error
}

var authURLRE = regexp.MustCompile(`(?m)^\s+(http://\S+)$`)

func (b *browserAtTheOtherEnd) Read(buf []byte) (int, error) {
	b.once.Do(func() {
		m := authURLRE.FindStringSubmatch(b.prompt.String())
		if m == nil {
			b.err = errors.New("the CLI printed no authorization URL before reading standard input")
			return
		}
		redirect, err := b.p.op.Browser(b.ctx, m[1], b.p.user, optest.Password)
		if err != nil {
			b.err = err
			return
		}
		b.r = strings.NewReader(redirect + "\n")
	})
	if b.err != nil {
		return 0, b.err
	}
	return b.r.Read(buf)
}

// TestHumanLoginAgainstARealOpenIDProvider logs people in with `latch
// auth login --headless` at a real OpenID Provider implementation
// (zitadel/oidc's), then checks what a session may do and how it ends.
func TestHumanLoginAgainstARealOpenIDProvider(t *testing.T) {
	t.Parallel()
	op := optest.Start(t)
	srv := servertest.Start(t, servertest.WithConfig(func(c *server.Config) {
		c.OIDC = server.OIDCConfig{Issuer: op.Issuer, ClientID: optest.ClientID, InsecureIssuers: []string{op.Issuer}}
	}))
	ctx := t.Context()

	alice := newPerson(t, srv, op, optest.Alice)
	code, out, errOut := alice.run("auth login --headless")
	if code != ExitOK {
		t.Fatalf("alice's login exited %d:\n%s%s", code, out, errOut)
	}
	m := regexp.MustCompile(`(?m)^Valid! Id: ([0-9a-f]{40})$`).FindStringSubmatch(out)
	if !strings.HasPrefix(out, "Successfully logged in.\n") || m == nil {
		t.Fatalf("alice's login printed %q; want the success line and a root user ID", out)
	}
	aliceID := m[1]
	cr, err := alice.cache().Load()
	if err != nil || cr.RefreshToken == "" || cr.Login.Method != tokencache.MethodBrowser {
		t.Fatalf("alice's cached session %+v (%v): want a browser login with a refresh token", cr.Login, err)
	}
	user, err := srv.Store().Identity(ctx, aliceID)
	if err != nil {
		t.Fatal(err)
	}
	if user.Name != "alice" || user.User == nil || user.User.Issuer != op.Issuer || user.User.Subject != optest.Alice.ID || user.User.Email != optest.Alice.Email {
		t.Errorf("alice was registered as %+v (%+v)", user, user.User)
	}

	t.Run("a user without bindings gets permission errors", func(t *testing.T) {
		bob := newPerson(t, srv, op, optest.Bob)
		if code, out, errOut := bob.run("auth login --headless"); code != ExitOK {
			t.Fatalf("bob's login exited %d:\n%s%s", code, out, errOut)
		}
		code, _, errOut := bob.run("iam organizations create bob.dev")
		if code != ExitAuth || !strings.Contains(errOut, "permission denied") {
			t.Errorf("bob creating an organization exited %d (%q), want %d and a permission error", code, errOut, ExitAuth)
		}
		code, _, errOut = bob.run("auth token")
		if code != ExitOK {
			t.Errorf("bob cannot even print his own token: exit %d %s", code, errOut)
		}
	})

	t.Run("a binding takes effect for the logged-in user", func(t *testing.T) {
		api := srv.AdminAPI()
		if _, err := api.Groups.Create(ctx, connect.NewRequest(&iamv1.CreateGroupRequest{Group: &iamv1.Group{Name: "acme.dev"}})); err != nil {
			t.Fatal(err)
		}
		if _, err := api.RoleBindings.Create(ctx, connect.NewRequest(&iamv1.CreateRoleBindingRequest{
			Parent: "acme.dev", RoleBinding: &iamv1.RoleBinding{Identity: aliceID, Role: "viewer"},
		})); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := alice.run("iam organizations ls")
		if code != ExitOK || !strings.Contains(out, "acme.dev") {
			t.Errorf("alice listing organizations exited %d: %s%s", code, out, errOut)
		}
	})

	t.Run("logging in again is the same user", func(t *testing.T) {
		again := newPerson(t, srv, op, optest.Alice)
		code, out, errOut := again.run("auth login --headless")
		if code != ExitOK || !strings.Contains(out, "Valid! Id: "+aliceID+"\n") {
			t.Errorf("alice's second login exited %d: %s%s", code, out, errOut)
		}
	})

	t.Run("a reused refresh token is refused and kills its family", func(t *testing.T) {
		carol := newPerson(t, srv, op, optest.Alice)
		if code, out, errOut := carol.run("auth login --headless"); code != ExitOK {
			t.Fatalf("login exited %d:\n%s%s", code, out, errOut)
		}
		cr, err := carol.cache().Load()
		if err != nil {
			t.Fatal(err)
		}
		c := srv.Client()
		next, err := c.Refresh(ctx, cr.RefreshToken)
		if err != nil {
			t.Fatalf("the first use of the refresh token: %v", err)
		}
		if _, err := c.Refresh(ctx, cr.RefreshToken); !errs.Is(err, errs.Unauthenticated) {
			t.Errorf("reusing the refresh token: got %v, want unauthenticated", err)
		}
		if _, err := c.Refresh(ctx, next.RefreshToken); !errs.Is(err, errs.Unauthenticated) {
			t.Errorf("the rotated refresh token still works after a reuse: %v; the family must be revoked", err)
		}
	})

	t.Run("logout revokes the refresh token on the server", func(t *testing.T) {
		dave := newPerson(t, srv, op, optest.Bob)
		if code, out, errOut := dave.run("auth login --headless"); code != ExitOK {
			t.Fatalf("login exited %d:\n%s%s", code, out, errOut)
		}
		cr, err := dave.cache().Load()
		if err != nil {
			t.Fatal(err)
		}
		code, out, errOut := dave.run("auth logout")
		if code != ExitOK || !strings.Contains(out, "Logged out of") || errOut != "" {
			t.Fatalf("logout exited %d: %s%s", code, out, errOut)
		}
		if _, err := dave.cache().Load(); !errs.Is(err, errs.Unauthenticated) {
			t.Errorf("the cache survived the logout: %v", err)
		}
		if _, err := srv.Client().Refresh(ctx, cr.RefreshToken); !errs.Is(err, errs.Unauthenticated) {
			t.Errorf("the logged-out refresh token still works: %v", err)
		}
		page, err := srv.Store().ListEvents(ctx, storage.EventFilter{Identity: cr.Login.Identity})
		if err != nil {
			t.Fatal(err)
		}
		var types []string
		for _, e := range page.Items {
			types = append(types, e.Type)
		}
		if !slices.Contains(types, "logout") || !slices.Contains(types, "login") {
			t.Errorf("the audit trail of the user has %v, want its logins and the logout", types)
		}
	})
}

// TestLoginWithoutAProviderSaysHowElseToLogIn checks the message of a
// server that has no OpenID Provider configured.
func TestLoginWithoutAProviderSaysHowElseToLogIn(t *testing.T) {
	t.Parallel()
	srv := servertest.Start(t)
	p := newPerson(t, srv, nil, optest.Alice)
	code, _, errOut := p.run("auth login --headless")
	if code != ExitNotFound || !strings.Contains(errOut, "no login provider") || !strings.Contains(errOut, "--identity-token") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

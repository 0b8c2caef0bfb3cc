package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	"latch.dev/latch/internal/authn/oidc/oidctest"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/errs"
	authv1 "latch.dev/latch/internal/gen/latch/auth/v1"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/server"
	"latch.dev/latch/internal/server/servertest"
	"latch.dev/latch/internal/storage"
)

// federation is a server that trusts a local issuer over http, with an
// organization to put identities in.
type federation struct {
	srv *servertest.Server
	iss *oidctest.Issuer
	org string
}

func startFederation(t *testing.T) *federation {
	t.Helper()
	iss := oidctest.Start(t)
	srv := servertest.Start(t, servertest.WithConfig(func(c *server.Config) {
		c.OIDC.InsecureIssuers = []string{iss.URL}
	}))
	org, err := srv.AdminAPI().Groups.Create(t.Context(), connect.NewRequest(&iamv1.CreateGroupRequest{Group: &iamv1.Group{Name: "acme.dev"}}))
	if err != nil {
		t.Fatal(err)
	}
	return &federation{srv: srv, iss: iss, org: org.Msg.GetId()}
}

// createGitHub creates what `latch iam identities create github NAME
// --github-repo acme/app --github-ref refs/heads/main` writes, with the
// local issuer standing in for https://token.actions.githubusercontent.com,
// which cannot be reached from a test.
func (f *federation) createGitHub(t *testing.T, name, repo string) string {
	t.Helper()
	id, err := f.srv.AdminAPI().Identities.Create(t.Context(), connect.NewRequest(&iamv1.CreateIdentityRequest{
		ParentId: f.org,
		Identity: &iamv1.Identity{Name: name, Relationship: &iamv1.Identity_ClaimMatch{ClaimMatch: &iamv1.ClaimMatch{
			Iss:    &iamv1.ClaimMatch_Issuer{Issuer: f.iss.URL},
			Sub:    &iamv1.ClaimMatch_Subject{Subject: "repo:" + repo + ":ref:refs/heads/main"},
			Claims: map[string]string{"repository": repo, "ref": "refs/heads/main"},
		}}},
	}))
	if err != nil {
		t.Fatalf("create identity %s: %v", name, err)
	}
	return id.Msg.GetId()
}

// actionsToken is shaped like a GitHub Actions ID token for repo at
// refs/heads/main with the server as audience, merged with extra.
func (f *federation) actionsToken(t *testing.T, repo string, extra map[string]any) string {
	t.Helper()
	c := f.iss.Claims(time.Now(), "repo:"+repo+":ref:refs/heads/main", f.srv.URL, map[string]any{
		"repository": repo, "repository_owner": strings.Split(repo, "/")[0], "ref": "refs/heads/main",
		"workflow_ref": repo + "/.github/workflows/release.yaml@refs/heads/main", "event_name": "push",
		"run_id": "1234567890", "runner_environment": "github-hosted",
	})
	for k, v := range extra {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	alg := "ES256"
	if a, ok := extra["alg"].(string); ok {
		alg = a
		delete(c, "alg")
	}
	return f.iss.MintWith(t, c, alg)
}

func TestAGitHubActionsTokenLogsInAsItsClaimMatchIdentity(t *testing.T) {
	t.Parallel()
	f := startFederation(t)
	ctx := t.Context()
	id := f.createGitHub(t, "release", "acme/app")
	tok, err := f.srv.Client().Exchange(ctx, f.actionsToken(t, "acme/app", nil), client.ExchangeRequest{Identity: id})
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	who, err := f.srv.API(tok.Token).Auth.WhoAmI(ctx, connect.NewRequest(&authv1.WhoAmIRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	if who.Msg.GetSubject() != id {
		t.Errorf("the token is for %s, want %s", who.Msg.GetSubject(), id)
	}
	if tok.RefreshToken != "" {
		t.Error("a workload exchange got a refresh token; only human logins may renew themselves")
	}
	events := auditOf(t, f.srv, id)
	if len(events) != 1 || events[0].Outcome != iam.OutcomeAccepted || events[0].Detail["repository"] != "acme/app" {
		t.Errorf("audit trail %+v, want one accepted exchange naming the repository", events)
	}
}

func TestGitHubActionsTokensThatDoNotMatchAreRefusedWithAReason(t *testing.T) {
	t.Parallel()
	f := startFederation(t)
	id := f.createGitHub(t, "release", "acme/app")
	tests := []struct {
		name  string
		token func(t *testing.T) string
		kind  errs.Kind
		says  string
	}{
		{"another repository", func(t *testing.T) string { return f.actionsToken(t, "acme/other", nil) },
			errs.PermissionDenied, `"repository" claim "acme/other" does not match`},
		{"another ref", func(t *testing.T) string {
			return f.actionsToken(t, "acme/app", map[string]any{"sub": "repo:acme/app:ref:refs/heads/dev", "ref": "refs/heads/dev"})
		}, errs.PermissionDenied, `sub "repo:acme/app:ref:refs/heads/dev" does not match`},
		{"an expired token", func(t *testing.T) string {
			return f.actionsToken(t, "acme/app", map[string]any{"iat": time.Now().Add(-time.Hour).Unix(), "nbf": nil, "exp": time.Now().Add(-30 * time.Minute).Unix()})
		}, errs.Unauthenticated, "the token expired at"},
		{"alg none", func(t *testing.T) string { return f.actionsToken(t, "acme/app", map[string]any{"alg": "none"}) },
			errs.Unauthenticated, `unsigned (alg "none")`},
		{"a wrong audience", func(t *testing.T) string {
			return f.actionsToken(t, "acme/app", map[string]any{"aud": "https://sts.amazonaws.com"})
		}, errs.PermissionDenied, "does not include this server's URL"},
	}
	for _, tt := range tests {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := f.srv.Client().Exchange(t.Context(), tt.token(t), client.ExchangeRequest{Identity: id})
			if errs.KindOf(err) != tt.kind {
				t.Fatalf("got %v (%s), want %s", err, errs.KindOf(err), tt.kind)
			}
			if !strings.Contains(errs.Message(err), tt.says) {
				t.Errorf("message %q does not say %q", errs.Message(err), tt.says)
			}
		})
	}
	// Every refusal is in the audit trail, with its reason. Cleanup runs
	// once the parallel subtests have finished.
	t.Cleanup(func() {
		refused := 0
		for _, e := range auditOf(t, f.srv, id) {
			if e.Outcome == iam.OutcomeRefused && e.Reason != "" {
				refused++
			}
		}
		if refused != len(tests) {
			t.Errorf("the audit trail has %d refused exchanges, want %d", refused, len(tests))
		}
	})
}

func TestAnExchangeWithoutIdentityFindsTheOneThatMatches(t *testing.T) {
	t.Parallel()
	f := startFederation(t)
	ctx := t.Context()
	app := f.createGitHub(t, "app", "acme/app")
	f.createGitHub(t, "lib", "acme/lib")

	tok, err := f.srv.Client().Exchange(ctx, f.actionsToken(t, "acme/app", nil), client.ExchangeRequest{})
	if err != nil {
		t.Fatalf("exchange without identity: %v", err)
	}
	who, err := f.srv.API(tok.Token).Auth.WhoAmI(ctx, connect.NewRequest(&authv1.WhoAmIRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	if who.Msg.GetSubject() != app {
		t.Errorf("assumed %s, want the app identity %s", who.Msg.GetSubject(), app)
	}
	if ev := auditOf(t, f.srv, app); len(ev) != 1 || ev[0].Outcome != iam.OutcomeAccepted {
		t.Errorf("audit trail of app: %+v", ev)
	}

	// A second identity that accepts the same token makes it ambiguous.
	f.createGitHub(t, "app-too", "acme/app")
	_, err = f.srv.Client().Exchange(ctx, f.actionsToken(t, "acme/app", nil), client.ExchangeRequest{})
	if errs.KindOf(err) != errs.Invalid || !strings.Contains(errs.Message(err), "2 identities match this token; pass --identity") {
		t.Errorf("two matches: got %v, want an error saying 2 identities match", err)
	}

	// A token no identity accepts says so, without naming any identity.
	_, err = f.srv.Client().Exchange(ctx, f.actionsToken(t, "acme/unknown", nil), client.ExchangeRequest{})
	if errs.KindOf(err) != errs.PermissionDenied || !strings.Contains(errs.Message(err), "no identity matches this token") {
		t.Errorf("no match: got %v, want permission denied saying no identity matches", err)
	}
	if msg := errs.Message(err); strings.Contains(msg, "acme/app") || strings.Contains(msg, "acme/lib") {
		t.Errorf("message %q reveals other identities' rules", msg)
	}

	// A token that is bad in itself says why.
	_, err = f.srv.Client().Exchange(ctx, f.actionsToken(t, "acme/lib", map[string]any{"exp": time.Now().Add(-time.Hour).Unix(), "iat": nil, "nbf": nil}), client.ExchangeRequest{})
	if errs.KindOf(err) != errs.Unauthenticated || !strings.Contains(errs.Message(err), "expired") {
		t.Errorf("expired token without identity: got %v, want unauthenticated saying it expired", err)
	}
}

func TestAStaticIdentityAcceptsTokensSignedWithItsKeysUntilItExpires(t *testing.T) {
	t.Parallel()
	f := startFederation(t)
	ctx := t.Context()
	cluster := oidctest.Start(t)
	const issuer, sub = "https://kubernetes.default.svc", "system:serviceaccount:ci:builder"
	created, err := f.srv.AdminAPI().Identities.Create(ctx, connect.NewRequest(&iamv1.CreateIdentityRequest{
		ParentId: f.org,
		Identity: &iamv1.Identity{Name: "airgapped", Relationship: &iamv1.Identity_Static{Static: &iamv1.StaticKeys{
			Issuer: issuer, Subject: sub, IssuerKeys: cluster.JWKS(),
		}}},
	}))
	if err != nil {
		t.Fatal(err)
	}
	claims := cluster.Claims(time.Now(), sub, f.srv.URL, map[string]any{"iss": issuer})
	if _, err := f.srv.Client().Exchange(ctx, cluster.Mint(t, claims), client.ExchangeRequest{}); err != nil {
		t.Fatalf("exchange without identity for the static identity: %v", err)
	}
	// Its keys expire: once past the expiration it refuses, clearly.
	_, err = f.srv.Store().UpdateIdentity(ctx, created.Msg.GetId(), func(i *iam.Identity) error {
		i.Static.Expiration = time.Now().Add(-time.Minute)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.srv.Client().Exchange(ctx, cluster.Mint(t, claims), client.ExchangeRequest{Identity: created.Msg.GetId()})
	if errs.KindOf(err) != errs.PermissionDenied || !strings.Contains(errs.Message(err), "airgapped expired at") {
		t.Errorf("expired static identity: got %v, want a refusal saying it expired", err)
	}
}

func auditOf(t *testing.T, s *servertest.Server, identity string) []iam.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	page, err := s.Store().ListEvents(ctx, storage.EventFilter{Identity: identity})
	if err != nil {
		t.Fatal(err)
	}
	return page.Items
}

func TestAnAdministratorCanCheckClaimsAgainstAnIdentity(t *testing.T) {
	t.Parallel()
	f := startFederation(t)
	ctx := t.Context()
	id := f.createGitHub(t, "release", "acme/app")
	caller, err := f.srv.Service().Authenticate(ctx, http.Header{"Authorization": {"Bearer " + f.srv.Admin.Token}})
	if err != nil {
		t.Fatal(err)
	}
	claims := iam.TokenClaims{"iss": f.iss.URL, "sub": "repo:acme/app:ref:refs/heads/main", "aud": f.srv.URL, "repository": "acme/other", "ref": "refs/heads/main"}
	ok, checks, err := f.srv.Service().CheckClaims(ctx, caller, id, claims)
	if err != nil {
		t.Fatal(err)
	}
	var failed []string
	for _, c := range checks {
		if !c.OK {
			failed = append(failed, c.Field+": "+c.Rule)
		}
	}
	if ok || strings.Join(failed, ";") != `claims.repository: equal to "acme/app"` {
		t.Errorf("accepted=%v, failed rules %v; want only the repository rule to fail, showing its value to the administrator", ok, failed)
	}
}

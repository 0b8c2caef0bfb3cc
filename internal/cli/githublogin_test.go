package cli

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"latch.dev/latch/internal/authn/oidc/oidctest"
	"latch.dev/latch/internal/cli/factory"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/tokencache"
	"latch.dev/latch/internal/server"
	"latch.dev/latch/internal/server/servertest"
)

// TestAGitHubActionsTokenLogsInAsACreateGitHubIdentity plays both sides
// through the CLI: an owner runs `latch iam identities create github`, then
// a workflow run of that repository logs in with its token — here minted
// by a local issuer standing in for GitHub (it is given as
// --github-issuer, as for GitHub Enterprise Server). Tokens of another
// repository, another ref, expired, unsigned or for another audience are
// refused with a reason.
func TestAGitHubActionsTokenLogsInAsACreateGitHubIdentity(t *testing.T) {
	t.Parallel()
	gh := oidctest.Start(t)
	srv := servertest.Start(t, servertest.WithConfig(func(c *server.Config) {
		c.OIDC.InsecureIssuers = []string{gh.URL}
	}))
	owner := newShell(t, srv)
	owner.login(srv.Admin.Token)
	if code, _, errOut := owner.run("iam organizations create example.dev"); code != 0 {
		t.Fatalf("create organization: %s", errOut)
	}
	code, id, errOut := owner.run("iam identities create github deployer --github-repo example/app --github-ref main --github-workflow deploy.yml --github-issuer " + gh.URL + " --parent example.dev --role viewer -o id")
	if code != 0 {
		t.Fatalf("create github: %s", errOut)
	}
	id = strings.TrimSpace(id)

	now := time.Now()
	run := func(repo, ref string, edit map[string]any) map[string]any {
		extra := map[string]any{
			"repository": repo, "ref": ref, "workflow_ref": repo + "/.github/workflows/deploy.yml@" + ref,
			"repository_owner": strings.Split(repo, "/")[0], "event_name": "push", "run_id": "1234",
		}
		for k, v := range edit {
			extra[k] = v
		}
		return gh.Claims(now, "repo:"+repo+":ref:"+ref, srv.URL, extra)
	}
	tokenFile := func(tok string) string { return servertest.WriteFile(t, "token", tok) }

	ci := newShell(t, srv)
	code, out, errOut := ci.run("auth login --identity-token " + tokenFile(gh.Mint(t, run("example/app", "refs/heads/main", nil))) + " --identity " + id)
	if code != 0 || out != "Successfully exchanged token.\nValid! Id: "+id+"\n" {
		t.Fatalf("the workflow's token was refused: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := ci.run("iam organizations ls"); code != 0 {
		t.Errorf("the workflow, a viewer, cannot list organizations: %s", errOut)
	}

	refused := []struct {
		name, token, reason string
	}{
		{"another repository", gh.Mint(t, run("example/other", "refs/heads/main", nil)), "subject"},
		{"another ref", gh.Mint(t, run("example/app", "refs/heads/dev", nil)), "subject"},
		{"an expired token", gh.Mint(t, run("example/app", "refs/heads/main", map[string]any{"exp": now.Add(-time.Minute).Unix(), "iat": now.Add(-10 * time.Minute).Unix(), "nbf": now.Add(-10 * time.Minute).Unix()})), "expired"},
		{"alg none", gh.MintWith(t, run("example/app", "refs/heads/main", nil), "none"), "none"},
		{"another audience", gh.Mint(t, run("example/app", "refs/heads/main", map[string]any{"aud": "https://elsewhere.example"})), "audience"},
	}
	for _, tt := range refused {
		code, _, errOut := newShell(t, srv).run("auth login --identity-token " + tokenFile(tt.token) + " --identity " + id)
		t.Logf("%s: %s", tt.name, errOut)
		if code != ExitAuth || !strings.Contains(strings.ToLower(errOut), tt.reason) {
			t.Errorf("%s: exit %d, %q; want exit %d with a reason mentioning %q", tt.name, code, errOut, ExitAuth, tt.reason)
		}
	}
}

// shell is a terminal with a home directory of its own.
type shell struct {
	t   *testing.T
	srv *servertest.Server
	env map[string]string
}

func newShell(t *testing.T, srv *servertest.Server) *shell {
	home := t.TempDir()
	return &shell{t: t, srv: srv, env: map[string]string{
		"HOME": home, "XDG_CACHE_HOME": filepath.Join(home, "cache"), "XDG_CONFIG_HOME": filepath.Join(home, "config"),
		"LATCH_URL": srv.URL, "NO_COLOR": "1",
	}}
}

// login stores an access token as the shell's session.
func (s *shell) login(token string) {
	s.t.Helper()
	c, err := tokencache.New(filepath.Join(s.env["XDG_CACHE_HOME"], "latch"), s.srv.URL)
	if err != nil {
		s.t.Fatal(err)
	}
	if err := c.Save(tokencache.Credentials{AccessToken: token, Login: tokencache.Login{Method: tokencache.MethodBootstrap, Expiry: time.Now().Add(time.Hour)}}); err != nil {
		s.t.Fatal(err)
	}
}

func (s *shell) run(args string) (int, string, string) {
	s.t.Helper()
	ios, _, out, errOut := iostreams.Test()
	code := Run(s.t.Context(), factory.New(ios, func(k string) string { return s.env[k] }), strings.Fields(args))
	return code, out.String(), errOut.String()
}

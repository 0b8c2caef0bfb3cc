package github

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"latch.dev/latch/internal/cli/clitest"
	"latch.dev/latch/internal/cli/cmd/iam/identities/shared"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
	"latch.dev/latch/internal/iam"
)

const latchURL = "https://latch.example.dev"

func TestNewCmdGitHub(t *testing.T) {
	clitest.RunParseCases(t, NewCmdGitHub, []clitest.ParseCase[Options]{
		{
			Name: "every flag",
			Args: "deployer --github-repo example/app --github-ref main --github-workflow deploy.yml --audience latch --parent acme.dev",
			Want: Options{Name: "deployer", Repo: "example/app", Ref: "main", Workflow: "deploy.yml", Audience: "latch", Issuer: Issuer, CreateOptions: shared.CreateOptions{Parent: "acme.dev"}},
		},
		{
			Name: "an issuer for GitHub Enterprise Server",
			Args: "deployer --github-repo example/app --github-issuer https://ghe.example.com/_services/token --parent acme.dev",
			Want: Options{Name: "deployer", Repo: "example/app", Issuer: "https://ghe.example.com/_services/token", CreateOptions: shared.CreateOptions{Parent: "acme.dev"}},
		},
		{Name: "an issuer that is not a URL", Args: "deployer --github-repo example/app --github-issuer ghe.example.com", WantErr: true},
		{Name: "the repository is required", Args: "deployer", WantErr: true},
		{Name: "a repository without an owner", Args: "deployer --github-repo app", WantErr: true},
		{Name: "a URL for a repository", Args: "deployer --github-repo https://github.com/example/app", WantErr: true},
		{Name: "a ref with a space", Args: "deployer --github-repo example/app --github-ref 'my branch'", WantErr: true},
		{Name: "a workflow with a ref", Args: "deployer --github-repo example/app --github-workflow deploy.yml@main", WantErr: true},
	})
}

// token returns the claims GitHub Actions puts in a token for a push to
// ref of repo running workflow.
func token(repo, ref, workflow string) iam.TokenClaims {
	return iam.TokenClaims{
		"iss": Issuer, "aud": latchURL,
		"sub":          "repo:" + repo + ":ref:" + ref,
		"repository":   repo,
		"ref":          ref,
		"workflow_ref": repo + "/" + workflow + "@" + ref,
	}
}

func TestRule(t *testing.T) {
	const deploy = ".github/workflows/deploy.yml"
	tests := []struct {
		name     string
		opts     Options
		claims   iam.TokenClaims
		accepted bool
	}{
		{name: "any run of the repository", opts: Options{Repo: "example/app"}, claims: token("example/app", "refs/heads/feature", deploy), accepted: true},
		{name: "another repository", opts: Options{Repo: "example/app"}, claims: token("example/app2", "refs/heads/main", deploy)},
		{name: "a repository of the same name elsewhere", opts: Options{Repo: "example/app"}, claims: token("attacker/app", "refs/heads/main", deploy)},
		{name: "the branch", opts: Options{Repo: "example/app", Ref: "main"}, claims: token("example/app", "refs/heads/main", deploy), accepted: true},
		{name: "another branch", opts: Options{Repo: "example/app", Ref: "main"}, claims: token("example/app", "refs/heads/main-old", deploy)},
		{name: "a tag named like the branch", opts: Options{Repo: "example/app", Ref: "main"}, claims: token("example/app", "refs/tags/main", deploy)},
		{name: "a full tag ref", opts: Options{Repo: "example/app", Ref: "refs/tags/v1.0.0"}, claims: token("example/app", "refs/tags/v1.0.0", deploy), accepted: true},
		{name: "a dot in the tag is literal", opts: Options{Repo: "example/app", Ref: "refs/tags/v1.0.0"}, claims: token("example/app", "refs/tags/v1x0x0", deploy)},
		{name: "the workflow", opts: Options{Repo: "example/app", Workflow: "deploy.yml"}, claims: token("example/app", "refs/heads/x", deploy), accepted: true},
		{name: "another workflow", opts: Options{Repo: "example/app", Workflow: "deploy.yml"}, claims: token("example/app", "refs/heads/x", ".github/workflows/test.yml")},
		{name: "the workflow on the branch", opts: Options{Repo: "example/app", Ref: "main", Workflow: deploy}, claims: token("example/app", "refs/heads/main", deploy), accepted: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := domain(tt.opts.rule())
			if err := m.Validate(); err != nil {
				t.Fatalf("the generated rule is not valid: %v", err)
			}
			if v := m.Check(tt.claims, latchURL); v.Accepted() != tt.accepted {
				t.Errorf("accepted = %v, want %v; checks %+v", v.Accepted(), tt.accepted, v.Checks)
			}
		})
	}
}

// domain converts the rule to the type the server checks tokens with.
func domain(m *iamv1.ClaimMatch) *iam.ClaimMatch {
	return &iam.ClaimMatch{
		Issuer: m.GetIssuer(), IssuerPattern: m.GetIssuerPattern(), Subject: m.GetSubject(), SubjectPattern: m.GetSubjectPattern(),
		Audience: m.GetAudience(), AudiencePattern: m.GetAudiencePattern(), Claims: m.GetClaims(), ClaimPatterns: m.GetClaimPatterns(),
	}
}

func TestGitHubRun(t *testing.T) {
	var got *iamv1.CreateIdentityRequest
	srv := clienttest.NewServer(t, clienttest.Handlers{Identities: clienttest.CreatingIdentities("x", &got)})
	ios, _, _, _ := iostreams.Test()
	opts := &Options{Name: "deployer", Repo: "example/app", Ref: "main", Audience: "latch", CreateOptions: shared.CreateOptions{
		IO: ios, Parent: "acme.dev",
		Config: func() (*config.Config, error) { return &config.Config{}, nil },
		API:    func() (*client.API, error) { return srv.API, nil },
	}}
	if err := githubRun(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	want := &iamv1.ClaimMatch{
		Iss:           &iamv1.ClaimMatch_Issuer{Issuer: Issuer},
		Sub:           &iamv1.ClaimMatch_SubjectPattern{SubjectPattern: "^repo:example/app:ref:refs/heads/main$"},
		Aud:           &iamv1.ClaimMatch_Audience{Audience: "latch"},
		ClaimPatterns: map[string]string{"repository": "^example/app$", "ref": "^refs/heads/main$"},
	}
	if diff := cmp.Diff(want, got.GetIdentity().GetClaimMatch(), protocmp.Transform()); diff != "" {
		t.Errorf("rule sent (-want +got):\n%s", diff)
	}
}

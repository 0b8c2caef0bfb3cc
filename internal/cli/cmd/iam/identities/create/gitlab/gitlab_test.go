package gitlab

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

func TestNewCmdGitLab(t *testing.T) {
	clitest.RunParseCases(t, NewCmdGitLab, []clitest.ParseCase[Options]{
		{
			Name: "every flag",
			Args: "release --gitlab-project group/sub/app --gitlab-ref v1.0.0 --gitlab-ref-type tag --gitlab-url https://gitlab.example.dev/ --audience latch --parent acme.dev",
			Want: Options{Name: "release", Project: "group/sub/app", Ref: "v1.0.0", RefType: "tag", URL: "https://gitlab.example.dev/", Audience: "latch",
				CreateOptions: shared.CreateOptions{Parent: "acme.dev"}},
		},
		{Name: "defaults", Args: "ci --gitlab-project group/app", Want: Options{Name: "ci", Project: "group/app", RefType: "branch", URL: DefaultURL}},
		{Name: "the project is required", Args: "ci", WantErr: true},
		{Name: "a project without a group", Args: "ci --gitlab-project app", WantErr: true},
		{Name: "an unknown ref type", Args: "ci --gitlab-project group/app --gitlab-ref main --gitlab-ref-type commit", WantErr: true},
		{Name: "a ref type without a ref", Args: "ci --gitlab-project group/app --gitlab-ref-type tag", WantErr: true},
		{Name: "a URL that is not one", Args: "ci --gitlab-project group/app --gitlab-url gitlab.example.dev", WantErr: true},
		{Name: "a ref with a colon", Args: "ci --gitlab-project group/app --gitlab-ref a:b", WantErr: true},
	})
}

// token returns the claims of a GitLab CI job's ID token.
func token(project, refType, ref string) iam.TokenClaims {
	return iam.TokenClaims{
		"iss": DefaultURL, "aud": latchURL,
		"sub":          "project_path:" + project + ":ref_type:" + refType + ":ref:" + ref,
		"project_path": project, "ref": ref, "ref_type": refType,
	}
}

func TestRule(t *testing.T) {
	tests := []struct {
		name     string
		opts     Options
		claims   iam.TokenClaims
		accepted bool
	}{
		{name: "any job of the project", opts: Options{Project: "group/app"}, claims: token("group/app", "branch", "feature"), accepted: true},
		{name: "another project", opts: Options{Project: "group/app"}, claims: token("group/app2", "branch", "main")},
		{name: "a project in a subgroup of the same name", opts: Options{Project: "group/app"}, claims: token("group/app/app", "branch", "main")},
		{name: "the branch", opts: Options{Project: "group/app", Ref: "main", RefType: "branch"}, claims: token("group/app", "branch", "main"), accepted: true},
		{name: "a tag named like the branch", opts: Options{Project: "group/app", Ref: "main", RefType: "branch"}, claims: token("group/app", "tag", "main")},
		{name: "the tag", opts: Options{Project: "group/app", Ref: "v1.0", RefType: "tag"}, claims: token("group/app", "tag", "v1.0"), accepted: true},
		{name: "a dot in the tag is literal", opts: Options{Project: "group/app", Ref: "v1.0", RefType: "tag"}, claims: token("group/app", "tag", "v1x0")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.URL = DefaultURL
			r := tt.opts.rule()
			m := &iam.ClaimMatch{Issuer: r.GetIssuer(), SubjectPattern: r.GetSubjectPattern(), ClaimPatterns: r.GetClaimPatterns()}
			if err := m.Validate(); err != nil {
				t.Fatalf("the generated rule is not valid: %v", err)
			}
			if v := m.Check(tt.claims, latchURL); v.Accepted() != tt.accepted {
				t.Errorf("accepted = %v, want %v; checks %+v", v.Accepted(), tt.accepted, v.Checks)
			}
		})
	}
}

func TestGitLabRun(t *testing.T) {
	var got *iamv1.CreateIdentityRequest
	srv := clienttest.NewServer(t, clienttest.Handlers{Identities: clienttest.CreatingIdentities("x", &got)})
	ios, _, _, _ := iostreams.Test()
	opts := &Options{Name: "ci", Project: "group/app", Ref: "main", RefType: "branch", URL: "https://gitlab.example.dev/", CreateOptions: shared.CreateOptions{
		IO: ios, Parent: "acme.dev",
		Config: func() (*config.Config, error) { return &config.Config{}, nil },
		API:    func() (*client.API, error) { return srv.API, nil },
	}}
	if err := gitlabRun(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	want := &iamv1.ClaimMatch{
		Iss:           &iamv1.ClaimMatch_Issuer{Issuer: "https://gitlab.example.dev"},
		Sub:           &iamv1.ClaimMatch_SubjectPattern{SubjectPattern: "^project_path:group/app:ref_type:branch:ref:main$"},
		ClaimPatterns: map[string]string{"project_path": "^group/app$", "ref": "^main$", "ref_type": "^branch$"},
	}
	if diff := cmp.Diff(want, got.GetIdentity().GetClaimMatch(), protocmp.Transform()); diff != "" {
		t.Errorf("rule sent (-want +got):\n%s", diff)
	}
}

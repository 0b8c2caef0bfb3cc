package create

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/timestamppb"

	"latch.dev/latch/internal/cli/clitest"
	"latch.dev/latch/internal/cli/cmd/iam/identities/shared"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/output"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

const (
	orgID      = "45a0c0000000000000000000000000000000ee95"
	identityID = orgID + "/2c5f700000003871"
)

func TestNewCmdCreate(t *testing.T) {
	clitest.RunParseCases(t, NewCmdCreate, []clitest.ParseCase[Options]{
		{Name: "a file without NAME", Args: "-f id.yaml", Want: Options{Filename: "id.yaml"}},
		{
			Name: "a file, a description and roles",
			Args: "ci -f ci.yaml -d deploys --parent acme.dev --role viewer,editor",
			Want: Options{Name: "ci", Filename: "ci.yaml", CreateOptions: shared.CreateOptions{Description: "deploys", Parent: "acme.dev", Roles: []string{"viewer", "editor"}}},
		},
		{
			Name: "a claim_match rule",
			Args: "ci --identity-issuer https://issuer.example --subject-pattern ^repo:a/b:.+$ --claim-pattern repository:^a/b$,ref:^refs/heads/(main|dev)$ -oid",
			Want: Options{Name: "ci", CreateOptions: shared.CreateOptions{Format: output.ID}, Rule: shared.OIDCRule{
				Issuer:         cmdutil.Given("https://issuer.example"),
				SubjectPattern: cmdutil.Given("^repo:a/b:.+$"),
				ClaimPatterns:  cmdutil.OptionalList{Values: []string{"repository:^a/b$,ref:^refs/heads/(main|dev)$"}, Given: true},
			}},
		},
		{
			Name: "a static rule",
			Args: "kind --identity-issuer https://kubernetes.default.svc --issuer-keys jwks.json --subject system:serviceaccount:a:b --expiration 2026-04-20",
			Want: Options{Name: "kind", Rule: shared.OIDCRule{
				Issuer: cmdutil.Given("https://kubernetes.default.svc"), IssuerKeys: cmdutil.Given("jwks.json"),
				Subject: cmdutil.Given("system:serviceaccount:a:b"), Expiration: cmdutil.Given("2026-04-20"),
			}},
		},
		{Name: "no rule at all", Args: "ci", WantErr: true},
		{Name: "a rule needs a NAME", Args: "--identity-issuer https://i.example --subject s", WantErr: true},
		{Name: "a file and rule flags", Args: "ci -f id.json --subject s", WantErr: true},
		{Name: "an issuer and an issuer pattern", Args: "ci --identity-issuer https://i.example --identity-issuer-pattern x --subject s", WantErr: true},
		{Name: "no subject", Args: "ci --identity-issuer https://i.example", WantErr: true},
		{Name: "no issuer", Args: "ci --subject s", WantErr: true},
		{Name: "a static rule takes no patterns", Args: "kind --identity-issuer https://i.example --issuer-keys k.json --subject-pattern s", WantErr: true},
		{Name: "an expiration needs keys", Args: "ci --identity-issuer https://i.example --subject s --expiration 2026-04-20", WantErr: true},
		{Name: "an expiration that is no date", Args: "kind --identity-issuer https://i.example --issuer-keys k.json --subject s --expiration soon", WantErr: true},
		{Name: "a claim without a colon", Args: "ci --identity-issuer https://i.example --subject s --claim repository", WantErr: true},
		{Name: "two positionals are too many", Args: "a b -f id.json", WantErr: true},
	})
}

// server answers Create with the identity it was sent and records it.
func server(t *testing.T, got **iamv1.CreateIdentityRequest) *clienttest.Server {
	return clienttest.NewServer(t, clienttest.Handlers{Identities: clienttest.CreatingIdentities(identityID, got)})
}

func TestCreateRun(t *testing.T) {
	dir := t.TempDir()
	jwks := filepath.Join(dir, "jwks.json")
	if err := os.WriteFile(jwks, []byte(`{"keys":[{"kty":"EC"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "ci.yaml")
	if err := os.WriteFile(file, []byte("claimMatch: {issuer: https://issuer.example, subject: repo:acme/app}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		opts    Options
		tty     bool
		want    *iamv1.Identity
		wantOut string
	}{
		{
			name: "a claim_match rule, shown field by field on a terminal",
			opts: Options{Name: "ci", Rule: shared.OIDCRule{
				Issuer:          cmdutil.Given("https://token.actions.githubusercontent.com"),
				Subject:         cmdutil.Given("repo:acme/app:ref:refs/heads/main"),
				AudiencePattern: cmdutil.Given("^https://latch\\.example$"),
				Claims:          cmdutil.OptionalList{Values: []string{"repository_owner:acme"}, Given: true},
				ClaimPatterns:   cmdutil.OptionalList{Values: []string{"ref:^refs/heads/(main|dev)$,workflow:^a{1,3}$"}, Given: true},
			}},
			tty: true,
			want: &iamv1.Identity{Name: "ci", Relationship: &iamv1.Identity_ClaimMatch{ClaimMatch: &iamv1.ClaimMatch{
				Iss:           &iamv1.ClaimMatch_Issuer{Issuer: "https://token.actions.githubusercontent.com"},
				Sub:           &iamv1.ClaimMatch_Subject{Subject: "repo:acme/app:ref:refs/heads/main"},
				Aud:           &iamv1.ClaimMatch_AudiencePattern{AudiencePattern: "^https://latch\\.example$"},
				Claims:        map[string]string{"repository_owner": "acme"},
				ClaimPatterns: map[string]string{"ref": "^refs/heads/(main|dev)$", "workflow": "^a{1,3}$"},
			}}},
			wantOut: "ID:                " + identityID + "\n" +
				"NAME:              ci\n" +
				"TYPE:              claim_match\n" +
				"ISSUER:            https://token.actions.githubusercontent.com\n" +
				"SUBJECT:           repo:acme/app:ref:refs/heads/main\n" +
				"AUDIENCE PATTERN:  ^https://latch\\.example$\n" +
				"CLAIMS:            repository_owner=acme\n" +
				"CLAIM PATTERNS:    ref=^refs/heads/(main|dev)$, workflow=^a{1,3}$\n",
		},
		{
			name: "a static rule reads the keys and takes a date",
			opts: Options{Name: "kind", CreateOptions: shared.CreateOptions{Format: output.ID}, Rule: shared.OIDCRule{
				Issuer: cmdutil.Given("https://kubernetes.default.svc"), Subject: cmdutil.Given("system:serviceaccount:a:b"),
				Audience: cmdutil.Given("latch"), IssuerKeys: cmdutil.Given(jwks), Expiration: cmdutil.Given("2026-04-20"),
			}},
			want: &iamv1.Identity{Name: "kind", Relationship: &iamv1.Identity_Static{Static: &iamv1.StaticKeys{
				Issuer: "https://kubernetes.default.svc", Subject: "system:serviceaccount:a:b", Audiences: []string{"latch"},
				IssuerKeys: `{"keys":[{"kty":"EC"}]}`, Expiration: timestamppb.New(time.Date(2026, 4, 20, 0, 0, 0, 0, time.UTC)),
			}}},
			wantOut: identityID + "\n",
		},
		{
			name: "a file, named by NAME, in a pipe",
			opts: Options{Name: "ci", Filename: file, CreateOptions: shared.CreateOptions{Description: "deploys"}},
			want: &iamv1.Identity{Name: "ci", Description: "deploys", Relationship: &iamv1.Identity_ClaimMatch{ClaimMatch: &iamv1.ClaimMatch{
				Iss: &iamv1.ClaimMatch_Issuer{Issuer: "https://issuer.example"},
				Sub: &iamv1.ClaimMatch_Subject{Subject: "repo:acme/app"},
			}}},
			wantOut: identityID + "\tci\tclaim_match\tdeploys\t\thttps://issuer.example\t\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *iamv1.CreateIdentityRequest
			srv := server(t, &got)
			ios, _, out, _ := iostreams.Test()
			ios.SetStdoutTTY(tt.tty)
			opts := tt.opts
			opts.IO, opts.Parent = ios, orgID
			opts.Config = func() (*config.Config, error) { return &config.Config{}, nil }
			opts.API = func() (*client.API, error) { return srv.API, nil }
			if err := createRun(t.Context(), &opts); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got.GetIdentity(), protocmp.Transform()); diff != "" {
				t.Errorf("identity sent (-want +got):\n%s", diff)
			}
			if got.GetParentId() != orgID {
				t.Errorf("parent = %q", got.GetParentId())
			}
			if diff := cmp.Diff(tt.wantOut, out.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

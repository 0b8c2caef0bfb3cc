package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"github.com/coreos/go-oidc/v3/oidc"

	"latch.dev/latch/internal/errs"
	authv1 "latch.dev/latch/internal/gen/latch/auth/v1"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
	"latch.dev/latch/internal/server"
	"latch.dev/latch/internal/server/servertest"
)

func TestTheTutorialsObjectsCanBeCreatedAndListed(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t)
	ctx := context.Background()
	api := s.AdminAPI()

	org, err := api.Groups.Create(ctx, connect.NewRequest(&iamv1.CreateGroupRequest{Group: &iamv1.Group{Name: "example.dev"}}))
	if err != nil {
		t.Fatalf("create organization: %v", err)
	}
	id, err := api.Identities.Create(ctx, connect.NewRequest(&iamv1.CreateIdentityRequest{
		ParentId: "example.dev",
		Identity: &iamv1.Identity{Name: "aws-ec2-identity", Relationship: &iamv1.Identity_AwsIdentity{AwsIdentity: &iamv1.AWSIdentity{
			AwsAccount: "123456789012",
			AwsArn:     &iamv1.AWSIdentity_ArnPattern{ArnPattern: "^arn:aws:sts::123456789012:assumed-role/app/(.+)$"},
			AwsUserId:  &iamv1.AWSIdentity_UserIdPattern{UserIdPattern: "^AROAEXAMPLE:(.+)$"},
		}}},
	}))
	if err != nil {
		t.Fatalf("create identity: %v", err)
	}
	if !strings.HasPrefix(id.Msg.GetId(), org.Msg.GetId()+"/") {
		t.Errorf("identity ID %s is not a child of the organization %s", id.Msg.GetId(), org.Msg.GetId())
	}
	if _, err := api.RoleBindings.Create(ctx, connect.NewRequest(&iamv1.CreateRoleBindingRequest{
		Parent: "example.dev", RoleBinding: &iamv1.RoleBinding{Identity: "aws-ec2-identity", Role: "viewer"},
	})); err != nil {
		t.Fatalf("create role binding: %v", err)
	}
	list, err := api.RoleBindings.List(ctx, connect.NewRequest(&iamv1.RoleBindingFilter{}))
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, b := range list.Msg.GetItems() {
		if b.GetIdentityName() == "aws-ec2-identity" && b.GetRole().GetName() == "viewer" && b.GetGroup().GetName() == "example.dev" {
			found = true
		}
	}
	if !found {
		t.Errorf("the viewer binding of aws-ec2-identity is not listed: %v", list.Msg.GetItems())
	}
}

func TestInvalidIdentitiesAreRefusedNamingTheField(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t)
	ctx := context.Background()
	api := s.AdminAPI()
	if _, err := api.Groups.Create(ctx, connect.NewRequest(&iamv1.CreateGroupRequest{Group: &iamv1.Group{Name: "example.dev"}})); err != nil {
		t.Fatal(err)
	}
	aws := func(acct, arnPattern string) *iamv1.Identity {
		return &iamv1.Identity{Name: "x", Relationship: &iamv1.Identity_AwsIdentity{AwsIdentity: &iamv1.AWSIdentity{
			AwsAccount: acct,
			AwsArn:     &iamv1.AWSIdentity_ArnPattern{ArnPattern: arnPattern},
			AwsUserId:  &iamv1.AWSIdentity_UserIdPattern{UserIdPattern: "^AROA.*$"},
		}}}
	}
	tests := []struct {
		name  string
		id    *iamv1.Identity
		field string
	}{
		{"an 11-digit account", aws("12345678901", "^arn:.*$"), "aws_identity.aws_account"},
		{"a wildcard account", aws("*", "^arn:.*$"), "aws_identity.aws_account"},
		{"a pattern that does not compile", aws("123456789012", "^arn:(aws$"), "aws_identity.arn_pattern"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := api.Identities.Create(ctx, connect.NewRequest(&iamv1.CreateIdentityRequest{ParentId: "example.dev", Identity: tt.id}))
			if errs.KindOf(err) != errs.Invalid {
				t.Fatalf("got %v, want an invalid-argument error", err)
			}
			if !strings.Contains(errs.Message(err), tt.field) {
				t.Errorf("message %q does not name the field %s", errs.Message(err), tt.field)
			}
		})
	}
	_, err := api.RoleBindings.Create(ctx, connect.NewRequest(&iamv1.CreateRoleBindingRequest{
		Parent: "example.dev", RoleBinding: &iamv1.RoleBinding{Identity: "admin", Role: "no-such-role"},
	}))
	if errs.KindOf(err) != errs.NotFound || !strings.Contains(errs.Message(err), "role") {
		t.Errorf("binding an unknown role: got %v, want not found naming the role", err)
	}
}

func TestTheDiscoveryDocumentVerifiesIssuedTokens(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t)
	ctx := context.Background()
	p, err := oidc.NewProvider(ctx, s.URL)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	if _, err := p.Verifier(&oidc.Config{ClientID: s.URL}).Verify(ctx, s.Admin.Token); err != nil {
		t.Errorf("go-oidc does not verify a token the server minted: %v", err)
	}
	if _, err := p.Verifier(&oidc.Config{ClientID: "https://elsewhere.example"}).Verify(ctx, s.Admin.Token); err == nil {
		t.Error("go-oidc accepted the token for another audience")
	}
}

func TestHealthReadinessAndMetricsAnswer(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t)
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		resp, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d %s", path, resp.StatusCode, body)
		}
		if path != "/metrics" {
			continue
		}
		for _, want := range []string{"latch_http_requests_total", `go_sql_open_connections{db_name="read"}`, `go_sql_wait_count_total{db_name="write"}`} {
			if !strings.Contains(string(body), want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
	}
}

func TestTheBootstrapWorksOnceAndOnlyWithTheSecret(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t, servertest.WithConfig(func(c *server.Config) { c.BootstrapSecret = "" }))
	ctx := context.Background()
	path := filepath.Join(s.DataDir, server.BootstrapFileName)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("the server wrote no bootstrap secret: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("the bootstrap secret has mode %v, want 0600", info.Mode().Perm())
	}
	secret, _ := os.ReadFile(path)
	c := s.Client()
	if _, err := c.Bootstrap(ctx, "latch_bs_a-guess-a-guess-a-guess-a-guess-x", "mallory"); errs.KindOf(err) != errs.Unauthenticated {
		t.Errorf("a wrong secret: got %v, want unauthenticated", err)
	}
	tok, err := c.Bootstrap(ctx, strings.TrimSpace(string(secret)), "root")
	if err != nil {
		t.Fatalf("bootstrap with the secret: %v", err)
	}
	if tok.RefreshToken == "" {
		t.Error("the bootstrap gave no refresh token")
	}
	_, err = c.Bootstrap(ctx, strings.TrimSpace(string(secret)), "again")
	if errs.KindOf(err) != errs.Conflict || !strings.Contains(errs.Message(err), "already") {
		t.Errorf("a second bootstrap: got %v, want a conflict saying it happened already", err)
	}
	who, err := s.API(tok.Token).Auth.WhoAmI(ctx, connect.NewRequest(&authv1.WhoAmIRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	if who.Msg.GetIdentityName() != "root" || len(who.Msg.GetGrants()) != 1 || who.Msg.GetGrants()[0].GetGroup() != "/" {
		t.Errorf("the bootstrap administrator is %v; want root, owner of the whole server", who.Msg)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the used secret file should stay until the next start: %v", err)
	}
}

// TestTokenEndpointsAnswerMistakesInTheirErrorShape sends what a client
// might get wrong about the /sts endpoints themselves: every answer is the
// JSON error shape with the status HTTP has for it.
func TestTokenEndpointsAnswerMistakesInTheirErrorShape(t *testing.T) {
	t.Parallel()
	s := servertest.Start(t)
	for _, tc := range []struct {
		method, path string
		status       int
		code, says   string
	}{
		{http.MethodPut, "/sts/exchange", http.StatusMethodNotAllowed, "invalid_argument", "PUT is not allowed here; use GET, POST"},
		{http.MethodGet, "/sts/exchange/", http.StatusNotFound, "not_found", "/sts/exchange/ is not a token endpoint"},
		{http.MethodPost, "/sts/token", http.StatusNotFound, "not_found", "they are /sts/exchange"},
	} {
		req, err := http.NewRequestWithContext(t.Context(), tc.method, s.URL+tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Code, Message string }
		err = json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		switch {
		case err != nil:
			t.Errorf("%s %s: %d, not the JSON error shape: %v", tc.method, tc.path, res.StatusCode, err)
		case res.StatusCode != tc.status || body.Code != tc.code || !strings.Contains(body.Message, tc.says):
			t.Errorf("%s %s: %d %s %q; want %d %s saying %q", tc.method, tc.path, res.StatusCode, body.Code, body.Message, tc.status, tc.code, tc.says)
		case tc.status == http.StatusMethodNotAllowed && res.Header.Get("Allow") != "GET, POST":
			t.Errorf("%s %s: Allow %q", tc.method, tc.path, res.Header.Get("Allow"))
		}
	}
}

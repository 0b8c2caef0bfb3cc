package cli

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"latch.dev/latch/internal/cli/factory"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/tokencache"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	"latch.dev/latch/internal/errs"
	authv1 "latch.dev/latch/internal/gen/latch/auth/v1"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// TestTutorial runs every command of the EC2 assumable-identity tutorial,
// with chainctl replaced by latch, against a server stub that answers the
// way the tutorial expects.
func TestTutorial(t *testing.T) {
	const (
		org        = "45a0c0000000000000000000000000000000ee95"
		identityID = org + "/2c5f700000003871"
		viewerID   = "63921b2c44617e3f2603851537be0123af4a57d7"
	)
	var created *iamv1.CreateIdentityRequest
	var bound *iamv1.CreateRoleBindingRequest
	srv := clienttest.NewServer(t, clienttest.Handlers{
		Groups: &clienttest.Groups{ListFunc: func(context.Context, *iamv1.GroupFilter) (*iamv1.GroupList, error) {
			return &iamv1.GroupList{Items: []*iamv1.Group{{Id: org, Name: "chainguard.edu", Description: "Chainguard Academy"}}}, nil
		}},
		Identities: &clienttest.Identities{
			CreateFunc: func(_ context.Context, r *iamv1.CreateIdentityRequest) (*iamv1.Identity, error) {
				created = r
				return &iamv1.Identity{Id: identityID, Name: r.GetIdentity().GetName()}, nil
			},
			ListFunc: func(context.Context, *iamv1.IdentityFilter) (*iamv1.IdentityList, error) {
				return &iamv1.IdentityList{Items: []*iamv1.Identity{{Id: identityID, Name: "aws-ec2-identity",
					Relationship: &iamv1.Identity_AwsIdentity{AwsIdentity: &iamv1.AWSIdentity{AwsAccount: "453012345643"}}}}}, nil
			},
		},
		RoleBindings: &clienttest.RoleBindings{
			CreateFunc: func(_ context.Context, r *iamv1.CreateRoleBindingRequest) (*iamv1.RoleBinding, error) {
				bound = r
				return &iamv1.RoleBinding{Id: org + "/a2973bac66ebfde3", Identity: identityID, Role: viewerID}, nil
			},
			ListFunc: func(context.Context, *iamv1.RoleBindingFilter) (*iamv1.RoleBindingList, error) {
				return &iamv1.RoleBindingList{Items: []*iamv1.RoleBindingList_Binding{{
					Id: org + "/a2973bac66ebfde3", Identity: identityID, IdentityName: "aws-ec2-identity",
					Group: &iamv1.Group{Id: org, Name: "chainguard.edu"}, Role: &iamv1.Role{Id: viewerID, Name: "viewer"},
				}}}, nil
			},
		},
		Roles: &clienttest.Roles{ListFunc: func(context.Context, *iamv1.RoleFilter) (*iamv1.RoleList, error) {
			return &iamv1.RoleList{Items: []*iamv1.Role{{Id: viewerID, Name: "viewer", BuiltIn: true}}}, nil
		}},
		Auth: &clienttest.Auth{WhoAmIFunc: func(context.Context, *authv1.WhoAmIRequest) (*authv1.WhoAmIResponse, error) {
			return &authv1.WhoAmIResponse{Subject: identityID, IdentityName: "aws-ec2-identity"}, nil
		}},
		HTTP: map[string]http.HandlerFunc{
			"POST /sts/exchange": clienttest.TokenHandler(func(bearer string, r *http.Request) (client.Token, error) {
				if bearer != "c2lnbmVkLXJlcXVlc3Q=" || r.PostForm.Get("identity") != identityID {
					return client.Token{}, errs.New(errs.PermissionDenied, "the proof does not match")
				}
				return client.Token{Token: clienttest.Token, Expiry: time.Now().Add(time.Hour)}, nil
			}),
		},
	})

	// The workstation is logged in already (`latch auth login`).
	work := t.TempDir()
	env := map[string]string{"HOME": work, "XDG_CACHE_HOME": filepath.Join(work, "cache"), "XDG_CONFIG_HOME": filepath.Join(work, "config"), "LATCH_URL": srv.URL}
	cache, err := tokencache.New(filepath.Join(work, "cache", "latch"), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := cache.Save(tokencache.Credentials{AccessToken: clienttest.Token, Login: tokencache.Login{Expiry: time.Now().Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	idFile := filepath.Join(work, "id.json")
	err = os.WriteFile(idFile, []byte(`{
"name":"aws-ec2-identity",
"awsIdentity": {
"aws_account" : "453012345643",
"arnPattern" : "^arn:aws:sts::453012345643:assumed-role/AmazonSSMRoleForInstancesQuickSetup/(.+)$",
"userIdPattern" : "^AROAWSEXAMPLEC2UL7LUB:(.+)$"
}
}`), 0o600)
	if err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		args string
		want []string
	}{
		{"iam organizations ls -o table", []string{"ID", "NAME", "DESCRIPTION", "chainguard.edu", "Chainguard Academy"}},
		{"iam id create aws --filename " + idFile + " -oid --parent chainguard.edu", []string{identityID + "\n"}},
		{"iam rolebinding create --identity aws-ec2-identity --role viewer --parent chainguard.edu", []string{"aws-ec2-identity", "viewer", "chainguard.edu"}},
		{"iam roles list", []string{"viewer"}},
		{"iam identities list -o table", []string{"ID", identityID, "aws-ec2-identity", "chainguard.edu: viewer"}},
		// On the EC2 instance, in a fresh cache:
		{"auth login --identity-token c2lnbmVkLXJlcXVlc3Q= --identity " + identityID, []string{"Successfully exchanged token.\nValid! Id: " + identityID + "\n"}},
	}
	for _, step := range steps {
		if strings.HasPrefix(step.args, "auth login") {
			env["XDG_CACHE_HOME"] = filepath.Join(work, "ec2-cache")
		}
		ios, _, out, errOut := iostreams.Test()
		code := Run(t.Context(), factory.New(ios, func(k string) string { return env[k] }), strings.Fields(step.args))
		if code != ExitOK {
			t.Fatalf("latch %s: exit %d\n%s", step.args, code, errOut)
		}
		for _, w := range step.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("latch %s: output lacks %q:\n%s", step.args, w, out)
			}
		}
	}
	if created.GetParentId() != "chainguard.edu" || created.GetIdentity().GetName() != "aws-ec2-identity" ||
		created.GetIdentity().GetAwsIdentity().GetUserIdPattern() != "^AROAWSEXAMPLEC2UL7LUB:(.+)$" {
		t.Errorf("identity create request = %v", created)
	}
	if bound.GetParent() != "chainguard.edu" || bound.GetRoleBinding().GetIdentity() != "aws-ec2-identity" || bound.GetRoleBinding().GetRole() != "viewer" {
		t.Errorf("role binding create request = %v", bound)
	}
}

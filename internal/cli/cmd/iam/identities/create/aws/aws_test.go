package aws

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"latch.dev/latch/internal/cli/clitest"
	"latch.dev/latch/internal/cli/cmd/iam/identities/shared"
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

func TestNewCmdRole(t *testing.T) {
	clitest.RunParseCases(t, NewCmdRole, []clitest.ParseCase[RoleOptions]{
		{
			Name: "every flag",
			Args: "app --aws-account-id 123456789012 --aws-role-name App_Role+1 --aws-role-id AROAEXAMPLEEXAMPLE12345 --aws-partition aws-cn --parent acme.dev -d deploys --role viewer -oid",
			Want: RoleOptions{Name: "app", Account: account, RoleName: "App_Role+1", RoleID: roleID, Partition: "aws-cn",
				CreateOptions: shared.CreateOptions{Parent: "acme.dev", Description: "deploys", Roles: []string{"viewer"}, Format: output.ID}},
		},
		{Name: "the partition defaults to aws", Args: "app --aws-account-id 123456789012 --aws-role-name app", Want: RoleOptions{Name: "app", Account: account, RoleName: "app", Partition: "aws"}},
		{Name: "NAME is required", Args: "--aws-account-id 123456789012 --aws-role-name app", WantErr: true},
		{Name: "the account is required", Args: "app --aws-role-name app", WantErr: true},
		{Name: "the role name is required", Args: "app --aws-account-id 123456789012", WantErr: true},
		{Name: "an account of 11 digits", Args: "app --aws-account-id 12345678901 --aws-role-name app", WantErr: true},
		{Name: "an account with a wildcard", Args: "app --aws-account-id 12345678901* --aws-role-name app", WantErr: true},
		{Name: "a role path", Args: "app --aws-account-id 123456789012 --aws-role-name service/app", WantErr: true},
		{Name: "a role ARN", Args: "app --aws-account-id 123456789012 --aws-role-name arn:aws:iam::123456789012:role/app", WantErr: true},
		{Name: "a role name with a space", Args: "app --aws-account-id 123456789012 --aws-role-name 'my app'", WantErr: true},
		{Name: "a role name over 64 characters", Args: "app --aws-account-id 123456789012 --aws-role-name a23456789012345678901234567890123456789012345678901234567890123456", WantErr: true},
		{Name: "a user ID as the role ID", Args: "app --aws-account-id 123456789012 --aws-role-name app --aws-role-id AIDAEXAMPLEEXAMPLE12345", WantErr: true},
		{Name: "an unknown partition", Args: "app --aws-account-id 123456789012 --aws-role-name app --aws-partition aws-iso", WantErr: true},
	})
}

func TestNewCmdUser(t *testing.T) {
	clitest.RunParseCases(t, NewCmdUser, []clitest.ParseCase[UserOptions]{
		{
			Name: "every flag",
			Args: "ci --aws-account-id 123456789012 --aws-user-name ci-bot@example --aws-user-path /division/team/ --aws-user-id AIDAEXAMPLEEXAMPLE67890 --aws-partition aws-us-gov --parent acme.dev",
			Want: UserOptions{Name: "ci", Account: account, UserName: "ci-bot@example", UserPath: "/division/team/", UserID: userID, Partition: "aws-us-gov",
				CreateOptions: shared.CreateOptions{Parent: "acme.dev"}},
		},
		{Name: "no path by default", Args: "ci --aws-account-id 123456789012 --aws-user-name ci", Want: UserOptions{Name: "ci", Account: account, UserName: "ci", UserPath: "/", Partition: "aws"}},
		{Name: "a path without the closing slash", Args: "ci --aws-account-id 123456789012 --aws-user-name ci --aws-user-path /division", WantErr: true},
		{Name: "a path in the name", Args: "ci --aws-account-id 123456789012 --aws-user-name division/ci", WantErr: true},
		{Name: "a role ID as the user ID", Args: "ci --aws-account-id 123456789012 --aws-user-name ci --aws-user-id AROAEXAMPLEEXAMPLE12345", WantErr: true},
		{Name: "a lower-case user ID", Args: "ci --aws-account-id 123456789012 --aws-user-name ci --aws-user-id aidaexampleexample67890", WantErr: true},
		{Name: "the user name is required", Args: "ci --aws-account-id 123456789012", WantErr: true},
	})
}

func TestNewCmdAWS(t *testing.T) {
	got, err := clitest.Parse(t, NewCmdAWS, "--filename id.json -oid --parent chainguard.edu")
	if err != nil {
		t.Fatal(err)
	}
	if got.Filename != "id.json" || got.Parent != "chainguard.edu" || got.Format != output.ID {
		t.Errorf("the tutorial's form: options = %+v", got)
	}
	for _, args := range []string{"", "--parent acme.dev", "rol app"} {
		if _, err := clitest.Parse(t, NewCmdAWS, args); !clitest.IsUsageError(err) {
			t.Errorf("%q: err = %v, want a usage error", args, err)
		}
	}
}

// server answers Create with the identity it was sent and records it.
func server(t *testing.T, got **iamv1.CreateIdentityRequest) *clienttest.Server {
	return clienttest.NewServer(t, clienttest.Handlers{Identities: clienttest.CreatingIdentities(identityID, got)})
}

func createOptions(srv *clienttest.Server, tty bool) (shared.CreateOptions, *bytes.Buffer, *bytes.Buffer) {
	ios, _, out, errOut := iostreams.Test()
	ios.SetStdoutTTY(tty)
	return shared.CreateOptions{
		IO: ios, Parent: "acme.dev",
		Config: func() (*config.Config, error) { return &config.Config{}, nil },
		API:    func() (*client.API, error) { return srv.API, nil },
	}, out, errOut
}

func TestRoleRun(t *testing.T) {
	tests := []struct {
		name    string
		tty     bool
		roleID  string
		format  output.Format
		wantOut string
		wantTip bool
	}{
		{
			name: "a terminal shows the rule and a tip to pin the role",
			tty:  true,
			wantOut: "ID:               " + identityID + "\nNAME:             ec2-app\nTYPE:             aws\nISSUER:           aws:123456789012\n" +
				"AWS ACCOUNT:      123456789012\nARN PATTERN:      ^arn:aws:sts::123456789012:assumed-role/app/[^/]+$\n" +
				"USER ID PATTERN:  ^AROA[0-9A-Z]{16,124}:.+$\n",
			wantTip: true,
		},
		{
			name:    "a pipe gets one line and no tip",
			wantOut: identityID + "\tec2-app\taws\t\t\taws:123456789012\t\n",
		},
		{
			name:   "json shows the rule",
			roleID: roleID,
			format: output.JSON,
			tty:    true,
			wantOut: `{
  "id": "` + identityID + `",
  "name": "ec2-app",
  "aws_identity": {
    "aws_account": "123456789012",
    "arn_pattern": "^arn:aws:sts::123456789012:assumed-role/app/[^/]+$",
    "user_id_pattern": "^AROAEXAMPLEEXAMPLE12345:.+$"
  }
}
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *iamv1.CreateIdentityRequest
			srv := server(t, &got)
			co, out, errOut := createOptions(srv, tt.tty)
			co.Format = tt.format
			opts := &RoleOptions{CreateOptions: co, Name: "ec2-app", Account: account, RoleName: "app", RoleID: tt.roleID, Partition: "aws"}
			if err := roleRun(t.Context(), opts); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantOut, out.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
			tip := errOut.String()
			if (tip != "") != tt.wantTip {
				t.Errorf("stderr = %q, want a tip: %v", tip, tt.wantTip)
			}
			if diff := cmp.Diff(roleRule("aws", account, "app", tt.roleID), got.GetIdentity().GetAwsIdentity(), protocmp.Transform()); diff != "" {
				t.Errorf("rule sent (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUserRun(t *testing.T) {
	var got *iamv1.CreateIdentityRequest
	srv := server(t, &got)
	co, _, _ := createOptions(srv, false)
	opts := &UserOptions{CreateOptions: co, Name: "ci", Account: account, UserName: "ci-bot", UserPath: "/division/", Partition: "aws"}
	if err := userRun(t.Context(), opts); err != nil {
		t.Fatal(err)
	}
	want := &iamv1.AWSIdentity{
		AwsAccount: account,
		AwsArn:     &iamv1.AWSIdentity_Arn{Arn: "arn:aws:iam::123456789012:user/division/ci-bot"},
		AwsUserId:  &iamv1.AWSIdentity_UserIdPattern{UserIdPattern: "^AIDA[0-9A-Z]{16,124}$"},
	}
	if diff := cmp.Diff(want, got.GetIdentity().GetAwsIdentity(), protocmp.Transform()); diff != "" {
		t.Errorf("rule sent (-want +got):\n%s", diff)
	}
}

// The tutorial's file, with "aws" in the NAME position, names the
// identity from the file and says nothing about the NAME.
func TestAWSRunTheTutorialsFile(t *testing.T) {
	var got *iamv1.CreateIdentityRequest
	srv := server(t, &got)
	co, out, errOut := createOptions(srv, false)
	co.Format = output.ID
	file := filepath.Join(t.TempDir(), "id.json")
	const tutorial = `{
"name":"aws-ec2-identity",
"awsIdentity": {
"aws_account" : "453012345643",
"arnPattern" : "^arn:aws:sts::453012345643:assumed-role/AmazonSSMRoleForInstancesQuickSetup/(.+)$",
"userIdPattern" : "^AROAEXAMPLE:(.+)$"
}
}`
	if err := os.WriteFile(file, []byte(tutorial), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := awsRun(t.Context(), &Options{CreateOptions: co, Filename: file}); err != nil {
		t.Fatal(err)
	}
	if got.GetIdentity().GetName() != "aws-ec2-identity" || got.GetIdentity().GetAwsIdentity().GetAwsAccount() != "453012345643" {
		t.Errorf("identity sent = %v", got.GetIdentity())
	}
	if out.String() != identityID+"\n" || errOut.String() != "" {
		t.Errorf("stdout = %q, stderr = %q; want the ID and nothing", out, errOut)
	}
}

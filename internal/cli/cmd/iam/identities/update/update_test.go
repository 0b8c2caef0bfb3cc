package update

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"latch.dev/latch/internal/cli/clitest"
	"latch.dev/latch/internal/cli/cmd/iam/identities/shared"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/output"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/client/clienttest"
	"latch.dev/latch/internal/errs"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

const (
	orgID = "45a0c0000000000000000000000000000000ee95"
	awsID = orgID + "/2c5f700000003871"
	ciID  = orgID + "/0000000000000002"
)

func TestNewCmdUpdate(t *testing.T) {
	clitest.RunParseCases(t, NewCmdUpdate, []clitest.ParseCase[Options]{
		{
			Name: "name and an empty description",
			Args: "ec2-app --parent acme.dev --name ec2 --description '' -o json",
			Want: Options{Ref: "ec2-app", Parent: "acme.dev", Name: cmdutil.Given("ec2"), Description: cmdutil.Given(""), Format: output.JSON},
		},
		{
			Name: "an AWS rule field",
			Args: "ec2-app --aws-user-id-pattern ^AROAEXAMPLEEXAMPLE12345:.+$",
			Want: Options{Ref: "ec2-app", AWS: shared.AWSRule{UserIDPattern: cmdutil.Given("^AROAEXAMPLEEXAMPLE12345:.+$")}},
		},
		{
			Name: "an OIDC rule field",
			Args: "ci --subject-pattern ^repo:a/b:.+$",
			Want: Options{Ref: "ci", OIDC: shared.OIDCRule{SubjectPattern: cmdutil.Given("^repo:a/b:.+$")}},
		},
		{Name: "a file", Args: "ci -f ci.json", Want: Options{Ref: "ci", Filename: "ci.json"}},
		{Name: "nothing to change", Args: "ci", WantErr: true},
		{Name: "a file and rule flags", Args: "ci -f ci.json --subject s", WantErr: true},
		{Name: "AWS and OIDC flags", Args: "ci --subject s --aws-arn-pattern x", WantErr: true},
		{Name: "both ARN forms", Args: "ci --aws-arn a --aws-arn-pattern b", WantErr: true},
		{Name: "no identity", Args: "--name x", WantErr: true},
	})
}

func identities() []*iamv1.Identity {
	return []*iamv1.Identity{
		{Id: awsID, Name: "ec2-app", Description: "EC2", Relationship: &iamv1.Identity_AwsIdentity{AwsIdentity: &iamv1.AWSIdentity{
			AwsAccount: "123456789012",
			AwsArn:     &iamv1.AWSIdentity_ArnPattern{ArnPattern: "^arn:aws:sts::123456789012:assumed-role/app/[^/]+$"},
			AwsUserId:  &iamv1.AWSIdentity_UserIdPattern{UserIdPattern: "^AROA[0-9A-Z]{16,124}:.+$"},
		}}},
		{Id: ciID, Name: "ci", Relationship: &iamv1.Identity_ClaimMatch{ClaimMatch: &iamv1.ClaimMatch{
			Iss: &iamv1.ClaimMatch_Issuer{Issuer: "https://issuer.example"},
			Sub: &iamv1.ClaimMatch_Subject{Subject: "repo:a/b"},
		}}},
	}
}

func TestUpdateRun(t *testing.T) {
	tests := []struct {
		name     string
		opts     Options
		tty      bool
		want     *iamv1.Identity
		wantOut  string
		wantKind errs.Kind
	}{
		{
			name: "a description keeps the rest, in a pipe",
			opts: Options{Ref: "ec2-app", Description: cmdutil.Given("EC2 instances")},
			want: func() *iamv1.Identity {
				id := proto.Clone(identities()[0]).(*iamv1.Identity)
				id.Description = "EC2 instances"
				return id
			}(),
			wantOut: awsID + "\tec2-app\taws\tEC2 instances\t\taws:123456789012\t\n",
		},
		{
			name: "pinning the role's ID, on a terminal",
			opts: Options{Ref: awsID, AWS: shared.AWSRule{UserIDPattern: cmdutil.Given("^AROAEXAMPLEEXAMPLE12345:.+$")}},
			tty:  true,
			want: func() *iamv1.Identity {
				id := proto.Clone(identities()[0]).(*iamv1.Identity)
				id.GetAwsIdentity().AwsUserId = &iamv1.AWSIdentity_UserIdPattern{UserIdPattern: "^AROAEXAMPLEEXAMPLE12345:.+$"}
				return id
			}(),
			wantOut: "ID:               " + awsID + "\nNAME:             ec2-app\nTYPE:             aws\nDESCRIPTION:      EC2\nISSUER:           aws:123456789012\n" +
				"AWS ACCOUNT:      123456789012\nARN PATTERN:      ^arn:aws:sts::123456789012:assumed-role/app/[^/]+$\nUSER ID PATTERN:  ^AROAEXAMPLEEXAMPLE12345:.+$\n",
		},
		{
			name: "a subject pattern replaces the subject",
			opts: Options{Ref: "ci", OIDC: shared.OIDCRule{SubjectPattern: cmdutil.Given("^repo:a/b:.+$")}, Format: output.ID},
			want: &iamv1.Identity{Id: ciID, Name: "ci", Relationship: &iamv1.Identity_ClaimMatch{ClaimMatch: &iamv1.ClaimMatch{
				Iss: &iamv1.ClaimMatch_Issuer{Issuer: "https://issuer.example"},
				Sub: &iamv1.ClaimMatch_SubjectPattern{SubjectPattern: "^repo:a/b:.+$"},
			}}},
			wantOut: ciID + "\n",
		},
		{name: "OIDC flags on an AWS identity", opts: Options{Ref: "ec2-app", OIDC: shared.OIDCRule{Subject: cmdutil.Given("s")}}, wantKind: errs.Invalid},
		{name: "AWS flags on an OIDC identity", opts: Options{Ref: "ci", AWS: shared.AWSRule{Account: cmdutil.Given("123456789012")}}, wantKind: errs.Invalid},
		{name: "static flags on a claim_match identity", opts: Options{Ref: "ci", OIDC: shared.OIDCRule{IssuerKeys: cmdutil.Given("k.json")}}, wantKind: errs.Invalid},
		{name: "an unknown identity", opts: Options{Ref: "nobody", Name: cmdutil.Given("x")}, wantKind: errs.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *iamv1.Identity
			srv := clienttest.NewServer(t, clienttest.Handlers{Identities: &clienttest.Identities{
				ListFunc: func(_ context.Context, f *iamv1.IdentityFilter) (*iamv1.IdentityList, error) {
					out := &iamv1.IdentityList{}
					for _, id := range identities() {
						if id.GetName() == f.GetName() || id.GetId() == f.GetId() {
							out.Items = append(out.Items, id)
						}
					}
					return out, nil
				},
				UpdateFunc: func(_ context.Context, id *iamv1.Identity) (*iamv1.Identity, error) {
					got = id
					return id, nil
				},
			}})
			ios, _, out, _ := iostreams.Test()
			ios.SetStdoutTTY(tt.tty)
			opts := tt.opts
			opts.IO = ios
			opts.Config = func() (*config.Config, error) { return &config.Config{}, nil }
			opts.API = func() (*client.API, error) { return srv.API, nil }
			err := updateRun(t.Context(), &opts)
			if tt.wantKind != 0 {
				if !errs.Is(err, tt.wantKind) || got != nil {
					t.Fatalf("err = %v (update sent: %v), want kind %v and nothing sent", err, got, tt.wantKind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, protocmp.Transform()); diff != "" {
				t.Errorf("identity sent (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantOut, out.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

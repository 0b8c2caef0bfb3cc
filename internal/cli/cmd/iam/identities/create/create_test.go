package create

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"latch.dev/latch/internal/cli/clitest"
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
	tests := []struct {
		name    string
		args    string
		want    Options
		wantErr bool
	}{
		{
			name: "the tutorial's command",
			args: "aws --filename id.json -oid --parent chainguard.edu",
			want: Options{Name: "aws", Filename: "id.json", Parent: "chainguard.edu", Format: output.ID},
		},
		{name: "no NAME with -f", args: "-f id.yaml", want: Options{Filename: "id.yaml"}},
		{name: "a description", args: "ci -f ci.yaml -d deploys", want: Options{Name: "ci", Filename: "ci.yaml", Description: "deploys"}},
		{name: "--filename is required", args: "aws --parent x", wantErr: true},
		{name: "two positionals are too many", args: "aws role -f id.json", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *Options
			cmd := NewCmdCreate(&cmdutil.Factory{}, func(_ context.Context, o *Options) error { got = o; return nil })
			err := clitest.ParseArgs(t, cmd, tt.args)
			if tt.wantErr {
				var fe *cmdutil.FlagError
				if !errors.As(err, &fe) {
					t.Fatalf("err = %v, want a usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.IO, got.Config, got.API = nil, nil, nil
			if diff := cmp.Diff(tt.want, *got); diff != "" {
				t.Errorf("options (-want +got):\n%s", diff)
			}
		})
	}
}

const tutorialFile = `{
"name":"aws-ec2-identity",
"awsIdentity": {
"aws_account" : "453012345643",
"arnPattern" : "^arn:aws:sts::453012345643:assumed-role/AmazonSSMRoleForInstancesQuickSetup/(.+)$",
"userIdPattern" : "^AROAEXAMPLE:(.+)$"
}
}`

func TestCreateRun(t *testing.T) {
	var got *iamv1.CreateIdentityRequest
	srv := clienttest.NewServer(t, clienttest.Handlers{Identities: &clienttest.Identities{
		CreateFunc: func(_ context.Context, r *iamv1.CreateIdentityRequest) (*iamv1.Identity, error) {
			got = r
			id := proto.Clone(r.GetIdentity()).(*iamv1.Identity)
			id.Id = identityID
			return id, nil
		},
	}})
	file := filepath.Join(t.TempDir(), "id.json")
	if err := os.WriteFile(file, []byte(tutorialFile), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		opts       Options
		cfg        config.Config
		tty        bool
		wantOut    string
		wantErrOut string
		wantName   string
		wantParent string
	}{
		{
			name:       "the tutorial's form prints the ID and names the identity from the file",
			opts:       Options{Name: "aws", Parent: "chainguard.edu", Format: output.ID},
			wantOut:    identityID + "\n",
			wantName:   "aws-ec2-identity",
			wantParent: "chainguard.edu",
		},
		{
			name:       "a differing NAME is reported and ignored",
			opts:       Options{Name: "other", Parent: orgID, Format: output.ID},
			wantOut:    identityID + "\n",
			wantErrOut: `Using the name "aws-ec2-identity" from ` + file + `; the NAME argument "other" is ignored.` + "\n",
			wantName:   "aws-ec2-identity",
			wantParent: orgID,
		},
		{
			name:       "the parent defaults to the config's",
			opts:       Options{},
			cfg:        config.Config{DefaultParent: "acme.dev"},
			tty:        true,
			wantOut:    "ID:      " + identityID + "\nNAME:    aws-ec2-identity\nTYPE:    aws\nISSUER:  aws:453012345643\nMATCH:   ^arn:aws:sts::453012345643:assumed-role/AmazonSSMRoleForInstancesQuickSetup/(.+)$\n",
			wantName:   "aws-ec2-identity",
			wantParent: "acme.dev",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, errOut := iostreams.Test()
			ios.SetStdoutTTY(tt.tty)
			opts := tt.opts
			opts.IO, opts.Filename = ios, file
			opts.Config = func() (*config.Config, error) { return &tt.cfg, nil }
			opts.API = func() (*client.API, error) { return srv.API, nil }
			if err := createRun(t.Context(), &opts); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantOut, out.String()); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if errOut.String() != tt.wantErrOut {
				t.Errorf("stderr = %q, want %q", errOut.String(), tt.wantErrOut)
			}
			if got.GetIdentity().GetName() != tt.wantName || got.GetParentId() != tt.wantParent {
				t.Errorf("request = %v", got)
			}
			if got.GetIdentity().GetAwsIdentity().GetAwsAccount() != "453012345643" {
				t.Errorf("the AWS rule was not sent: %v", got)
			}
		})
	}
}

func TestCreateRunNeedsAParent(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	err := createRun(t.Context(), &Options{
		IO:       ios,
		Config:   func() (*config.Config, error) { return &config.Config{}, nil },
		Filename: "id.json",
	})
	var fe *cmdutil.FlagError
	if !errors.As(err, &fe) {
		t.Errorf("err = %v, want a usage error", err)
	}
}

func TestCreateRunSendsTheFileUnchanged(t *testing.T) {
	var got *iamv1.Identity
	srv := clienttest.NewServer(t, clienttest.Handlers{Identities: &clienttest.Identities{
		CreateFunc: func(_ context.Context, r *iamv1.CreateIdentityRequest) (*iamv1.Identity, error) {
			got = r.GetIdentity()
			return &iamv1.Identity{Id: identityID}, nil
		},
	}})
	ios, in, _, _ := iostreams.Test()
	in.WriteString("name: ci\ndescription: from the file\nclaimMatch: {issuer: https://issuer.example, subject: repo:acme/app}\n")
	err := createRun(t.Context(), &Options{
		IO: ios, Filename: "-", Parent: orgID, Description: "from the flag",
		Config: func() (*config.Config, error) { return &config.Config{}, nil },
		API:    func() (*client.API, error) { return srv.API, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &iamv1.Identity{Name: "ci", Description: "from the flag", Relationship: &iamv1.Identity_ClaimMatch{ClaimMatch: &iamv1.ClaimMatch{
		Iss: &iamv1.ClaimMatch_Issuer{Issuer: "https://issuer.example"},
		Sub: &iamv1.ClaimMatch_Subject{Subject: "repo:acme/app"},
	}}}
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Errorf("identity (-want +got):\n%s", diff)
	}
}

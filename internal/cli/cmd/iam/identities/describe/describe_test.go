package describe

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"latch.dev/latch/internal/cli/clitest"
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
)

func TestNewCmdDescribe(t *testing.T) {
	var got *Options
	cmd := NewCmdDescribe(&cmdutil.Factory{}, func(_ context.Context, o *Options) error { got = o; return nil })
	if err := clitest.ParseArgs(t, cmd, "aws-ec2-identity --parent acme.dev -o json"); err != nil {
		t.Fatal(err)
	}
	if got.Ref != "aws-ec2-identity" || got.Parent != "acme.dev" || got.Format != output.JSON {
		t.Errorf("options = %+v", got)
	}
}

func TestDescribeRun(t *testing.T) {
	srv := clienttest.NewServer(t, clienttest.Handlers{
		Identities: &clienttest.Identities{ListFunc: func(_ context.Context, f *iamv1.IdentityFilter) (*iamv1.IdentityList, error) {
			if f.GetName() == "aws-ec2-identity" || f.GetId() == awsID {
				return &iamv1.IdentityList{Items: []*iamv1.Identity{{Id: awsID, Name: "aws-ec2-identity", Relationship: &iamv1.Identity_AwsIdentity{AwsIdentity: &iamv1.AWSIdentity{
					AwsAccount: "453012345643", AwsArn: &iamv1.AWSIdentity_Arn{Arn: "arn:aws:iam::453012345643:user/ci"},
				}}}}}, nil
			}
			return &iamv1.IdentityList{}, nil
		}},
		RoleBindings: &clienttest.RoleBindings{ListFunc: func(_ context.Context, f *iamv1.RoleBindingFilter) (*iamv1.RoleBindingList, error) {
			if f.GetIdentity() != awsID {
				t.Errorf("bindings filter = %v", f)
			}
			return &iamv1.RoleBindingList{Items: []*iamv1.RoleBindingList_Binding{
				{Id: orgID + "/00000000000000b1", Identity: awsID, Group: &iamv1.Group{Id: orgID, Name: "acme.dev"}, Role: &iamv1.Role{Name: "viewer"}},
			}}, nil
		}},
	})
	run := func(ref string, format output.Format) (string, error) {
		ios, _, out, _ := iostreams.Test()
		err := describeRun(t.Context(), &Options{
			IO:     ios,
			Config: func() (*config.Config, error) { return &config.Config{}, nil },
			API:    func() (*client.API, error) { return srv.API, nil },
			Ref:    ref, Format: format,
		})
		return out.String(), err
	}
	out, err := run("aws-ec2-identity", output.Table)
	if err != nil {
		t.Fatal(err)
	}
	want := "ID:           " + awsID + "\nNAME:         aws-ec2-identity\nTYPE:         aws\nROLES:        acme.dev: viewer\nISSUER:       aws:453012345643\n" +
		"AWS ACCOUNT:  453012345643\nARN:          arn:aws:iam::453012345643:user/ci\n"
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	out, err = run(awsID, output.JSON)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON := `{
  "id": "` + awsID + `",
  "name": "aws-ec2-identity",
  "aws_identity": {
    "aws_account": "453012345643",
    "arn": "arn:aws:iam::453012345643:user/ci"
  }
}
`
	if diff := cmp.Diff(wantJSON, out); diff != "" {
		t.Errorf("json (-want +got):\n%s", diff)
	}
	if _, err := run("nobody", ""); !errs.Is(err, errs.NotFound) {
		t.Errorf("unknown identity: err = %v, want not found", err)
	}
}

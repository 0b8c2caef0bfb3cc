package shared

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"latch.dev/latch/internal/errs"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

func awsIdentity(name, account string) *iamv1.Identity {
	return &iamv1.Identity{
		Name: name,
		Relationship: &iamv1.Identity_AwsIdentity{AwsIdentity: &iamv1.AWSIdentity{
			AwsAccount: account,
			AwsArn:     &iamv1.AWSIdentity_ArnPattern{ArnPattern: "^arn:aws:sts::453012345643:assumed-role/Role/(.+)$"},
			AwsUserId:  &iamv1.AWSIdentity_UserIdPattern{UserIdPattern: "^AROAEXAMPLE:(.+)$"},
		}},
	}
}

func TestReadIdentity(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content string
		want    *iamv1.Identity
	}{
		{
			name: "the tutorial's mix of field styles",
			file: "id.json",
			content: `{
"name":"aws-ec2-identity",
"awsIdentity": {
"aws_account" : "453012345643",
"arnPattern" : "^arn:aws:sts::453012345643:assumed-role/Role/(.+)$",
"userIdPattern" : "^AROAEXAMPLE:(.+)$"
}
}`,
			want: awsIdentity("aws-ec2-identity", "453012345643"),
		},
		{
			name:    "snake case throughout",
			file:    "id.json",
			content: `{"name":"x","aws_identity":{"aws_account":"453012345643","arn_pattern":"^arn:aws:sts::453012345643:assumed-role/Role/(.+)$","user_id_pattern":"^AROAEXAMPLE:(.+)$"}}`,
			want:    awsIdentity("x", "453012345643"),
		},
		{
			name: "YAML with an unquoted account keeps its leading zero",
			file: "id.yaml",
			content: `name: x
awsIdentity:
  awsAccount: 012345678901
  arnPattern: ^arn:aws:sts::453012345643:assumed-role/Role/(.+)$
  userIdPattern: ^AROAEXAMPLE:(.+)$
`,
			want: awsIdentity("x", "012345678901"),
		},
		{
			name:    "YAML is recognised without an extension",
			file:    "identity",
			content: "name: ci\nclaim_match:\n  issuer: https://token.actions.githubusercontent.com\n  subject_pattern: repo:acme/.+\n  claims:\n    ref: refs/heads/main\n",
			want: &iamv1.Identity{Name: "ci", Relationship: &iamv1.Identity_ClaimMatch{ClaimMatch: &iamv1.ClaimMatch{
				Iss:    &iamv1.ClaimMatch_Issuer{Issuer: "https://token.actions.githubusercontent.com"},
				Sub:    &iamv1.ClaimMatch_SubjectPattern{SubjectPattern: "repo:acme/.+"},
				Claims: map[string]string{"ref": "refs/heads/main"},
			}}},
		},
		{
			name:    "output-only fields from describe -o json are dropped",
			file:    "id.json",
			content: `{"id":"45a0c0000000000000000000000000000000ee95/2c5f700000003871","name":"x","created_at":"2026-03-31T08:48:00Z","aws_identity":{"aws_account":"453012345643","arn_pattern":"^arn:aws:sts::453012345643:assumed-role/Role/(.+)$","user_id_pattern":"^AROAEXAMPLE:(.+)$"}}`,
			want:    awsIdentity("x", "453012345643"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.file)
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := ReadFile(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, protocmp.Transform()); diff != "" {
				t.Errorf("identity (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadIdentityFromStdin(t *testing.T) {
	got, err := ReadFile("-", strings.NewReader(`{"name":"piped"}`))
	if err != nil || got.GetName() != "piped" {
		t.Errorf("ReadFile(-) = %v, %v", got, err)
	}
}

func TestReadIdentityErrors(t *testing.T) {
	tests := []struct {
		name, file, content, want string
	}{
		{name: "an unknown field is named", file: "id.json", content: `{"name":"x","awsIdentity":{"account":"1"}}`, want: `unknown field "account"`},
		{name: "bad JSON", file: "id.json", content: `{"name":`, want: "does not describe an identity"},
		{name: "bad YAML", file: "id.yaml", content: "name: [", want: "is not valid YAML"},
		{name: "a YAML list is not an identity", file: "id.yaml", content: "- a\n- b\n", want: "does not describe an identity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.file)
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := ReadFile(path, nil)
			if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("err = %v, want an invalid error naming the file and containing %q", err, tt.want)
			}
		})
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "missing.json"), nil); err == nil || !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("a missing file: err = %v", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok || u.Unwrap() == nil {
			return err
		}
		err = u.Unwrap()
	}
}

func TestChooseName(t *testing.T) {
	tests := []struct {
		arg, file, want string
		ignored         bool
	}{
		{arg: "aws", file: "aws-ec2-identity", want: "aws-ec2-identity"},
		{arg: "", file: "aws-ec2-identity", want: "aws-ec2-identity"},
		{arg: "ci", file: "", want: "ci"},
		{arg: "other", file: "aws-ec2-identity", want: "aws-ec2-identity", ignored: true},
		{arg: "same", file: "same", want: "same"},
	}
	for _, tt := range tests {
		name, ignored := chooseName(tt.arg, tt.file)
		if name != tt.want || ignored != tt.ignored {
			t.Errorf("chooseName(%q, %q) = %q, %v; want %q, %v", tt.arg, tt.file, name, ignored, tt.want, tt.ignored)
		}
	}
}

package check

import (
	"context"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
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
	orgID = "45a0c0000000000000000000000000000000ee95"
	awsID = orgID + "/2c5f700000003871"
	arn   = "arn:aws:sts::123456789012:assumed-role/app/i-1"
	uid   = "AROAEXAMPLEEXAMPLE12345:i-1"
)

func TestNewCmdCheck(t *testing.T) {
	clitest.RunParseCases(t, NewCmdCheck, []clitest.ParseCase[Options]{
		{
			Name: "the principal as flags",
			Args: "ec2-app --parent acme.dev --account 123456789012 --arn " + arn + " --user-id " + uid + " -o json",
			Want: Options{Ref: "ec2-app", Parent: "acme.dev", Account: "123456789012", ARN: arn, UserID: uid, Format: output.JSON},
		},
		{Name: "the principal from a file", Args: "ec2-app --caller-identity -", Want: Options{Ref: "ec2-app", CallerIdentity: "-"}},
		{Name: "a token's claims", Args: "ci --claims token.jwt", Want: Options{Ref: "ci", Claims: "token.jwt"}},
		{Name: "no principal", Args: "ec2-app", WantErr: true},
		{Name: "a principal without a user ID", Args: "ec2-app --account 123456789012 --arn " + arn, WantErr: true},
		{Name: "a file and flags", Args: "ec2-app --caller-identity me.json --account 123456789012", WantErr: true},
		{Name: "claims and an AWS principal", Args: "ec2-app --claims c.json --caller-identity me.json", WantErr: true},
		{Name: "no identity", Args: "--caller-identity me.json", WantErr: true},
	})
}

// server has one identity and accepts exactly one principal, role app in
// account 123456789012, explaining each rule as the real server does.
func server(t *testing.T, got **iamv1.CheckRequest) *clienttest.Server {
	return clienttest.NewServer(t, clienttest.Handlers{Identities: &clienttest.Identities{
		ListFunc: func(_ context.Context, f *iamv1.IdentityFilter) (*iamv1.IdentityList, error) {
			return &iamv1.IdentityList{Items: []*iamv1.Identity{{Id: awsID, Name: "ec2-app"}}}, nil
		},
		CheckFunc: func(_ context.Context, r *iamv1.CheckRequest) (*iamv1.CheckResponse, error) {
			*got = r
			if r.GetAws() == nil {
				return &iamv1.CheckResponse{Accepted: true, Checks: []*iamv1.RuleCheck{{Field: "subject", Ok: true, Rule: `equal to "s"`, Reason: "the token's sub matches"}}}, nil
			}
			acct := r.GetAws().GetAccount() == "123456789012"
			arnOK := r.GetAws().GetArn() == arn
			return &iamv1.CheckResponse{Accepted: acct && arnOK, Checks: []*iamv1.RuleCheck{
				{Field: "aws_account", Ok: acct, Rule: `equal to "123456789012"`, Reason: "the account " + r.GetAws().GetAccount()},
				{Field: "arn", Ok: arnOK, Rule: "matching ^(?:^arn:aws:sts::123456789012:assumed-role/app/[^/]+$)$", Reason: "the ARN " + r.GetAws().GetArn()},
			}}, nil
		},
	}})
}

func TestCheckRun(t *testing.T) {
	other := "arn:aws:sts::123456789012:assumed-role/app-admin/i-1"
	tests := []struct {
		name     string
		opts     Options
		stdin    string
		tty      bool
		color    bool
		want     string
		refused  bool
		wantSent *iamv1.CheckRequest
	}{
		{
			name: "an accepted principal on a terminal",
			opts: Options{Ref: "ec2-app", Account: "123456789012", ARN: arn, UserID: uid},
			tty:  true,
			want: "ec2-app [" + awsID + "] would accept this principal.\n\n" +
				"aws_account  ok      the account 123456789012\n" +
				"                     requires equal to \"123456789012\"\n" +
				"arn          ok      the ARN " + arn + "\n" +
				"                     requires matching ^(?:^arn:aws:sts::123456789012:assumed-role/app/[^/]+$)$\n",
		},
		{
			name:    "a refused principal in colour",
			opts:    Options{Ref: "ec2-app", Account: "123456789012", ARN: other, UserID: uid},
			tty:     true,
			color:   true,
			refused: true,
			want: "\x1b[31mec2-app [" + awsID + "] would refuse this principal: arn failed.\x1b[0m\n\n" +
				"aws_account  ok      the account 123456789012\n" +
				"                     requires equal to \"123456789012\"\n" +
				"arn          FAILED  the ARN " + other + "\n" +
				"                     requires matching ^(?:^arn:aws:sts::123456789012:assumed-role/app/[^/]+$)$\n",
		},
		{
			name:    "a pipe gets a line a rule",
			opts:    Options{Ref: "ec2-app", Account: "210987654321", ARN: arn, UserID: uid},
			refused: true,
			want: "aws_account\tFAILED\tequal to \"123456789012\"\tthe account 210987654321\n" +
				"arn\tok\tmatching ^(?:^arn:aws:sts::123456789012:assumed-role/app/[^/]+$)$\tthe ARN " + arn + "\n",
		},
		{
			name:  "the caller identity from stdin, as JSON",
			opts:  Options{Ref: "ec2-app", CallerIdentity: "-", Format: output.JSON},
			stdin: `{"UserId": "` + uid + `", "Account": "123456789012", "Arn": "` + arn + `"}`,
			want: `{
  "identity": {
    "id": "` + awsID + `",
    "name": "ec2-app"
  },
  "principal": {
    "account": "123456789012",
    "arn": "` + arn + `",
    "user_id": "` + uid + `"
  },
  "accepted": true,
  "checks": [
    {
      "field": "aws_account",
      "ok": true,
      "rule": "equal to \"123456789012\"",
      "reason": "the account 123456789012"
    },
    {
      "field": "arn",
      "ok": true,
      "rule": "matching ^(?:^arn:aws:sts::123456789012:assumed-role/app/[^/]+$)$",
      "reason": "the ARN ` + arn + `"
    }
  ]
}
`,
		},
		{
			name:     "a token's payload is sent as its claims",
			opts:     Options{Ref: "ec2-app", Claims: "-", Format: output.TSV},
			stdin:    "eyJhbGciOiJFUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"s"}`)) + ".c2ln\n",
			want:     "subject\tok\tequal to \"s\"\tthe token's sub matches\n",
			wantSent: &iamv1.CheckRequest{Id: awsID, Principal: &iamv1.CheckRequest_ClaimsJson{ClaimsJson: `{"sub":"s"}`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sent *iamv1.CheckRequest
			srv := server(t, &sent)
			ios, in, out, _ := iostreams.Test()
			ios.SetStdoutTTY(tt.tty)
			ios.SetColorEnabled(tt.color)
			in.WriteString(tt.stdin)
			opts := tt.opts
			opts.IO = ios
			opts.Config = func() (*config.Config, error) { return &config.Config{}, nil }
			opts.API = func() (*client.API, error) { return srv.API, nil }
			err := checkRun(t.Context(), &opts)
			if tt.refused != errors.Is(err, cmdutil.ErrSilent) || (err != nil && !tt.refused) {
				t.Fatalf("err = %v; want a silent failure: %v", err, tt.refused)
			}
			if diff := cmp.Diff(tt.want, out.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
			if tt.wantSent != nil {
				if diff := cmp.Diff(tt.wantSent, sent, protocmp.Transform()); diff != "" {
					t.Errorf("request (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestCheckRunBadInput(t *testing.T) {
	for name, stdin := range map[string]string{
		"caller identity that is not JSON": "Account: 1",
		"caller identity without an ARN":   `{"Account": "123456789012", "UserId": "x"}`,
	} {
		t.Run(name, func(t *testing.T) {
			ios, in, _, _ := iostreams.Test()
			in.WriteString(stdin)
			err := checkRun(t.Context(), &Options{IO: ios, Ref: "x", CallerIdentity: "-",
				Config: func() (*config.Config, error) { return &config.Config{}, nil }})
			if err == nil || errors.Is(err, cmdutil.ErrSilent) {
				t.Errorf("err = %v, want a reported error", err)
			}
		})
	}
	ios, in, _, _ := iostreams.Test()
	in.WriteString("not a token")
	err := checkRun(t.Context(), &Options{IO: ios, Ref: "x", Claims: "-", Config: func() (*config.Config, error) { return &config.Config{}, nil }})
	if err == nil {
		t.Error("claims that are neither JSON nor a token were accepted")
	}
}

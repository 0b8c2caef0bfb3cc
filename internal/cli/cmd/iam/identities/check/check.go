// Package check is `latch iam identities check`: would this AWS
// principal be allowed to assume this identity, and why (not)?
package check

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"

	"latch.dev/latch/internal/cli/cmd/iam/identities/shared"
	"latch.dev/latch/internal/cli/cmdutil"
	"latch.dev/latch/internal/cli/config"
	"latch.dev/latch/internal/cli/iostreams"
	"latch.dev/latch/internal/cli/output"
	"latch.dev/latch/internal/client"
	"latch.dev/latch/internal/errs"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// maxCallerIdentitySize bounds the --caller-identity file; the real one
// is a few hundred bytes.
const maxCallerIdentitySize = 64 << 10

// Options are the inputs of check.
type Options struct {
	IO     *iostreams.IOStreams
	Config func() (*config.Config, error)
	API    func() (*client.API, error)

	Ref    string
	Parent string
	// Account, ARN and UserID are what GetCallerIdentity says about the
	// principal; CallerIdentity is a file holding its JSON instead.
	Account        string
	ARN            string
	UserID         string
	CallerIdentity string
	Format         output.Format
}

// NewCmdCheck returns the command; runF, when set, replaces checkRun.
func NewCmdCheck(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, API: f.API}
	cmd := &cobra.Command{
		Use:   "check NAME|ID {--account ACCOUNT --arn ARN --user-id USERID | --caller-identity FILE}",
		Short: "Explain whether an AWS principal may assume an identity",
		Long: `Explain, rule by rule, whether an AWS principal would be allowed to
assume an AWS identity: the account, the ARN, the unique user ID, and
whether the three fit together as STS reports them. Nothing is signed,
exchanged or minted; the server evaluates the identity's rule against the
values given.

Give the principal as ` + "`aws sts get-caller-identity`" + ` prints it, run where the
workload runs: its Account, Arn and UserId as flags, or the whole output
with --caller-identity (- reads standard input).

Exit status: 0 when the principal would be accepted, 1 when it would be
refused (in every output format), and as usual on other errors.`,
		Example: `  latch iam identities check ec2-app --account 123456789012 \
      --arn arn:aws:sts::123456789012:assumed-role/app/i-0123456789abcdef0 \
      --user-id AROAEXAMPLEEXAMPLE1234:i-0123456789abcdef0
  aws sts get-caller-identity | latch iam ids check ec2-app --caller-identity - -o json`,
		Args: cmdutil.ExactArgs(1, "an identity name or ID is required"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			flags := opts.Account != "" || opts.ARN != "" || opts.UserID != ""
			switch {
			case opts.CallerIdentity != "" && flags:
				return cmdutil.FlagErrorf("--caller-identity gives the whole principal; leave out --account, --arn and --user-id")
			case opts.CallerIdentity == "" && (opts.Account == "" || opts.ARN == "" || opts.UserID == ""):
				return cmdutil.FlagErrorf("--account, --arn and --user-id are all required (or --caller-identity)")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return checkRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Parent, "parent", "", "organization or folder (name or ID) to look the name up in")
	cmd.Flags().StringVar(&opts.Account, "account", "", "the principal's 12-digit account (Account)")
	cmd.Flags().StringVar(&opts.ARN, "arn", "", "the principal's ARN as STS reports it (Arn)")
	cmd.Flags().StringVar(&opts.UserID, "user-id", "", "the principal's unique ID as STS reports it (UserId)")
	cmd.Flags().StringVar(&opts.CallerIdentity, "caller-identity", "", "`file` holding the JSON `aws sts get-caller-identity` prints (- for standard input)")
	output.AddFlag(cmd, &opts.Format)
	return cmd
}

func checkRun(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	principal := &iamv1.AWSPrincipal{Account: opts.Account, Arn: opts.ARN, UserId: opts.UserID}
	if opts.CallerIdentity != "" {
		if principal, err = readCallerIdentity(opts.CallerIdentity, opts.IO.In); err != nil {
			return err
		}
	}
	api, err := opts.API()
	if err != nil {
		return err
	}
	id, err := api.Identity(ctx, opts.Ref, opts.Parent)
	if err != nil {
		return err
	}
	resp, err := api.Identities.Check(ctx, connect.NewRequest(&iamv1.CheckRequest{
		Id:        id.GetId(),
		Principal: &iamv1.CheckRequest_Aws{Aws: principal},
	}))
	if err != nil {
		return err
	}
	v := newVerdict(id, principal, resp.Msg)
	if err := v.print(output.NewPrinter(opts.IO, opts.Format, cfg.Output, nil), opts.IO); err != nil {
		return err
	}
	if !v.Accepted {
		return cmdutil.ErrSilent
	}
	return nil
}

// readCallerIdentity reads `aws sts get-caller-identity` output.
func readCallerIdentity(path string, stdin io.Reader) (*iamv1.AWSPrincipal, error) {
	b, err := shared.ReadInput(path, stdin, maxCallerIdentitySize, "the caller identity")
	if err != nil {
		return nil, err
	}
	var doc struct {
		Account, Arn, UserId string
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, errs.New(errs.Invalid, "%s is not the JSON `aws sts get-caller-identity` prints: %v", path, err)
	}
	if doc.Account == "" || doc.Arn == "" || doc.UserId == "" {
		return nil, errs.New(errs.Invalid, "%s lacks Account, Arn or UserId; give the JSON `aws sts get-caller-identity` prints", path)
	}
	return &iamv1.AWSPrincipal{Account: doc.Account, Arn: doc.Arn, UserId: doc.UserId}, nil
}

// verdict is the JSON shape of a check (documented in docs/cli.md).
type verdict struct {
	Identity struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"identity"`
	Principal struct {
		Account string `json:"account"`
		ARN     string `json:"arn"`
		UserID  string `json:"user_id"`
	} `json:"principal"`
	Accepted bool        `json:"accepted"`
	Checks   []ruleCheck `json:"checks"`
}

type ruleCheck struct {
	Field  string `json:"field"`
	OK     bool   `json:"ok"`
	Rule   string `json:"rule"`
	Reason string `json:"reason"`
}

func newVerdict(id *iamv1.Identity, p *iamv1.AWSPrincipal, r *iamv1.CheckResponse) verdict {
	var v verdict
	v.Identity.ID, v.Identity.Name = id.GetId(), id.GetName()
	v.Principal.Account, v.Principal.ARN, v.Principal.UserID = p.GetAccount(), p.GetArn(), p.GetUserId()
	v.Accepted = r.GetAccepted()
	v.Checks = make([]ruleCheck, 0, len(r.GetChecks()))
	for _, c := range r.GetChecks() {
		v.Checks = append(v.Checks, ruleCheck{Field: c.GetField(), OK: c.GetOk(), Rule: c.GetRule(), Reason: c.GetReason()})
	}
	return v
}

// print shows the verdict: a sentence and a table on a terminal, one
// tab-separated line per rule in a pipe, or JSON.
func (v verdict) print(p *output.Printer, ios *iostreams.IOStreams) error {
	switch p.Format() {
	case output.JSON:
		return p.JSONValue(v)
	case output.ID:
		_, err := fmt.Fprintln(p.Out(), v.Identity.ID)
		return err
	}
	rows := make([][]string, len(v.Checks))
	var failed []string
	for i, c := range v.Checks {
		result := "ok"
		if !c.OK {
			result = "FAILED"
			failed = append(failed, c.Field)
		}
		rows[i] = []string{c.Field, result, c.Rule, c.Reason}
	}
	if p.Format() != output.TSV {
		who := fmt.Sprintf("%s [%s]", v.Identity.Name, v.Identity.ID)
		line := ios.Green(who + " would accept this principal.")
		if !v.Accepted {
			line = ios.Red(who + " would refuse this principal: " + strings.Join(failed, ", ") + " failed.")
		}
		if _, err := fmt.Fprintf(p.Out(), "%s\n\n", line); err != nil {
			return err
		}
	}
	return p.Rows([]string{"RULE", "RESULT", "REQUIRES", "WHY"}, rows)
}

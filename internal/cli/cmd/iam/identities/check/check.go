// Package check is `latch iam identities check`: would this AWS
// principal, or this OIDC token, be allowed to assume this identity, and
// why (not)?
package check

import (
	"context"
	"encoding/base64"
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

// maxInputSize bounds the --caller-identity and --claims files; the
// server takes at most 64 KiB of claims.
const maxInputSize = 64 << 10

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
	// Claims is a file holding an OIDC token's claims, or the token.
	Claims string
	Format output.Format
}

// NewCmdCheck returns the command; runF, when set, replaces checkRun.
func NewCmdCheck(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Config: f.Config, API: f.API}
	cmd := &cobra.Command{
		Use:   "check NAME|ID {--account ACCOUNT --arn ARN --user-id USERID | --caller-identity FILE | --claims FILE}",
		Short: "Explain whether a principal may assume an identity",
		Long: `Explain, rule by rule, whether a principal would be allowed to assume an
identity. Nothing is signed, exchanged or minted: the server evaluates the
identity's rule against the values given.

For an AWS identity, give the principal as ` + "`aws sts get-caller-identity`" + `
prints it where the workload runs: its Account, Arn and UserId as flags,
or the whole output with --caller-identity. The rules are the account, the
ARN, the unique user ID, and whether the three fit together as STS reports
them.

For a claim_match or static identity, give the token's claims with
--claims: a JSON object, or the token itself (its payload is read, not
verified). The rules are the issuer, subject, audience and other claims.

"-" reads the file from standard input.

Exit status: 0 when the principal would be accepted, 1 when it would be
refused (in every output format), and as usual on other errors.`,
		Example: `  latch iam identities check ec2-app --account 123456789012 \
      --arn arn:aws:sts::123456789012:assumed-role/app/i-0123456789abcdef0 \
      --user-id AROAEXAMPLEEXAMPLE1234:i-0123456789abcdef0
  aws sts get-caller-identity | latch iam ids check ec2-app --caller-identity - -o json
  latch iam ids check deployer --claims "$ACTIONS_ID_TOKEN_FILE"`,
		Args: cmdutil.ExactArgs(1, "an identity name or ID is required"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			flags := opts.Account != "" || opts.ARN != "" || opts.UserID != ""
			switch {
			case opts.Claims != "" && (flags || opts.CallerIdentity != ""):
				return cmdutil.FlagErrorf("--claims checks an OIDC token; leave out the AWS principal")
			case opts.CallerIdentity != "" && flags:
				return cmdutil.FlagErrorf("--caller-identity gives the whole principal; leave out --account, --arn and --user-id")
			case opts.Claims == "" && opts.CallerIdentity == "" && (opts.Account == "" || opts.ARN == "" || opts.UserID == ""):
				return cmdutil.FlagErrorf("give the principal: --account, --arn and --user-id, or --caller-identity (AWS), or --claims (OIDC)")
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
	cmd.Flags().StringVar(&opts.Claims, "claims", "", "`file` holding an OIDC token's claims as JSON, or the token (- for standard input)")
	output.AddFlag(cmd, &opts.Format)
	return cmd
}

func checkRun(ctx context.Context, opts *Options) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	req := &iamv1.CheckRequest{}
	switch {
	case opts.Claims != "":
		claims, err := readClaims(opts.Claims, opts.IO.In)
		if err != nil {
			return err
		}
		req.Principal = &iamv1.CheckRequest_ClaimsJson{ClaimsJson: claims}
	case opts.CallerIdentity != "":
		p, err := readCallerIdentity(opts.CallerIdentity, opts.IO.In)
		if err != nil {
			return err
		}
		req.Principal = &iamv1.CheckRequest_Aws{Aws: p}
	default:
		req.Principal = &iamv1.CheckRequest_Aws{Aws: &iamv1.AWSPrincipal{Account: opts.Account, Arn: opts.ARN, UserId: opts.UserID}}
	}
	api, err := opts.API()
	if err != nil {
		return err
	}
	id, err := api.Identity(ctx, opts.Ref, opts.Parent)
	if err != nil {
		return err
	}
	req.Id = id.GetId()
	resp, err := api.Identities.Check(ctx, connect.NewRequest(req))
	if err != nil {
		return err
	}
	v := newVerdict(id, req, resp.Msg)
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
	b, err := shared.ReadInput(path, stdin, maxInputSize, "the caller identity")
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

// readClaims reads --claims: a JSON object of claims, or a compact JWT
// whose payload is taken (unverified: the check is about the rule, and
// the exchange verifies the signature). It returns the claims as JSON.
func readClaims(path string, stdin io.Reader) (string, error) {
	b, err := shared.ReadInput(path, stdin, maxInputSize, "the claims")
	if err != nil {
		return "", err
	}
	text := strings.TrimSpace(string(b))
	if parts := strings.Split(text, "."); len(parts) == 3 && !strings.HasPrefix(text, "{") {
		payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
		if err != nil {
			return "", errs.New(errs.Invalid, "%s looks like a token, but its payload is not base64url: %v", path, err)
		}
		text = string(payload)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &obj); err != nil {
		return "", errs.New(errs.Invalid, "%s is neither a JSON object of claims nor a token: %v", path, err)
	}
	return text, nil
}

// verdict is the JSON shape of a check (documented in docs/cli.md):
// the identity, what was checked (an AWS principal or a token's claims),
// the outcome and every rule's result.
type verdict struct {
	Identity struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"identity"`
	Principal *principal      `json:"principal,omitempty"`
	Claims    json.RawMessage `json:"claims,omitempty"`
	Accepted  bool            `json:"accepted"`
	Checks    []ruleCheck     `json:"checks"`
}

type principal struct {
	Account string `json:"account"`
	ARN     string `json:"arn"`
	UserID  string `json:"user_id"`
}

type ruleCheck struct {
	Field  string `json:"field"`
	OK     bool   `json:"ok"`
	Rule   string `json:"rule"`
	Reason string `json:"reason"`
}

func newVerdict(id *iamv1.Identity, req *iamv1.CheckRequest, r *iamv1.CheckResponse) verdict {
	var v verdict
	v.Identity.ID, v.Identity.Name = id.GetId(), id.GetName()
	if p := req.GetAws(); p != nil {
		v.Principal = &principal{Account: p.GetAccount(), ARN: p.GetArn(), UserID: p.GetUserId()}
	} else {
		v.Claims = json.RawMessage(req.GetClaimsJson())
	}
	v.Accepted = r.GetAccepted()
	v.Checks = make([]ruleCheck, 0, len(r.GetChecks()))
	for _, c := range r.GetChecks() {
		v.Checks = append(v.Checks, ruleCheck{Field: c.GetField(), OK: c.GetOk(), Rule: c.GetRule(), Reason: c.GetReason()})
	}
	return v
}

// print shows the verdict: in a pipe one tab-separated line per rule
// (rule, ok or FAILED, requirement, reason); on a terminal a sentence,
// then each rule with its result and reason and, below, what it requires
// (a requirement can be long; a table would push the reasons off screen).
func (v verdict) print(p *output.Printer, ios *iostreams.IOStreams) error {
	switch p.Format() {
	case output.JSON:
		return p.JSONValue(v)
	case output.ID:
		_, err := fmt.Fprintln(p.Out(), v.Identity.ID)
		return err
	case output.TSV:
		rows := make([][]string, len(v.Checks))
		for i, c := range v.Checks {
			rows[i] = []string{c.Field, result(c.OK), c.Rule, c.Reason}
		}
		return p.Rows(nil, rows)
	}
	var failed []string
	width := 0
	for _, c := range v.Checks {
		width = max(width, len(c.Field))
		if !c.OK {
			failed = append(failed, c.Field)
		}
	}
	who := fmt.Sprintf("%s [%s]", v.Identity.Name, v.Identity.ID)
	what := "this principal"
	if v.Principal == nil {
		what = "this token"
	}
	var b strings.Builder
	if v.Accepted {
		b.WriteString(ios.Green(fmt.Sprintf("%s would accept %s.", who, what)))
	} else {
		b.WriteString(ios.Red(fmt.Sprintf("%s would refuse %s: %s failed.", who, what, strings.Join(failed, ", "))))
	}
	b.WriteString("\n\n")
	indent := strings.Repeat(" ", width+10)
	for _, c := range v.Checks {
		fmt.Fprintf(&b, "%-*s  %-6s  %s\n%srequires %s\n", width, c.Field, result(c.OK), output.Clean(c.Reason), indent, output.Clean(c.Rule))
	}
	_, err := io.WriteString(p.Out(), b.String())
	return err
}

func result(ok bool) string {
	if ok {
		return "ok"
	}
	return "FAILED"
}

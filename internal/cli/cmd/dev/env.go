package dev

import (
	"fmt"
	"io"
	"os"
	"strings"

	"latch.dev/latch/internal/fakeaws"
)

// environment returns the variables another shell needs, in order.
func environment(url string, aws *fakeaws.Env, caFile string, opts *Options) [][2]string {
	env := [][2]string{{"LATCH_URL", url}}
	if aws == nil {
		return env
	}
	for _, kv := range aws.Environ(caFile) {
		k, v, _ := strings.Cut(kv, "=")
		env = append(env, [2]string{k, v})
	}
	p := aws.IMDS.Principal()
	return append(env,
		[2]string{"LATCH_DEV_AWS_ACCOUNT", p.Account},
		[2]string{"LATCH_DEV_AWS_ROLE", aws.IMDS.RoleName()},
	)
}

// writeEnvFile writes export lines, quoted for sh, with mode 0600.
func writeEnvFile(path string, env [][2]string) error {
	var b strings.Builder
	b.WriteString("# Written by `latch dev`; removed when it stops. Use: source " + path + "\n")
	for _, kv := range env {
		fmt.Fprintf(&b, "export %s=%s\n", kv[0], shellQuote(kv[1]))
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("--env-file: %w", err)
	}
	return nil
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// printWelcome says what runs and what to try next: the tutorial's
// commands, adapted to the fake AWS.
func printWelcome(w io.Writer, url string, st *state, aws *fakeaws.Env, opts *Options, env [][2]string) {
	fmt.Fprintf(w, "latch dev is running. Stop it with Ctrl-C; everything it made goes away.\n\n")
	fmt.Fprintf(w, "  server        %s (SQLite in a temporary directory)\n", url)
	fmt.Fprintf(w, "  organization  %s  %s\n", st.org.Name, st.org.ID)
	fmt.Fprintf(w, "  logged in as  %s  %s (owner of %s; the CLI's login is saved)\n", st.admin.Name, st.admin.ID, st.org.Name)
	if aws == nil {
		fmt.Fprintf(w, "  AWS STS       %s (yours)\n", opts.STSURL)
	} else {
		p := aws.IMDS.Principal()
		fmt.Fprintf(w, "  fake IMDSv2   %s (instance role %s)\n", aws.IMDSServer.URL, aws.IMDS.RoleName())
		fmt.Fprintf(w, "  fake STS      %s (checks SigV4; CA in %s)\n", aws.STSServer.URL, envValue(env, "AWS_CA_BUNDLE"))
		fmt.Fprintf(w, "  instance      %s\n", p.Arn)
	}
	if opts.EnvFile != "" {
		fmt.Fprintf(w, "\nIn another shell:  source %s\n", opts.EnvFile)
	} else {
		fmt.Fprintf(w, "\nIn another shell, set:\n")
		for _, kv := range env {
			fmt.Fprintf(w, "  export %s=%s\n", kv[0], shellQuote(kv[1]))
		}
	}
	fmt.Fprintf(w, "\nThen try:\n  latch iam organizations ls -o table\n")
	if aws == nil {
		return
	}
	fmt.Fprintf(w, `
The tutorial on the fake EC2 instance:
  cat > id.json <<EOF
  {"name":"aws-ec2-identity","awsIdentity":{"aws_account":"$LATCH_DEV_AWS_ACCOUNT","arnPattern":"^arn:aws:sts::$LATCH_DEV_AWS_ACCOUNT:assumed-role/$LATCH_DEV_AWS_ROLE/(.+)$","userIdPattern":"^AROA[A-Z0-9]+:(.+)$"}}
  EOF
  ID=$(latch iam id create aws --filename id.json -oid --parent %[1]s)
  latch iam rolebinding create --identity aws-ec2-identity --role viewer --parent %[1]s
  export LATCH_CACHE_DIR=$(mktemp -d)  # the instance's own login, so that dev-admin's stays
  TOKEN=$(curl -s -X PUT "${AWS_EC2_METADATA_SERVICE_ENDPOINT}latest/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 21600")
  ROLE=$(curl -s -H "X-aws-ec2-metadata-token: $TOKEN" "${AWS_EC2_METADATA_SERVICE_ENDPOINT}latest/meta-data/iam/security-credentials/")
  curl -s -H "X-aws-ec2-metadata-token: $TOKEN" "${AWS_EC2_METADATA_SERVICE_ENDPOINT}latest/meta-data/iam/security-credentials/$ROLE" | jq -j '"export AWS_ACCESS_KEY_ID=", .AccessKeyId, "\nexport AWS_SECRET_ACCESS_KEY=", .SecretAccessKey, "\nexport AWS_SESSION_TOKEN=", .Token' > vars && source ./vars
  TOK=$(curl -X POST "$AWS_ENDPOINT_URL_STS/?Action=GetCallerIdentity&Version=2011-06-15" --cacert "$AWS_CA_BUNDLE" \
    --aws-sigv4 "aws:amz:us-east-1:sts" -H "x-amz-security-token: $AWS_SESSION_TOKEN" \
    --user "$AWS_ACCESS_KEY_ID":"$AWS_SECRET_ACCESS_KEY" \
    -H "Chainguard-Identity: $ID" -H "Chainguard-Audience: $LATCH_URL" -H "Accept: application/json" \
    -v 2>&1 > /dev/null | grep '^> ' | sed 's/> //' | base64 -w0)
  latch auth login --identity-token $TOK --identity $ID

Or, without curl:  latch auth login --aws --identity $ID
Back to dev-admin: unset LATCH_CACHE_DIR
`, opts.Org)
}

func envValue(env [][2]string, k string) string {
	for _, kv := range env {
		if kv[0] == k {
			return kv[1]
		}
	}
	return ""
}

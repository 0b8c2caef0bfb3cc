#!/usr/bin/env bash
# The tutorial "Create an Assumable Identity to Authenticate from an EC2
# instance", with chainctl replaced by latch. The only changes: the
# instance metadata service and STS are the test's (AWS's IMDS mock at
# $IMDS, a SigV4-checking STS at $STS with its CA in $STS_CA), the
# audience is this latch server ($LATCH_URL), and the administrator logs in
# with the server's bootstrap secret instead of a browser.
set -euo pipefail

laptop() { XDG_CACHE_HOME="$WORK/laptop-cache" XDG_CONFIG_HOME="$WORK/laptop-config" "$@"; }
ec2() { XDG_CACHE_HOME="$WORK/ec2-cache" XDG_CONFIG_HOME="$WORK/ec2-config" "$@"; }
expect_fail() { # expect_fail CODE cmd...: the command must exit with CODE
  local want=$1; shift
  set +e; "$@"; local got=$?; set -e
  if [ "$got" != "$want" ]; then echo "FAIL: '$*' exited $got, want $want" >&2; exit 1; fi
}

cd "$WORK"

# --- From your local machine ---
laptop latch auth bootstrap --token-file "$BOOTSTRAP_FILE" >/dev/null
# The tutorial's `chainctl auth login`: this server has no login provider
# for people, so it reports the session the bootstrap made.
laptop latch auth login
laptop latch iam organizations create chainguard.edu >/dev/null
laptop latch iam organizations ls -o table

# On the instance: aws sts get-caller-identity gave the account, ARN and
# user ID that id.json is written from.
cat > id.json <<JSON
{
"name":"aws-ec2-identity",
"awsIdentity": {
"aws_account" : "$ACCOUNT",
"arnPattern" : "^arn:aws:sts::$ACCOUNT:assumed-role/$ROLE_NAME/(.+)$",
"userIdPattern" : "^$ROLE_ID:(.+)$"
}
}
JSON

CHAINGUARD_IDENTITY=$(laptop latch iam id create aws --filename id.json -oid --parent chainguard.edu)
echo "identity: $CHAINGUARD_IDENTITY"
laptop latch iam rolebinding create --identity aws-ec2-identity --role viewer --parent chainguard.edu >/dev/null
laptop latch iam identities list -o table
laptop latch iam roles list >/dev/null

# --- From the EC2 instance ---
export CHAINGUARD_IDENTITY
TOKEN=$(curl -s -X PUT "$IMDS/latest/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 21600")
ROLE=$(curl -H "X-aws-ec2-metadata-token: $TOKEN" -s "$IMDS/latest/meta-data/iam/security-credentials/")
curl -H "X-aws-ec2-metadata-token: $TOKEN" -s "$IMDS/latest/meta-data/iam/security-credentials/$ROLE" | jq -j '"export AWS_ACCESS_KEY_ID=", .AccessKeyId, "\nexport AWS_SECRET_ACCESS_KEY=", .SecretAccessKey,"\nexport AWS_SESSION_TOKEN=" , .Token' > vars && source ./vars

TOK=$(curl -X POST "$STS/?Action=GetCallerIdentity&Version=2011-06-15" \
--cacert "$STS_CA" \
--aws-sigv4 "aws:amz:us-east-1:sts" \
-H "x-amz-security-token: $AWS_SESSION_TOKEN" \
--user "$AWS_ACCESS_KEY_ID":"$AWS_SECRET_ACCESS_KEY" \
-H "Chainguard-Identity: $CHAINGUARD_IDENTITY" \
-H "Chainguard-Audience: $LATCH_URL" \
-H "Accept: application/json" \
-v 2>&1 > /dev/null | grep '^> ' | sed 's/> //' | base64 -w0)

# curl spoke HTTP/2 to the STS over TLS, as it does to sts.amazonaws.com.
echo "$TOK" | base64 -d | head -n 1 | grep -q ' HTTP/2' || { echo "FAIL: the proof is not an HTTP/2 request" >&2; exit 1; }

ec2 latch auth login --identity-token $TOK --identity $CHAINGUARD_IDENTITY

# The viewer can list, and cannot create.
ec2 latch iam organizations ls
expect_fail 4 ec2 latch iam folders create intruders --parent chainguard.edu
# The same proof a second time is refused.
expect_fail 4 ec2 latch auth login --identity-token $TOK --identity $CHAINGUARD_IDENTITY
echo "tutorial: ok"

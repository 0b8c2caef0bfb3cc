package aws

import (
	"regexp"
	"strings"

	"latch.dev/latch/internal/cli/cmdutil"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
	"latch.dev/latch/internal/iam"
)

// The shapes of what the flags take, from IAM's own limits: an account is
// 12 digits; role and user names are 1 to 64 of [A-Za-z0-9_+=,.@-]; unique
// IDs are a type prefix (AROA for roles, AIDA for users) and upper-case
// letters and digits; a path starts and ends with "/".
var (
	accountRE = regexp.MustCompile(`^[0-9]{12}$`)
	iamNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	roleIDRE  = regexp.MustCompile(`^` + anyRoleID + `$`)
	userIDRE  = regexp.MustCompile(`^` + anyUserID + `$`)
	iamPathRE = regexp.MustCompile(`^/(?:[\x21-\x7e]*/)?$`)
)

// anyRoleID and anyUserID are the shapes of IAM unique IDs, used when the
// administrator does not pin the exact one. They keep a role's rule from
// matching a user's ID and the other way round.
const (
	anyRoleID = `AROA[0-9A-Z]{16,124}`
	anyUserID = `AIDA[0-9A-Z]{16,124}`
)

// maxPathLength is IAM's limit on a path.
const maxPathLength = 512

// roleRule is the rule for every session of one role: the assumed-role
// ARN of exactly that role in that account and partition with any session
// name, and a unique ID of that role (the pinned AROA… ID when given, else
// any role ID) with any session. A role's path is not part of its
// sessions' ARNs, so it plays no part. The name is quoted, so "app" is
// matched literally and never matches "app-admin" or "appX".
func roleRule(partition, account, role, roleID string) *iamv1.AWSIdentity {
	id := anyRoleID
	if roleID != "" {
		id = regexp.QuoteMeta(roleID)
	}
	return &iamv1.AWSIdentity{
		AwsAccount: account,
		AwsArn: &iamv1.AWSIdentity_ArnPattern{ArnPattern: "^arn:" + regexp.QuoteMeta(partition) + ":sts::" + account +
			":assumed-role/" + regexp.QuoteMeta(role) + "/[^/]+$"},
		AwsUserId: &iamv1.AWSIdentity_UserIdPattern{UserIdPattern: "^" + id + ":.+$"},
	}
}

// userRule is the rule for one IAM user: its exact ARN (GetCallerIdentity
// reports a user's ARN with its path) and its exact AIDA… ID when given,
// else any user ID.
func userRule(partition, account, path, user, userID string) *iamv1.AWSIdentity {
	a := &iamv1.AWSIdentity{
		AwsAccount: account,
		AwsArn:     &iamv1.AWSIdentity_Arn{Arn: "arn:" + partition + ":iam::" + account + ":user" + path + user},
	}
	if userID != "" {
		a.AwsUserId = &iamv1.AWSIdentity_UserId{UserId: userID}
	} else {
		a.AwsUserId = &iamv1.AWSIdentity_UserIdPattern{UserIdPattern: "^" + anyUserID + "$"}
	}
	return a
}

// checkAccount and the checks below turn a malformed flag into a usage
// error that says what the value should look like and where to find it.
func checkAccount(v string) error {
	if !accountRE.MatchString(v) {
		return cmdutil.FlagErrorf("--aws-account-id %q is not a 12-digit AWS account ID (`aws sts get-caller-identity` prints it as Account)", v)
	}
	return nil
}

func checkPartition(v string) error {
	if !iam.ValidAWSPartition(v) {
		return cmdutil.FlagErrorf("--aws-partition %q is not one of aws, aws-cn or aws-us-gov", v)
	}
	return nil
}

func checkName(flag, what, v string) error {
	if strings.Contains(v, "/") {
		return cmdutil.FlagErrorf("--%s %q holds a \"/\": give the %s name alone, without a path or an ARN", flag, v, what)
	}
	if !iamNameRE.MatchString(v) {
		return cmdutil.FlagErrorf("--%s %q is not an IAM %s name: 1 to 64 letters, digits and +=,.@_-", flag, v, what)
	}
	return nil
}

func checkUniqueID(flag, prefix string, re *regexp.Regexp, v string) error {
	if v != "" && !re.MatchString(v) {
		return cmdutil.FlagErrorf("--%s %q is not an IAM unique ID: %s followed by upper-case letters and digits", flag, v, prefix)
	}
	return nil
}

func checkPath(v string) error {
	if len(v) > maxPathLength || !iamPathRE.MatchString(v) {
		return cmdutil.FlagErrorf("--aws-user-path %q is not an IAM path: \"/\", or \"/\" and printable characters ending in \"/\" (like /division/team/)", v)
	}
	return nil
}

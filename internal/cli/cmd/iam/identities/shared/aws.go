package shared

import (
	"github.com/spf13/pflag"

	"latch.dev/latch/internal/cli/cmdutil"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// AWSRule holds the flags that edit an aws_identity rule field by field,
// with the names `create aws role|user` uses for the account and user ID.
type AWSRule struct {
	Account       cmdutil.OptionalString
	ARN           cmdutil.OptionalString
	ARNPattern    cmdutil.OptionalString
	UserID        cmdutil.OptionalString
	UserIDPattern cmdutil.OptionalString
}

// AddFlags registers the rule's flags.
func (r *AWSRule) AddFlags(fs *pflag.FlagSet) {
	fs.Var(&r.Account, "aws-account-id", "12-digit AWS account the principal must belong to")
	fs.Var(&r.ARN, "aws-arn", "ARN the principal must have, exactly")
	fs.Var(&r.ARNPattern, "aws-arn-pattern", "RE2 pattern the principal's ARN must match in full")
	fs.Var(&r.UserID, "aws-user-id", "unique user ID (GetCallerIdentity's UserId) the principal must have, exactly")
	fs.Var(&r.UserIDPattern, "aws-user-id-pattern", "RE2 pattern the principal's unique user ID must match in full")
}

// Given reports whether any of the rule's flags was given.
func (r *AWSRule) Given() bool {
	return r.Account.Given || r.ARN.Given || r.ARNPattern.Given || r.UserID.Given || r.UserIDPattern.Given
}

// Check refuses both forms of one field.
func (r *AWSRule) Check() error {
	switch {
	case r.ARN.Given && r.ARNPattern.Given:
		return cmdutil.FlagErrorf("--aws-arn and --aws-arn-pattern cannot go together: give the exact ARN or a pattern")
	case r.UserID.Given && r.UserIDPattern.Given:
		return cmdutil.FlagErrorf("--aws-user-id and --aws-user-id-pattern cannot go together: give the exact user ID or a pattern")
	}
	return nil
}

// Apply writes the given flags into a; one form of a field replaces the
// other.
func (r *AWSRule) Apply(a *iamv1.AWSIdentity) {
	if r.Account.Given {
		a.AwsAccount = r.Account.Value
	}
	switch {
	case r.ARN.Given:
		a.AwsArn = &iamv1.AWSIdentity_Arn{Arn: r.ARN.Value}
	case r.ARNPattern.Given:
		a.AwsArn = &iamv1.AWSIdentity_ArnPattern{ArnPattern: r.ARNPattern.Value}
	}
	switch {
	case r.UserID.Given:
		a.AwsUserId = &iamv1.AWSIdentity_UserId{UserId: r.UserID.Value}
	case r.UserIDPattern.Given:
		a.AwsUserId = &iamv1.AWSIdentity_UserIdPattern{UserIdPattern: r.UserIDPattern.Value}
	}
}

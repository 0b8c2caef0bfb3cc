package iam

import (
	"fmt"
	"regexp"
	"strings"

	"latch.dev/latch/internal/errs"
)

// AWSIdentity may be assumed by an AWS principal that proves itself with a
// signed sts:GetCallerIdentity request. All three fields must match what
// STS returns: the account exactly, the ARN and the unique user ID exactly
// or by a fully anchored RE2 pattern.
type AWSIdentity struct {
	Account       string `json:"aws_account"`
	ARN           string `json:"arn,omitempty"`
	ARNPattern    string `json:"arn_pattern,omitempty"`
	UserID        string `json:"user_id,omitempty"`
	UserIDPattern string `json:"user_id_pattern,omitempty"`
}

var accountRE = regexp.MustCompile(`^[0-9]{12}$`)

// ValidateAWSAccount checks a 12-digit account ID. Wildcards are refused
// outright: an identity that any account may assume is a takeover waiting
// for an attacker to name a role like the victim's.
func ValidateAWSAccount(field, acct string) error {
	switch {
	case acct == "":
		return errs.Invalidf(field, "is required: the 12-digit AWS account ID that may assume this identity")
	case strings.ContainsAny(acct, "*?.[]()|+\\"):
		return errs.Invalidf(field, "%q contains a wildcard; give one exact 12-digit account ID", acct)
	case !accountRE.MatchString(acct):
		return errs.Invalidf(field, "%q is not a 12-digit AWS account ID (it has %d characters)", acct, len(acct))
	}
	return nil
}

// Validate checks the rule and compiles its patterns.
func (a *AWSIdentity) Validate() error {
	var list []error
	list = append(list, ValidateAWSAccount("aws_identity.aws_account", a.Account))
	if _, err := NewMatcher("aws_identity.arn", a.ARN, a.ARNPattern); err != nil {
		list = append(list, err)
	}
	if _, err := NewMatcher("aws_identity.user_id", a.UserID, a.UserIDPattern); err != nil {
		list = append(list, err)
	} else if err := checkAWSUserIDShape(a.UserID, a.UserIDPattern); err != nil {
		list = append(list, err)
	}
	if a.ARN != "" {
		if p, err := ParseAWSARN(a.ARN); err != nil {
			list = append(list, errs.Invalidf("aws_identity.arn", "%s", errs.Message(err)))
		} else if p.Account != a.Account && accountRE.MatchString(a.Account) {
			list = append(list, errs.Invalidf("aws_identity.arn", "names account %s but aws_account is %s", p.Account, a.Account))
		}
	}
	return errs.Join(list)
}

// userIDShapeRE is what every user ID STS reports looks like: a unique ID
// (AROA…:SESSION, AIDA…) or the account ID, alone or with a name.
var userIDShapeRE = regexp.MustCompile(`^(A[A-Z0-9]+|[0-9]{12})(:\S+)?$`)

// checkAWSUserIDShape refuses a user ID rule that is a fixed value (the
// exact value, or a pattern without any pattern syntax) no user ID can
// equal. The tutorial's template `"userIdPattern": "$USER-ID"` in an
// unquoted heredoc becomes "root-ID": an identity nobody could ever
// assume, which would otherwise only show at the first login.
func checkAWSUserIDShape(exact, pattern string) error {
	field, v := "aws_identity.user_id", exact
	if pattern != "" {
		re, err := regexp.Compile(pattern)
		if err != nil {
			return nil // NewMatcher reports it
		}
		lit, complete := re.LiteralPrefix()
		if !complete {
			return nil
		}
		field, v = "aws_identity.user_id_pattern", lit
	}
	if userIDShapeRE.MatchString(v) {
		return nil
	}
	return errs.Invalidf(field, "%q can match no AWS user ID: STS reports a unique ID (AROA…:SESSION for a role, AIDA… for a user) or the account ID; did the shell expand a $VARIABLE in it?", v)
}

// AWSPrincipal is what STS says about the caller.
type AWSPrincipal struct {
	Account string `json:"account"`
	ARN     string `json:"arn"`
	UserID  string `json:"user_id"`
}

// AWS principal types, from the resource part of the ARN.
const (
	AWSAssumedRole   = "assumed-role"
	AWSUser          = "user"
	AWSRoot          = "root"
	AWSFederatedUser = "federated-user"
)

// AWSARN is a parsed IAM or STS principal ARN.
type AWSARN struct {
	Partition string // aws, aws-cn, aws-us-gov
	Service   string // iam or sts
	Account   string
	Type      string // one of the AWS* principal types
	Name      string // role name for assumed-role, user name for user, "" for root
	Path      string // IAM path of a user ("/" when none)
	Session   string // session name of an assumed role or federated user
}

// Partitions latch knows. A principal from another partition is refused.
var awsPartitions = map[string]bool{"aws": true, "aws-cn": true, "aws-us-gov": true}

// ValidAWSPartition reports whether p is a partition latch supports.
func ValidAWSPartition(p string) bool { return awsPartitions[p] }

// ParseAWSARN parses the principal ARNs that GetCallerIdentity returns.
func ParseAWSARN(s string) (AWSARN, error) {
	bad := func(why string) (AWSARN, error) {
		return AWSARN{}, errs.New(errs.Invalid, "ARN %q %s", s, why)
	}
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return bad("is not of the form arn:PARTITION:SERVICE::ACCOUNT:RESOURCE")
	}
	a := AWSARN{Partition: parts[1], Service: parts[2], Account: parts[4]}
	if !awsPartitions[a.Partition] {
		return bad(fmt.Sprintf("has partition %q; latch knows aws, aws-cn and aws-us-gov", a.Partition))
	}
	if parts[3] != "" {
		return bad("has a region; principal ARNs have none")
	}
	if !accountRE.MatchString(a.Account) {
		return bad("does not name a 12-digit account")
	}
	res := parts[5]
	switch {
	case a.Service == "sts" && strings.HasPrefix(res, "assumed-role/"):
		f := strings.Split(res, "/")
		if len(f) != 3 || f[1] == "" || f[2] == "" {
			return bad("is not an assumed-role ARN of the form assumed-role/ROLE/SESSION")
		}
		a.Type, a.Name, a.Session = AWSAssumedRole, f[1], f[2]
	case a.Service == "sts" && strings.HasPrefix(res, "federated-user/"):
		name := strings.TrimPrefix(res, "federated-user/")
		if name == "" || strings.Contains(name, "/") {
			return bad("is not a federated-user ARN")
		}
		a.Type, a.Session = AWSFederatedUser, name
	case a.Service == "iam" && res == "root":
		a.Type = AWSRoot
	case a.Service == "iam" && strings.HasPrefix(res, "user/"):
		rest := strings.TrimPrefix(res, "user")
		i := strings.LastIndexByte(rest, '/')
		a.Type, a.Path, a.Name = AWSUser, rest[:i+1], rest[i+1:]
		if a.Name == "" {
			return bad("names no user")
		}
	case a.Service == "iam" && strings.HasPrefix(res, "role/"):
		// A role never calls STS itself; its sessions do, under an ARN
		// that drops the role's path. Saying so here saves an
		// administrator an identity that can never match.
		return bad("is a role ARN; STS reports a role's sessions as arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION, " +
			"without the role's path: use an arn_pattern such as arn:aws:sts::ACCOUNT:assumed-role/ROLE/.+")
	default:
		return bad("is not a principal ARN (assumed-role, user, root or federated-user)")
	}
	return a, nil
}

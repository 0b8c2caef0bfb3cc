package fakeaws

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Partition is an AWS partition, the first field after "arn:" in every ARN.
// Verifiers must handle more than the commercial partition, so principals
// are built for a caller-chosen one.
type Partition string

// The partitions latch supports out of the box. Any other name of the form
// aws or aws-<lower-case word>… is accepted too, for partitions such as
// aws-iso that tests may want to exercise.
const (
	PartitionAWS      Partition = "aws"
	PartitionAWSCN    Partition = "aws-cn"
	PartitionAWSUSGov Partition = "aws-us-gov"
)

// Prefixes AWS gives the unique IDs of roles and users, which show up in
// GetCallerIdentity's UserId.
const (
	RoleIDPrefix = "AROA"
	UserIDPrefix = "AIDA"
)

// Principal is what GetCallerIdentity answers for a set of credentials.
// It is a plain value so tests can also register deliberately odd
// principals to exercise a verifier's parsing.
type Principal struct {
	// Account is the 12-digit AWS account ID.
	Account string
	// Arn is the caller's ARN: for a role session the assumed-role ARN,
	// not the role's own.
	Arn string
	// UserID is the caller's unique ID (GetCallerIdentity's UserId).
	UserID string
}

// validate reports whether the principal can be served.
func (p Principal) validate() error {
	if p.Account == "" || p.Arn == "" || p.UserID == "" {
		return errors.New("principal needs Account, Arn and UserID")
	}
	return nil
}

// AssumedRole returns the principal of a session of an IAM role, shaped as
// STS shapes it: Arn arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION
// (the role's path is not part of it) and UserId ROLEID:SESSION. An EC2
// instance's role session is named after the instance ID.
func AssumedRole(partition Partition, account, role, roleID, session string) (Principal, error) {
	if err := checkPartitionAccount(partition, account); err != nil {
		return Principal{}, err
	}
	if err := checkName("role name", role, 1, 64); err != nil {
		return Principal{}, err
	}
	if err := checkName("role session name", session, 2, 64); err != nil {
		return Principal{}, err
	}
	if err := checkUniqueID(RoleIDPrefix, roleID); err != nil {
		return Principal{}, err
	}
	return Principal{
		Account: account,
		Arn:     fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", partition, account, role, session),
		UserID:  roleID + ":" + session,
	}, nil
}

// IAMUser returns the principal of an IAM user's long-term keys:
// Arn arn:PARTITION:iam::ACCOUNT:user[PATH]NAME and UserId the user's
// unique ID. path is "" or "/" for none, else it starts and ends with "/",
// as in IAM.
func IAMUser(partition Partition, account, path, name, userID string) (Principal, error) {
	if err := checkPartitionAccount(partition, account); err != nil {
		return Principal{}, err
	}
	if path == "" {
		path = "/"
	}
	if err := checkPath(path); err != nil {
		return Principal{}, err
	}
	if err := checkName("user name", name, 1, 64); err != nil {
		return Principal{}, err
	}
	if err := checkUniqueID(UserIDPrefix, userID); err != nil {
		return Principal{}, err
	}
	return Principal{
		Account: account,
		Arn:     fmt.Sprintf("arn:%s:iam::%s:user%s%s", partition, account, path, name),
		UserID:  userID,
	}, nil
}

// Root returns the principal of an account's root user, whose UserId is the
// account ID itself. Verifiers often need to refuse it, so tests need it.
func Root(partition Partition, account string) (Principal, error) {
	if err := checkPartitionAccount(partition, account); err != nil {
		return Principal{}, err
	}
	return Principal{
		Account: account,
		Arn:     fmt.Sprintf("arn:%s:iam::%s:root", partition, account),
		UserID:  account,
	}, nil
}

// NewRoleID returns a random role unique ID (AROA followed by 17
// characters), for tests that do not care which one.
func NewRoleID(rand io.Reader) (string, error) {
	return newUniqueID(rand, RoleIDPrefix)
}

// NewUserID returns a random user unique ID (AIDA followed by 17
// characters).
func NewUserID(rand io.Reader) (string, error) {
	return newUniqueID(rand, UserIDPrefix)
}

func newUniqueID(rand io.Reader, prefix string) (string, error) {
	s, err := randomString(newLockedReader(rand), idAlphabet, 17)
	if err != nil {
		return "", fmt.Errorf("generate %s id: %w", prefix, err)
	}
	return prefix + s, nil
}

func checkPartitionAccount(partition Partition, account string) error {
	p := string(partition)
	rest, ok := strings.CutPrefix(p, "aws")
	if !ok {
		return fmt.Errorf("partition %q does not start with %q", p, "aws")
	}
	for _, word := range strings.Split(rest, "-")[1:] {
		if word == "" || strings.IndexFunc(word, func(r rune) bool { return r < 'a' || r > 'z' }) >= 0 {
			return fmt.Errorf("partition %q is not of the form aws[-word…]", p)
		}
	}
	if rest != "" && !strings.HasPrefix(rest, "-") {
		return fmt.Errorf("partition %q is not of the form aws[-word…]", p)
	}
	if len(account) != 12 || strings.IndexFunc(account, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return fmt.Errorf("account %q is not 12 digits", account)
	}
	return nil
}

// checkName applies IAM's character set for role, user and session names.
func checkName(what, s string, minLen, maxLen int) error {
	if len(s) < minLen || len(s) > maxLen {
		return fmt.Errorf("%s %q must be %d to %d characters", what, s, minLen, maxLen)
	}
	for _, r := range s {
		if !isNameChar(r) {
			return fmt.Errorf("%s %q may only contain letters, digits and +=,.@_-", what, s)
		}
	}
	return nil
}

func isNameChar(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	}
	return strings.ContainsRune("+=,.@_-", r)
}

func checkPath(p string) error {
	if len(p) > 512 || !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") {
		return fmt.Errorf("path %q must start and end with / and be at most 512 characters", p)
	}
	for _, r := range p {
		if r < 0x21 || r > 0x7e {
			return fmt.Errorf("path %q contains a character outside printable ASCII", p)
		}
	}
	return nil
}

func checkUniqueID(prefix, id string) error {
	rest, ok := strings.CutPrefix(id, prefix)
	if !ok || len(rest) < 16 || len(rest) > 124 {
		return fmt.Errorf("unique id %q must be %s followed by at least 16 upper-case letters or digits", id, prefix)
	}
	for _, r := range rest {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return fmt.Errorf("unique id %q must be %s followed by at least 16 upper-case letters or digits", id, prefix)
		}
	}
	return nil
}

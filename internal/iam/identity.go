package iam

import (
	"time"

	"latch.dev/latch/internal/errs"
)

// IdentityKind says which proof can assume an identity.
type IdentityKind string

// The kinds of identity.
const (
	KindAWS        IdentityKind = "aws"         // a signed sts:GetCallerIdentity request
	KindClaimMatch IdentityKind = "claim_match" // an OIDC token from a reachable issuer
	KindStatic     IdentityKind = "static"      // an OIDC token checked against keys stored with the identity
	KindUser       IdentityKind = "user"        // a human registered at the root on first login
)

// Identity is a principal. Assumable identities live in a group and carry
// exactly one rule (AWS, ClaimMatch or Static) saying which external proof
// may assume them; human users live at the root and carry User.
type Identity struct {
	ID          string
	Name        string
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	LastSeen    time.Time // zero until the identity is first assumed

	AWS        *AWSIdentity `json:",omitempty"`
	ClaimMatch *ClaimMatch  `json:",omitempty"`
	Static     *StaticKeys  `json:",omitempty"`
	User       *User        `json:",omitempty"`
}

// Kind returns which rule the identity carries, or "" if none.
func (id Identity) Kind() IdentityKind {
	switch {
	case id.AWS != nil:
		return KindAWS
	case id.ClaimMatch != nil:
		return KindClaimMatch
	case id.Static != nil:
		return KindStatic
	case id.User != nil:
		return KindUser
	}
	return ""
}

// Group returns the group an identity belongs to, or RootScope for users.
func (id Identity) Group() string { return ParentID(id.ID) }

// User describes a human who signed in through the server's upstream
// OpenID Provider (or the bootstrap administrator).
type User struct {
	Issuer  string `json:"issuer"`
	Subject string `json:"subject"`
	Email   string `json:"email,omitempty"`
}

// Validate checks an identity before it is written. now is the write time.
// A static identity's lifetime counts from UpdatedAt, since new keys start
// a new lifetime.
func (id *Identity) Validate(now time.Time) error {
	var list []error
	if !ValidID(id.ID) {
		list = append(list, errs.Invalidf("id", "%q is not a valid ID", id.ID))
	}
	list = append(list, ValidateName("name", id.Name), ValidateDescription("description", id.Description))
	n := 0
	for _, set := range []bool{id.AWS != nil, id.ClaimMatch != nil, id.Static != nil, id.User != nil} {
		if set {
			n++
		}
	}
	switch {
	case n == 0:
		list = append(list, errs.Invalidf("relationship", "an identity needs exactly one of aws_identity, claim_match or static; none was given"))
	case n > 1:
		list = append(list, errs.Invalidf("relationship", "an identity needs exactly one of aws_identity, claim_match or static; %d were given", n))
	}
	switch {
	case id.AWS != nil:
		list = append(list, id.AWS.Validate())
	case id.ClaimMatch != nil:
		list = append(list, id.ClaimMatch.Validate())
	case id.Static != nil:
		list = append(list, id.Static.Validate(id.UpdatedAt, now))
	case id.User != nil:
		if id.Group() != RootScope {
			list = append(list, errs.Invalidf("relationship", "users live at the root, not in a group"))
		}
		if id.User.Issuer == "" || id.User.Subject == "" {
			list = append(list, errs.Invalidf("user", "issuer and subject are required"))
		}
	}
	if id.User == nil && id.Group() == RootScope && ValidID(id.ID) {
		list = append(list, errs.Invalidf("parent", "assumable identities belong to an organization or folder"))
	}
	return errs.Join(list)
}

package views

import (
	"slices"
	"time"

	"latch.dev/latch/internal/cli/output"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// Identity prints identities. roles maps identity IDs to "group: role"
// strings for the ROLES column; nil leaves it empty.
func Identity(roles map[string][]string) output.View[*iamv1.Identity] {
	return output.View[*iamv1.Identity]{
		ID: (*iamv1.Identity).GetId,
		Columns: []output.Column[*iamv1.Identity]{
			{Header: "ID", Text: (*iamv1.Identity).GetId},
			{Header: "NAME", Text: (*iamv1.Identity).GetName},
			{Header: "TYPE", Text: IdentityType},
			{Header: "DESCRIPTION", Text: (*iamv1.Identity).GetDescription, Max: 40},
			{Header: "ROLES", Text: func(id *iamv1.Identity) string { return output.Join(roles[id.GetId()]) }, Max: 40},
			{Header: "ISSUER", Text: issuer, Max: 50},
			{Header: "EXPIRES", Time: func(id *iamv1.Identity) time.Time { return asTime(id.GetStatic().GetExpiration()) }},
			{Header: "MATCH", Wide: true, Summary: true, Text: match},
			// Describing one identity spells its rule out field by field,
			// with the field names of its JSON.
			{Header: "AWS ACCOUNT", Detail: true, Text: func(id *iamv1.Identity) string { return id.GetAwsIdentity().GetAwsAccount() }},
			{Header: "ARN", Detail: true, Text: func(id *iamv1.Identity) string { return id.GetAwsIdentity().GetArn() }},
			{Header: "ARN PATTERN", Detail: true, Text: func(id *iamv1.Identity) string { return id.GetAwsIdentity().GetArnPattern() }},
			{Header: "USER ID", Detail: true, Text: func(id *iamv1.Identity) string { return id.GetAwsIdentity().GetUserId() }},
			{Header: "USER ID PATTERN", Detail: true, Text: func(id *iamv1.Identity) string { return id.GetAwsIdentity().GetUserIdPattern() }},
			{Header: "SUBJECT", Detail: true, Text: subject},
			{Header: "SUBJECT PATTERN", Detail: true, Text: func(id *iamv1.Identity) string { return id.GetClaimMatch().GetSubjectPattern() }},
			{Header: "AUDIENCE", Detail: true, Text: audience},
			{Header: "AUDIENCE PATTERN", Detail: true, Text: func(id *iamv1.Identity) string { return id.GetClaimMatch().GetAudiencePattern() }},
			{Header: "CLAIMS", Detail: true, Text: func(id *iamv1.Identity) string { return pairs(id.GetClaimMatch().GetClaims()) }},
			{Header: "CLAIM PATTERNS", Detail: true, Text: func(id *iamv1.Identity) string { return pairs(id.GetClaimMatch().GetClaimPatterns()) }},
			{Header: "EMAIL", Detail: true, Text: func(id *iamv1.Identity) string { return id.GetUser().GetEmail() }},
			{Header: "LAST SEEN", Wide: true, Time: func(id *iamv1.Identity) time.Time { return asTime(id.GetLastSeen()) }},
			{Header: "CREATED", Wide: true, Time: func(id *iamv1.Identity) time.Time { return asTime(id.GetCreatedAt()) }},
		},
	}
}

// IdentityType names the proof that may assume the identity, with the
// names `--type` filters use.
func IdentityType(id *iamv1.Identity) string {
	switch id.GetRelationship().(type) {
	case *iamv1.Identity_AwsIdentity:
		return "aws"
	case *iamv1.Identity_ClaimMatch:
		return "claim_match"
	case *iamv1.Identity_Static:
		return "static"
	case *iamv1.Identity_User:
		return "user"
	}
	return ""
}

// issuer is who vouches for the identity: an OIDC issuer, or the AWS account.
func issuer(id *iamv1.Identity) string {
	switch r := id.GetRelationship().(type) {
	case *iamv1.Identity_AwsIdentity:
		return "aws:" + r.AwsIdentity.GetAwsAccount()
	case *iamv1.Identity_ClaimMatch:
		if p := r.ClaimMatch.GetIssuerPattern(); p != "" {
			return p
		}
		return r.ClaimMatch.GetIssuer()
	case *iamv1.Identity_Static:
		return r.Static.GetIssuer()
	case *iamv1.Identity_User:
		return r.User.GetIssuer()
	}
	return ""
}

// match is what the upstream principal must be: an ARN, a subject.
func match(id *iamv1.Identity) string {
	switch r := id.GetRelationship().(type) {
	case *iamv1.Identity_AwsIdentity:
		if p := r.AwsIdentity.GetArnPattern(); p != "" {
			return p
		}
		return r.AwsIdentity.GetArn()
	case *iamv1.Identity_ClaimMatch:
		if p := r.ClaimMatch.GetSubjectPattern(); p != "" {
			return p
		}
		return r.ClaimMatch.GetSubject()
	case *iamv1.Identity_Static:
		return r.Static.GetSubject()
	case *iamv1.Identity_User:
		if e := r.User.GetEmail(); e != "" {
			return e
		}
		return r.User.GetSubject()
	}
	return ""
}

// subject is the OIDC subject an identity requires exactly (a user's is
// the subject it logged in with).
func subject(id *iamv1.Identity) string {
	switch r := id.GetRelationship().(type) {
	case *iamv1.Identity_ClaimMatch:
		return r.ClaimMatch.GetSubject()
	case *iamv1.Identity_Static:
		return r.Static.GetSubject()
	case *iamv1.Identity_User:
		return r.User.GetSubject()
	}
	return ""
}

// audience is the audience an OIDC token must carry, when the identity
// sets one (unset, the server's own URL).
func audience(id *iamv1.Identity) string {
	if a := id.GetClaimMatch().GetAudience(); a != "" {
		return a
	}
	return output.Join(id.GetStatic().GetAudiences())
}

// pairs shows a claim map as "name=value" items in name order.
func pairs(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	items := make([]string, len(keys))
	for i, k := range keys {
		items[i] = k + "=" + m[k]
	}
	return output.Join(items)
}

// RolesByIdentity turns role bindings into the ROLES column's content:
// for each identity, "group: role" sorted.
func RolesByIdentity(bindings []*iamv1.RoleBindingList_Binding) map[string][]string {
	out := make(map[string][]string)
	for _, b := range bindings {
		group := b.GetGroup().GetName()
		if group == "" {
			group = b.GetGroup().GetId()
		}
		if group == "" {
			group = "/"
		}
		out[b.GetIdentity()] = append(out[b.GetIdentity()], group+": "+b.GetRole().GetName())
	}
	for _, list := range out {
		slices.Sort(list)
	}
	return out
}

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
			{Header: "MATCH", Wide: true, Text: match},
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

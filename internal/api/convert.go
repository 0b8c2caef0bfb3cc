package api

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/service"
	"latch.dev/latch/internal/storage"

	authv1 "latch.dev/latch/internal/gen/latch/auth/v1"
	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

// ts converts a time to a timestamp, leaving zero times unset.
func ts(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func fromTS(t *timestamppb.Timestamp) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.AsTime()
}

func groupToProto(g iam.Group) *iamv1.Group {
	return &iamv1.Group{Id: g.ID, Name: g.Name, Description: g.Description, CreatedAt: ts(g.CreatedAt), UpdatedAt: ts(g.UpdatedAt)}
}

func groupFromProto(g *iamv1.Group) iam.Group {
	return iam.Group{ID: g.GetId(), Name: g.GetName(), Description: g.GetDescription()}
}

func identityToProto(id iam.Identity) *iamv1.Identity {
	out := &iamv1.Identity{
		Id: id.ID, Name: id.Name, Description: id.Description,
		CreatedAt: ts(id.CreatedAt), UpdatedAt: ts(id.UpdatedAt), LastSeen: ts(id.LastSeen),
	}
	switch {
	case id.AWS != nil:
		a := &iamv1.AWSIdentity{AwsAccount: id.AWS.Account}
		if id.AWS.ARN != "" {
			a.AwsArn = &iamv1.AWSIdentity_Arn{Arn: id.AWS.ARN}
		} else {
			a.AwsArn = &iamv1.AWSIdentity_ArnPattern{ArnPattern: id.AWS.ARNPattern}
		}
		if id.AWS.UserID != "" {
			a.AwsUserId = &iamv1.AWSIdentity_UserId{UserId: id.AWS.UserID}
		} else {
			a.AwsUserId = &iamv1.AWSIdentity_UserIdPattern{UserIdPattern: id.AWS.UserIDPattern}
		}
		out.Relationship = &iamv1.Identity_AwsIdentity{AwsIdentity: a}
	case id.ClaimMatch != nil:
		c := id.ClaimMatch
		m := &iamv1.ClaimMatch{Claims: c.Claims, ClaimPatterns: c.ClaimPatterns}
		if c.Issuer != "" {
			m.Iss = &iamv1.ClaimMatch_Issuer{Issuer: c.Issuer}
		} else {
			m.Iss = &iamv1.ClaimMatch_IssuerPattern{IssuerPattern: c.IssuerPattern}
		}
		if c.Subject != "" {
			m.Sub = &iamv1.ClaimMatch_Subject{Subject: c.Subject}
		} else {
			m.Sub = &iamv1.ClaimMatch_SubjectPattern{SubjectPattern: c.SubjectPattern}
		}
		switch {
		case c.Audience != "":
			m.Aud = &iamv1.ClaimMatch_Audience{Audience: c.Audience}
		case c.AudiencePattern != "":
			m.Aud = &iamv1.ClaimMatch_AudiencePattern{AudiencePattern: c.AudiencePattern}
		}
		out.Relationship = &iamv1.Identity_ClaimMatch{ClaimMatch: m}
	case id.Static != nil:
		st := &iamv1.StaticKeys{Issuer: id.Static.Issuer, Subject: id.Static.Subject, IssuerKeys: id.Static.IssuerKeys, Expiration: ts(id.Static.Expiration)}
		if id.Static.Audience != "" {
			st.Audiences = []string{id.Static.Audience}
		}
		out.Relationship = &iamv1.Identity_Static{Static: st}
	case id.User != nil:
		out.Relationship = &iamv1.Identity_User{User: &iamv1.User{Issuer: id.User.Issuer, Subject: id.User.Subject, Email: id.User.Email}}
	}
	return out
}

// identityFromProto converts what a caller sent. Output-only fields (times,
// users) are ignored; the service sets them.
func identityFromProto(p *iamv1.Identity) iam.Identity {
	id := iam.Identity{ID: p.GetId(), Name: p.GetName(), Description: p.GetDescription()}
	if a := p.GetAwsIdentity(); a != nil {
		id.AWS = &iam.AWSIdentity{
			Account: a.GetAwsAccount(), ARN: a.GetArn(), ARNPattern: a.GetArnPattern(),
			UserID: a.GetUserId(), UserIDPattern: a.GetUserIdPattern(),
		}
	}
	if c := p.GetClaimMatch(); c != nil {
		id.ClaimMatch = &iam.ClaimMatch{
			Issuer: c.GetIssuer(), IssuerPattern: c.GetIssuerPattern(),
			Subject: c.GetSubject(), SubjectPattern: c.GetSubjectPattern(),
			Audience: c.GetAudience(), AudiencePattern: c.GetAudiencePattern(),
			Claims: c.GetClaims(), ClaimPatterns: c.GetClaimPatterns(),
		}
	}
	if s := p.GetStatic(); s != nil {
		id.Static = &iam.StaticKeys{Issuer: s.GetIssuer(), Subject: s.GetSubject(), IssuerKeys: s.GetIssuerKeys(), Expiration: fromTS(s.GetExpiration())}
		if auds := s.GetAudiences(); len(auds) > 0 {
			id.Static.Audience = auds[0]
		}
	}
	return id
}

func roleToProto(r iam.Role) *iamv1.Role {
	caps := make([]string, len(r.Capabilities))
	for i, c := range r.Capabilities {
		caps[i] = string(c)
	}
	return &iamv1.Role{Id: r.ID, Name: r.Name, Description: r.Description, Capabilities: caps, BuiltIn: r.BuiltIn(), CreatedAt: ts(r.CreatedAt), UpdatedAt: ts(r.UpdatedAt)}
}

func roleFromProto(p *iamv1.Role) iam.Role {
	caps := make([]iam.Capability, len(p.GetCapabilities()))
	for i, c := range p.GetCapabilities() {
		caps[i] = iam.Capability(c)
	}
	return iam.Role{ID: p.GetId(), Name: p.GetName(), Description: p.GetDescription(), Capabilities: caps}
}

func bindingToProto(b iam.RoleBinding) *iamv1.RoleBinding {
	return &iamv1.RoleBinding{Id: b.ID, Identity: b.Identity, Group: b.Group(), Role: b.Role, CreatedAt: ts(b.CreatedAt), UpdatedAt: ts(b.UpdatedAt)}
}

func bindingViewToProto(v service.RoleBindingView) *iamv1.RoleBindingList_Binding {
	out := &iamv1.RoleBindingList_Binding{
		Id: v.ID, Identity: v.RoleBinding.Identity, IdentityName: v.Identity.Name,
		Role: roleToProto(v.Role), CreatedAt: ts(v.CreatedAt),
	}
	if v.Group.ID != "" {
		out.Group = groupToProto(v.Group)
	} else {
		out.Group = &iamv1.Group{Id: iam.RootScope, Name: "(server-wide)"}
	}
	if v.Identity.User != nil {
		out.Email = v.Identity.User.Email
	}
	return out
}

func eventToProto(e iam.Event) *authv1.Event {
	return &authv1.Event{
		Id: e.ID, Time: ts(e.Time), Type: e.Type, Group: e.Group, Identity: e.Identity,
		Outcome: e.Outcome, Reason: e.Reason, Subject: e.Subject, Detail: e.Detail,
		SourceIp: e.SourceIP, TokenId: e.TokenID,
	}
}

// uidpFilter folds a UIDPFilter into a storage filter.
func uidpFilter(f *storage.Filter, u *iamv1.UIDPFilter) {
	if u == nil {
		return
	}
	f.AncestorsOf = u.GetAncestorsOf()
	f.Within = u.GetDescendantsOf()
	f.Parent = u.GetChildrenOf()
	f.IDs = u.GetIds()
}

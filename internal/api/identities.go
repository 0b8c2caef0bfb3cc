package api

import (
	"context"
	"encoding/json"
	"strings"

	"connectrpc.com/connect"

	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/service"
	"latch.dev/latch/internal/storage"

	iamv1 "latch.dev/latch/internal/gen/latch/iam/v1"
)

type identities struct{ *handlers }

func (h identities) Create(ctx context.Context, req *connect.Request[iamv1.CreateIdentityRequest]) (*connect.Response[iamv1.Identity], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if req.Msg.GetIdentity() == nil {
		return nil, errs.Invalidf("identity", "is required")
	}
	id, err := h.svc.CreateIdentity(ctx, c, req.Msg.GetParentId(), identityFromProto(req.Msg.GetIdentity()))
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(identityToProto(id)), nil
}

func (h identities) List(ctx context.Context, req *connect.Request[iamv1.IdentityFilter]) (*connect.Response[iamv1.IdentityList], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	kind := iam.IdentityKind(req.Msg.GetKind())
	switch kind {
	case "", iam.KindAWS, iam.KindClaimMatch, iam.KindStatic, iam.KindUser:
	default:
		return nil, errs.Invalidf("kind", "%q is not an identity kind; use aws, claim_match, static or user", kind)
	}
	f := storage.Filter{Name: req.Msg.GetName(), PageSize: int(req.Msg.GetPageSize()), PageToken: req.Msg.GetPageToken()}
	uidpFilter(&f, req.Msg.GetUidp())
	if id := req.Msg.GetId(); id != "" {
		f.IDs = append(f.IDs, id)
	}
	page, err := h.svc.ListIdentities(ctx, c, f)
	if err != nil {
		return nil, err
	}
	out := &iamv1.IdentityList{NextPageToken: page.Next}
	for _, id := range page.Items {
		if kind != "" && id.Kind() != kind {
			continue
		}
		out.Items = append(out.Items, identityToProto(id))
	}
	return connect.NewResponse(out), nil
}

func (h identities) Update(ctx context.Context, req *connect.Request[iamv1.Identity]) (*connect.Response[iamv1.Identity], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	id, err := h.svc.UpdateIdentity(ctx, c, identityFromProto(req.Msg))
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(identityToProto(id)), nil
}

func (h identities) Delete(ctx context.Context, req *connect.Request[iamv1.DeleteRequest]) (*connect.Response[iamv1.DeleteResponse], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := h.svc.DeleteIdentity(ctx, c, req.Msg.GetId()); err != nil {
		return nil, err
	}
	return connect.NewResponse(&iamv1.DeleteResponse{}), nil
}

func (h identities) Check(ctx context.Context, req *connect.Request[iamv1.CheckRequest]) (*connect.Response[iamv1.CheckResponse], error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var (
		ok     bool
		checks []service.RuleCheck
	)
	switch {
	case req.Msg.GetAws() != nil:
		p := req.Msg.GetAws()
		ok, checks, err = h.svc.CheckAWS(ctx, c, req.Msg.GetId(), iam.AWSPrincipal{Account: p.GetAccount(), ARN: p.GetArn(), UserID: p.GetUserId()})
	case req.Msg.GetClaimsJson() != "":
		claims, perr := parseClaims(req.Msg.GetClaimsJson())
		if perr != nil {
			return nil, perr
		}
		ok, checks, err = h.svc.CheckClaims(ctx, c, req.Msg.GetId(), claims)
	default:
		return nil, errs.Invalidf("principal", "give the principal to check: an AWS principal (account, ARN, user ID) or an OIDC token's claims as JSON")
	}
	if err != nil {
		return nil, err
	}
	out := &iamv1.CheckResponse{Accepted: ok}
	for _, ch := range checks {
		out.Checks = append(out.Checks, &iamv1.RuleCheck{Field: ch.Field, Ok: ch.OK, Rule: ch.Rule, Reason: ch.Reason})
	}
	return connect.NewResponse(out), nil
}

// maxClaimsBytes bounds the claims document of a check.
const maxClaimsBytes = 64 << 10

// parseClaims decodes a JSON object of token claims, keeping numbers as
// the text that was written (the way verified tokens are decoded).
func parseClaims(s string) (iam.TokenClaims, error) {
	if len(s) > maxClaimsBytes {
		return nil, errs.Invalidf("claims_json", "is %d bytes; the limit is %d", len(s), maxClaimsBytes)
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var claims map[string]any
	if err := dec.Decode(&claims); err != nil || claims == nil {
		return nil, errs.Invalidf("claims_json", "is not a JSON object of claims")
	}
	if dec.More() {
		return nil, errs.Invalidf("claims_json", "has data after the JSON object")
	}
	return iam.TokenClaims(claims), nil
}

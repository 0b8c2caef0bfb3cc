package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"latch.dev/latch/internal/authn"
	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
	"latch.dev/latch/internal/token"
)

// ExchangeRequest is an upstream proof to exchange for a latch token, with
// the wire protocol's parameters.
type ExchangeRequest struct {
	Proof        string   // the upstream token or AWS proof
	Identity     string   // the target identity's ID; may be empty for OIDC proofs
	Audience     []string // requested audiences; default the server URL
	Capabilities []string // narrow the token to these capabilities
	Scopes       []string // narrow the token to these groups
	SourceIP     string
}

// TokenPair is what the token endpoints answer.
type TokenPair struct {
	Token        string
	RefreshToken string // only for logins that may renew themselves
	Expiry       time.Time
}

// Exchange verifies an upstream proof, checks it against the target
// identity's rule and mints a latch token for that identity. Every
// exchange, accepted or refused, is an audit event.
func (s *Service) Exchange(ctx context.Context, req ExchangeRequest) (TokenPair, error) {
	ev := iam.Event{Type: "exchange", Identity: req.Identity, SourceIP: req.SourceIP}
	pair, err := s.exchange(ctx, req, &ev)
	s.audit(ctx, ev, err)
	return pair, err
}

func (s *Service) exchange(ctx context.Context, req ExchangeRequest, ev *iam.Event) (TokenPair, error) {
	aud, err := s.audiences(req.Audience)
	if err != nil {
		return TokenPair{}, err
	}
	caps, err := narrowCaps(req.Capabilities)
	if err != nil {
		return TokenPair{}, err
	}
	scopes, err := narrowScopes(req.Scopes)
	if err != nil {
		return TokenPair{}, err
	}
	kinds := s.authn.Detect(req.Proof)
	if len(kinds) == 0 {
		return TokenPair{}, errs.New(errs.Unauthenticated, "the bearer token is neither an AWS proof (base64 of a signed GetCallerIdentity request) nor a JWT; check what was passed as --identity-token")
	}
	var (
		id  iam.Identity
		res authn.Result
	)
	if req.Identity == "" {
		// Only OIDC proofs name their issuer; an AWS proof is bound to
		// the identity it was signed for.
		if id, res, err = s.findIdentity(ctx, req.Proof, kinds, ev); err != nil {
			return TokenPair{}, err
		}
	} else if id, res, err = s.assume(ctx, req.Proof, req.Identity, kinds, ev); err != nil {
		return TokenPair{}, err
	}
	ev.Subject, ev.Detail = res.Subject, res.Detail
	pair, err := s.issue(ctx, s.store, grant{identity: id, kind: token.Kind(id.Kind()), actor: res.Actor, audience: aud, caps: caps, scopes: scopes})
	if err != nil {
		return TokenPair{}, err
	}
	if now := s.now().UTC(); now.Sub(id.LastSeen) >= lastSeenGranularity {
		if err := s.store.TouchIdentity(ctx, id.ID, now); err != nil {
			s.log.WarnContext(ctx, "record last use of identity", "identity", id.ID, "err", err)
		}
	}
	return pair, nil
}

// lastSeenGranularity is how stale an identity's last-use time may be
// before an exchange writes it again. A workload that exchanges a token
// every few seconds would otherwise cost a write per exchange for a value
// people read to the day ("is this identity still used?"); with this, the
// last use shown is at most a minute old. The exchange already read the
// identity, so deciding costs nothing, and every exchange is in the audit
// trail to the millisecond.
const lastSeenGranularity = time.Minute

// assume checks the proof against the one identity the caller named.
func (s *Service) assume(ctx context.Context, proof, ref string, kinds []iam.IdentityKind, ev *iam.Event) (iam.Identity, authn.Result, error) {
	if !iam.ValidID(ref) {
		return iam.Identity{}, authn.Result{}, errs.Invalidf("identity", "%q is not an identity ID; IDs look like <40 hex>/<16 hex>", ref)
	}
	id, err := s.store.Identity(ctx, ref)
	if errs.Is(err, errs.NotFound) {
		return iam.Identity{}, authn.Result{}, errs.New(errs.NotFound, "identity %s does not exist", ref)
	}
	if err != nil {
		return iam.Identity{}, authn.Result{}, fmt.Errorf("load identity: %w", err)
	}
	ev.Group = id.Group()
	auth, ok := s.authn.For(id.Kind())
	if !ok || id.User != nil {
		return iam.Identity{}, authn.Result{}, errs.New(errs.PermissionDenied, "identity %s (%s) cannot be assumed by exchanging a token", id.Name, id.Kind())
	}
	if !slices.Contains(kinds, id.Kind()) {
		return iam.Identity{}, authn.Result{}, errs.New(errs.Unauthenticated, "identity %s expects a %s proof, but the bearer token is a %s", id.Name, proofName(id.Kind()), proofName(kinds[0]))
	}
	res, err := auth.Authenticate(ctx, proof, id)
	if err != nil {
		var refusal *authn.Refusal
		if errors.As(err, &refusal) {
			ev.Subject, ev.Detail = refusal.Subject, refusal.Detail
		}
		return iam.Identity{}, authn.Result{}, err
	}
	return id, res, nil
}

func proofName(k iam.IdentityKind) string {
	switch k {
	case iam.KindAWS:
		return "AWS (signed GetCallerIdentity)"
	case iam.KindClaimMatch, iam.KindStatic:
		return "OIDC token"
	}
	return string(k)
}

// audiences checks the requested audiences against those this server
// issues for: its own URL and the ones the operator configured.
func (s *Service) audiences(req []string) ([]string, error) {
	if len(req) == 0 {
		return []string{s.issuer}, nil
	}
	out := make([]string, 0, len(req))
	for _, a := range req {
		a = strings.TrimSpace(a)
		if a != s.issuer && !slices.Contains(s.extraAudiences, a) {
			return nil, errs.Invalidf("aud", "this server does not issue tokens for %q; ask for %s", a, s.issuer)
		}
		out = append(out, a)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func narrowCaps(in []string) ([]iam.Capability, error) {
	if len(in) == 0 {
		return nil, nil
	}
	var caps []iam.Capability
	for _, c := range in {
		for _, part := range strings.Split(c, ",") {
			if part = strings.TrimSpace(part); part != "" {
				caps = append(caps, iam.Capability(part))
			}
		}
	}
	return iam.NormalizeCapabilities("cap", caps)
}

func narrowScopes(in []string) ([]string, error) {
	if len(in) == 0 {
		return nil, nil
	}
	var out []string
	for _, sc := range in {
		for _, part := range strings.Split(sc, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			if !iam.ValidID(part) {
				return nil, errs.Invalidf("scopes", "%q is not a group ID", part)
			}
			out = append(out, part)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

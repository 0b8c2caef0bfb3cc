package oidc

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/go-jose/go-jose/v4"

	"latch.dev/latch/internal/errs"
)

// discover fetches iss's discovery document and then its key set.
func (v *Verifier) discover(ctx context.Context, iss string) ([]jose.JSONWebKey, error) {
	u, err := v.policy.check(iss)
	if err != nil {
		return nil, err
	}
	body, err := v.fetch.get(ctx, u.JoinPath(".well-known", "openid-configuration"), docDiscovery)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: %w", ErrDiscovery, err), "the discovery document of issuer %s is not JSON", iss)
	}
	// OpenID Connect Discovery §4.3: the document must name the issuer it
	// was fetched for. Without this, an issuer that serves another's
	// document (or a proxy in front of one) could borrow its name.
	if doc.Issuer != iss {
		return nil, errs.Wrap(errs.Unauthenticated, ErrDiscovery, "the discovery document fetched for issuer %s names issuer %q; latch trusts only a document that names the issuer it was fetched for", iss, doc.Issuer)
	}
	jwks, err := url.Parse(doc.JWKSURI)
	if err != nil || !jwks.IsAbs() || jwks.Host == "" || jwks.User != nil {
		return nil, errs.Wrap(errs.Unauthenticated, ErrDiscovery, "the discovery document of issuer %s has no valid jwks_uri", iss)
	}
	switch {
	case jwks.Scheme == "https":
	case jwks.Scheme == "http" && v.policy.insecureAllowed(iss) && strings.EqualFold(jwks.Host, u.Host):
		// The operator allowed this issuer over http; its keys may come
		// the same way from the same host, and from nowhere else.
	default:
		return nil, errs.Wrap(errs.Unauthenticated, ErrIssuerNotAllowed, "the discovery document of issuer %s points at keys over %s (%s), which latch does not fetch", iss, jwks.Scheme, jwks.Redacted())
	}
	body, err = v.fetch.get(ctx, jwks, docJWKS)
	if err != nil {
		return nil, err
	}
	keys, err := ParseJWKS(body)
	if err != nil {
		return nil, errs.Wrap(errs.Unauthenticated, err, "the key set of issuer %s holds no key latch can use", iss)
	}
	return keys, nil
}

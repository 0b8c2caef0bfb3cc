package oidc

import (
	"fmt"
	"net/url"
	"strings"

	"latch.dev/latch/internal/errs"
)

// issuerPolicy decides which issuers' documents the server fetches.
type issuerPolicy struct {
	// insecure are issuers the operator allowed over plain http, without
	// a trailing slash.
	insecure map[string]bool
}

func newIssuerPolicy(insecure []string) (issuerPolicy, error) {
	p := issuerPolicy{insecure: map[string]bool{}}
	for _, iss := range insecure {
		u, err := parseIssuer(iss)
		if err != nil {
			return p, fmt.Errorf("--oidc-insecure-issuer %q: %w", iss, err)
		}
		p.insecure[canonical(u.String())] = true
	}
	return p, nil
}

func canonical(iss string) string { return strings.TrimRight(iss, "/") }

// parseIssuer checks the shape of an issuer URL: http(s), a host, no
// user info, query or fragment (OpenID Connect Discovery §2).
func parseIssuer(iss string) (*url.URL, error) {
	u, err := url.Parse(iss)
	switch {
	case err != nil:
		return nil, err
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("the scheme is %q, not https", u.Scheme)
	case u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "":
		return nil, fmt.Errorf("an issuer is https://host[/path], without user, query or fragment")
	}
	return u, nil
}

// Allowed reports whether the server may fetch iss's keys: it is a clean
// https URL, or an http URL the operator listed. Plain http would let
// anyone on the network path swap the keys and mint tokens.
func (p issuerPolicy) check(iss string) (*url.URL, error) {
	u, err := parseIssuer(iss)
	if err != nil {
		return nil, errs.Wrap(errs.Unauthenticated, fmt.Errorf("%w: %w", ErrIssuerNotAllowed, err), "the token's issuer %q is not an issuer URL (https://host[/path])", iss)
	}
	if u.Scheme == "http" && !p.insecure[canonical(iss)] {
		return nil, errs.Wrap(errs.Unauthenticated, ErrIssuerNotAllowed, "the token's issuer %s uses plain http, which latch fetches only for issuers its operator allows with --oidc-insecure-issuer", iss)
	}
	return u, nil
}

// insecureAllowed reports whether iss is an operator-allowed http issuer.
func (p issuerPolicy) insecureAllowed(iss string) bool { return p.insecure[canonical(iss)] }

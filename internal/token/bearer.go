package token

import (
	"fmt"
	"net/http"
	"strings"

	"latch.dev/latch/internal/errs"
)

// MaxBearerBytes is the size of the largest bearer token BearerToken
// accepts. The largest credentials latch reads are upstream proofs: a
// base64 signed AWS request is about 2–3 KiB, OIDC tokens from CI systems
// and Kubernetes up to about 4 KiB.
const MaxBearerBytes = 16 << 10

// BearerToken returns the token of the request's Authorization header,
// strictly (RFC 6750 §2.1): exactly one header, the scheme "Bearer" in any
// case, one or more spaces, then a non-empty token68 (letters, digits and
// -._~+/, with trailing '=' padding), at most MaxBearerBytes long. Every
// failure is errs.Unauthenticated.
func BearerToken(h http.Header) (string, error) {
	const usage = "send the token as `Authorization: Bearer <token>`"
	values := h.Values("Authorization")
	switch len(values) {
	case 0:
		return "", errs.New(errs.Unauthenticated, "the request has no Authorization header; %s", usage)
	case 1:
	default:
		return "", errs.New(errs.Unauthenticated, "the request has %d Authorization headers; %s, once", len(values), usage)
	}
	v := values[0]
	scheme, rest, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", errs.New(errs.Unauthenticated, "the Authorization header is not a Bearer credential; %s", usage)
	}
	tok := strings.TrimLeft(rest, " ")
	switch {
	case tok == "":
		return "", errs.New(errs.Unauthenticated, "the Authorization header has an empty Bearer token; %s", usage)
	case len(tok) > MaxBearerBytes:
		return "", errs.New(errs.Unauthenticated, "the Bearer token is longer than %d bytes", MaxBearerBytes)
	}
	if i := invalidToken68(tok); i >= 0 {
		return "", errs.Wrap(errs.Unauthenticated, fmt.Errorf("byte %d of the token is %q", i, tok[i]),
			"the Bearer token contains a character that is not allowed (byte %d); %s", i, usage)
	}
	return tok, nil
}

// invalidToken68 returns the index of the first byte of s that breaks the
// token68 syntax, or -1.
func invalidToken68(s string) int {
	pad := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '=':
			pad = true
		case pad:
			return i // only '=' may follow '='
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == '+', c == '/':
		default:
			return i
		}
	}
	if s[0] == '=' {
		return 0
	}
	return -1
}

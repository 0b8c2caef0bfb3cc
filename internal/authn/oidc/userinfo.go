package oidc

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash"
	"net/http"
	"net/url"
	"strings"

	"latch.dev/latch/internal/authn"
	"latch.dev/latch/internal/errs"
	"latch.dev/latch/internal/iam"
)

// checkAccessTokenHash checks the ID token's at_hash against the access
// token (OpenID Connect Core §3.1.3.8), when the ID token has one: an
// access token from another login must not supply this user's profile.
func checkAccessTokenHash(t *Token, accessToken string) error {
	want, ok := t.Claims["at_hash"].(string)
	if !ok {
		return nil
	}
	var h hash.Hash
	switch {
	case strings.HasSuffix(t.Algorithm, "256"):
		h = sha256.New()
	case strings.HasSuffix(t.Algorithm, "384"):
		h = sha512.New384()
	default: // *512, and EdDSA (Ed25519 hashes with SHA-512)
		h = sha512.New()
	}
	h.Write([]byte(accessToken))
	sum := h.Sum(nil)
	got := base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return errs.New(errs.Unauthenticated, "the access token was not issued with this ID token (at_hash differs); log in again")
	}
	return nil
}

// userinfo reads the user's profile from the provider's userinfo
// endpoint with the access token, into out's Email, Username and Name. The
// answer must be about the ID token's subject (OpenID Connect Core
// §5.3.2).
func (l *Login) userinfo(ctx context.Context, accessToken string, out *authn.Login) error {
	iss, err := l.v.policy.check(l.cfg.Issuer)
	if err != nil {
		return err
	}
	body, err := l.v.fetch.get(ctx, iss.JoinPath(".well-known", "openid-configuration"), docDiscovery)
	if err != nil {
		return err
	}
	var doc struct {
		Userinfo string `json:"userinfo_endpoint"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.Userinfo == "" {
		return fmt.Errorf("%w: no userinfo_endpoint", ErrDiscovery)
	}
	u, err := url.Parse(doc.Userinfo)
	if err != nil || !u.IsAbs() {
		return fmt.Errorf("%w: userinfo_endpoint %q", ErrDiscovery, doc.Userinfo)
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && l.v.policy.insecureAllowed(l.cfg.Issuer) && strings.EqualFold(u.Host, iss.Host)) {
		return fmt.Errorf("%w: userinfo_endpoint %s is not https", ErrIssuerNotAllowed, u.Redacted())
	}
	ctx, cancel := context.WithTimeout(ctx, l.v.fetch.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Accept", "application/json")
	resp, err := l.v.fetch.client.Do(req)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrFetch, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%w: userinfo answered %s", ErrFetch, resp.Status)
	}
	var info map[string]any
	dec := json.NewDecoder(http.MaxBytesReader(nil, resp.Body, l.v.fetch.max))
	dec.UseNumber()
	if err := dec.Decode(&info); err != nil {
		return fmt.Errorf("%w: userinfo: %w", ErrFetch, err)
	}
	c := iam.TokenClaims(info)
	if sub, _ := c["sub"].(string); sub != out.Subject {
		return fmt.Errorf("userinfo is about subject %q, not %q", sub, out.Subject)
	}
	out.Username, out.Name = stringClaim(c, "preferred_username"), stringClaim(c, "name")
	if verified(c["email_verified"]) {
		out.Email = stringClaim(c, "email")
	}
	return nil
}
